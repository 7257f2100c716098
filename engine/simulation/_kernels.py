"""Numba kernels of the simulation engines (plain arrays in, plain arrays out)."""
from __future__ import annotations

import numba as nb
import numpy as np


@nb.njit(cache=True)
def dispatch_kernel(arrival, atom, work, pref, mu, infinite):
    """Event loop of the hypercube model; returns per call (unit, start, wait).

    ``pref[j]`` is atom j's preference list padded with −1; unit −1 = lost call.  With
    ``infinite`` a call that finds every unit busy joins a FCFS queue and is taken by the
    next unit to finish.
    """
    n = arrival.shape[0]
    n_units = mu.shape[0]
    free_at = np.zeros(n_units)
    unit = np.full(n, -1, np.int64)
    start = np.full(n, np.nan)
    wait = np.zeros(n)
    queue = np.empty(n, np.int64)
    head = 0
    tail = 0
    for k in range(n + 1):
        t = arrival[k] if k < n else np.inf
        # hand queued calls to units that finished before this arrival (earliest first)
        while head < tail:
            u = 0
            for v in range(1, n_units):
                if free_at[v] < free_at[u]:
                    u = v
            if free_at[u] > t:
                break
            q = queue[head]
            head += 1
            unit[q] = u
            start[q] = free_at[u]
            wait[q] = free_at[u] - arrival[q]
            free_at[u] = start[q] + work[q] / mu[u]
        if k == n:
            break
        j = atom[k]
        for m in range(pref.shape[1]):
            u = pref[j, m]
            if u < 0:
                break
            if free_at[u] <= t:
                unit[k] = u
                start[k] = t
                free_at[u] = t + work[k] / mu[u]
                break
        if unit[k] < 0 and infinite:
            queue[tail] = k
            tail += 1
    return unit, start, wait
