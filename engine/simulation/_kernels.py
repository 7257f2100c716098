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


# --------------------------------------------------------------------------- closed-loop workflow
# error_model="numpy": no ZeroDivisionError checks in these hot paths (divisors are
# constants or validated periods); with them every call carried exception clean-up and
# the kernel ran 10–30× slower.
@nb.njit(cache=True, error_model="numpy")
def next_on_shift(x, start, length, mask, days):
    """Earliest time ≥ x at which a worker is on duty (``roster.py``: a daily window from
    ``start`` lasting ``length`` h on the days of bit ``mask``, period ``days``)."""
    y = x - start
    d = np.floor(y / 24.0)
    inside = y - 24.0 * d < length
    if mask == (1 << days) - 1:                 # on every day: no day arithmetic
        return x if inside else start + 24.0 * (d + 1.0)
    j = int(d - days * np.floor(d / days))      # day of the period (float ops: no integer division)
    if inside and (mask >> j) & 1:
        return x
    for i in range(1, days + 1):
        j += 1
        if j == days:
            j = 0
        if (mask >> j) & 1:
            return start + 24.0 * (d + i)
    return np.inf


@nb.njit(cache=True, error_model="numpy")
def _eligible(x, urgent, on_call, start, length, mask, days):
    if urgent and on_call:
        return x
    return next_on_shift(x, start, length, mask, days)


@nb.njit(cache=True, error_model="numpy")
def _advance(w, tau, free_at, uhead, utail, nhead, ntail, qlen, nxt, urg, travel_k, report, handle,
             shift_start, shift_len, day_mask, days, on_call, start, arrival, end, patrol):
    """Let worker w work through its queue up to time tau (urgent first, then FIFO)."""
    while qlen[w] > 0:
        if uhead[w] >= 0:
            k = uhead[w]
            td = _eligible(free_at[w], True, on_call, shift_start[w], shift_len[w], day_mask[w], days)
        else:
            k = nhead[w]
            td = next_on_shift(free_at[w], shift_start[w], shift_len[w], day_mask[w], days)
        if td > tau:
            return
        # pop k from its list
        if urg[k] == 0:
            uhead[w] = nxt[k]
            if uhead[w] < 0:
                utail[w] = -1
        else:
            nhead[w] = nxt[k]
            if nhead[w] < 0:
                ntail[w] = -1
        qlen[w] -= 1
        start[k] = td
        if patrol[k]:
            arrival[k] = report[k]
            end[k] = td + handle[k]
        else:
            arrival[k] = td + travel_k[k]
            end[k] = arrival[k] + handle[k]
        free_at[w] = end[k]


@nb.njit(cache=True, error_model="numpy")
def _push(w, k, urg, uhead, utail, nhead, ntail, qlen, nxt):
    nxt[k] = -1
    if urg[k] == 0:
        if utail[w] >= 0:
            nxt[utail[w]] = k
        else:
            uhead[w] = k
        utail[w] = k
    else:
        if ntail[w] >= 0:
            nxt[ntail[w]] = k
        else:
            nhead[w] = k
        ntail[w] = k
    qlen[w] += 1


@nb.njit(cache=True, error_model="numpy")
def workflow_kernel(order, dispatch, report, unit, grid, urg, patrol, finder, handle, travel,
                    gw_start, cand, shift_start, shift_len, day_mask, days, on_call, cap, policy):
    """Closed-loop dispatch of incidents to grid workers (conventions in ``workflow.py``).

    Incidents are taken in ``order`` (by dispatch time ``dispatch``); each worker's own
    timeline is advanced lazily, so no global event heap is needed.  ``travel[u, c]`` is the
    trip (h) from the base of candidate grid ``cand[grid, c]`` (c = 0: own grid) to unit u.
    Patrol incidents (``finder[k] ≥ 0``) go to their finder with no trip.  Returns per
    incident: worker, start (work begins), arrival (on scene), end (on-site work done).
    """
    n = order.shape[0]
    n_workers = shift_start.shape[0]
    free_at = np.zeros(n_workers)
    uhead = np.full(n_workers, -1, np.int64)
    utail = np.full(n_workers, -1, np.int64)
    nhead = np.full(n_workers, -1, np.int64)
    ntail = np.full(n_workers, -1, np.int64)
    qlen = np.zeros(n_workers, np.int64)
    nxt = np.full(n, -1, np.int64)
    worker = np.full(n, -1, np.int64)
    travel_k = np.zeros(n)
    start = np.full(n, np.nan)
    arrival = np.full(n, np.nan)
    end = np.full(n, np.nan)
    n_cand = cand.shape[1]
    for i in range(n):
        k = order[i]
        tau = dispatch[k]
        g = grid[k]
        u = unit[k]
        urgent = urg[k] == 0
        chosen = -1
        if finder[k] >= 0:
            chosen = finder[k]
            if qlen[chosen] > 0:             # skip the call when the queue is empty (most are)
                _advance(chosen, tau, free_at, uhead, utail, nhead, ntail, qlen, nxt, urg, travel_k, report,
                         handle, shift_start, shift_len, day_mask, days, on_call, start, arrival, end, patrol)
        else:
            best_open = 1 << 30
            best_time = np.inf
            fallback = -1
            fallback_open = 1 << 30
            for c in range(n_cand):
                gc = cand[g, c]
                if gc < 0:
                    continue
                if c > 0 and policy == 0 and chosen >= 0:
                    break                      # own grid first: an own worker was available
                for w in range(gw_start[gc], gw_start[gc + 1]):
                    if qlen[w] > 0:
                        _advance(w, tau, free_at, uhead, utail, nhead, ntail, qlen, nxt, urg, travel_k, report,
                                 handle, shift_start, shift_len, day_mask, days, on_call, start, arrival, end, patrol)
                    n_open = qlen[w] + (1 if free_at[w] > tau else 0)
                    if c == 0 and n_open < fallback_open:
                        fallback = w
                        fallback_open = n_open
                    if n_open >= cap:
                        continue
                    if not (urgent and on_call) and next_on_shift(tau, shift_start[w], shift_len[w], day_mask[w], days) > tau:
                        continue
                    if policy == 0 and c == 0:
                        if n_open < best_open:
                            chosen = w
                            best_open = n_open
                            travel_k[k] = travel[u, c]
                    elif travel[u, c] < best_time:
                        chosen = w
                        best_time = travel[u, c]
                        travel_k[k] = travel[u, c]
            if chosen < 0:
                chosen = fallback              # everyone busy or off duty: wait in the own grid
                travel_k[k] = travel[u, 0]
        if chosen < 0:
            continue
        worker[k] = chosen
        if free_at[chosen] < tau:
            free_at[chosen] = tau              # idle worker: its clock moves to now
        _push(chosen, k, urg, uhead, utail, nhead, ntail, qlen, nxt)
        if qlen[chosen] > 0:
            _advance(chosen, tau, free_at, uhead, utail, nhead, ntail, qlen, nxt, urg, travel_k, report,
                     handle, shift_start, shift_len, day_mask, days, on_call, start, arrival, end, patrol)
    for w in range(n_workers):
        if qlen[w] > 0:
            _advance(w, np.inf, free_at, uhead, utail, nhead, ntail, qlen, nxt, urg, travel_k, report,
                     handle, shift_start, shift_len, day_mask, days, on_call, start, arrival, end, patrol)
    return worker, start, arrival, end
