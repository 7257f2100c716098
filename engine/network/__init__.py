"""Network engine: road graph per travel mode, snapping, exact multi-source shortest paths.

Public API::

    multi_source(indptr, indices, weights, sources, cutoff=inf) -> (cost, nearest)
    k_nearest(indptr, indices, weights, sources, k, cutoff=inf) -> (cost[n, k], nearest[n, k])
    sparse_matrix(indptr, indices, weights, sources, cutoff=inf, threads=None) -> scipy CSR
    build_network(scenario, mode="walk") -> Network        (graph.py)
    snap_points(network, x, y, snap_max_m=inf) -> Snap  (snap.py)
    travel_times(network, from_xy, to_xy, cutoff=inf) -> float64 seconds (travel.py)

Kernels live in ``_kernels.py`` (multi-source and k-nearest searches), ``_kernels_search.py``
(the one-source cutoff searches that walk past two-edge nodes, ``chains.py``), used by
``_kernels_matrix.py`` (matrix rows) and ``_kernels_reach.py`` (reachable intervals), and
``_kernels_pairs.py`` (point pairs): Numba, cache=True, plain arrays.
"""
from __future__ import annotations

from .graph import Network, build_graph, build_network, roads_table
from .matrix import sparse_matrix
from .paths import k_nearest, multi_source
from .snap import Snap, snap_points
from .travel import snapped_times, travel_times

__all__ = ["multi_source", "k_nearest", "sparse_matrix", "Network", "build_graph", "build_network",
           "roads_table", "Snap", "snap_points", "travel_times", "snapped_times"]
