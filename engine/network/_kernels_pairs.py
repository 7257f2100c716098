"""Numba kernel of targeted searches: costs of given (source, target) pairs only.

One search per source that stops as soon as every node its targets need is settled, so a
source whose targets are nearby explores only a small disc of the network (never a whole
row of a dense matrix).  The node costs are the same float64 fixpoint Dijkstra computes
everywhere else in ``network``: ``dist[u] = min(dist[x] + w)``.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._kernels_search import _pop4, _push4


@njit(cache=True, nogil=True)
def pair_rows(indptr, indices, weights, seed_nodes, seed_cost, rows, pstart, tu, tv, add_u, add_v,
              dist, mark, hk, hv, touched, out):
    """Costs of the pairs of the sources ``rows`` (indices into ``seed_nodes``).

    Pairs of source ``s`` are ``pstart[s]:pstart[s + 1]``; a pair reaches its target through
    node ``tu`` (+ ``add_u``) or ``tv`` (+ ``add_v``), node -1 / inf meaning that way is closed.
    ``dist`` (+inf) and ``mark`` (0; ``s + 1`` marks a node the row needs, ``-(s + 1)`` a
    settled one) are work arrays of length n, restored before returning;
    ``hk``/``hv`` hold the lazy-deletion heap (one entry per relaxation: len ≥ edges + seeds),
    ``touched`` the nodes whose ``dist`` changed (len ≥ n).  Writes ``out[pair]``.
    """
    for r in range(rows.shape[0]):
        s = rows[r]
        tag = s + 1
        need = 0
        for p in range(pstart[s], pstart[s + 1]):
            a = tu[p]
            if a >= 0 and add_u[p] < np.inf and mark[a] != tag:
                mark[a] = tag
                need += 1
            b = tv[p]
            if b >= 0 and add_v[p] < np.inf and mark[b] != tag:
                mark[b] = tag
                need += 1
        nt = 0
        size = 0
        for j in range(seed_nodes.shape[1]):
            v = seed_nodes[s, j]
            c = seed_cost[s, j]
            if v >= 0 and c < dist[v]:
                if dist[v] == np.inf:
                    touched[nt] = v
                    nt += 1
                dist[v] = c
                _push4(hk, hv, size, c, v)
                size += 1
        while size > 0 and need > 0:
            d = hk[0]
            v = hv[0]
            _pop4(hk, hv, size)
            size -= 1
            if d > dist[v] or mark[v] == -tag:
                continue   # stale, or settled
            if mark[v] == tag:
                need -= 1
            mark[v] = -tag
            for e in range(indptr[v], indptr[v + 1]):
                nd = d + weights[e]
                u = indices[e]
                du = dist[u]
                if nd >= du or mark[u] == -tag:
                    continue
                if du == np.inf:
                    touched[nt] = u
                    nt += 1
                dist[u] = nd
                _push4(hk, hv, size, nd, u)
                size += 1
        for p in range(pstart[s], pstart[s + 1]):
            best = np.inf
            a = tu[p]
            if a >= 0 and mark[a] == -tag and add_u[p] < np.inf:
                best = dist[a] + add_u[p]
            b = tv[p]
            if b >= 0 and mark[b] == -tag and add_v[p] < np.inf:
                cb = dist[b] + add_v[p]
                if cb < best:
                    best = cb
            out[p] = best
        for p in range(pstart[s], pstart[s + 1]):   # needed nodes never reached
            if tu[p] >= 0:
                mark[tu[p]] = 0
            if tv[p] >= 0:
                mark[tv[p]] = 0
        for i in range(nt):
            dist[touched[i]] = np.inf
            mark[touched[i]] = 0
