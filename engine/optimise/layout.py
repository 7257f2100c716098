"""From district labels to grid layers: polygons, ids, codes, parents, and what changed.

Grid polygons are unions of the units' Voronoi cells, clipped to the extent the grids may
cover (the community's current general grids, or the hull of its units when it has none):
the new grids tile the same ground the old ones did.  A clipped cell can leave a grid with a
detached sliver; such a piece goes to the grid it shares the longest border with, so every
grid polygon is one part wherever its units are contiguous.
"""
from __future__ import annotations

import numpy as np
import shapely

SLIVER_SHARE = 0.5     # a detached part holding none of the grid's units is given away
HULL_BUFFER_M = 30.0   # margin around a community's units when it has no grid polygons


def voronoi_cells(x, y, extent) -> np.ndarray:
    """Voronoi cell of each point, clipped to ``extent`` (same order as the points)."""
    pts = shapely.points(np.asarray(x, float), np.asarray(y, float))
    if len(pts) == 1:
        return np.array([extent], dtype=object)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=extent, ordered=True))
    if len(cells) != len(pts):  # duplicate points: match cells to points by containment
        tree = shapely.STRtree(cells)
        idx = tree.query(pts, predicate="intersects")
        out = np.empty(len(pts), dtype=object)
        out[idx[0]] = cells[idx[1]]
        cells = out
    return np.array([_polygonal(c) for c in shapely.intersection(cells, extent, grid_size=0.01)], dtype=object)


def _polygonal(g):
    """Only the area of a geometry (clipping can leave stray lines or points beside it)."""
    if shapely.get_type_id(g) in (3, 6):
        return g
    parts = shapely.get_parts(g)
    parts = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
    return shapely.union_all(parts) if parts.size else shapely.Polygon()


def _give_away_slivers(geoms: np.ndarray, unit_pts_by_label: list) -> np.ndarray:
    """Parts of a grid polygon without any of its units join the neighbour they touch most."""
    geoms = geoms.copy()
    for d, g in enumerate(geoms):
        if g is None or shapely.get_num_geometries(g) <= 1:
            continue
        parts = shapely.get_parts(g)
        has_unit = shapely.intersects(parts[:, None], unit_pts_by_label[d][None, :]).any(axis=1) \
            if unit_pts_by_label[d].size else np.zeros(parts.size, bool)
        if not has_unit.any():
            continue
        keep = [shapely.union_all(parts[has_unit])]
        for piece in parts[~has_unit]:
            shared = np.array([shapely.length(shapely.intersection(shapely.boundary(piece), other))
                               if other is not None and o != d else 0.0 for o, other in enumerate(geoms)])
            o = int(np.argmax(shared))
            if shared[o] > 0:
                geoms[o] = shapely.union(geoms[o], piece, grid_size=0.01)
            else:
                keep.append(piece)
        geoms[d] = shapely.union_all(keep, grid_size=0.01)
    return geoms


def district_polygons(x, y, labels, k: int, unit_group, extents: dict) -> np.ndarray:
    """Polygon of each district 0..k-1: dissolved Voronoi cells of its units within its group's extent.

    Args:
        labels: district per unit (−1: not drawn; such units still claim their cell).
        unit_group: group key per unit; ``extents[group]`` the polygon the group's districts tile.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    labels = np.asarray(labels)
    unit_group = np.asarray(unit_group).astype(str)
    out = np.empty(k, dtype=object)
    for grp in np.unique(unit_group[labels >= 0]):
        members = np.flatnonzero(unit_group == grp)
        extent = extents.get(grp)
        if extent is None or shapely.is_empty(extent):
            extent = shapely.buffer(shapely.convex_hull(shapely.multipoints(np.column_stack([x[members], y[members]]))),
                                    HULL_BUFFER_M)
        drawn = members[labels[members] >= 0]
        cells = voronoi_cells(x[drawn], y[drawn], extent)
        ds = np.unique(labels[drawn])
        geoms = np.array([shapely.union_all(cells[labels[drawn] == d], grid_size=0.01) for d in ds], dtype=object)
        pts = [shapely.points(x[drawn][labels[drawn] == d], y[drawn][labels[drawn] == d]) for d in ds]
        out[ds] = _give_away_slivers(geoms, pts)
    return out


def stable_ids(labels, k: int, current, hh, prefix_of_district, taken: set) -> np.ndarray:
    """An id per district: the current grid it shares most households with (each used once),
    else the next free ``prefix + NNN`` code."""
    labels = np.asarray(labels)
    cur = np.asarray(current).astype(str)
    sel = labels >= 0
    names, inv = np.unique(cur[sel], return_inverse=True)
    table = np.zeros((k, names.size))
    np.add.at(table, (labels[sel], inv.ravel()), np.asarray(hh, float)[sel] + 1e-6)
    ids = np.empty(k, dtype=object)
    used = set()
    for flat in np.argsort(-table, axis=None):
        d, g = divmod(int(flat), names.size)
        if table[d, g] <= 0:
            break
        if ids[d] is None and names[g] not in used and names[g]:
            ids[d] = names[g]
            used.add(names[g])
    taken = set(taken) | used
    for d in range(k):
        if ids[d] is None:
            serial = 1
            while f"{prefix_of_district[d]}{serial:03d}" in taken:
                serial += 1
            ids[d] = f"{prefix_of_district[d]}{serial:03d}"
            taken.add(ids[d])
    return ids


def change_summary(old_grid, new_grid, old_ids, new_ids, level: str) -> dict:
    """Units moved and grids kept, created and removed (merged into others) at one level."""
    old_grid = np.asarray(old_grid).astype(str)
    new_grid = np.asarray(new_grid).astype(str)
    old_set, new_set = set(map(str, old_ids)), set(map(str, new_ids))
    return {"level": level, "units_moved": int((old_grid != new_grid).sum()),
            "grids_before": len(old_set), "grids_after": len(new_set),
            "grids_kept": len(old_set & new_set), "grids_created": sorted(new_set - old_set),
            "grids_removed": sorted(old_set - new_set)}
