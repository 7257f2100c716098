"""Numba kernel of reachable edge intervals: per search row, which part of every reached edge
lies within each cost limit (no validation here: see ``circles/reach.py``).

Along edge ``u → v`` (length ``L``, full costs ``fwd``/``bwd``) the cost of position ``x`` is
the lowest of: ``c_u + x·fwd/L`` (in from the tail), ``c_v + (L − x)·bwd/L`` (in from the
head) and, on the source's own edge, ``(x − t)·fwd/L`` / ``(t − x)·bwd/L`` from its snap
offset ``t``.  Each is monotone, so within a limit ``T`` every way in gives one interval
(``x ≤ (T − c_u)·L/fwd``, ``x ≥ L − (T − c_v)·L/bwd``, ``[t − T·L/bwd, t + T·L/fwd]``) and the
reachable set is their union: at most three disjoint intervals per edge and limit.
"""
from __future__ import annotations

import numpy as np
from numba import njit

EPS = 1e-9   # intervals this short (metres) are dropped, as ``areas.edge_envelope`` does


@njit(cache=True, nogil=True, inline="always")
def _merge(lo, hi, n):
    """Sort ``n`` intervals in place by start and merge overlapping ones; returns the count."""
    for i in range(1, n):
        a, b = lo[i], hi[i]
        j = i - 1
        while j >= 0 and lo[j] > a:
            lo[j + 1] = lo[j]
            hi[j + 1] = hi[j]
            j -= 1
        lo[j + 1] = a
        hi[j + 1] = b
    m = 0
    for i in range(n):
        if hi[i] - lo[i] <= EPS:
            continue
        if m > 0 and lo[i] <= hi[m - 1] + EPS:
            if hi[i] > hi[m - 1]:
                hi[m - 1] = hi[i]
        else:
            lo[m] = lo[i]
            hi[m] = hi[i]
            m += 1
    return m


@njit(cache=True, nogil=True, inline="always")
def _within(L, fwd, bwd, cu, cv, t, T, lo, hi):
    """Reachable intervals of one edge within cost ``T`` (``t`` < 0: no source on the edge),
    merged into ``lo``/``hi``; returns their count."""
    n = 0
    if np.isfinite(fwd):
        if np.isfinite(cu) and cu <= T:
            lo[n] = 0.0
            hi[n] = min(L, (T - cu) * L / fwd) if fwd > 0 else L
            n += 1
        if t >= 0.0:
            lo[n] = t
            hi[n] = min(L, t + T * L / fwd) if fwd > 0 else L
            n += 1
    if np.isfinite(bwd):
        if np.isfinite(cv) and cv <= T:
            lo[n] = max(0.0, L - (T - cv) * L / bwd) if bwd > 0 else 0.0
            hi[n] = L
            n += 1
        if t >= 0.0:
            lo[n] = max(0.0, t - T * L / bwd) if bwd > 0 else 0.0
            hi[n] = t
            n += 1
    return _merge(lo, hi, n)


@njit(cache=True, nogil=True, inline="always")
def _subtract(alo, ahi, na, blo, bhi, nb, olo, ohi):
    """``A \\ B`` of two sorted disjoint interval lists into ``olo``/``ohi``; returns the count."""
    m = 0
    for i in range(na):
        cur = alo[i]
        for j in range(nb):
            if bhi[j] <= cur or blo[j] >= ahi[i]:
                continue
            if blo[j] - cur > EPS:
                olo[m] = cur
                ohi[m] = blo[j]
                m += 1
            cur = max(cur, bhi[j])
        if ahi[i] - cur > EPS:
            olo[m] = cur
            ohi[m] = ahi[i]
            m += 1
    return m


@njit(cache=True, nogil=True, inline="always")
def _edge(e, row, t, cost, eu, ev, length, fwd, bwd, limits, rings, lo, hi, plo, phi, olo, ohi, pos,
          o_row, o_edge, o_band, o_x0, o_x1):
    """Write the intervals of edge ``e`` for every limit from ``pos``; returns the new end."""
    L = length[e]
    if L <= 0.0:
        return pos
    prev_n = 0
    for b in range(limits.shape[0]):
        n = _within(L, fwd[e], bwd[e], cost[eu[e]], cost[ev[e]], t, limits[b], lo, hi)
        if rings:
            m = _subtract(lo, hi, n, plo, phi, prev_n, olo, ohi)
            for i in range(m):
                o_row[pos] = row
                o_edge[pos] = e
                o_band[pos] = b
                o_x0[pos] = olo[i]
                o_x1[pos] = ohi[i]
                pos += 1
            for i in range(n):
                plo[i] = lo[i]
                phi[i] = hi[i]
            prev_n = n
        else:
            for i in range(n):
                o_row[pos] = row
                o_edge[pos] = e
                o_band[pos] = b
                o_x0[pos] = lo[i]
                o_x1[pos] = hi[i]
                pos += 1
    return pos


@njit(cache=True, nogil=True)
def _grown(a, n):
    b = np.empty(n, a.dtype)
    b[:a.shape[0]] = a
    return b


@njit(cache=True, nogil=True)
def reach_rows(r_ptr, r_idx, r_cost, row_lo, row_hi, inc_ptr, inc_edge, eu, ev, length, fwd, bwd, own_edge,
               own_off, limits, rings, cost):
    """Intervals ``(row, edge, band, x0, x1)`` of search rows ``[row_lo, row_hi)``.

    ``r_ptr``/``r_idx``/``r_cost``: CSR of each row's reached nodes and costs (within the last
    limit); ``inc_ptr``/``inc_edge``: the edges incident to each node (a loop once);
    ``own_edge``/``own_off``: the edge and offset the row's source stands on (-1: none);
    ``limits``: increasing cost limits; ``rings``: band ``b`` holds only what limit ``b - 1``
    does not reach (else every band holds all it reaches); ``cost``: all-inf work array of the
    node count (restored on return).  One pass: the outputs grow before each row to its bound
    (three intervals per limit and touched edge)."""
    lo = np.empty(8)
    hi = np.empty(8)
    plo = np.empty(8)
    phi = np.empty(8)
    olo = np.empty(8)
    ohi = np.empty(8)
    cap = max(64, 2 * (r_ptr[row_hi] - r_ptr[row_lo]))
    o_row = np.empty(cap, np.int64)
    o_edge = np.empty(cap, np.int64)
    o_band = np.empty(cap, np.int64)
    o_x0 = np.empty(cap, np.float64)
    o_x1 = np.empty(cap, np.float64)
    nb = limits.shape[0]
    pos = 0
    for k in range(row_lo, row_hi):
        need = 1
        for p in range(r_ptr[k], r_ptr[k + 1]):
            need += inc_ptr[r_idx[p] + 1] - inc_ptr[r_idx[p]]
        need = pos + 3 * nb * need
        if need > cap:
            cap = max(need, 2 * cap)
            o_row, o_edge, o_band = _grown(o_row, cap), _grown(o_edge, cap), _grown(o_band, cap)
            o_x0, o_x1 = _grown(o_x0, cap), _grown(o_x1, cap)
        for p in range(r_ptr[k], r_ptr[k + 1]):
            cost[r_idx[p]] = r_cost[p]
        e0 = own_edge[k]
        for p in range(r_ptr[k], r_ptr[k + 1]):
            a = r_idx[p]
            for q in range(inc_ptr[a], inc_ptr[a + 1]):
                e = inc_edge[q]
                if e == e0:
                    continue
                # each edge once: from its tail, or from its head when the tail is unreached
                if a == eu[e] or not np.isfinite(cost[eu[e]]):
                    pos = _edge(e, k, -1.0, cost, eu, ev, length, fwd, bwd, limits, rings, lo, hi, plo, phi, olo,
                                ohi, pos, o_row, o_edge, o_band, o_x0, o_x1)
        if e0 >= 0:
            pos = _edge(e0, k, own_off[k], cost, eu, ev, length, fwd, bwd, limits, rings, lo, hi, plo, phi, olo,
                        ohi, pos, o_row, o_edge, o_band, o_x0, o_x1)
        for p in range(r_ptr[k], r_ptr[k + 1]):
            cost[r_idx[p]] = np.inf
    return o_row[:pos].copy(), o_edge[:pos].copy(), o_band[:pos].copy(), o_x0[:pos].copy(), o_x1[:pos].copy()
