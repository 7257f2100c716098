"""Readable SimPy reference models.  They draw no random numbers: every stream is given.

``dispatch_reference`` is the abstract hypercube model (units, preference lists, FCFS
queue); ``WorkflowModel`` is the closed-loop grid-governance workflow.  The Numba kernels
in ``_kernels.py`` must reproduce them call for call.
"""
from __future__ import annotations

from collections import deque

import math

import numpy as np
import simpy


def dispatch_reference(gap: np.ndarray, atom: np.ndarray, work: np.ndarray, pref: np.ndarray, mu: np.ndarray,
                       infinite: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hypercube dispatch as SimPy processes; returns per call (unit, start, wait)."""
    n = len(gap)
    env = simpy.Environment()
    busy = [False] * len(mu)
    waiting: deque[int] = deque()
    unit = np.full(n, -1, np.int64)
    start = np.full(n, np.nan)
    wait = np.zeros(n)
    arrived = np.zeros(n)

    def serve(u: int, k: int):
        """Unit u serves call k, then takes the head of the queue or becomes free."""
        while True:
            unit[k] = u
            start[k] = env.now
            wait[k] = env.now - arrived[k]
            yield env.timeout(work[k] / mu[u])
            if not waiting:
                busy[u] = False
                return
            k = waiting.popleft()

    def first_free(j: int) -> int:
        for u in pref[j]:
            if u < 0:
                break
            if not busy[u]:
                return int(u)
        return -1

    def calls():
        for k in range(n):
            yield env.timeout(gap[k])
            arrived[k] = env.now
            u = first_free(atom[k])
            if u >= 0:
                busy[u] = True
                env.process(serve(u, k))
            elif infinite:
                waiting.append(k)      # every unit is busy (lists are complete)

    env.process(calls())
    env.run()
    return unit, start, wait


# --------------------------------------------------------------------------- closed-loop workflow
def next_on_shift(x: float, start: float, length: float, mask: int, days: int) -> float:
    """Earliest time ≥ x at which the worker is on duty (same arithmetic as the kernel)."""
    y = x - start
    d = math.floor(y / 24.0)
    inside = y - 24.0 * d < length
    if inside and (mask >> (d % days)) & 1:
        return x
    for i in range(1, days + 1):
        if (mask >> ((d + i) % days)) & 1:
            return start + 24.0 * (d + i)
    return math.inf


class Worker:
    """A grid worker: two queues (urgent first, then FIFO), one case on site at a time."""

    def __init__(self, model: "WorkflowModel", index: int):
        r = model.inp.rosters
        self.m, self.index = model, index
        self.roster = (float(r.shift_start[index]), float(r.shift_len[index]), int(r.day_mask[index]), int(r.days))
        self.urgent: deque[int] = deque()
        self.normal: deque[int] = deque()
        self.busy = False
        self.wake = model.env.event()
        model.env.process(self.work())

    def open_cases(self) -> int:
        return len(self.urgent) + len(self.normal) + int(self.busy)

    def on_duty(self, urgent: bool) -> bool:
        m = self.m
        if urgent and m.on_call:
            return True
        return self.next_on(m.env.now) == m.env.now

    def next_on(self, x: float) -> float:
        return next_on_shift(x, *self.roster)

    def give(self, k: int) -> None:
        (self.urgent if self.m.inp.urg[k] == 0 else self.normal).append(k)
        if not self.wake.triggered:
            self.wake.succeed()

    def work(self):
        m, env = self.m, self.m.env
        while True:
            if self.urgent and self.on_duty(True):
                k = self.urgent.popleft()
            elif self.normal and not self.urgent and self.on_duty(False):
                k = self.normal.popleft()
            elif self.urgent or self.normal:      # only off-duty work queued: wait for the shift
                self.wake = env.event()
                shift = env.timeout(self.next_on(env.now) - env.now)
                yield shift | self.wake
                continue
            else:
                self.wake = env.event()
                yield self.wake
                continue
            self.busy = True
            m.start[k] = env.now
            if m.inp.finder[k] >= 0:             # found on patrol: the worker is already there
                m.arrival[k] = m.reported[k]
            else:
                yield env.timeout(m.travel_k[k])
                m.arrival[k] = env.now
            yield env.timeout(m.inp.handle[k])
            m.end[k] = env.now
            self.busy = False


class WorkflowModel:
    """Report → centre dispatch → worker travels and handles (escalation is added afterwards).

    ``inp`` is a ``workflow.WorkflowInputs``; the dispatch rule is the same as the kernel's:
    own grid first (fewest open cases among available own workers), else the nearest
    available worker of a neighbouring grid, else the queue of the least-loaded own worker;
    ``nearest_available`` takes the nearest available candidate outright.
    """

    def __init__(self, inp, progress=None):
        self.inp = inp
        self.progress = progress
        self.env = simpy.Environment()
        self.on_call = bool(inp.on_call)
        n = len(inp.report)
        self.worker = np.full(n, -1, np.int64)
        self.start = np.full(n, np.nan)
        self.arrival = np.full(n, np.nan)
        self.end = np.full(n, np.nan)
        self.reported = np.full(n, np.nan)
        self.travel_k = np.zeros(n)
        self.workers = [Worker(self, w) for w in range(inp.rosters.n_workers)]

    def run(self):
        self.env.process(self.source())
        self.env.run()
        return self.worker, self.start, self.arrival, self.end

    def source(self):
        """Incidents appear at their report times."""
        order = np.argsort(self.inp.report, kind="stable")
        step = max(1, order.size // 100)
        for i, k in enumerate(order):
            if self.progress is not None and i % step == 0:
                self.progress(i / order.size, f"SimPy: {i:,} of {order.size:,} incidents")
            yield self.env.timeout(self.inp.report[k] - self.env.now)
            self.reported[k] = self.env.now
            self.env.process(self.incident(int(k)))

    def incident(self, k: int):
        inp = self.inp
        if inp.finder[k] >= 0:
            self.assign(k, int(inp.finder[k]), 0.0)
            return
        yield self.env.timeout(inp.dispatch[k] - inp.report[k])     # centre registers + dispatches
        self.dispatch(k)

    def dispatch(self, k: int) -> None:
        inp = self.inp
        g, u, urgent = inp.grid[k], inp.unit[k], inp.urg[k] == 0
        chosen, chosen_travel = -1, 0.0
        best_open, best_time = 1 << 30, np.inf
        fallback, fallback_open = -1, 1 << 30
        for c, gc in enumerate(inp.cand[g]):
            if gc < 0:
                continue
            if c > 0 and inp.policy == 0 and chosen >= 0:
                break
            for w in range(inp.gw_start[gc], inp.gw_start[gc + 1]):
                wk = self.workers[w]
                n_open = wk.open_cases()
                if c == 0 and n_open < fallback_open:
                    fallback, fallback_open = w, n_open
                if n_open >= inp.cap or not wk.on_duty(urgent):
                    continue
                if inp.policy == 0 and c == 0:
                    if n_open < best_open:
                        chosen, best_open, chosen_travel = w, n_open, inp.travel[u, c]
                elif inp.travel[u, c] < best_time:
                    chosen, best_time, chosen_travel = w, inp.travel[u, c], inp.travel[u, c]
        if chosen < 0:
            chosen, chosen_travel = fallback, inp.travel[u, 0]
        if chosen >= 0:
            self.assign(k, chosen, chosen_travel)

    def assign(self, k: int, w: int, travel: float) -> None:
        self.worker[k] = w
        self.travel_k[k] = travel
        self.workers[w].give(k)
