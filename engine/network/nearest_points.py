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
    i, j = same_edge_pairs(src, dst)          # grouped by target, sources ascending within
    same_cost = along(net, src, i, dst, j, weight) if i.size else np.zeros(0)
    same_start = np.searchsorted(j, np.arange(D + 1)).astype(np.int64)
    _kernels.k_nearest_targets(kc, kl, u, v, add_u, add_v, dst.ok, same_start, i.astype(np.int64), same_cost,
                               kc_out, kl_out)
    return kc_out, kl_out
