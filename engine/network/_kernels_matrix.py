"""Numba kernel of the sparse cutoff matrix: one search per source, many sources per call.

Plain arrays in and out (see ``network/matrix.py`` for the validating wrapper); the searches
are ``_kernels_search``'s (Dinitz buckets or a heap, walking on past two-edge nodes).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._kernels_search import search, search_buffers


@njit(cache=True, nogil=True)
def matrix_rows(indptr, indices, weights, nxt, src_nodes, src_cost, cutoff, delta, n_buckets, n_entries, dist, done):
    """Cutoff searches for a chunk of sources, as CSR rows ``(row_ptr, cols, vals)``.

    ``src_nodes``/``src_cost`` are 2-D (rows, seeds): each row starts from its seeds (node,
    initial cost), node -1 marking an unused slot.  Rows search on Dinitz buckets of width
    ``delta`` in a ring of ``n_buckets`` with a pool of ``n_entries`` queue entries when
    ``delta > 0`` (``matrix.dinitz_plan``), else on a heap; ``nxt`` per arc: how a search
    walks on past the arc's head (``network.chains.continuation``; empty to queue every
    node).  ``dist``/``done``: the caller's all-inf / all-NaN work arrays (restored on
    return, so a search costs only what it reaches).  Columns within a row are in the order
    the search reached them; columns are in the graph's index type."""
    rows = src_nodes.shape[0]
    n = indptr.shape[0] - 1
    inv_delta = 1.0 / delta if delta > 0 else 0.0
    touched, hk, hv, head, ent_node, ent_next = search_buffers(n, indices.shape[0], src_nodes.shape[1], n_buckets,
                                                               n_entries)
    cols = np.empty(max(4096, 64 * rows), indices.dtype)
    vals = np.empty(cols.shape[0], np.float64)
    row_ptr = np.zeros(rows + 1, np.int64)
    out = 0
    for r in range(rows):
        nt = search(indptr, indices, weights, nxt, src_nodes[r], src_cost[r], cutoff, inv_delta, dist, done, touched,
                    hk, hv, head, ent_node, ent_next)
        if out + nt > cols.shape[0]:
            c2 = np.empty(max(cols.shape[0] * 2, out + nt), indices.dtype)
            v2 = np.empty(c2.shape[0], np.float64)
            c2[:out] = cols[:out]
            v2[:out] = vals[:out]
            cols = c2
            vals = v2
        for i in range(nt):
            u = touched[i]
            cols[out] = u
            vals[out] = dist[u]
            out += 1
            dist[u] = np.inf
            done[u] = np.nan
        row_ptr[r + 1] = out
    return row_ptr, cols[:out], vals[:out]
