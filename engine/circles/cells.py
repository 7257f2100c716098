"""Band polygons from a once-per-network planar subdivision instead of buffer + union.

Every node and points every ``spacing_m`` along every edge are *sites*; sentinel points
``2 · width_m`` beside the roads (dropped where another road is nearer than ``width_m``)
bound the sites' Voronoi cells at about ``width_m`` from the road (less between roads
``2``–``4 · width_m`` apart; blocks narrower than ``2 · width_m`` are filled, as a buffer
fills them).  The cells tile a buffer of the network and are built once per network
(cached).  A service area's polygon is the union of the cells of the sites it reaches or
passes within one site spacing, traced in Numba along the cell edges between reached and
unreached cells (``_kernels_cells``): no GEOS overlay, and polygons of one subdivision share
their boundaries exactly.  So a polygon covers its reachable segments and ends at most one
site spacing beyond where they end (the reachable *segments* stay exact,
``reach.reachable``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely
from scipy.spatial import Voronoi, cKDTree

from ..network.graph import Network
from ..network.matrix import _pool, default_threads
from ..network.snap import edge_costs
from . import _kernels_cells
from .areas import as_multipolygon, points_on_edges
from .reach import Reach

NODE_SENTINELS = 12     # directions of the sentinels around every node (ends and corners)


@dataclass
class Cells:
    """The subdivision: ``n_sites`` road sites (then the sentinels' cells); ``node_site[v]``; the interior sites of edge
    ``e`` at ``ept_pos[ept_ptr[e]:ept_ptr[e+1]]`` metres (``ept_site``); each site's cell as
    counter-clockwise edges ``cell_ptr[s]:cell_ptr[s+1]`` from vertex ``cell_vert`` (``vxy``)
    with the neighbouring site ``cell_nb`` (-1 outside) and that edge's ``twin`` in it."""

    width_m: float
    spacing_m: float
    n_sites: int
    node_site: np.ndarray
    ept_ptr: np.ndarray
    ept_pos: np.ndarray
    ept_site: np.ndarray
    cell_ptr: np.ndarray
    cell_vert: np.ndarray
    cell_nb: np.ndarray
    twin: np.ndarray
    vxy: np.ndarray

    @property
    def ring_args(self):
        return self.cell_ptr, self.cell_vert, self.cell_nb, self.twin, self.vxy, *self._boundary_args

    @cached_property
    def _boundary_args(self):
        """``(edge_cell, regular, lone, n_sites)`` for tracing polygons from their unmarked
        side: each cell edge's cell; whether the edge and its twin point at each other's
        cells, both road sites' (then it is found from the neighbour's side); the road sites'
        other edges (beside a sentinel's cell, or without a twin)."""
        edge_cell = np.repeat(np.arange(self.cell_ptr.size - 1), np.diff(self.cell_ptr)).astype(np.int64)
        t = np.maximum(self.twin, 0)
        road = edge_cell < self.n_sites
        regular = (road & (self.cell_nb >= 0) & (self.cell_nb < self.n_sites) & (self.twin >= 0)
                   & (self.twin[t] == np.arange(t.size)) & (self.cell_nb[t] == edge_cell)
                   & (self.cell_nb == edge_cell[t]))
        return edge_cell, regular, np.flatnonzero(road & ~regular).astype(np.int64), self.n_sites


def subdivision(net: Network, width_m: float, spacing_m: float | None = None) -> Cells:
    """The network's cells for band polygons ``width_m`` wide (sites every ``spacing_m``,
    default ``width_m / 2``), built once per network and width."""
    spacing_m = float(spacing_m or width_m / 2.0)
    if not (width_m > 0 and spacing_m > 0):
        raise ValueError(f"width_m and spacing_m must be positive (got {width_m}, {spacing_m})")
    cache = net.__dict__.setdefault("_cells_cache", {})
    key = (float(width_m), spacing_m)
    if key not in cache:
        cache[key] = _build(net, float(width_m), spacing_m)
    return cache[key]


def _build(net: Network, width: float, d: float) -> Cells:
    L = net.edge_length
    n_pts = np.where(L > 0, np.ceil(L / d).astype(np.int64) - 1, 0).clip(0)
    ept_ptr = np.r_[0, np.cumsum(n_pts)].astype(np.int64)
    ept_edge = np.repeat(np.arange(net.n_edges), n_pts)
    j = np.arange(ept_edge.size) - ept_ptr[ept_edge] + 1
    ept_pos = L[ept_edge] * j / (n_pts[ept_edge] + 1)
    ept_xy, ept_dir = points_on_edges(net, ept_edge, ept_pos)
    node_xy = np.column_stack([net.node_x, net.node_y])
    all_xy = np.vstack([node_xy, ept_xy])
    # exactly coinciding points are one site (Voronoi needs distinct points)
    _, first, inverse = np.unique(np.round(all_xy * 1000.0), axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    site_xy = all_xy[first]
    n_sites = site_xy.shape[0]
    node_site = inverse[:net.n_nodes].astype(np.int64)
    ept_site = inverse[net.n_nodes:].astype(np.int64)

    sentinels = _sentinels(site_xy, node_xy, ept_xy, ept_dir, width, d)
    lo, hi = all_xy.min(axis=0), all_xy.max(axis=0)
    pad = max(float((hi - lo).max()), 10.0 * width)
    corners = np.array([[lo[0] - pad, lo[1] - pad], [hi[0] + pad, lo[1] - pad], [hi[0] + pad, hi[1] + pad],
                        [lo[0] - pad, hi[1] + pad]])
    vor = Voronoi(np.vstack([site_xy, sentinels, corners]))
    cell_ptr, cell_vert, cell_nb, twin = _rings(vor, n_sites + sentinels.shape[0])
    return Cells(width, d, n_sites, node_site, ept_ptr, ept_pos, ept_site, cell_ptr, cell_vert, cell_nb, twin,
                 np.ascontiguousarray(vor.vertices, dtype=np.float64))


def _sentinels(site_xy, node_xy, ept_xy, ept_dir, width, d):
    """Points ``2 · width`` beside every edge site (both sides) and around every node, kept
    where no site is nearer than ``width`` (between roads less than ``2 · width`` apart the
    cells fill the block, as a buffer would; further apart the roads' cells end between the
    sentinels) and thinned to one per ``d / 2`` square."""
    r = 2.0 * width
    norm = np.hypot(ept_dir[:, 0], ept_dir[:, 1])
    ok = norm > 0
    nx, ny = -ept_dir[ok, 1] / norm[ok], ept_dir[ok, 0] / norm[ok]
    side = np.column_stack([nx, ny]) * r
    ang = np.arange(NODE_SENTINELS) * (2 * np.pi / NODE_SENTINELS)
    ring = np.column_stack([np.cos(ang), np.sin(ang)]) * r
    cand = np.vstack([ept_xy[ok] + side, ept_xy[ok] - side, (node_xy[:, None, :] + ring[None]).reshape(-1, 2)])
    dist, _ = cKDTree(site_xy).query(cand, distance_upper_bound=width)
    cand = cand[dist >= width]
    # one per square of side d / 2, at its centre: no two sentinels nearly coincide
    return (np.unique(np.floor(cand / (d / 2.0)), axis=0) + 0.5) * (d / 2.0)


def _rings(vor: Voronoi, n_cells: int):
    """Counter-clockwise edges of the cells of the first ``n_cells`` points (road sites and
    sentinels; not the far corners) with their neighbours (-1: a corner) and twins."""
    rp = vor.ridge_points.astype(np.int64)
    rv = np.asarray(vor.ridge_vertices, dtype=np.int64)
    keep = ((rp[:, 0] < n_cells) | (rp[:, 1] < n_cells)) & (rv[:, 0] != rv[:, 1])
    rp, rv = rp[keep], rv[keep]
    cell = np.r_[rp[:, 0], rp[:, 1]]
    nb = np.r_[rp[:, 1], rp[:, 0]]
    va = np.r_[rv[:, 0], rv[:, 0]]
    vb = np.r_[rv[:, 1], rv[:, 1]]
    mine = cell < n_cells
    cell, nb, va, vb = cell[mine], nb[mine], va[mine], vb[mine]
    if np.any(va < 0) | np.any(vb < 0):
        raise RuntimeError("a cell of the subdivision is unbounded (corner points missing)")
    return _kernels_cells.cell_rings(cell, nb, va, vb, np.ascontiguousarray(vor.vertices, dtype=np.float64), n_cells)


def _multipolygons(coords, ring_off, poly_off, group_off, touch) -> np.ndarray:
    """Shapely multipolygons of the kernels' ragged arrays; the few whose rings touch at a
    vertex are made valid (holes touching each other may cut the interior in two)."""
    geoms = shapely.from_ragged_array(shapely.GeometryType.MULTIPOLYGON, coords, (ring_off, poly_off, group_off))
    fix = np.flatnonzero(touch)
    if fix.size:
        bad = fix[~shapely.is_valid(geoms[fix])]
        geoms[bad] = [as_multipolygon(g) for g in shapely.make_valid(geoms[bad])]
    return geoms


def reach_polygons(net: Network, reach: Reach, n_sources: int, n_bands: int, width_m: float,
                   spacing_m: float | None = None, threads: int | None = None) -> np.ndarray:
    """Cumulative band multipolygons ``[source, band]`` of per-source reachable intervals
    (``reach.reachable``): band ``b`` = the cells of every site
    reached within limit ``b``."""
    cells = subdivision(net, width_m, spacing_m)
    if n_sources == 0:
        return np.empty((0, n_bands), dtype=object)
    if reach.ptr.shape[0] != n_sources + 1:
        raise ValueError(f"the reach holds {reach.ptr.shape[0] - 1} sources, not {n_sources}")
    threads = threads or default_threads()
    nchunks = min(n_sources, max(1, threads) * 4)
    bounds = np.linspace(0, n_sources, nchunks + 1).astype(np.int64)

    def work(i):
        # each chunk's geometries made in its own thread (GEOS releases the GIL)
        return _multipolygons(*_kernels_cells.polygons_from_reach(
            reach.ptr, reach.edge, reach.band, reach.cut, reach.cut_x0, reach.cut_x1, bounds[i], bounds[i + 1], n_bands,
            cells.ept_ptr, cells.ept_pos, cells.ept_site, cells.node_site, net.edge_u, net.edge_v, net.edge_length,
            cells.cell_ptr.size - 1, *cells.ring_args))

    parts = list(_pool(threads).map(work, range(nchunks))) if threads > 1 and nchunks > 1 \
        else [work(i) for i in range(nchunks)]
    return np.concatenate(parts).reshape(n_sources, n_bands)


def cost_polygons(net: Network, node_cost: np.ndarray, src_edge: np.ndarray, src_offset: np.ndarray, limits,
                  width_m: float, weight: str = "time", spacing_m: float | None = None) -> np.ndarray:
    """Cumulative band multipolygons of one multi-source cost field (``node_cost`` per node
    plus sources standing at ``src_offset`` metres on ``src_edge``): polygon ``b`` = the cells
    of every site within ``limits[b]`` (the union of the sources' own band polygons)."""
    cells = subdivision(net, width_m, spacing_m)
    limits = np.asarray(limits, dtype=np.float64)
    fwd, bwd = edge_costs(net, weight)
    src_edge = np.asarray(src_edge, dtype=np.int64)
    ok = src_edge >= 0
    order = np.argsort(src_edge[ok], kind="stable")
    src_ptr = np.searchsorted(src_edge[ok][order], np.arange(net.n_edges + 1)).astype(np.int64)
    off = np.ascontiguousarray(np.asarray(src_offset, dtype=np.float64)[ok][order])
    cost = _kernels_cells.site_cost(cells.ept_ptr, cells.ept_pos, cells.ept_site, cells.node_site,
                                    np.ascontiguousarray(node_cost, dtype=np.float64), net.edge_u, net.edge_v,
                                    net.edge_length, fwd, bwd, src_ptr, off, cells.n_sites)
    band = np.searchsorted(limits * (1 + 1e-12), cost, "left")
    band = np.where(band < limits.size, band, -1).astype(np.int64)
    return _multipolygons(*_kernels_cells.polygons_from_band(band, limits.size, *cells.ring_args))
