"""Readable SimPy reference models.  They draw no random numbers: every stream is given.

``dispatch_reference`` is the abstract hypercube model (units, preference lists, FCFS
queue); ``WorkflowModel`` is the closed-loop grid-governance workflow.  The Numba kernels
in ``_kernels.py`` must reproduce them call for call.
"""
from __future__ import annotations

from collections import deque

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
