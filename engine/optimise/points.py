"""Districting of plain weighted points on given adjacency edges (the import's grid drawer).

``partition_points`` has the signature of ``engine.ingest.grids.draw_partition`` (points,
weights, group per point, target/min/max, undirected edges) and returns a part label per point,
unique across groups, parts never crossing a group.  Norms are soft here, as the import needs:
a piece that no whole number of parts can hold within them gets the nearest count, and the
annealing's penalty pulls every part as close to the norms as the units allow.
"""
from __future__ import annotations

import numpy as np

from .adjacency import UnitGraph, _voronoi_pairs
from .districting import partition


def graph_from_edges(xy, edges) -> UnitGraph:
    """Symmetric CSR of undirected ``edges`` (m, 2); an edge weighs the length of the two points'
    shared Voronoi edge when they are Delaunay neighbours (their distance otherwise)."""
    xy = np.asarray(xy, float)
    n = xy.shape[0]
    e = np.asarray(edges, np.int64).reshape(-1, 2)
    a, b = np.minimum(e[:, 0], e[:, 1]), np.maximum(e[:, 0], e[:, 1])
    keep = a != b
    key, first = np.unique(a[keep] * n + b[keep], return_index=True)
    a, b = key // n, key % n
    dist = np.hypot(*(xy[a] - xy[b]).T) if a.size else np.zeros(0)
    weight = dist.copy()
    if n >= 2:
        va, vb, border = _voronoi_pairs(xy)
        vkey = va * n + vb
        order = np.argsort(vkey)
        pos = np.searchsorted(vkey[order], key)
        hit = pos < vkey.size
        hit[hit] = vkey[order][pos[hit]] == key[hit]
        weight[hit] = border[order][pos[hit]]
    weight = np.maximum(weight, 1e-3)
    src = np.concatenate([a, b])
    dst = np.concatenate([b, a])
    o = np.lexsort((dst, src))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))]).astype(np.int64)
    both = lambda v: np.concatenate([v, v])[o]
    return UnitGraph(indptr, dst[o].astype(np.int64), both(weight), both(dist), np.zeros(2 * a.size, bool))


def partition_points(xy, w, group, target, lo, hi, edges, *, seed: int = 0, steps: int | None = None,
                     time_limit: float | None = None) -> np.ndarray:
    """Part label per point (0..K-1): contiguous on ``edges``, inside one group, households
    balanced around ``target`` within ``[lo, hi]`` where the points allow it."""
    xy = np.asarray(xy, float)
    group = np.asarray(group)
    if xy.shape[0] == 0:
        return np.zeros(0, np.int64)
    graph = graph_from_edges(xy, edges).within(group)
    res = partition(graph, np.asarray(w, float), xy[:, 0], xy[:, 1], group.astype(str), (lo, target, hi),
                    strict=False, start="seed", seed=seed, steps=steps, time_limit=time_limit)
    return res.labels
