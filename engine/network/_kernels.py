"""Numba shortest-path kernels on CSR arrays (no validation here: see ``network/paths.py``).

Every kernel takes plain arrays: ``indptr``/``indices`` (int32 or int64), ``weights``
(float64 for the heap path, int64 for the bucket path).  Sources carry an initial cost (so a
facility in the middle of an edge starts both end nodes with its partial offset) and a label
(the position in the caller's source list).

Labels are ordered lexicographically by ``(cost, label)``: among sources that reach a node at
exactly the same least cost, the lowest label wins.  A node whose label improves at an equal
cost (possible only through zero-weight edges) is queued again, so ties stay exact and
deterministic whatever the order of the queue.
"""
from __future__ import annotations

import numpy as np
from numba import njit

# ----------------------------------------------------------------------------- binary heap
# A heap of (key float64, label int64, node int64) kept in three growable arrays.  Stale
# entries are skipped on pop (lazy deletion), which is simpler and faster than decrease-key.


@njit(cache=True, nogil=True, inline="always")
def _less(ka, la, kb, lb):
    return ka < kb or (ka == kb and la < lb)


@njit(cache=True, nogil=True)
def _grow(hk, hl, hv):
    cap = hk.shape[0] * 2
    nk = np.empty(cap, np.float64)
    nl = np.empty(cap, np.int64)
    nv = np.empty(cap, np.int64)
    nk[: hk.shape[0]] = hk
    nl[: hl.shape[0]] = hl
    nv[: hv.shape[0]] = hv
    return nk, nl, nv


@njit(cache=True, nogil=True)
def _sift_up(hk, hl, hv, i):
    k = hk[i]
    lab = hl[i]
    v = hv[i]
    while i > 0:
        p = (i - 1) >> 1
        if _less(k, lab, hk[p], hl[p]):
            hk[i] = hk[p]
            hl[i] = hl[p]
            hv[i] = hv[p]
            i = p
        else:
            break
    hk[i] = k
    hl[i] = lab
    hv[i] = v


@njit(cache=True, nogil=True)
def _sift_down(hk, hl, hv, size):
    """Restore the heap after moving the last entry to the root."""
    k = hk[0]
    lab = hl[0]
    v = hv[0]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and _less(hk[c + 1], hl[c + 1], hk[c], hl[c]):
            c += 1
        if _less(hk[c], hl[c], k, lab):
            hk[i] = hk[c]
            hl[i] = hl[c]
            hv[i] = hv[c]
            i = c
        else:
            break
    hk[i] = k
    hl[i] = lab
    hv[i] = v


# ----------------------------------------------------------------------------- heap Dijkstra
# An indexed 4-ary heap keyed by (cost, label): each node is in the heap at most once
# (``pos[v]`` its slot, -1 when out), so the heap never exceeds n entries and a decrease is
# a sift-up in place, with no stale entries to pop.


@njit(cache=True, nogil=True, inline="always")
def _iup(hk, hl, hv, pos, i, k, lab, v):
    while i > 0:
        p = (i - 1) >> 2
        if _less(k, lab, hk[p], hl[p]):
            hk[i] = hk[p]
            hl[i] = hl[p]
            hv[i] = hv[p]
            pos[hv[i]] = i
            i = p
        else:
            break
    hk[i] = k
    hl[i] = lab
    hv[i] = v
    pos[v] = i


@njit(cache=True, nogil=True, inline="always")
def _ipop(hk, hl, hv, pos, size):
    """Remove the root (read it first) from a heap of ``size`` entries."""
    pos[hv[0]] = -1
    size -= 1
    if size == 0:
        return
    k = hk[size]
    lab = hl[size]
    v = hv[size]
    i = 0
    while True:
        c = 4 * i + 1
        if c >= size:
            break
        m = c
        e = min(c + 4, size)
        for j in range(c + 1, e):
            if _less(hk[j], hl[j], hk[m], hl[m]):
                m = j
        if _less(hk[m], hl[m], k, lab):
            hk[i] = hk[m]
            hl[i] = hl[m]
            hv[i] = hv[m]
            pos[hv[i]] = i
            i = m
        else:
            break
    hk[i] = k
    hl[i] = lab
    hv[i] = v
    pos[v] = i


@njit(cache=True, nogil=True)
def dijkstra_heap(indptr, indices, weights, src_nodes, src_cost, src_label, cutoff, cost, label):
    """Multi-source Dijkstra on an indexed 4-ary heap; fills ``cost``/``label`` in place.

    ``cost`` must be all +inf and ``label`` all -1 on entry.  Nodes beyond ``cutoff`` stay
    inf/-1.  Returns the number of settled nodes.
    """
    n = indptr.shape[0] - 1
    hk = np.empty(n, np.float64)
    hl = np.empty(n, np.int64)
    hv = np.empty(n, np.int64)
    pos = np.full(n, -1, np.int64)
    size = 0
    for i in range(src_nodes.shape[0]):
        v = src_nodes[i]
        c = src_cost[i]
        s = src_label[i]
        if c <= cutoff and _less(c, s, cost[v], label[v]):
            cost[v] = c
            label[v] = s
            if pos[v] >= 0:
                _iup(hk, hl, hv, pos, pos[v], c, s, v)
            else:
                _iup(hk, hl, hv, pos, size, c, s, v)
                size += 1
    settled = 0
    while size > 0:
        d = hk[0]
        s = hl[0]
        v = hv[0]
        _ipop(hk, hl, hv, pos, size)
        size -= 1
        settled += 1
        for e in range(indptr[v], indptr[v + 1]):
            nd = d + weights[e]
            if nd > cutoff:
                continue
            u = indices[e]
            if nd < cost[u] or (nd == cost[u] and s < label[u]):
                cost[u] = nd
                label[u] = s
                if pos[u] >= 0:
                    _iup(hk, hl, hv, pos, pos[u], nd, s, u)
                else:
                    _iup(hk, hl, hv, pos, size, nd, s, u)
                    size += 1
    return settled


# ----------------------------------------------------------------------------- bucket (Dial)


@njit(cache=True, nogil=True)
def dijkstra_bucket(indptr, indices, weights, maxw, src_nodes, src_cost, src_label, cutoff, cost, label):
    """Multi-source Dijkstra with Dial's circular bucket queue on whole-number costs.

    ``weights`` and ``src_cost`` are float64 holding whole numbers (checked by the caller),
    ``maxw`` their maximum, ``cutoff`` an int64.  Each node sits in at most one bucket
    (doubly linked lists), so memory is O(n) and a decrease is O(1); only the nodes reached
    are touched, so a small search on a big graph stays cheap.  ``cost`` (+inf) and
    ``label`` (-1) are filled in place.
    """
    n = indptr.shape[0] - 1
    nb = np.int64(maxw) + 1
    head = np.full(nb, -1, np.int64)
    nxt = np.empty(n, np.int64)
    prv = np.empty(n, np.int64)
    state = np.zeros(n, np.uint8)       # 0 not queued, 1 queued
    queued = 0
    start = np.iinfo(np.int64).max
    for i in range(src_nodes.shape[0]):
        v = src_nodes[i]
        c = np.int64(src_cost[i])
        s = src_label[i]
        if c > cutoff:
            continue
        fc = float(c)
        if fc < cost[v] or (fc == cost[v] and s < label[v]):
            if state[v] == 1:  # unlink from its bucket
                if prv[v] >= 0:
                    nxt[prv[v]] = nxt[v]
                else:
                    head[np.int64(cost[v]) % nb] = nxt[v]
                if nxt[v] >= 0:
                    prv[nxt[v]] = prv[v]
                queued -= 1
            cost[v] = fc
            label[v] = s
            b = c % nb
            prv[v] = -1
            nxt[v] = head[b]
            if head[b] >= 0:
                prv[head[b]] = v
            head[b] = v
            state[v] = 1
            queued += 1
            if c < start:
                start = c
    settled = 0
    d = start
    b = d % nb if queued > 0 else 0
    while queued > 0 and d <= cutoff:
        while head[b] >= 0:
            v = head[b]
            head[b] = nxt[v]
            if nxt[v] >= 0:
                prv[nxt[v]] = -1
            state[v] = 0
            queued -= 1
            settled += 1
            s = label[v]
            for e in range(indptr[v], indptr[v + 1]):
                nd = d + np.int64(weights[e])
                if nd > cutoff:
                    continue
                u = indices[e]
                fd = float(nd)
                if fd < cost[u] or (fd == cost[u] and s < label[u]):
                    if state[u] == 1:
                        if prv[u] >= 0:
                            nxt[prv[u]] = nxt[u]
                        else:
                            bo = b + (np.int64(cost[u]) - d)
                            if bo >= nb:
                                bo -= nb
                            head[bo] = nxt[u]
                        if nxt[u] >= 0:
                            prv[nxt[u]] = prv[u]
                        queued -= 1
                    cost[u] = fd
                    label[u] = s
                    bu = b + (nd - d)              # nd - d <= maxw < nb: no division
                    if bu >= nb:
                        bu -= nb
                    prv[u] = -1
                    nxt[u] = head[bu]
                    if head[bu] >= 0:
                        prv[head[bu]] = u
                    head[bu] = u
                    state[u] = 1
                    queued += 1
        d += 1
        b += 1
        if b == nb:
            b = 0
    return settled


# ----------------------------------------------------------------------------- validation


@njit(cache=True, nogil=True)
def csr_scan(indptr, indices, weights):
    """One pass over a CSR: ``(code, bad_position, min_w, max_w, integral)``.

    code 0 = fine, 1 = indptr decreasing, 2 = index out of range, 3 = NaN weight,
    4 = negative weight.
    """
    n = indptr.shape[0] - 1
    for i in range(n):
        if indptr[i + 1] < indptr[i]:
            return 1, i, 0.0, 0.0, False
    mn = np.inf
    mx = -np.inf
    integral = True
    for e in range(indices.shape[0]):
        j = indices[e]
        if j < 0 or j >= n:
            return 2, e, 0.0, 0.0, False
        w = weights[e]
        if w != w:
            return 3, e, 0.0, 0.0, False
        if w < 0:
            return 4, e, 0.0, 0.0, False
        if w < mn:
            mn = w
        if w > mx:
            mx = w
        if integral and w != np.floor(w):
            integral = False
    return 0, -1, mn, mx, integral


# ----------------------------------------------------------------------------- K nearest


@njit(cache=True, nogil=True)
def k_nearest_heap(indptr, indices, weights, src_nodes, src_cost, src_label, cutoff, kcost, klabel):
    """The K least-cost distinct labels per node (``kcost``/``klabel`` shaped (n, K)).

    A multi-label Dijkstra: a node is settled at most once per label and at most K times, in
    (cost, label) order, so row ``v`` lists its K nearest sources sorted by cost then label.
    ``kcost`` must be +inf and ``klabel`` -1 on entry.
    """
    n = indptr.shape[0] - 1
    K = kcost.shape[1]
    count = np.zeros(n, np.int64)
    cap = max(16, src_nodes.shape[0] * 2)
    hk = np.empty(cap, np.float64)
    hl = np.empty(cap, np.int64)
    hv = np.empty(cap, np.int64)
    size = 0
    for i in range(src_nodes.shape[0]):
        if src_cost[i] <= cutoff:
            if size == hk.shape[0]:
                hk, hl, hv = _grow(hk, hl, hv)
            hk[size] = src_cost[i]
            hl[size] = src_label[i]
            hv[size] = src_nodes[i]
            _sift_up(hk, hl, hv, size)
            size += 1
    while size > 0:
        d = hk[0]
        s = hl[0]
        v = hv[0]
        size -= 1
        if size > 0:
            hk[0] = hk[size]
            hl[0] = hl[size]
            hv[0] = hv[size]
            _sift_down(hk, hl, hv, size)
        c = count[v]
        if c >= K:
            continue
        seen = False
        for j in range(c):
            if klabel[v, j] == s:
                seen = True
                break
        if seen:
            continue
        kcost[v, c] = d
        klabel[v, c] = s
        count[v] = c + 1
        for e in range(indptr[v], indptr[v + 1]):
            nd = d + weights[e]
            if nd > cutoff:
                continue
            u = indices[e]
            cu = count[u]
            if cu >= K:
                continue
            dup = False
            for j in range(cu):
                if klabel[u, j] == s:
                    dup = True
                    break
            if dup:
                continue
            if size == hk.shape[0]:
                hk, hl, hv = _grow(hk, hl, hv)
            hk[size] = nd
            hl[size] = s
            hv[size] = u
            _sift_up(hk, hl, hv, size)
            size += 1
    return count


@njit(cache=True, nogil=True)
def k_nearest_targets(kcost, klabel, u, v, add_u, add_v, ok, same_start, same_label, same_cost, out_cost,
                      out_label):
    """The K least-cost distinct sources of each target point from the node fields of
    ``k_nearest_heap``: through node ``u[t]`` (+ ``add_u[t]``), node ``v[t]`` (+ ``add_v[t]``)
    or along its own edge (``same_*[same_start[t]:same_start[t+1]]``).

    Each target's candidates are sorted stably by (cost, label) in that order (u's, v's,
    own edge's); a source's first appearance is its cheapest way, the first K distinct
    sources are the answer: the rows a stable lexsort of all candidates would give.
    ``out_cost``/``out_label`` (D, K) must be +inf / -1 on entry.
    """
    D = u.shape[0]
    K = kcost.shape[1]
    cap = 2 * K
    for t in range(D):
        cap = max(cap, 2 * K + same_start[t + 1] - same_start[t])
    bc = np.empty(cap, np.float64)
    bl = np.empty(cap, np.int64)
    for t in range(D):
        if not ok[t]:
            continue
        n = 0
        for side in range(2):
            node = u[t] if side == 0 else v[t]
            add = add_u[t] if side == 0 else add_v[t]
            for j in range(K):
                lab = klabel[node, j]
                c = kcost[node, j] + add
                if lab >= 0 and c < np.inf:
                    n = _insert_stable(bc, bl, n, c, lab)
        for s in range(same_start[t], same_start[t + 1]):
            c = same_cost[s]
            if same_label[s] >= 0 and c < np.inf:
                n = _insert_stable(bc, bl, n, c, same_label[s])
        r = 0
        for i in range(n):
            if r == K:
                break
            dup = False
            for j in range(r):
                if out_label[t, j] == bl[i]:
                    dup = True
                    break
            if not dup:
                out_cost[t, r] = bc[i]
                out_label[t, r] = bl[i]
                r += 1


@njit(cache=True, nogil=True, inline="always")
def _insert_stable(bc, bl, n, c, lab):
    """Insert (c, lab) into the (cost, label)-sorted ``bc``/``bl[:n]`` after its equals."""
    i = n
    while i > 0 and (c < bc[i - 1] or (c == bc[i - 1] and lab < bl[i - 1])):
        bc[i] = bc[i - 1]
        bl[i] = bl[i - 1]
        i -= 1
    bc[i] = c
    bl[i] = lab
    return n + 1


# ----------------------------------------------------------------------------- Dinitz buckets
# Buckets of width delta <= the smallest edge weight: a relaxation always lands in a later
# bucket, so nodes of the current bucket are final and need no ordering among themselves.
# The kernels are written label-correcting (a node improved again is simply queued again),
# so exactness never depends on that property, only speed does: the fixpoint of
# ``dist[u] = min(dist[x] + w)`` is the same float64 value Dijkstra computes.


@njit(cache=True, nogil=True)
def dijkstra_dinitz(indptr, indices, weights, src_nodes, src_cost, src_label, cutoff, delta, nbk, pool_size,
                    cost, label):
    """Multi-source search on Dinitz buckets (width ``delta`` <= smallest weight, ring of
    ``nbk`` buckets), label-correcting on (cost, label) so ties stay lowest-label exact.

    Buckets are singly linked stacks in one entry pool; ``last[v]`` is v's newest entry, so
    older entries are skipped.  Returns 0; 1 when the pool (``pool_size`` entries) was too
    small (reset ``cost``/``label`` and retry with a bigger pool); 2 when a cost fell
    outside the ring (cannot happen when costs / delta < 2**52; the caller then falls back
    to the heap).
    """
    n = indptr.shape[0] - 1
    inv_delta = 1.0 / delta
    head = np.full(nbk, -1, np.int64)
    pnode = np.empty(pool_size, np.int64)
    pnext = np.empty(pool_size, np.int64)
    last = np.full(n, -1, np.int64)
    used = 0
    pending = 0
    cur = np.iinfo(np.int64).max
    for i in range(src_nodes.shape[0]):
        c = src_cost[i]
        if c <= cutoff:
            k = np.int64(c * inv_delta)
            if k < cur:
                cur = k
    for i in range(src_nodes.shape[0]):
        v = src_nodes[i]
        c = src_cost[i]
        s = src_label[i]
        if c <= cutoff and (c < cost[v] or (c == cost[v] and s < label[v])):
            cost[v] = c
            label[v] = s
            k = np.int64(c * inv_delta) - cur
            if k >= nbk or k < 0:
                return 2
            if used == pool_size:
                return 1
            b = (cur + k) % nbk
            pnode[used] = v
            pnext[used] = head[b]
            head[b] = used
            last[v] = used
            used += 1
            pending += 1
    b = cur % nbk if pending else 0
    while pending > 0:
        while head[b] >= 0:
            e0 = head[b]
            head[b] = pnext[e0]
            pending -= 1
            v = pnode[e0]
            if last[v] != e0:
                continue  # superseded by a newer entry
            last[v] = -1
            d = cost[v]
            s = label[v]
            for e in range(indptr[v], indptr[v + 1]):
                nd = d + weights[e]
                if nd > cutoff:
                    continue
                u = indices[e]
                if nd < cost[u] or (nd == cost[u] and s < label[u]):
                    cost[u] = nd
                    label[u] = s
                    k = np.int64(nd * inv_delta) - cur
                    if k < 0:
                        k = 0
                    if k >= nbk:
                        return 2
                    if used == pool_size:
                        return 1
                    bu = b + k
                    if bu >= nbk:
                        bu -= nbk
                    pnode[used] = u
                    pnext[used] = head[bu]
                    head[bu] = used
                    last[u] = used
                    used += 1
                    pending += 1
        cur += 1
        b += 1
        if b == nbk:
            b = 0
    return 0
