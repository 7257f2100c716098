"""Large residential buildings split into entrance units (单元) before grids are drawn.

A tower estimated (or registered) at 600 households is one unit in the building layer, but no
general grid (max 500) or micro-grid (max 100) can hold it within the norms: grid workers and
micro-grid members are in fact assigned by 楼栋/单元.  ``split_large`` cuts every building above
``[import] unit_max_households`` into k = ceil(households / max) entrance units: slices across the
footprint's long axis (of its minimum rotated rectangle) holding equal shares of the footprint's
area, households and residents shared out as integers that sum to the building's.  Every slice
keeps the building's source feature id, so messages still name the building.
"""
from __future__ import annotations

import numpy as np
import shapely

_BISECT_STEPS = 40      # area-fraction bisection: 2^-40 of the footprint's length, far below a mm


def entrance_counts(households: np.ndarray, unit_max: float) -> np.ndarray:
    """Entrance units per building: 1 up to ``unit_max`` households, else ceil(households / max)."""
    hh = np.asarray(households, dtype=np.float64)
    if not np.isfinite(unit_max) or unit_max <= 0:
        return np.ones(len(hh), dtype=np.int64)
    return np.maximum(1, np.ceil(hh / unit_max - 1e-9)).astype(np.int64)


def share_out(total: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Integers per piece (pieces of building i are consecutive, k[i] of them) summing to total[i],
    differing by at most one (largest remainders to the first pieces)."""
    total = np.asarray(total, dtype=np.int64)
    owner = np.repeat(np.arange(len(k)), k)
    j = np.arange(len(owner)) - np.repeat(np.cumsum(k) - k, k)       # piece index within its building
    base = total[owner] // k[owner]
    return base + (j < total[owner] % k[owner]).astype(np.int64)


def _axes(footprints: np.ndarray):
    """Origin, unit long axis, length and the perpendicular half-width of each footprint's
    minimum rotated rectangle (a slab along the long axis covers the whole footprint)."""
    rect = shapely.oriented_envelope(footprints)
    ring = shapely.get_coordinates(shapely.get_exterior_ring(rect)).reshape(len(footprints), -1, 2)[:, :4]
    e1, e2 = ring[:, 1] - ring[:, 0], ring[:, 2] - ring[:, 1]
    l1, l2 = np.hypot(*e1.T), np.hypot(*e2.T)
    long_first = l1 >= l2
    axis = np.where(long_first[:, None], e1, e2)
    length = np.maximum(np.where(long_first, l1, l2), 1e-9)
    width = np.where(long_first, l2, l1)
    origin = np.where(long_first[:, None], ring[:, 0], ring[:, 1])
    centre = ring.mean(axis=1)
    return origin, axis / length[:, None], length, centre, width


def _slab(origin, u, a, b, centre, half):
    """Rectangles from a to b along axis u (from origin), wide enough to cover the footprint."""
    v = np.column_stack([-u[:, 1], u[:, 0]])
    off = ((centre - origin) * v).sum(axis=1)
    lo, hi = off - half - 1.0, off + half + 1.0
    corners = [origin + u * a[:, None] + v * lo[:, None], origin + u * b[:, None] + v * lo[:, None],
               origin + u * b[:, None] + v * hi[:, None], origin + u * a[:, None] + v * hi[:, None]]
    return shapely.polygons(np.stack(corners + [corners[0]], axis=1))


def slice_footprints(footprints: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Pieces of each footprint (k[i] consecutive pieces of footprint i) of equal area, cut
    across its long axis; footprints with k = 1 (and points) come back unchanged."""
    footprints = np.asarray(footprints, dtype=object)
    k = np.asarray(k, dtype=np.int64)
    out = np.repeat(footprints, k)
    # only polygons with an area can be cut (points and degenerate footprints come back whole)
    cuttable = np.isin(shapely.get_type_id(footprints), [3, 6]) & (shapely.area(footprints) > 0)
    split = np.flatnonzero((k > 1) & cuttable)
    if not len(split):
        return out
    fp = footprints[split]
    ks = k[split]
    origin, u, length, centre, width = _axes(fp)
    # one cut per inner boundary: position t (0..length) where the area behind it is j/k of the total
    owner = np.repeat(np.arange(len(fp)), ks - 1)
    frac = np.concatenate([np.arange(1, kk) / kk for kk in ks])
    area = shapely.area(fp)[owner]
    lo, hi = np.zeros(len(owner)), length[owner].copy()
    zero = np.zeros(len(owner))
    for _ in range(_BISECT_STEPS):
        mid = 0.5 * (lo + hi)
        behind = shapely.area(shapely.intersection(fp[owner], _slab(origin[owner], u[owner], zero - 1.0, mid,
                                                                      centre[owner], width[owner])))
        below = behind < frac * area
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    cut = 0.5 * (lo + hi)
    # piece j of building i lies between cut j-1 (or -1 m) and cut j (or length + 1 m)
    starts = np.cumsum(ks - 1) - (ks - 1)
    pieces = []
    for i, kk in enumerate(ks):
        c = cut[starts[i]:starts[i] + kk - 1]
        bounds = np.concatenate([[-1.0], c, [length[i] + 1.0]])
        rep = np.full(kk, i)
        pieces.append(shapely.intersection(np.repeat(fp[i:i + 1], kk),
                                           _slab(origin[rep], u[rep], bounds[:-1], bounds[1:], centre[rep], width[rep])))
    first = np.cumsum(k) - k
    for i, b in enumerate(split):
        out[first[b]:first[b] + ks[i]] = pieces[i]
    return out


def split_large(units: dict, unit_max: float) -> tuple[dict, int, int]:
    """``units`` (columns of equal length: fid, id, geometry, households, residents, method, xy,
    name) with every building above ``unit_max`` households cut into entrance units; returns the
    new columns, the number of buildings split and the number of entrance units they became."""
    k = entrance_counts(units["households"], unit_max)
    if (k == 1).all():
        return units, 0, 0
    out = {key: (np.repeat(v, k, axis=0) if isinstance(v, np.ndarray) and v.ndim >= 1 and len(v) == len(k) else v)
           for key, v in units.items()}
    out["households"] = share_out(units["households"], k).astype(units["households"].dtype)
    out["residents"] = share_out(units["residents"], k).astype(units["residents"].dtype)
    j = np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k)
    many = np.repeat(k > 1, k)
    ids = out["id"].astype(str)
    out["id"] = np.where(many, np.char.add(np.char.add(ids, "/"), (j + 1).astype(str)), ids).astype(object)
    out["method"] = np.where(many, np.char.add(out["method"].astype(str), "+entrances"),
                             out["method"].astype(str)).astype(object)
    polygonal = np.repeat(np.isin(shapely.get_type_id(units["geometry"]), [3, 6]), k)
    geoms = slice_footprints(units["geometry"], k)
    bad = ~polygonal | shapely.is_empty(geoms) | (shapely.area(geoms) <= 0)
    geoms[bad] = out["geometry"][bad]
    out["geometry"] = geoms
    xy = out["xy"].astype(np.float64, copy=True)
    cut = polygonal & ~bad
    xy[cut] = shapely.get_coordinates(shapely.point_on_surface(geoms[cut]))
    # entrances left on one point (register points, uncuttable footprints) are spread on a 2 m
    # circle: grids are drawn from distinct points, and one point holds one grid at most
    spread = many & ~cut
    angle = 2 * np.pi * j[spread] / np.repeat(k, k)[spread]
    xy[spread] += 2.0 * np.column_stack([np.cos(angle), np.sin(angle)])
    out["xy"] = xy
    out["geometry"][spread & ~polygonal] = shapely.points(xy[spread & ~polygonal])
    return out, int((k > 1).sum()), int(k[k > 1].sum())
