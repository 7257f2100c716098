"""Numba kernel of the emergency responders (conventions in ``emergency.py``)."""
from __future__ import annotations

import numba as nb
import numpy as np


@nb.njit(cache=True)
def emergency_kernel(order, call, unit, kind, scene, turnout, cand, drive, unit_start):
    """Per emergency (station, arrival): first free unit of the nearest stations, else the earliest arrival."""
    n = order.shape[0]
    free_at = np.zeros(unit_start[-1])          # when each responder unit is back at its station
    station = np.full(n, -1, np.int64)
    arrival = np.full(n, np.nan)
    for i in range(n):
        k = order[i]
        t = call[k]
        u = unit[k]
        kd = kind[k]
        best_f = -1
        best_v = -1
        best_arr = np.inf
        best_dr = 0.0
        for c in range(cand.shape[2]):
            f = cand[u, kd, c]
            if f < 0:
                break
            dr = drive[u, kd, c]
            found = False
            for v in range(unit_start[f], unit_start[f + 1]):
                if free_at[v] <= t:
                    best_f, best_v, best_arr, best_dr = f, v, t + turnout[k] + dr, dr
                    found = True
                    break
                a = free_at[v] + turnout[k] + dr
                if a < best_arr:
                    best_f, best_v, best_arr, best_dr = f, v, a, dr
            if found:
                break
        if best_v < 0:
            continue
        station[k] = best_f
        arrival[k] = best_arr
        free_at[best_v] = best_arr + scene[k] + best_dr
    return station, arrival
