"""Readable SimPy references of the emergency responders and the escalation centres; they draw nothing."""
from __future__ import annotations

import numpy as np
import simpy


class ResponderUnit:
    """A vehicle and crew: out (``busy``) until it is back at its station at ``until``."""

    def __init__(self, env: simpy.Environment):
        self.env, self.busy, self.until = env, False, 0.0

    def send(self, until: float):
        if self.busy:                  # already out: the new job starts when it is back
            self.until = until
            return
        self.busy, self.until = True, until
        self.env.process(self._back())

    def _back(self):
        while self.env.now < self.until:
            yield self.env.timeout(self.until - self.env.now)
        self.busy = False


def emergency_reference(order, call, unit, kind, scene, turnout, cand, drive, unit_start):
    """Same rule as ``_kernels_emergency.emergency_kernel``, as SimPy processes."""
    env = simpy.Environment()
    units = [ResponderUnit(env) for _ in range(int(unit_start[-1]))]
    n = len(order)
    station = np.full(n, -1, np.int64)
    arrival = np.full(n, np.nan)

    def choose(k: int):
        t, u, kd = env.now, unit[k], kind[k]
        best = None                    # (arrival, station, unit, drive)
        for c in range(cand.shape[2]):
            f = cand[u, kd, c]
            if f < 0:
                break
            dr = drive[u, kd, c]
            for v in range(unit_start[f], unit_start[f + 1]):
                if not units[v].busy:  # free at its station now: the nearest free unit goes
                    return t + turnout[k] + dr, f, v, dr
                a = units[v].until + turnout[k] + dr
                if best is None or a < best[0]:
                    best = (a, f, v, dr)
        return best

    def calls():
        for k in order:
            yield env.timeout(call[k] - env.now)
            pick = choose(int(k))
            if pick is None:
                continue
            a, f, v, dr = pick
            station[k], arrival[k] = f, a
            units[v].send(a + scene[k] + dr)

    env.process(calls())
    env.run()
    return station, arrival


def centre_queue_reference(order, arrive, centre, work, server_start):
    """Each centre is a ``simpy.Resource`` with one slot per desk; cases queue FCFS."""
    env = simpy.Environment()
    desks = [simpy.Resource(env, capacity=int(server_start[c + 1] - server_start[c]))
             for c in range(len(server_start) - 1)]
    start = np.full(len(arrive), np.nan)

    def case(k: int):
        with desks[centre[k]].request() as req:
            yield req
            start[k] = env.now
            yield env.timeout(work[k])

    def arrivals():
        for k in order:
            if centre[k] < 0:
                continue
            yield env.timeout(arrive[k] - env.now)
            env.process(case(int(k)))

    env.process(arrivals())
    env.run()
    return start
