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


def find_overlaps(ids, geoms, min_area: float = MIN_AREA_M2, group=None) -> list[dict]:
    """Pairs of polygons whose interiors share more than ``min_area`` m² (kind ``overlap``).

    ``group`` (one label per polygon): only pairs within the same group count (the
    micro-grids of one parent), found with one tree and one vectorised intersection."""
    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) < 2:
        return []
    tree = STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    if group is not None:
        group = np.asarray(group)
        keep &= group[left] == group[right]
    left, right = left[keep], right[keep]
    order = np.lexsort((right, left))
    left, right = left[order], right[order]
    inter = shapely.intersection(geoms[left], geoms[right])
    area = shapely.area(inter)
    return [_finding("overlap", str(ids[i]), str(ids[j]), a, g)
            for i, j, a, g in zip(left, right, area, inter) if a > min_area]


def find_gaps(geoms, min_area: float = MIN_AREA_M2) -> list[dict]:
    """Holes enclosed by the union of the grids (land no grid is responsible for; kind ``gap``)."""
    geoms = [g for g in np.asarray(geoms, dtype=object) if g is not None and not shapely.is_empty(g)]
    if not geoms:
        return []
    union = shapely.union_all(geoms)
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


def check_nesting(grids, outside_share: float = OUTSIDE_SHARE) -> list[dict]:
    """Micro-grids outside or not under a general grid; codes or hierarchy attributes that disagree.

    CJ/T 349 codes nest, so a micro-grid's code must begin with its parent's code.
    """
    level = np.asarray(grids.level, dtype=object)
    ids = np.asarray(grids.id, dtype=object)
    row = {str(g): i for i, g in enumerate(ids)}
    out: list[dict] = []
    micro = np.flatnonzero(level == "micro")
    prow = np.array([row.get(str(grids.parent_id[i]), -1) for i in micro], np.int64)
    has = prow >= 0
    # the part of each micro-grid outside its parent, all at once (GEOS releases per pair)
    outside = np.full(micro.size, None, dtype=object)
    outside[has] = shapely.difference(grids.geometry[micro[has]], grids.geometry[prow[has]])
    area = shapely.area(grids.geometry[micro])
    out_area = np.zeros(micro.size)
    out_area[has] = shapely.area(outside[has])
    for k, i in enumerate(micro):
        gid, parent = str(ids[i]), str(grids.parent_id[i])
        geom = grids.geometry[i]
        if not has[k]:
            out.append(_finding("micro_no_parent", gid, parent, geom=geom))
            continue
        p = prow[k]
        if level[p] != "general":
            out.append(_finding("micro_parent_not_general", gid, parent, geom=geom))
        if area[k] > 0 and out_area[k] > max(MIN_AREA_M2, outside_share * area[k]):
            out.append(_finding("micro_outside_parent", gid, parent, out_area[k], outside[k]))
        code, pcode = str(grids.code[i]), str(grids.code[p])
        if code and pcode and not code.startswith(pcode):
            out.append(_finding("micro_code_not_nested", gid, parent, geom=geom))
        if grids.community[i] and grids.community[i] != grids.community[p]:
            out.append(_finding("micro_other_community", gid, parent, geom=geom))
        if grids.street[i] and grids.street[i] != grids.street[p]:
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
    pts = shapely.points(np.asarray(units.x, float), np.asarray(units.y, float))
    rows = np.array([row.get(str(g), -1) for g in units.grid_id], dtype=np.int64)
    known = rows >= 0
    dist = np.full(len(rows), np.inf)
    if known.any():
        dist[known] = shapely.distance(np.asarray(grids.geometry, dtype=object)[rows[known]], pts[known])
    out = []
    for k in np.flatnonzero(~known | (dist > 1.0)):
        kind = "unit_unknown_grid" if rows[k] < 0 else "unit_outside_grid"
        out.append(_finding(kind, str(units.grid_id[k]), str(units.id[k]), float(units.households[k]), pts[k]))
    return out


def topology_report(grids, units=None, min_area: float = MIN_AREA_M2) -> dict[str, list[dict]]:
    """All checks; general/dedicated grids and the micro-grids of each parent are checked apart."""
    level = np.asarray(grids.level, dtype=object)
    top = np.flatnonzero(level != "micro")
    overlaps = find_overlaps(grids.id[top], grids.geometry[top], min_area)
    micro = np.flatnonzero(level == "micro")
    overlaps += find_overlaps(grids.id[micro], grids.geometry[micro], min_area,
                              group=np.asarray(grids.parent_id, dtype=object)[micro].astype(str))
    return {
        "overlaps": overlaps,
        "gaps": find_gaps(grids.geometry[top], min_area),
        "nesting": check_nesting(grids),
        "units": check_units(units, grids) if units is not None else [],
    }
