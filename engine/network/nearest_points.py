"""The k nearest source points of every target point, by network cost (partial edges included).

One multi-label search from all sources at once (``k_nearest_heap``) instead of a sources ×
targets matrix: a city's 265,000 units × 3,000 responder stations would be 800 M cells.
A target on edge u → v is reached through u (+ t/L of the forward cost) or v (+ the rest of
the backward cost), so its k nearest are among the k nearest of u and of v, plus sources on
its own edge (the direct way along it).
"""
from __future__ import annotations

import numpy as np

from . import _kernels
from .graph import Network
from .snap import Snap, along, arrival_terms, out_seeds, same_edge_pairs


def k_nearest_points(net: Network, src: Snap, dst: Snap, k: int, weight: str = "time"
                     ) -> tuple[np.ndarray, np.ndarray]:
    """``(cost[len(dst), k], source[len(dst), k])``: the k least-cost sources of each target.

    Rows are sorted by cost then source index (as a stable sort of the full
    ``snapped_times(net, src, dst)`` column would give); missing entries are inf / -1.
    """
    D = len(dst)
    kc_out = np.full((D, k), np.inf)
    kl_out = np.full((D, k), -1, np.int64)
    if D == 0 or len(src) == 0 or net.n_nodes == 0:
        return kc_out, kl_out
    indptr, indices, w = net.csr(weight)
    nodes, cost0 = out_seeds(net, src, weight)
    lab = np.repeat(np.arange(len(src), dtype=np.int64)[:, None], 2, axis=1)
    ok = nodes >= 0
    kc = np.full((net.n_nodes, k), np.inf)
    kl = np.full((net.n_nodes, k), -1, np.int64)
    if ok.any():
        _kernels.k_nearest_heap(indptr, indices, w, nodes[ok], cost0[ok], lab[ok], np.inf, kc, kl)
    u, v, add_u, add_v = arrival_terms(net, dst, weight)
    with np.errstate(invalid="ignore"):
        cu = kc[u] + add_u[:, None]
        cv = kc[v] + add_v[:, None]
    tgt = np.repeat(np.arange(D), 2 * k)
    lab_all = np.hstack([kl[u], kl[v]]).ravel()
    cost_all = np.hstack([cu, cv]).ravel()
    i, j = same_edge_pairs(src, dst)
    if i.size:
        tgt = np.concatenate([tgt, j])
        lab_all = np.concatenate([lab_all, i])
        cost_all = np.concatenate([cost_all, along(net, src, i, dst, j, weight)])
    keep = (lab_all >= 0) & (cost_all < np.inf) & dst.ok[tgt]
    tgt, lab_all, cost_all = tgt[keep], lab_all[keep], cost_all[keep]
    # the cheapest way to each (target, source), then per target by cost, ties to the lower source
    o = np.lexsort((cost_all, lab_all, tgt))
    tgt, lab_all, cost_all = tgt[o], lab_all[o], cost_all[o]
    first = np.r_[True, (tgt[1:] != tgt[:-1]) | (lab_all[1:] != lab_all[:-1])]
    tgt, lab_all, cost_all = tgt[first], lab_all[first], cost_all[first]
    o = np.lexsort((lab_all, cost_all, tgt))
    tgt, lab_all, cost_all = tgt[o], lab_all[o], cost_all[o]
    start = np.searchsorted(tgt, np.arange(D))
    rank = np.arange(tgt.size) - start[tgt]
    sel = rank < k
    kc_out[tgt[sel], rank[sel]] = cost_all[sel]
    kl_out[tgt[sel], rank[sel]] = lab_all[sel]
    return kc_out, kl_out
