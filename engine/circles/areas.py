"""Exact service areas on edges: who reaches each point of an edge first, and how fast.

Along an edge every way in is a linear cost function of the position ``x``: from the tail
node (``cost[u] + x/L · fwd``), from the head node (``cost[v] + (L-x)/L · bwd``) and from a
source standing on the edge itself.  The lower envelope of these lines, cut at every pairwise
crossing, gives the owner of every sub-segment (the responsibility area) and, cut again where
it meets a band threshold, the reachable part within each band.  Band polygons are the
reachable segments buffered by a fixed width and dissolved.
"""
from __future__ import annotations

import numpy as np
import shapely

from ..network.graph import Network

_EPS = 1e-9


def _candidates(L, fwd, bwd, cu, lu, cv, lv, points):
    """Linear cost pieces ``(lo, hi, cost_at_lo, slope, label)`` entering an edge."""
    out = []
    kf = fwd / L if np.isfinite(fwd) else np.inf
    kb = bwd / L if np.isfinite(bwd) else np.inf
    if np.isfinite(cu) and np.isfinite(kf):
        out.append((0.0, L, cu, kf, lu))
    if np.isfinite(cv) and np.isfinite(kb):
        out.append((0.0, L, cv + bwd, -kb, lv))
    for t, lab in points:
        if np.isfinite(kf):
            out.append((t, L, 0.0, kf, lab))
        if np.isfinite(kb):
            out.append((0.0, t, t * kb, -kb, lab))
    return out


def edge_envelope(L: float, fwd: float, bwd: float, cu: float, lu: int, cv: float, lv: int,
                  points=()) -> list[tuple[float, float, int, float, float]]:
    """Owner pieces of one edge: ``[(x0, x1, label, cost_x0, cost_x1)]`` covering the
    reachable part of ``[0, L]`` (ties go to the lower label).  Each piece is linear in cost,
    so a source standing on the edge yields two pieces (its two sides)."""
    if L <= 0:
        return []
    cands = _candidates(L, fwd, bwd, cu, lu, cv, lv, points)
    if not cands:
        return []
    xs = {0.0, L}
    for lo, hi, _, _, _ in cands:
        xs.add(lo)
        xs.add(hi)
    for i in range(len(cands)):
        lo1, hi1, c1, s1, _ = cands[i]
        for j in range(i + 1, len(cands)):
            lo2, hi2, c2, s2, _ = cands[j]
            if s1 != s2:
                # c1 + s1 (x - lo1) = c2 + s2 (x - lo2)
                x = (c2 - c1 + s1 * lo1 - s2 * lo2) / (s1 - s2)
                if 0.0 < x < L:
                    xs.add(float(x))
    xs = sorted(xs)
    pieces: list[list] = []
    for a, b in zip(xs[:-1], xs[1:]):
        if b - a <= _EPS:
            continue
        mid = 0.5 * (a + b)
        best = None
        for k, (lo, hi, c, s, lab) in enumerate(cands):
            if lo - _EPS <= mid <= hi + _EPS:
                val = c + s * (mid - lo)
                if best is None or val < best[0] - 1e-12 or (abs(val - best[0]) <= 1e-12 and lab < best[1]):
                    best = (val, lab, k)
        if best is None:
            continue
        lo, hi, c, s, lab = cands[best[2]]
        ca, cb = c + s * (a - lo), c + s * (b - lo)
        if pieces and pieces[-1][2] == lab and pieces[-1][5] == best[2] and abs(pieces[-1][1] - a) <= _EPS:
            pieces[-1][1] = b
            pieces[-1][4] = cb
        else:
            pieces.append([a, b, lab, ca, cb, best[2]])
    return [(p[0], p[1], int(p[2]), float(p[3]), float(p[4])) for p in pieces]


def split_bands(pieces, limits) -> list[tuple[float, float, int, int]]:
    """Cut owner pieces at the band limits: ``[(x0, x1, label, band)]`` where ``band`` is the
    first limit index the whole sub-piece stays within (``len(limits)`` = beyond)."""
    out = []
    for x0, x1, lab, c0, c1 in pieces:
        cuts = {x0, x1}
        if c1 != c0:
            for T in limits:
                x = x0 + (T - c0) * (x1 - x0) / (c1 - c0)
                if x0 < x < x1:
                    cuts.add(x)
        cuts = sorted(cuts)
        for a, b in zip(cuts[:-1], cuts[1:]):
            if b - a <= _EPS:
                continue
            hi = max(c0 + (c1 - c0) * (a - x0) / (x1 - x0), c0 + (c1 - c0) * (b - x0) / (x1 - x0))
            band = next((k for k, T in enumerate(limits) if hi <= T * (1 + 1e-12)), len(limits))
            out.append((a, b, lab, band))
    return out


def edge_segments(net: Network, cost: np.ndarray, label: np.ndarray, on_edge: dict | None = None,
                  edges: np.ndarray | None = None, limits=None) -> list[tuple[int, float, float, int, int]]:
    """Owner (and band) segments ``(edge, x0, x1, label, band)`` of ``edges`` (default all)
    from a node cost/label field; ``on_edge`` maps an edge to ``[(offset, label)]`` of sources
    standing on it.  ``band`` is -1 when ``limits`` is None."""
    on_edge = on_edge or {}
    if edges is None:
        edges = np.arange(net.n_edges)
    out = []
    for e in edges:
        e = int(e)
        u, v = net.edge_u[e], net.edge_v[e]
        pieces = edge_envelope(float(net.edge_length[e]), float(net.edge_fwd[e]), float(net.edge_bwd[e]),
                               float(cost[u]), int(label[u]), float(cost[v]), int(label[v]), on_edge.get(e, ()))
        if limits is None:
            out.extend((e, a, b, lab, -1) for a, b, lab, _, _ in pieces)
        else:
            out.extend((e, a, b, lab, band) for a, b, lab, band in split_bands(pieces, limits))
    return out


def owner_segments(net: Network, cost: np.ndarray, label: np.ndarray, src_edge=(), src_offset=(),
                   src_label=()) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``edge_segments`` without limits for all edges in one Numba pass: arrays ``(edge, x0,
    x1, label)`` of the owner pieces (adjacent pieces of one label merged); sources standing
    on edges are ``src_edge``/``src_offset``/``src_label`` (edge -1: none)."""
    from . import _kernels_owner
    from ..network.snap import edge_costs

    src_edge = np.asarray(src_edge, dtype=np.int64).ravel()
    ok = src_edge >= 0
    order = np.argsort(src_edge[ok], kind="stable")
    ptr = np.searchsorted(src_edge[ok][order], np.arange(net.n_edges + 1)).astype(np.int64)
    off = np.ascontiguousarray(np.asarray(src_offset, dtype=np.float64).ravel()[ok][order])
    lab = np.ascontiguousarray(np.asarray(src_label, dtype=np.int64).ravel()[ok][order])
    fwd, bwd = edge_costs(net, "time")
    return _kernels_owner.owner_pieces(np.ascontiguousarray(cost, dtype=np.float64),
                                       np.ascontiguousarray(label, dtype=np.int64), net.edge_u, net.edge_v,
                                       net.edge_length, fwd, bwd, ptr, off, lab)


def segment_geometries(net: Network, segs) -> np.ndarray:
    """LineStrings of ``(edge, x0, x1, ...)`` segments, cut from the edge geometries in one
    vectorised pass (interpolated end points, original vertices in between)."""
    if len(segs) == 0:
        return np.empty(0, dtype=object)
    arr = np.asarray([s[:3] for s in segs], dtype=np.float64)
    return cut_edges(net, arr[:, 0].astype(np.int64), arr[:, 1], arr[:, 2])


def _vertex_after(net: Network, e: np.ndarray, x: np.ndarray, side: str) -> np.ndarray:
    """Index (into ``net.vertices``) of the end vertex of the straight piece of edge ``e``
    holding position ``x`` metres."""
    _, offset, key = net.vertices
    big = net._vertices[4]
    return np.clip(np.searchsorted(key, e * big + x, side), offset[e] + 1, offset[e + 1] - 1)


def _point_at(net: Network, i: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Points ``x`` metres along their edges on the pieces ending at vertices ``i``."""
    xy, cum = net.vertices[0], net._vertices[3]
    c0, c1 = cum[i - 1], cum[i]
    t = np.where(c1 > c0, (x - c0) / np.where(c1 > c0, c1 - c0, 1.0), 0.0)
    t = np.clip(t, 0.0, 1.0)[:, None]
    return xy[i - 1] * (1.0 - t) + xy[i] * t


def points_on_edges(net: Network, e: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(xy, direction)``: the points ``x`` metres along edges ``e`` and the direction
    (unnormalised) of the straight piece each lies on."""
    if len(e) == 0:
        return np.zeros((0, 2)), np.zeros((0, 2))
    xy = net.vertices[0]
    i = _vertex_after(net, e, x, "right")
    return _point_at(net, i, x), xy[i] - xy[i - 1]


def cut_coordinates(net: Network, e: np.ndarray, x0: np.ndarray, x1: np.ndarray,
                    threads: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(xy, offsets)``: the vertices of edge ``e[i]`` between ``x0[i]`` and ``x1[i]`` metres
    are ``xy[offsets[i]:offsets[i+1]]`` (interpolated ends, original vertices between; the
    GeoArrow/``shapely.from_ragged_array`` layout of the pieces), in threaded Numba passes."""
    from ..network.matrix import _pool, default_threads
    from . import _kernels_cut

    xy, offset = net.vertices[:2]
    cum = net._vertices[3]
    e = np.ascontiguousarray(e, dtype=np.int64)
    x0 = np.ascontiguousarray(x0, dtype=np.float64)
    x1 = np.ascontiguousarray(x1, dtype=np.float64)
    n = e.shape[0]
    threads = threads or default_threads()
    bounds = np.linspace(0, n, min(n, max(1, threads) * 4) + 1).astype(np.int64)
    npts = np.empty(n, np.int64)

    def run(fn):
        chunks = range(len(bounds) - 1)
        if threads > 1 and len(chunks) > 1:
            list(_pool(threads).map(fn, chunks))
        else:
            for i in chunks:
                fn(i)

    run(lambda i: _kernels_cut.count_points(e, x0, x1, bounds[i], bounds[i + 1], offset, cum, npts))
    pos = np.zeros(n + 1, np.int64)
    np.cumsum(npts, out=pos[1:])
    out = np.empty((int(pos[-1]), 2))
    run(lambda i: _kernels_cut.fill_points(e, x0, x1, bounds[i], bounds[i + 1], offset, cum, xy, pos, out))
    return out, pos


def cut_edges(net: Network, e: np.ndarray, x0: np.ndarray, x1: np.ndarray, group: np.ndarray | None = None,
              n_groups: int = 0) -> np.ndarray:
    """LineStrings of edge ``e[i]`` between ``x0[i]`` and ``x1[i]`` metres (arrays); with
    ``group`` (sorted, in ``[0, n_groups)``) one MultiLineString per group instead, built in
    one call without a Python object per part."""
    if len(e) == 0:
        return np.empty(0, dtype=object) if group is None else \
            np.array([shapely.from_wkt("MULTILINESTRING EMPTY")] * n_groups, dtype=object)
    out, pos = cut_coordinates(net, e, x0, x1)
    if group is not None:
        parts = np.searchsorted(group, np.arange(n_groups + 1))
        return shapely.from_ragged_array(shapely.GeometryType.MULTILINESTRING, out, (pos, parts))
    return shapely.linestrings(out, indices=np.repeat(np.arange(len(e)), np.diff(pos)))


def as_multipolygon(g):
    if g is None or g.is_empty:
        return shapely.from_wkt("MULTIPOLYGON EMPTY")
    if g.geom_type == "Polygon":
        return shapely.multipolygons([g])
    if g.geom_type == "MultiPolygon":
        return g
    polys = [p for p in getattr(g, "geoms", []) if p.geom_type == "Polygon"]
    return shapely.multipolygons(polys) if polys else shapely.from_wkt("MULTIPOLYGON EMPTY")


def band_polygons(lines: np.ndarray, band: np.ndarray, n_bands: int, width_m: float,
                  quad_segs: int = 3) -> list:
    """Cumulative band polygons: polygon ``b`` = segments with ``band <= b`` buffered by
    ``width_m`` and dissolved.  Each segment is buffered and merged once (band ``b`` is band
    ``b - 1`` plus the union of its own new segments)."""
    out, acc = [], None
    for b in range(n_bands):
        new = lines[band == b]
        if len(new):
            part = shapely.union_all(shapely.buffer(new, width_m, quad_segs=quad_segs))
            acc = part if acc is None else shapely.union(acc, part)
        out.append(as_multipolygon(acc))
    return out
