"""Travel costs of given point pairs, without a source × target matrix.

``snapped_times`` fills a dense (sources, targets) matrix: right for service circles, wrong
for the simulation's worker trips, where each of 265,000 units needs only its few candidate
bases (a city has 25,000 bases: a 6.6 G-cell matrix).  ``pair_times`` runs one search per
distinct source that stops when the nodes of that source's targets are settled, in threads.
"""
from __future__ import annotations

import threading

import numpy as np

from . import _kernels_pairs
from .graph import Network
from .matrix import _pool, default_threads
from .snap import Snap, along, arrival_terms, out_seeds

_WORK = threading.local()


def _work(n: int, m: int):
    arrays = getattr(_WORK, "arrays", None)
    if arrays is None or arrays[0].shape[0] != n or arrays[2].shape[0] < m:
        arrays = _WORK.arrays = (np.full(n, np.inf), np.zeros(n, np.int64), np.empty(m, np.float64),
                                 np.empty(m, np.int64), np.empty(n, np.int64))
    return arrays


def pair_times(net: Network, src: Snap, dst: Snap, ps: np.ndarray, pt: np.ndarray, weight: str = "time",
               threads: int | None = None) -> np.ndarray:
    """Least cost from ``src[ps[k]]`` to ``dst[pt[k]]`` for every pair k, partial edges included.

    The same values as ``snapped_times(net, src, dst)[ps, pt]`` (inf when unsnapped or
    unreachable), at the cost of the searches the pairs need.
    """
    ps = np.asarray(ps, np.int64).ravel()
    pt = np.asarray(pt, np.int64).ravel()
    out = np.full(ps.size, np.inf)
    if ps.size == 0 or net.n_nodes == 0:
        return out
    indptr, indices, w = net.csr(weight)
    seed_nodes, seed_cost = out_seeds(net, src, weight)
    u, v, add_u, add_v = arrival_terms(net, dst, weight)
    ok = dst.ok[pt]
    add_u = np.where(ok, add_u[pt], np.inf)
    add_v = np.where(ok, add_v[pt], np.inf)
    tu = np.where(ok, u[pt], -1).astype(np.int64)
    tv = np.where(ok, v[pt], -1).astype(np.int64)
    order = np.argsort(ps, kind="stable")                 # pairs grouped by source
    pstart = np.searchsorted(ps[order], np.arange(len(src) + 1)).astype(np.int64)
    # sources in node order (neighbouring searches share cache lines), in chunks pulled by threads
    has = np.flatnonzero(np.diff(pstart) > 0)
    first = np.where(seed_nodes[has, 0] >= 0, seed_nodes[has, 0], seed_nodes[has, 1])
    has = has[np.argsort(first, kind="stable")]
    threads = threads or default_threads()
    chunks = np.array_split(has, min(has.size, max(1, threads) * 8)) if has.size else []
    res = np.full(ps.size, np.inf)
    n, m = int(net.n_nodes), int(indices.shape[0]) + 2 * len(src) + 2
    args = (indptr, indices, w, seed_nodes, seed_cost)
    tu_o, tv_o, au_o, av_o = tu[order], tv[order], add_u[order], add_v[order]

    def work(rows):
        dist, mark, hk, hv, touched = _work(n, m)
        _kernels_pairs.pair_rows(*args, rows.astype(np.int64), pstart, tu_o, tv_o, au_o, av_o, dist, mark,
                                 hk, hv, touched, res)

    if threads > 1 and len(chunks) > 1:
        list(_pool(threads).map(work, chunks))
    else:
        for c in chunks:
            work(c)
    out[order] = res
    same = (src.edge[ps] >= 0) & (src.edge[ps] == dst.edge[pt])   # both on one edge: the direct way
    if same.any():
        k = np.flatnonzero(same)
        out[k] = np.minimum(out[k], along(net, src, ps[k], dst, pt[k], weight))
    return out
