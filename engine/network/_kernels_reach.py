"""Numba kernel of reachable edge intervals: per source, a cutoff search and then which part
of every reached edge lies within each cost limit (no validation here: see ``circles/reach.py``).

Along edge ``u → v`` (length ``L``, full costs ``fwd``/``bwd``) the cost of position ``x`` is
the lowest of: ``c_u + x·fwd/L`` (in from the tail), ``c_v + (L − x)·bwd/L`` (in from the
head) and, on the source's own edge, ``(x − t)·fwd/L`` / ``(t − x)·bwd/L`` from its snap
offset ``t``.  Each is monotone, so within a limit ``T`` every way in gives one interval
(``x ≤ (T − c_u)·L/fwd``, ``x ≥ L − (T − c_v)·L/bwd``, ``[t − T·L/bwd, t + T·L/fwd]``) and the
reachable set is their union: at most three disjoint intervals per edge and limit.

The search and the intervals of a source run back to back in one kernel: its costs never
leave the work array (no cost matrix in between).  The search walks on past two-edge nodes and
dead ends instead of queueing them (``network.chains``), with the same costs to the bit.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._kernels_search import search, search_buffers

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
def _put(e, b, x0, x1, L, pos, cpos, o_edge, o_band, bmask, c_row, c_x0, c_x1):
    """Write row ``pos`` (edge ``e``, band ``b`` at ``pos & bmask``); its offsets only when it
    is not the whole edge (``c_row``/``c_x0``/``c_x1`` from ``cpos``).  Returns ``(pos, cpos)``
    after it.
    Written at ``cpos`` always and kept by moving on: the branch around the stores made the
    kernel six times slower (Numba 0.68)."""
    o_edge[pos] = e
    o_band[pos & bmask] = b
    c_row[cpos] = pos
    c_x0[cpos] = x0
    c_x1[cpos] = x1
    if x0 != 0.0 or x1 != L:
        cpos += 1
    return pos + 1, cpos


@njit(cache=True, nogil=True, inline="always")
def _whole_from(c, T, f, L):
    """Whether the way in from an end of cost ``c`` covers the whole edge (length ``L`` > 0)
    within ``T``: ``_within``'s ``min(L, (T − c)·L/f) == L`` to the bit (``f`` the edge's
    full cost that way; ≤ 0: free, inf: not allowed)."""
    fs = f if f > 0.0 else 1.0
    return c <= T and (f <= 0.0 or (T - c) * L / fs >= L)


@njit(cache=True, nogil=True, inline="always")
def _edge(e, t, cost, eu, ev, length, fwd, bwd, limits, rings, lo, hi, plo, phi, olo, ohi, pos, cpos,
          o_edge, o_band, bmask, c_row, c_x0, c_x1):
    """Write the intervals of edge ``e`` for every limit from ``pos``/``cpos``; returns the new
    ends.  Also called for unreached edges (nothing written).  A row is stored before it is
    known to be kept: a whole edge (98% of a service area's rows) is then kept by moving on,
    and only parts of edges branch off: no branch on reached or not, which a search that
    reaches most of the edges mispredicts often."""
    L = length[e]
    if L <= 0.0:
        return pos, cpos
    prev_n = 0
    for b in range(limits.shape[0]):
        T = limits[b]
        cu = cost[eu[e]]
        cv = cost[ev[e]]
        f = fwd[e]
        g = bwd[e]
        whole = t < 0.0 and L > EPS and (_whole_from(cu, T, f, L) or _whole_from(cv, T, g, L))
        o_edge[pos] = e
        o_band[pos & bmask] = b
        if not rings:
            pos += whole
            if whole or (t < 0.0 and not (cu <= T or cv <= T)):
                continue
        if whole:                                       # what _within gives for it
            lo[0] = 0.0
            hi[0] = L
            n = 1
        else:
            n = _within(L, f, g, cu, cv, t, T, lo, hi)
        if rings:
            m = _subtract(lo, hi, n, plo, phi, prev_n, olo, ohi)
            for i in range(m):
                pos, cpos = _put(e, b, olo[i], ohi[i], L, pos, cpos, o_edge, o_band, bmask, c_row, c_x0, c_x1)
            for i in range(n):
                plo[i] = lo[i]
                phi[i] = hi[i]
            prev_n = n
        else:
            for i in range(n):
                pos, cpos = _put(e, b, lo[i], hi[i], L, pos, cpos, o_edge, o_band, bmask, c_row, c_x0, c_x1)
    return pos, cpos


@njit(cache=True, nogil=True)
def _flags(T, e0, cost, eu, ev, length, fwd, bwd, cu_b, cv_b, flag):
    """Per edge within ``T``: 2 reached whole, 1 reached in part, 0 not at all (edge ``e0``,
    the source's own, 0), as ``_edge`` decides it to the bit.  The end costs are gathered
    first and the test has no branches (``&``/``|``), so LLVM makes it SIMD (with the gather
    in the same loop it stayed scalar)."""
    m = eu.shape[0]
    for e in range(m):
        cu_b[e] = cost[eu[e]]
        cv_b[e] = cost[ev[e]]
    for e in range(m):
        L = length[e]
        cu = cu_b[e]
        cv = cv_b[e]
        f = fwd[e]
        g = bwd[e]
        fs = f if f > 0.0 else 1.0
        gs = g if g > 0.0 else 1.0
        inu = cu <= T
        inv = cv <= T
        whole = (L > EPS) & ((inu & ((f <= 0.0) | ((T - cu) * L / fs >= L)))
                             | (inv & ((g <= 0.0) | ((T - cv) * L / gs >= L))))
        flag[e] = np.int8(whole) + np.int8((inu | inv) & (L > 0.0))
    if e0 >= 0:
        flag[e0] = 0


@njit(cache=True, nogil=True, inline="always")
def _dense_band(b, T, e0, cost, eu, ev, length, fwd, bwd, cu_b, cv_b, flag, lo, hi, pos, cpos, o_edge, o_band,
                bmask, c_row, c_x0, c_x1):
    """Band ``b`` (limit ``T``, no rings) of a source that reached most of the network: the
    rows ``_edge`` writes for every edge but ``e0``, whole edges first, then the parts (rows
    of a source are in no particular order).  Three passes over the edges beat one that
    branches per edge: 0.067 -> 0.056 CPU s for the Helsinki benchmark's 800 x 1,200 m."""
    _flags(T, e0, cost, eu, ev, length, fwd, bwd, cu_b, cv_b, flag)
    m = eu.shape[0]
    for e in range(m):
        o_edge[pos] = e
        o_band[pos & bmask] = b
        pos += flag[e] >> 1
    for e in range(m):
        if flag[e] == 1:
            L = length[e]
            k = _within(L, fwd[e], bwd[e], cost[eu[e]], cost[ev[e]], -1.0, T, lo, hi)
            for i in range(k):
                pos, cpos = _put(e, b, lo[i], hi[i], L, pos, cpos, o_edge, o_band, bmask, c_row, c_x0, c_x1)
    return pos, cpos


@njit(cache=True, nogil=True)
def empty_rows(n, n_limits):
    """Uninitialised ``(edge, band)`` row arrays of length ``n`` (``band`` of length 1 for one
    limit: every row is band 0, and the kernel writes it only at ``pos & 0``), allocated here,
    not by numpy:
    numpy asks Linux for transparent huge pages for large arrays, and in a process whose
    memory is fragmented (after building polygons, say) those faults stall on compaction:
    0.13-0.39 s instead of 0.08 s for 800 service areas of 1,200 m."""
    return np.empty(n, np.int32), np.empty(n if n_limits > 1 else 1, np.int16)


@njit(cache=True, nogil=True)
def empty_cuts(n):
    """Uninitialised ``(row, x0, x1)`` arrays of length ``n`` for the rows that are only part
    of their edge (as ``empty_rows``)."""
    return np.empty(n, np.int64), np.empty(n, np.float64), np.empty(n, np.float64)


@njit(cache=True, nogil=True)
def row_bound(n_limits, n_incidences):
    """The most intervals one row can write: three per edge and limit."""
    return 3 * n_limits * (n_incidences + 1)


@njit(cache=True, nogil=True)
def search_reach_rows(indptr, indices, weights, nxt, seed_nodes, seed_cost, row_lo, row_hi, delta, n_buckets, n_entries,
                      inc_ptr, inc_edge, eu, ev, length, fwd, bwd, own_edge, own_off, limits, rings, dist, done,
                      count, o_edge, o_band, pos, c_row, c_x0, c_x1, cpos):
    """Reachable intervals of rows ``[row_lo, row_hi)`` written from ``pos`` into the caller's
    ``o_edge``/``o_band`` in row order, ``count[k]`` of them for row ``k``, and for those that
    are not a whole edge (a few per cent in a service area) their position and offsets from
    ``cpos`` into ``c_row``/``c_x0``/``c_x1``, while they fit: returns ``(next row, next pos,
    next cpos)``.  A row starts only with room for the most it can write (``3 × limits ×
    (incidences + 1)`` in both), so the caller grows the buffers and calls again from the
    returned row until it is ``row_hi`` (``empty_rows``/``empty_cuts`` make them).

    Row ``k`` is one cutoff search (within the last limit) on the CSR ``indptr``/``indices``/
    ``weights`` from its seeds ``seed_nodes[k]``/``seed_cost[k]`` (node -1: unused): on Dinitz
    buckets of width ``delta`` in a ring of ``n_buckets`` holding up to ``n_entries`` queue
    entries when ``delta > 0``, else (or when they overflow, which takes more than one pass
    over a node: float ties) on a heap; both leave Dijkstra's exact costs.  Then every edge
    touching a reached node gives its intervals per limit (``rings``: band ``b`` holds only
    what limit ``b - 1`` does not reach; else everything within limit ``b``); the source's own
    edge ``own_edge[k]`` (-1: none) also those from its offset ``own_off[k]``.
    ``nxt``: per arc, how the search goes on past its head (``network.chains.continuation``).
    ``inc_ptr``/``inc_edge``: the edges incident to each node (a loop once); ``dist``/``done``:
    all-inf / all-NaN work arrays of the node count (restored on return)."""
    lo = np.empty(8)
    hi = np.empty(8)
    plo = np.empty(8)
    phi = np.empty(8)
    olo = np.empty(8)
    ohi = np.empty(8)
    n = indptr.shape[0] - 1
    m = eu.shape[0]
    nb = limits.shape[0]
    cutoff = limits[nb - 1]
    touched, hk, hv, head, ent_node, ent_next = search_buffers(n, indices.shape[0], seed_nodes.shape[1], n_buckets,
                                                               n_entries)
    inv_delta = 1.0 / delta if delta > 0 else 0.0
    flag = np.empty(m, np.int8)
    cu_b = np.empty(m)
    cv_b = np.empty(m)
    bound = row_bound(nb, inc_edge.shape[0])
    cap = o_edge.shape[0]
    bmask = -1 if nb > 1 else 0          # one limit: no band column to fill (see empty_rows)
    ccap = c_row.shape[0]
    for k in range(row_lo, row_hi):
        if pos + bound > cap or cpos + bound > ccap:
            return k, pos, cpos
        nt = search(indptr, indices, weights, nxt, seed_nodes[k], seed_cost[k], cutoff, inv_delta, dist, done, touched,
                    hk, hv, head, ent_node, ent_next)
        start = pos
        e0 = own_edge[k]
        if not rings and 4 * nt * inc_edge.shape[0] > n * m:
            # an eighth of the nodes or more reached: per limit, one branch-free pass flags
            # every edge (whole, part, none), one writes the whole edges, one the parts
            # (Helsinki, 800 sources at 400-600 m: 10-15% faster than going by reached nodes)
            for b in range(nb):
                pos, cpos = _dense_band(b, limits[b], e0, dist, eu, ev, length, fwd, bwd, cu_b, cv_b, flag, lo, hi,
                                        pos, cpos, o_edge, o_band, bmask, c_row, c_x0, c_x1)
        elif 2 * nt * inc_edge.shape[0] > n * m:
            # rings, a quarter of the nodes or more reached: one sequential pass over the edges
            for e in range(m):
                if e != e0:
                    pos, cpos = _edge(e, -1.0, dist, eu, ev, length, fwd, bwd, limits, rings, lo, hi, plo, phi, olo,
                                      ohi, pos, cpos, o_edge, o_band, bmask, c_row, c_x0, c_x1)
        else:
            for p in range(nt):
                a = touched[p]
                for q in range(inc_ptr[a], inc_ptr[a + 1]):
                    e = inc_edge[q]
                    # each edge once: from its tail, or from its head when the tail is unreached
                    if e != e0 and (a == eu[e] or dist[eu[e]] == np.inf):
                        pos, cpos = _edge(e, -1.0, dist, eu, ev, length, fwd, bwd, limits, rings, lo, hi, plo, phi,
                                          olo, ohi, pos, cpos, o_edge, o_band, bmask, c_row, c_x0, c_x1)
        if e0 >= 0:
            pos, cpos = _edge(e0, own_off[k], dist, eu, ev, length, fwd, bwd, limits, rings, lo, hi, plo, phi, olo,
                              ohi, pos, cpos, o_edge, o_band, bmask, c_row, c_x0, c_x1)
        count[k] = pos - start
        for p in range(nt):
            dist[touched[p]] = np.inf
            done[touched[p]] = np.nan
    return row_hi, pos, cpos
