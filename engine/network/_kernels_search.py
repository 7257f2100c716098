"""Numba cutoff searches shared by the matrix and reachable-interval kernels: one source (a
row of seeds) at a time, exact Dijkstra costs left in a work array, reset by the caller
through the list of touched nodes so a search costs only what it reaches.

Indices known to be valid are cast to unsigned where it counts: Numba then leaves out its
wraparound of negative indices on every access, 13% of a search's time.

Two queues: Dinitz buckets (O(1) operations; written label-correcting, so exactness never
depends on the width: ``matrix.bucket_width``) kept as linked lists over an
entry pool, and a 4-ary heap with lazy deletion as the fallback.  Both walk on past two-edge
nodes and dead ends instead of queueing them (``network.chains``: ``nxt`` per CSR arc; empty
to queue every node), with the same costs to the bit.
"""
from __future__ import annotations

import numpy as np
from numba import njit


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


@njit(cache=True, nogil=True, inline="always")
def _seed(seeds, seed_cost, cutoff, dist, touched, nt):
    """Lower ``dist`` at the row's seeds (within the cutoff); returns the touched count."""
    for j in range(seeds.shape[0]):
        v = seeds[j]
        c = seed_cost[j]
        if v < 0 or not c <= cutoff or not c < dist[v]:
            continue
        if dist[v] == np.inf:
            touched[nt] = v
            nt += 1
        dist[v] = c
    return nt


@njit(cache=True, nogil=True, inline="always")
def _relax(a, d, nxt, indices, weights, cutoff, dist, touched, nt):
    """Arc ``a`` out of a node of cost ``d``: lower its head's cost if that improves within
    the cutoff, and while the head is a two-edge node carry the cost on along ``nxt``
    (``network.chains``) as far as a settled search would, each step the same sum the queue
    would make.  Returns ``(node to queue or -1, touched count)``.  An empty ``nxt`` queues
    every head (a CSR without edges to tell two-edge nodes by)."""
    walk = nxt.shape[0] > 0
    while True:
        ua = np.uint64(a)
        d += weights[ua]
        if d > cutoff:
            return -1, nt
        u = indices[ua]
        du = dist[np.uint64(u)]
        if d >= du:
            return -1, nt
        if du == np.inf:
            touched[np.uint64(nt)] = u
            nt += 1
        dist[np.uint64(u)] = d
        a = nxt[ua] if walk else -1
        if a < 0:
            return (u if a == -1 else -1), nt


@njit(cache=True, nogil=True)
def _search_heap(indptr, indices, weights, nxt, seeds, seed_cost, cutoff, dist, touched, hk, hv):
    """Dijkstra within ``cutoff`` on a 4-ary heap with lazy deletion (``hk``/``hv`` hold
    seeds + arcs entries, enough: a node is pushed only when it improves and settles once).
    Leaves the final costs in ``dist``; returns the count of ``touched`` nodes."""
    nt = _seed(seeds, seed_cost, cutoff, dist, touched, 0)
    size = 0
    for p in range(nt):
        _push4(hk, hv, size, dist[touched[p]], touched[p])
        size += 1
    while size > 0:
        d = hk[0]
        v = hv[0]
        _pop4(hk, hv, size)
        size -= 1
        if d > dist[v]:
            continue                                    # stale entry
        for a in range(indptr[v], indptr[v + 1]):
            u, nt = _relax(a, d, nxt, indices, weights, cutoff, dist, touched, nt)
            if u >= 0:
                _push4(hk, hv, size, dist[u], u)
                size += 1
    return nt


@njit(cache=True, nogil=True)
def _search_dinitz(indptr, indices, weights, nxt, seeds, seed_cost, cutoff, inv_delta, dist, done, touched, head,
                   ent_node, ent_next):
    """The same search on Dinitz buckets (width ``1 / inv_delta``; label-correcting: a node
    lowered again within its bucket is processed again, so exactness never depends on it)
    kept as linked lists in ``head`` (a ring, all -1) over the entry pool ``ent_node``/
    ``ent_next``.  Returns the touched count, or -1 when the pool is full (``dist``/``done``
    then still dirty at the touched nodes: the caller cleans up)."""
    nbk = head.shape[0]
    cap = ent_node.shape[0]
    nt = _seed(seeds, seed_cost, cutoff, dist, touched, 0)
    if nt == 0:
        return 0
    cur = np.int64(dist[touched[0]] * inv_delta)
    for p in range(1, nt):
        cur = min(cur, np.int64(dist[touched[p]] * inv_delta))
    b = cur % nbk
    if nt > cap:
        return -1
    top = 0
    for p in range(nt):
        v = touched[p]
        bv = b + np.int64(dist[v] * inv_delta) - cur     # seeds lie within one ring (caller's nbk)
        if bv >= nbk:
            bv -= nbk
        ent_node[top] = v
        ent_next[top] = head[bv]
        head[bv] = top
        top += 1
    pending = top
    while pending > 0:
        while head[b] >= 0:
            i = np.uint64(head[b])
            head[b] = ent_next[i]
            pending -= 1
            v = np.uint64(ent_node[i])
            d = dist[v]
            if done[v] == d:
                continue                                # already processed at this cost
            done[v] = d
            for a in range(indptr[v], indptr[v + np.uint64(1)]):
                u, nt = _relax(a, d, nxt, indices, weights, cutoff, dist, touched, nt)
                if u < 0:
                    continue
                nd = dist[u]
                if top == cap:
                    for q in range(nbk):
                        head[q] = -1
                    return -1
                k = np.int64(nd * inv_delta) - cur
                bu = b + max(k, 0)
                if bu >= nbk:
                    bu -= nbk
                ent_node[np.uint64(top)] = u
                ent_next[np.uint64(top)] = head[np.uint64(bu)]
                head[np.uint64(bu)] = top
                top += 1
                pending += 1
        cur += 1
        b += 1
        if b == nbk:
            b = 0
    return nt


@njit(cache=True, nogil=True)
def search_buffers(n, n_arcs, n_seeds, n_buckets, n_entries):
    """Work buffers of ``_search_heap``/``_search_dinitz`` for a graph of ``n`` nodes and
    ``n_arcs`` arcs: ``(touched, hk, hv, head, ent_node, ent_next)``; the bucket ring
    ``head`` all -1 (the searches leave it so)."""
    touched = np.empty(n, np.int64)
    hk = np.empty(n_arcs + n_seeds + 1, np.float64)
    hv = np.empty(hk.shape[0], np.int64)
    head = np.full(max(n_buckets, 1), -1, np.int64)
    ent_node = np.empty(max(n_entries, 1), np.int64)
    ent_next = np.empty(ent_node.shape[0], np.int64)
    return touched, hk, hv, head, ent_node, ent_next


@njit(cache=True, nogil=True, inline="always")
def search(indptr, indices, weights, nxt, seeds, seed_cost, cutoff, inv_delta, dist, done, touched, hk, hv, head,
           ent_node, ent_next):
    """One cutoff search from ``seeds``/``seed_cost`` (node -1: unused): on Dinitz buckets
    when ``inv_delta > 0``, on the heap when not or when the bucket pool overflows (float
    ties).  Leaves the exact costs in ``dist`` (``done`` dirty too) at ``touched[:count]``;
    returns the count."""
    nt = -1
    if inv_delta > 0:
        nt = _search_dinitz(indptr, indices, weights, nxt, seeds, seed_cost, cutoff, inv_delta, dist, done, touched,
                            head, ent_node, ent_next)
        if nt < 0:                                      # pool full: clean up, redo on the heap
            for p in range(dist.shape[0]):
                dist[p] = np.inf
                done[p] = np.nan
    if nt < 0:
        nt = _search_heap(indptr, indices, weights, nxt, seeds, seed_cost, cutoff, dist, touched, hk, hv)
    return nt
