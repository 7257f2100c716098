"""Numba kernels of the sparse cutoff matrix: one search per source, many sources per call.

Plain arrays in and out (see ``network/matrix.py`` for the validating wrapper).  Two queues:
Dinitz buckets (width = smallest weight, O(1) operations) and a 4-ary heap fallback; both
reset their O(n) work arrays through the list of touched nodes, so a search costs only what
it reaches.
"""
from __future__ import annotations

import numpy as np
from numba import njit

# ----------------------------------------------------------------------------- sparse matrix
# Single-source searches need no labels: a 4-ary (key, node) heap with fixed-size buffers.
# A row that overflows a buffer is undone and rerun with doubled buffers, so the hot loop
# never reallocates (reassigned arrays cost Numba real speed).


@njit(cache=True, nogil=True, inline="always")
def _push4(hk, hv, size, k, v):
    i = size
    while i > 0:
        p = (i - 1) >> 2
        if k < hk[p]:
            hk[i] = hk[p]
            hv[i] = hv[p]
            i = p
        else:
            break
    hk[i] = k
    hv[i] = v


@njit(cache=True, nogil=True, inline="always")
def _pop4(hk, hv, size):
    """Drop the root of a 4-ary heap of ``size`` entries (read it first)."""
    size -= 1
    k = hk[size]
    v = hv[size]
    i = 0
    while True:
        c = 4 * i + 1
        if c >= size:
            break
        m = c
        mk = hk[c]
        e = min(c + 4, size)
        for j in range(c + 1, e):
            if hk[j] < mk:
                mk = hk[j]
                m = j
        if mk < k:
            hk[i] = mk
            hv[i] = hv[m]
            i = m
        else:
            break
    hk[i] = k
    hv[i] = v


@njit(cache=True, nogil=True)
def _row(indptr, indices, weights, seeds, seed_cost, cutoff, dist, touched, hk, hv, cols, vals, out):
    """One cutoff search; appends (node, cost) in settling order from ``out``.

    Returns ``(new_out, n_touched)``, or ``(-1, n_touched)`` when a buffer is too small
    (``dist`` is then still dirty at ``touched[:n_touched]``; the caller cleans it up).
    Settled nodes are marked by a negative ``dist`` (-1 - cost) until the row ends.
    """
    nt = 0
    size = 0
    cap_t = touched.shape[0]
    cap_h = hk.shape[0]
    cap_o = cols.shape[0]
    for j in range(seeds.shape[0]):
        v = seeds[j]
        if v < 0:
            continue
        c = seed_cost[j]
        if c <= cutoff and c < dist[v]:
            if dist[v] == np.inf:
                if nt == cap_t:
                    return -1, nt
                touched[nt] = v
                nt += 1
            if size == cap_h:
                return -1, nt
            dist[v] = c
            _push4(hk, hv, size, c, v)
            size += 1
    while size > 0:
        d = hk[0]
        v = hv[0]
        _pop4(hk, hv, size)
        size -= 1
        if d > dist[v]:
            continue  # stale (or settled: negative)
        if out == cap_o:
            return -1, nt
        cols[out] = v
        vals[out] = d
        out += 1
        dist[v] = -1.0 - d
        for e in range(indptr[v], indptr[v + 1]):
            nd = d + weights[e]
            if nd > cutoff:
                continue
            u = indices[e]
            du = dist[u]
            if du < 0 or nd >= du:
                continue
            if du == np.inf:
                if nt == cap_t:
                    return -1, nt
                touched[nt] = u
                nt += 1
            if size == cap_h:
                return -1, nt
            dist[u] = nd
            _push4(hk, hv, size, nd, u)
            size += 1
    return out, nt


@njit(cache=True, nogil=True)
def matrix_rows(indptr, indices, weights, src_nodes, src_cost, cutoff, dist):
    """Cutoff single-source searches for a chunk of sources, as CSR rows.

    ``src_nodes`` / ``src_cost`` are 2-D (rows, seeds): each row starts from its seeds (node,
    initial cost), node -1 marking an unused slot.  ``dist`` (float64[n], all +inf) is the
    caller's work array, reset through the touched nodes after each row (so it is all +inf
    again on return and a search costs only what it reaches, not O(n) as a dense row would).
    Returns ``(row_ptr, cols, vals)``; columns within a row are in settling order (by cost).
    """
    rows = src_nodes.shape[0]
    touched = np.empty(4096, indices.dtype)       # node ids in the graph's own index type
    hk = np.empty(4096, np.float64)
    hv = np.empty(4096, indices.dtype)
    cols = np.empty(max(4096, 64 * rows), indices.dtype)
    vals = np.empty(cols.shape[0], np.float64)
    row_ptr = np.zeros(rows + 1, np.int64)
    out = 0
    r = 0
    while r < rows:
        new, nt = _row(indptr, indices, weights, src_nodes[r], src_cost[r], cutoff, dist, touched, hk, hv,
                       cols, vals, out)
        for i in range(nt):
            dist[touched[i]] = np.inf
        if new < 0:  # grow every buffer and redo the row
            touched = np.empty(touched.shape[0] * 2, indices.dtype)
            hk = np.empty(hk.shape[0] * 2, np.float64)
            hv = np.empty(hv.shape[0] * 2, indices.dtype)
            c2 = np.empty(cols.shape[0] * 2, indices.dtype)
            v2 = np.empty(cols.shape[0] * 2, np.float64)
            c2[:out] = cols[:out]
            v2[:out] = vals[:out]
            cols = c2
            vals = v2
            continue
        out = new
        row_ptr[r + 1] = out
        r += 1
    return row_ptr, cols[:out], vals[:out]


# ----------------------------------------------------------------------------- Dinitz rows
# Buckets of width delta <= the smallest edge weight: a relaxation always lands in a later
# bucket, so nodes of the current bucket are final and need no ordering among themselves.
# The kernel is written label-correcting (a node improved again is simply queued again),
# so exactness never depends on that property, only speed does: the fixpoint of
# ``dist[u] = min(dist[x] + w)`` is the same float64 value Dijkstra computes.


@njit(cache=True, nogil=True)
def _row_dinitz(indptr, indices, weights, seeds, seed_cost, cutoff, inv_delta, dist, done, touched, bnode, bcnt):
    """One cutoff search with Dinitz buckets; returns n_touched, or -1 - n_touched when a
    buffer is full (``dist``/``done`` stay dirty at ``touched``; the caller cleans up)."""
    nbk = bnode.shape[0]
    cap = bnode.shape[1]
    cap_t = touched.shape[0]
    nt = 0
    pending = 0
    cur = np.iinfo(np.int64).max
    for j in range(seeds.shape[0]):
        v = seeds[j]
        if v < 0:
            continue
        c = seed_cost[j]
        if c <= cutoff and c < dist[v]:
            if dist[v] == np.inf:
                if nt == cap_t:
                    return -1 - nt
                touched[nt] = v
                nt += 1
            dist[v] = c
            k = np.int64(c * inv_delta)
            if k < cur:
                cur = k
    # seeds may spread over more buckets than the ring holds: queue them relative to cur
    for i in range(nt):
        v = touched[i]
        k = np.int64(dist[v] * inv_delta)
        if k - cur >= nbk:
            return -1 - nt
        b = k % nbk
        if bcnt[b] == cap:
            return -1 - nt
        bnode[b, bcnt[b]] = v
        bcnt[b] += 1
        pending += 1
    b = cur % nbk if pending else 0
    while pending > 0:
        while bcnt[b] > 0:
            bcnt[b] -= 1
            v = bnode[b, bcnt[b]]
            pending -= 1
            d = dist[v]
            if done[v] == d:
                continue  # already processed at this value
            done[v] = d
            for e in range(indptr[v], indptr[v + 1]):
                nd = d + weights[e]
                if nd > cutoff:
                    continue
                u = indices[e]
                du = dist[u]
                if nd >= du:
                    continue
                if du == np.inf:
                    if nt == cap_t:
                        return -1 - nt
                    touched[nt] = u
                    nt += 1
                dist[u] = nd
                k = np.int64(nd * inv_delta) - cur
                if k < 0:
                    k = 0
                if k >= nbk:
                    return -1 - nt
                bu = b + k
                if bu >= nbk:
                    bu -= nbk
                if bcnt[bu] == cap:
                    return -1 - nt
                bnode[bu, bcnt[bu]] = u
                bcnt[bu] += 1
                pending += 1
        cur += 1
        b += 1
        if b == nbk:
            b = 0
    return nt


@njit(cache=True, nogil=True)
def matrix_rows_dinitz(indptr, indices, weights, src_nodes, src_cost, cutoff, delta, nbk, dist, done):
    """``matrix_rows`` on Dinitz buckets of width ``delta`` (> 0, <= smallest weight) in a
    ring of ``nbk`` (>= largest weight / delta + 2) buckets.  Same contract as
    ``matrix_rows`` (``done`` is a second work array, all NaN, restored on return), except
    that columns within a row are in discovery order."""
    rows = src_nodes.shape[0]
    inv_delta = 1.0 / delta
    touched = np.empty(4096, indices.dtype)
    cap = 256
    bnode = np.empty((nbk, cap), indices.dtype)
    bcnt = np.zeros(nbk, np.int64)
    cols = np.empty(max(4096, 64 * rows), indices.dtype)
    vals = np.empty(cols.shape[0], np.float64)
    row_ptr = np.zeros(rows + 1, np.int64)
    out = 0
    r = 0
    retries = 0
    while r < rows:
        res = _row_dinitz(indptr, indices, weights, src_nodes[r], src_cost[r], cutoff, inv_delta, dist, done,
                          touched, bnode, bcnt)
        nt = res if res >= 0 else -1 - res
        bcnt[:] = 0
        if res >= 0 and out + nt > cols.shape[0]:
            c2 = np.empty(max(cols.shape[0] * 2, out + nt), indices.dtype)
            v2 = np.empty(c2.shape[0], np.float64)
            c2[:out] = cols[:out]
            v2[:out] = vals[:out]
            cols = c2
            vals = v2
        if res >= 0:
            for i in range(nt):
                u = touched[i]
                cols[out] = u
                vals[out] = dist[u]
                out += 1
        for i in range(nt):
            u = touched[i]
            dist[u] = np.inf
            done[u] = np.nan
        if res < 0:  # a buffer was full: grow and redo the row
            retries += 1
            if retries > 40:  # cannot happen when costs / delta < 2**52 (checked by the caller)
                raise RuntimeError("matrix_rows_dinitz: bucket ring overflow")
            touched = np.empty(touched.shape[0] * 2, indices.dtype)
            cap *= 2
            bnode = np.empty((nbk, cap), indices.dtype)
            continue
        row_ptr[r + 1] = out
        r += 1
        retries = 0
    return row_ptr, cols[:out], vals[:out]
