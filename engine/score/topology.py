"""Nesting and topology checks: micro-grid ⊂ general grid ⊂ community ⊂ street, gaps, overlaps.

CJ/T 349 and Beijing DB11 require grids to share one topology (no gaps, no overlaps) and to nest
in the administrative hierarchy.  Communities and streets are attributes of the grids (no
polygons of their own), so "inside a community" means: a micro-grid names the same community
and street as its parent, and each community belongs to exactly one street.

Every finding is a plain dict ``{kind, grid_id, other_id, value, x, y}`` with a location in the
scenario CRS (a representative point of the offending area), so reports can list and map it.
"""
from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely
from shapely import STRtree

#: below this area (m²) an overlap or gap is digitising noise, not a finding
MIN_AREA_M2 = 1.0
#: share of a micro-grid's area that may lie outside its parent before it is reported
OUTSIDE_SHARE = 0.01


def _finding(kind: str, grid_id: str = "", other_id: str = "", value: float = float("nan"), geom=None) -> dict:
    x = y = float("nan")
    if geom is not None and not shapely.is_empty(geom):
        p = shapely.point_on_surface(geom)
        x, y = float(shapely.get_x(p)), float(shapely.get_y(p))
    return {"kind": kind, "grid_id": grid_id, "other_id": other_id, "value": float(value), "x": x, "y": y}


def _polygonal_and_valid(geoms, valid=None) -> bool:
    """Every geometry a valid (Multi)Polygon or missing: what GEOS's coverage checks assume."""
    return bool(np.all(_each_polygonal_and_valid(geoms, valid)))


def _each_polygonal_and_valid(geoms, valid=None) -> np.ndarray:
    kind = shapely.get_type_id(geoms)
    ok = valid if valid is not None else shapely.is_valid(geoms)
    return (kind == -1) | (((kind == 3) | (kind == 6)) & ok)


def _valid_coverages(geoms, group=None, valid=None) -> np.ndarray:
    """Per polygon: its group (all polygons when ``group`` is None) is a valid coverage.

    A valid coverage (GEOS >= 3.12) has no overlapping interiors and shared edges that match
    vertex for vertex, so no pair of it can share area; checking one costs a fraction of
    overlaying its touching pairs."""
    n = len(geoms)
    if group is None:
        return np.full(n, _polygonal_and_valid(geoms, valid) and shapely.coverage_is_valid(geoms))
    ok = _each_polygonal_and_valid(geoms, valid)
    _, label = np.unique(np.asarray(group), return_inverse=True)
    order = np.argsort(label, kind="stable")
    cuts = np.flatnonzero(np.diff(label[order])) + 1
    out = np.ones(n, dtype=bool)
    for rows in np.split(order, cuts):
        if len(rows) > 1:
            out[rows] = ok[rows].all() and shapely.coverage_is_valid(geoms[rows])
    return out


def find_overlaps(ids, geoms, min_area: float = MIN_AREA_M2, group=None, valid=None,
                  coverage: bool | None = None) -> list[dict]:
    """Pairs of polygons whose interiors share more than ``min_area`` m² (kind ``overlap``).

    ``group`` (one label per polygon): only pairs within the same group count (the
    micro-grids of one parent), found with one tree and one vectorised intersection.
    ``valid``, ``coverage`` (optional, when the caller has them): ``shapely.is_valid`` of
    ``geoms``; whether they (all of them, whatever ``group``) form a valid coverage."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) < 2:
        return []
    if valid is None:
        valid = shapely.is_valid(geoms)
    # groups that are valid coverages share no area (a negative min_area counts touching pairs too)
    if min_area < 0 or (coverage is False and group is None):
        clean = np.zeros(len(geoms), dtype=bool)
    elif coverage:            # a valid coverage is one in each of its groups too
        return []
    else:
        clean = _valid_coverages(geoms, group, valid)
    if clean.all():
        return []
    tree = STRtree(geoms)
    left, right = tree.query(geoms[~clean], predicate="intersects")
    left = np.flatnonzero(~clean)[left]
    keep = left < right
    if group is not None:
        group = np.asarray(group)
        keep &= group[left] == group[right]
    left, right = left[keep], right[keep]
    if min_area >= 0:
        # valid polygons that only touch share no area: skip their overlay (the costly part)
        both = valid[left] & valid[right]
        touch = np.zeros(len(left), dtype=bool)
        touch[both] = shapely.touches(geoms[left[both]], geoms[right[both]])
        left, right = left[~touch], right[~touch]
    order = np.lexsort((right, left))
    left, right = left[order], right[order]
    inter = shapely.intersection(geoms[left], geoms[right])
    area = shapely.area(inter)
    return [_finding("overlap", str(ids[i]), str(ids[j]), a, g)
            for i, j, a, g in zip(left, right, area, inter) if a > min_area]


def find_gaps(geoms, min_area: float = MIN_AREA_M2, valid=None, coverage: bool | None = None) -> list[dict]:
    """Holes enclosed by the union of the grids (land no grid is responsible for; kind ``gap``).

    ``valid``, ``coverage`` (optional, when the caller has them): ``shapely.is_valid`` of
    ``geoms``; whether they form a valid coverage."""
    geoms = np.asarray(geoms, dtype=object)
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    if valid is not None:
        valid = np.asarray(valid)[present]
    geoms = geoms[present]
    if not len(geoms):
        return []
    if coverage is None:
        coverage = _polygonal_and_valid(geoms, valid) and shapely.coverage_is_valid(geoms)
    if coverage and _no_hole_beyond(geoms, min_area):
        return []
    union = shapely.union_all(list(geoms))
    out = []
    for part in shapely.get_parts(union):
        if part.geom_type != "Polygon":
            continue
        for ring in part.interiors:
            hole = shapely.Polygon(ring)
            if hole.area > min_area:
                out.append(_finding("gap", value=hole.area, geom=hole))
    out.sort(key=lambda f: -f["value"])
    return out


def _no_hole_beyond(polygons, min_area: float) -> bool:
    """True when the union of a valid coverage has no hole larger than ``min_area``, told cheaply.

    For a valid coverage, ``coverage_union_all`` (shared edges dropped, no overlay) covers the
    same land as ``union_all`` in a tenth of the time.  When its result is a valid polygon it has
    the same holes, so none above ``min_area`` means no gap.  Any hole near or above it goes to
    ``union_all``, whose rings (start vertex, touching holes kept apart) the findings come from."""
    union = shapely.coverage_union_all(polygons)
    if not shapely.is_valid(union):
        return False
    parts = shapely.get_parts(union)
    n_holes = shapely.get_num_interior_rings(parts)
    if not n_holes.any():
        return True
    holes = [shapely.Polygon(part.interiors[k]) for part, n in zip(parts, n_holes) for k in range(n)]
    return bool(np.all(shapely.area(holes) < min_area * (1 - 1e-9)))


def check_nesting(grids, outside_share: float = OUTSIDE_SHARE, valid=None) -> list[dict]:
    """Micro-grids outside or not under a general grid; codes or hierarchy attributes that disagree.

    CJ/T 349 codes nest, so a micro-grid's code must begin with its parent's code.
    ``valid`` (optional): ``shapely.is_valid`` of the grid geometries, when the caller has it.
    """
    level = np.asarray(grids.level, dtype=object)
    ids = np.asarray(grids.id, dtype=object)
    geoms = np.asarray(grids.geometry, dtype=object)
    if valid is None:
        valid = shapely.is_valid(geoms)
    row = {str(g): i for i, g in enumerate(ids)}
    out: list[dict] = []
    micro = np.flatnonzero(level == "micro")
    prow = np.array([row.get(str(grids.parent_id[i]), -1) for i in micro], np.int64)
    has = prow >= 0
    p = np.where(has, prow, 0)          # a harmless row for the micro-grids without a parent
    # the part of each micro-grid outside its parent: none when the parent covers it (a cheap
    # predicate), so only the others are overlaid (GEOS releases per pair)
    sure = has & valid[micro] & valid[p]
    covered = np.zeros(micro.size, dtype=bool)
    covered[sure] = shapely.covers(geoms[p[sure]], geoms[micro[sure]])
    cut = has & ~covered
    outside = np.full(micro.size, None, dtype=object)
    outside[cut] = shapely.difference(geoms[micro[cut]], geoms[p[cut]])
    area = shapely.area(geoms[micro])
    out_area = np.zeros(micro.size)
    out_area[cut] = shapely.area(outside[cut])
    with np.errstate(invalid="ignore"):
        is_outside = has & (area > 0) & (out_area > np.maximum(MIN_AREA_M2, outside_share * area))
    not_general = has & (level[p] != "general")
    code = np.asarray(grids.code, dtype=object)
    code_not_nested = has & np.array([bool(c) and bool(pc) and not c.startswith(pc) for c, pc in
                                      zip(map(str, code[micro]), map(str, code[p]))], dtype=bool)
    other = {}
    for attr in ("community", "street"):
        v = np.asarray(getattr(grids, attr), dtype=object)
        other[attr] = has & np.array([bool(a and a != b) for a, b in zip(v[micro], v[p])], dtype=bool)
    flagged = ~has | not_general | is_outside | code_not_nested | other["community"] | other["street"]
    for k in np.flatnonzero(flagged):
        i = micro[k]
        gid, parent = str(ids[i]), str(grids.parent_id[i])
        geom = grids.geometry[i]
        if not has[k]:
            out.append(_finding("micro_no_parent", gid, parent, geom=geom))
            continue
        if not_general[k]:
            out.append(_finding("micro_parent_not_general", gid, parent, geom=geom))
        if is_outside[k]:
            out.append(_finding("micro_outside_parent", gid, parent, out_area[k], outside[k]))
        if code_not_nested[k]:
            out.append(_finding("micro_code_not_nested", gid, parent, geom=geom))
        if other["community"][k]:
            out.append(_finding("micro_other_community", gid, parent, geom=geom))
        if other["street"][k]:
            out.append(_finding("micro_other_street", gid, parent, geom=geom))
    streets_of: dict[str, set] = defaultdict(set)
    first_row: dict[str, int] = {}
    top = np.flatnonzero(level != "micro")
    key = _community_keys(grids, top)
    for i, k in zip(top, key):
        gid = str(ids[i])
        if not grids.community[i] or not grids.street[i]:
            out.append(_finding("missing_hierarchy", gid, geom=grids.geometry[i]))
            continue
        streets_of[k].add(str(grids.street[i]))
        first_row.setdefault(k, i)
    for k, streets in sorted(streets_of.items()):
        if len(streets) > 1:
            i = first_row[k]
            community = str(grids.community[i])
            out.append(_finding("community_in_several_streets", community, " / ".join(sorted(streets)),
                                len(streets), grids.geometry[i]))
    return out


def _community_keys(grids, rows: np.ndarray) -> list[str]:
    """What identifies each grid's community: the CJ/T 349 code prefix (county 6 + street 3 +
    community 3) when every grid has such a code, else the community name.

    Names repeat across streets in real divisions (Chengdu has two 永兴社区, in 东湖 and 簇锦
    streets), so two streets sharing a name is only a violation when no code tells them apart.
    """
    codes = [str(grids.code[i] or "") for i in rows]
    if codes and all(len(c) >= 15 and c.isdigit() for c in codes):
        return [c[:12] for c in codes]
    return [str(grids.community[i]) for i in rows]


def check_units(units, grids) -> list[dict]:
    """Households whose point lies outside the grid they are assigned to (or in no grid)."""
    ids = np.asarray(grids.id, dtype=object)
    row = {str(g): i for i, g in enumerate(ids)}
    x, y = np.asarray(units.x, float), np.asarray(units.y, float)
    rows = np.array([row.get(str(g), -1) for g in units.grid_id], dtype=np.int64)
    known = rows >= 0
    geoms = np.asarray(grids.geometry, dtype=object)
    # a point inside its grid is 0 m from it: measure (and make points for) only the others
    inside = np.zeros(len(rows), dtype=bool)
    inside[known] = shapely.contains_xy(geoms[rows[known]], x[known], y[known])
    dist = np.full(len(rows), np.inf)
    far = known & ~inside
    dist[inside] = 0.0
    dist[far] = shapely.distance(geoms[rows[far]], shapely.points(x[far], y[far]))
    out = []
    for k in np.flatnonzero(~known | (dist > 1.0)):
        kind = "unit_unknown_grid" if rows[k] < 0 else "unit_outside_grid"
        out.append(_finding(kind, str(units.grid_id[k]), str(units.id[k]), float(units.households[k]),
                            shapely.points(x[k], y[k])))
    return out


def topology_report(grids, units=None, min_area: float = MIN_AREA_M2) -> dict[str, list[dict]]:
    """All checks; general/dedicated grids and the micro-grids of each parent are checked apart.

    The checks are independent and spend their time in GEOS, which releases the GIL: two threads
    run them side by side (at city scale the micro-grid coverage check is half the work)."""
    level = np.asarray(grids.level, dtype=object)
    ids = np.asarray(grids.id, dtype=object)
    geoms = np.asarray(grids.geometry, dtype=object)
    valid = shapely.is_valid(geoms)
    top = np.flatnonzero(level != "micro")
    micro = np.flatnonzero(level == "micro")

    def top_level():
        # overlaps and gaps both start from whether the level is a valid coverage
        coverage = _polygonal_and_valid(geoms[top], valid[top]) and shapely.coverage_is_valid(geoms[top])
        return (find_overlaps(ids[top], geoms[top], min_area, valid=valid[top], coverage=coverage),
                find_gaps(geoms[top], min_area, valid[top], coverage=coverage))

    def micro_level():
        parent = np.asarray(grids.parent_id, dtype=object)[micro].astype(str)
        return find_overlaps(ids[micro], geoms[micro], min_area, group=parent, valid=valid[micro])

    with ThreadPoolExecutor(max_workers=2) as pool:
        micro_overlaps = pool.submit(micro_level)
        units_found = pool.submit(check_units, units, grids) if units is not None else None
        top_overlaps, gaps = top_level()
        nesting = check_nesting(grids, valid=valid)
        return {
            "overlaps": top_overlaps + micro_overlaps.result(),
            "gaps": gaps,
            "nesting": nesting,
            "units": units_found.result() if units_found is not None else [],
        }
