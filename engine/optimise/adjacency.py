"""Adjacency of residential units: who may share a grid with whom, and how long their border is.

Two units are neighbours when their Voronoi cells touch (the Delaunay graph of their
representative points) and their points lie within ``link_max_m`` (a short walk or road link),
or when their polygons touch.  The weight of an adjacency is the length of the shared Voronoi
edge: summed over the adjacencies a grid cuts, it is the grid's perimeter in the tessellation
the grid polygons are drawn from, so minimising it makes grids compact.  Adjacencies that
cross a barrier (major road, river, railway) weigh ``barrier_factor`` as much, which makes
borders follow barriers, or are removed when crossing is forbidden.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

LINK_MAX_M = 250.0        # farthest two unit points may lie to count as neighbours
BARRIER_FACTOR = 0.25     # weight of an adjacency across a barrier
TOUCH_M = 1.0             # polygons closer than this touch
MAJOR_ROAD_CLASSES = ("motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link", "railway", "rail",
                      "river", "canal")


@dataclass
class UnitGraph:
    """Symmetric CSR adjacency of n units (each undirected edge stored both ways)."""

    indptr: np.ndarray     # int64 (n + 1)
    indices: np.ndarray    # int64
    weight: np.ndarray     # float64: shared border (m), scaled down across barriers
    length: np.ndarray     # float64: distance between the two unit points (m)
    crossing: np.ndarray   # bool: the link crosses a barrier

    @property
    def n(self) -> int:
        return self.indptr.shape[0] - 1

    def degree(self) -> np.ndarray:
        return np.diff(self.indptr)

    def restricted(self, keep_edge: np.ndarray) -> "UnitGraph":
        """The same nodes with only the edges where ``keep_edge`` (per stored edge, symmetric) holds."""
        src = np.repeat(np.arange(self.n), self.degree())
        counts = np.bincount(src[keep_edge], minlength=self.n)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return UnitGraph(indptr, self.indices[keep_edge], self.weight[keep_edge], self.length[keep_edge],
                         self.crossing[keep_edge])

    def within(self, group: np.ndarray) -> "UnitGraph":
        """Only the edges joining units of the same group (community, grid, ...)."""
        group = np.asarray(group)
        src = np.repeat(np.arange(self.n), self.degree())
        return self.restricted(group[src] == group[self.indices])


def _spread_duplicates(xy: np.ndarray) -> np.ndarray:
    """Units sharing a point (several buildings geocoded to one address) are moved apart by
    centimetres so the tessellation exists; their border is then tiny, as it should be."""
    _, first, inv = np.unique(np.round(xy, 3), axis=0, return_index=True, return_inverse=True)
    inv = inv.ravel()
    if first.size == xy.shape[0]:
        return xy
    out = xy.copy()
    rank = np.zeros(xy.shape[0])
    order = np.argsort(inv, kind="stable")
    starts = np.searchsorted(inv[order], inv[order])
    rank[order] = np.arange(xy.shape[0]) - starts
    angle = rank * 2.399963  # golden angle: duplicates spread on a small spiral
    out[:, 0] += 0.05 * np.sqrt(rank) * np.cos(angle)
    out[:, 1] += 0.05 * np.sqrt(rank) * np.sin(angle)
    return out


def _voronoi_pairs(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Delaunay neighbour pairs (i < j) with the length of their shared Voronoi edge."""
    n = xy.shape[0]
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    span = np.ptp(xy, axis=0)
    if n < 4 or min(span) < 1e-6 * max(max(span), 1.0):  # too few or collinear: a chain in order
        order = np.lexsort((xy[:, 1], xy[:, 0]))
        a, b = order[:-1], order[1:]
        return np.minimum(a, b), np.maximum(a, b), np.hypot(*(xy[a] - xy[b]).T)
    from scipy.spatial import Voronoi

    vor = Voronoi(xy)
    rp = np.asarray(vor.ridge_points, dtype=np.int64)
    rv = np.array([r if len(r) == 2 else [-1, -1] for r in vor.ridge_vertices], dtype=np.int64)
    finite = (rv >= 0).all(axis=1)
    border = np.zeros(rp.shape[0])
    v = vor.vertices
    border[finite] = np.hypot(*(v[rv[finite, 0]] - v[rv[finite, 1]]).T)
    dist = np.hypot(*(xy[rp[:, 0]] - xy[rp[:, 1]]).T)
    border[~finite] = dist[~finite]  # an open ridge on the hull: count it like its link
    return np.minimum(rp[:, 0], rp[:, 1]), np.maximum(rp[:, 0], rp[:, 1]), border


def unit_graph(x, y, polygons=None, *, link_max_m: float = LINK_MAX_M, barriers=None,
               barrier_factor: float = BARRIER_FACTOR, forbid_crossing: bool = False) -> UnitGraph:
    """Adjacency of units from their points (and polygons when given).

    Args:
        x, y: representative points of the units (metric CRS).
        polygons: optional unit polygons; touching polygons are neighbours at any distance.
        link_max_m: farthest two points may lie to be neighbours through the tessellation.
        barriers: optional line geometries (major roads, rivers, rail).
        barrier_factor: weight kept by an adjacency that crosses a barrier (0..1).
        forbid_crossing: drop adjacencies that cross a barrier instead.
    """
    xy = _spread_duplicates(np.column_stack([np.asarray(x, float), np.asarray(y, float)]))
    n = xy.shape[0]
    a, b, border = _voronoi_pairs(xy)
    dist = np.hypot(*(xy[a] - xy[b]).T) if a.size else np.zeros(0)
    keep = dist <= link_max_m
    border = np.minimum(border, link_max_m)
    if polygons is not None and n > 1:
        polys = np.asarray(polygons, dtype=object)
        is_area = shapely.get_dimensions(polys) == 2
        if is_area.any():
            tree = shapely.STRtree(polys)
            pa, pb = tree.query(polys, predicate="dwithin", distance=TOUCH_M)
            sel = (pa < pb) & is_area[pa] & is_area[pb]
            pa, pb = pa[sel], pb[sel]
            touching = np.zeros(a.size, bool)
            if pa.size:
                key = a * n + b
                pkey = pa * n + pb
                touching = np.isin(key, pkey)
                extra = ~np.isin(pkey, key)
                shared = shapely.length(shapely.intersection(shapely.boundary(polys[pa[extra]]),
                                                             shapely.buffer(polys[pb[extra]], TOUCH_M)))
                a = np.concatenate([a, pa[extra]])
                b = np.concatenate([b, pb[extra]])
                border = np.concatenate([border, np.maximum(shared, TOUCH_M)])
                dist = np.concatenate([dist, np.hypot(*(xy[pa[extra]] - xy[pb[extra]]).T)])
                keep = np.concatenate([keep | touching, np.ones(int(extra.sum()), bool)])
    a, b, border, dist = a[keep], b[keep], border[keep], dist[keep]
    crossing = np.zeros(a.size, bool)
    if barriers is not None and len(barriers) and a.size:
        links = shapely.linestrings(np.stack([xy[a], xy[b]], axis=1))
        hit, _ = shapely.STRtree(np.asarray(barriers, dtype=object)).query(links, predicate="intersects")
        crossing[np.unique(hit)] = True
        if forbid_crossing:
            a, b, border, dist, crossing = a[~crossing], b[~crossing], border[~crossing], dist[~crossing], crossing[~crossing]
        else:
            border = np.where(crossing, border * barrier_factor, border)
    border = np.maximum(border, 1e-3)  # every adjacency costs something to cut
    src = np.concatenate([a, b])
    dst = np.concatenate([b, a])
    order = np.lexsort((dst, src))
    counts = np.bincount(src, minlength=n)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return UnitGraph(indptr, dst[order].astype(np.int64), np.concatenate([border, border])[order],
                     np.concatenate([dist, dist])[order], np.concatenate([crossing, crossing])[order])


def barrier_lines(roads) -> np.ndarray:
    """Road geometries whose class is a barrier for districting (motorways, trunk and primary roads)."""
    cls = np.asarray(roads.road_class).astype(str)
    return np.asarray(roads.geometry, dtype=object)[np.isin(cls, MAJOR_ROAD_CLASSES)]


def components(graph: UnitGraph) -> np.ndarray:
    """Connected component number of each unit."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    m = sp.csr_matrix((np.ones(graph.indices.size), graph.indices, graph.indptr), shape=(graph.n, graph.n))
    return connected_components(m, directed=False)[1]
