"""Per-facility reachable road segments for many facilities at once.

One cutoff search per facility (``network.matrix.seeded_rows``: threaded Numba rows, each
seeded at the facility's partial-edge offsets) and one Numba pass over every (facility,
reached edge) pair (``network._kernels_reach``) give, for each band limit, the exact
sub-intervals of every edge the facility reaches within it: the same intervals as
``areas.edge_envelope`` + ``areas.split_bands`` for a single source, one-way edges respected.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network import _kernels_reach
from ..network.graph import Network
from ..network.matrix import _pool, _work_arrays, default_threads, seeded_rows
from ..network.snap import Snap, edge_costs, out_seeds


@dataclass
class Reach:
    """Reachable intervals, one row each: ``source`` (position in the facility rows given),
    ``edge``, ``band`` (limit index), ``x0 < x1`` metres from the edge's digitised start."""

    source: np.ndarray
    edge: np.ndarray
    band: np.ndarray
    x0: np.ndarray
    x1: np.ndarray

    def __len__(self) -> int:
        return int(self.edge.shape[0])


def incidence(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """``(ptr, edge)``: the edges touching each node (``edge[ptr[v]:ptr[v+1]]``; a loop once),
    cached on the network."""
    cache = net.__dict__.setdefault("_reach_cache", {})
    if "incidence" not in cache:
        m = net.n_edges
        e = np.r_[np.arange(m), np.flatnonzero(net.edge_u != net.edge_v)]
        node = np.r_[net.edge_u, net.edge_v[e[m:]]]
        order = np.lexsort((e, node))
        ptr = np.searchsorted(node[order], np.arange(net.n_nodes + 1))
        cache["incidence"] = (ptr.astype(np.int64), e[order].astype(np.int64))
    return cache["incidence"]


def reachable(net: Network, snap: Snap, limits, weight: str = "time", rings: bool = False,
              threads: int | None = None) -> Reach:
    """Exact reachable sub-intervals of the edges within each of ``limits`` (increasing costs:
    seconds for ``weight="time"``, metres for ``"length"``) from every snapped point of
    ``snap`` separately.  Unsnapped points reach nothing.  With ``rings`` band ``b`` holds
    only what limit ``b - 1`` does not reach; else each band holds everything within its limit
    (band ``len(limits) - 1`` = the whole service area, as QGIS's service area lines)."""
    limits = np.ascontiguousarray(limits, dtype=np.float64)
    if limits.ndim != 1 or limits.size == 0 or np.any(np.diff(limits) <= 0) or not limits[0] >= 0:
        raise ValueError(f"limits must be increasing non-negative costs (got {limits.tolist()})")
    k = len(snap)
    empty = Reach(*(np.zeros(0, np.int64),) * 3, np.zeros(0), np.zeros(0))
    if k == 0 or net.n_edges == 0:
        return empty
    nodes, cost0 = out_seeds(net, snap, weight)
    indptr, indices, w = net.csr(weight)
    rows = seeded_rows(indptr, indices, w, nodes, cost0, float(limits[-1]), threads)
    fwd, bwd = edge_costs(net, weight)
    inc_ptr, inc_edge = incidence(net)
    own_edge = np.ascontiguousarray(snap.edge, dtype=np.int64)
    own_off = np.ascontiguousarray(np.where(snap.ok, snap.offset, -1.0), dtype=np.float64)
    threads = threads or default_threads()
    nchunks = min(k, max(1, threads) * 4)
    bounds = np.linspace(0, k, nchunks + 1).astype(np.int64)
    args = (rows.indptr.astype(np.int64), rows.indices.astype(np.int64), rows.data)

    def work(i: int):
        cost = _work_arrays(net.n_nodes)[0]
        return _kernels_reach.reach_rows(*args, bounds[i], bounds[i + 1], inc_ptr, inc_edge, net.edge_u, net.edge_v,
                                         net.edge_length, fwd, bwd, own_edge, own_off, limits, rings, cost)

    parts = list(_pool(threads).map(work, range(nchunks))) if threads > 1 and nchunks > 1 \
        else [work(i) for i in range(nchunks)]
    return Reach(*(np.concatenate([p[j] for p in parts]) for j in range(5)))
