"""Numba kernels of the emergency responders (``emergency.py``) and the escalation centres (``escalation.py``)."""
from __future__ import annotations

import numba as nb
import numpy as np


@nb.njit(cache=True, error_model="numpy")
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


@nb.njit(cache=True, error_model="numpy")
def centre_queue_kernel(order, arrive, centre, work, server_start):
    """FCFS multi-desk queue per centre: each case (in arrival ``order``) takes the desk free first.

    Returns the start of service of each case (NaN where ``centre`` < 0).
    """
    n = order.shape[0]
    free_at = np.zeros(server_start[-1])
    start = np.full(n, np.nan)
    for i in range(n):
        k = order[i]
        c = centre[k]
        if c < 0:
            continue
        v = server_start[c]
        for d in range(server_start[c] + 1, server_start[c + 1]):
            if free_at[d] < free_at[v]:
                v = d
        s = max(arrive[k], free_at[v])
        start[k] = s
        free_at[v] = s + work[k]
    return start


@nb.njit(cache=True, nogil=True)
def nearest_point_kernel(px, py, qx, qy, out):
    """``out[i] = np.argmin(np.hypot(px[i] - qx, py[i] - qy))``, bit for bit (the first least
    distance, the first NaN if any), without the (P, Q) matrix.  ``hypot`` is the C library's
    (as NumPy's); the cheap squared distance only skips points that cannot reach the best
    one (its rounding is far inside the 1e-9 margin)."""
    for i in range(px.shape[0]):
        best = 0
        bd = np.hypot(px[i] - qx[0], py[i] - qy[0])
        if not np.isnan(bd):
            for j in range(1, qx.shape[0]):
                dx = px[i] - qx[j]
                dy = py[i] - qy[j]
                if dx * dx + dy * dy > bd * bd * (1.0 + 1e-9):
                    continue
                d = np.hypot(dx, dy)
                if np.isnan(d):
                    best = j
                    break
                if d < bd:
                    bd = d
                    best = j
        out[i] = best
