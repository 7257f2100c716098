"""Facilities from OSM amenities (documented tag table) or a planner's layer, and the grid
workstation of each community (given, or placed at the unit nearest the community's
household-weighted centre)."""
from __future__ import annotations

import numpy as np
import shapely

from ..errors import Problem
from ..vocab import FACILITY_TYPES
from .sources import Table, column

# (OSM key, value) → GridGov facility type.  docs/import.md prints this table.
OSM_FACILITY_TAGS: dict[tuple[str, str], str] = {
    ("amenity", "police"): "police",
    ("amenity", "fire_station"): "fire",
    ("amenity", "clinic"): "clinic",
    ("amenity", "doctors"): "clinic",
    ("healthcare", "clinic"): "clinic",
    ("healthcare", "doctor"): "clinic",
    ("healthcare", "centre"): "health_centre",
    ("amenity", "hospital"): "health_centre",
    ("healthcare", "hospital"): "health_centre",
    ("amenity", "school"): "school",
    ("amenity", "kindergarten"): "kindergarten",
    ("amenity", "childcare"): "kindergarten",
    ("amenity", "marketplace"): "market",
    ("shop", "greengrocer"): "market",
    ("shop", "supermarket"): "supermarket",
    ("shop", "convenience"): "supermarket",
    ("shop", "department_store"): "supermarket",
    ("shop", "mall"): "supermarket",
    ("amenity", "social_facility"): "elderly_care",   # only with social_facility:for=senior / nursing types, below
    ("amenity", "nursing_home"): "elderly_care",
    ("amenity", "community_centre"): "community_service",
    ("amenity", "social_centre"): "community_service",
    ("amenity", "townhall"): "governance_centre",
    ("amenity", "library"): "cultural",
    ("amenity", "arts_centre"): "cultural",
    ("leisure", "sports_centre"): "sports",
    ("leisure", "pitch"): "sports",
    ("leisure", "fitness_station"): "sports",
    ("leisure", "stadium"): "sports",
}
ELDERLY_SOCIAL = {"nursing_home", "assisted_living", "day_care", "group_home"}
# Footprints that become dedicated grids (专属网格): schools, hospitals, markets.
DEDICATED_TYPES = {"school": "school", "health_centre": "hospital", "market": "market"}


def osm_types(t: Table) -> np.ndarray:
    """GridGov type of each OSM feature ('' = not a facility); first matching key wins."""
    out = np.full(len(t), "", dtype=object)
    for (key, value), kind in reversed(list(OSM_FACILITY_TAGS.items())):
        col = t.columns.get(key)
        if col is not None:
            out[col == value] = kind
    social = t.columns.get("social_facility")
    amen = t.columns.get("amenity")
    if amen is not None:
        is_social = amen == "social_facility"
        ok = np.isin(social, list(ELDERLY_SOCIAL)) if social is not None else np.zeros(len(t), bool)
        out[is_social & ~ok] = ""
    return out


def from_osm(points: Table, polygons: Table) -> tuple[Table, Table]:
    """(facility points, dedicated-grid footprints) from the OSM points and multipolygons layers."""
    pt_type = osm_types(points)
    pg_type = osm_types(polygons)
    pts = points.subset(pt_type != "")
    pgs = polygons.subset(pg_type != "")
    pg_type = pg_type[pg_type != ""]
    geoms = np.concatenate([pts.geometry, shapely.point_on_surface(pgs.geometry)])
    kinds = np.concatenate([pt_type[pt_type != ""], pg_type])
    names = np.concatenate([_names(pts), _names(pgs)])
    layers = np.array([points.layer] * len(pts) + [polygons.layer] * len(pgs), dtype=object)
    fac = Table(points.file, "points+multipolygons", np.concatenate([pts.fid, pgs.fid]), geoms,
                {"type": kinds, "name": names, "source_layer": layers}, points.crs)
    ded = np.isin(pg_type, list(DEDICATED_TYPES))
    footprints = Table(polygons.file, polygons.layer, pgs.fid[ded], pgs.geometry[ded],
                       {"type": pg_type[ded], "name": _names(pgs)[ded]}, polygons.crs)
    return fac, footprints


def _names(t: Table) -> np.ndarray:
    col = t.columns.get("name")
    return np.array(["" if v is None else str(v) for v in col] if col is not None else [""] * len(t), dtype=object)


def from_layer(t: Table, mapping: dict) -> tuple[Table, Table, list[Problem]]:
    """A planner's facilities layer (points or polygons) with a type field in GridGov's vocabulary."""
    kinds = column(t, "type", mapping)
    problems = []
    if kinds is None:
        problems.append(Problem(f"no type field (name it with --map type=FIELD; values: {', '.join(FACILITY_TYPES)})",
                                **t.where(field="type")))
        return t.subset(np.zeros(len(t), bool)), t.subset(np.zeros(len(t), bool)), problems
    kinds = np.array(["" if v is None else str(v) for v in kinds], dtype=object)
    bad = ~np.isin(kinds, list(FACILITY_TYPES))
    for i in np.flatnonzero(bad)[:20]:
        problems.append(Problem(f"type '{kinds[i]}' is not a GridGov facility type ({', '.join(FACILITY_TYPES)}): "
                                "feature skipped", severity="warning", **t.where(int(t.fid[i]), "type")))
    keep = ~bad
    sub = t.subset(keep)
    kinds = kinds[keep]
    names = column(sub, "name", mapping)
    names = np.array(["" if v is None else str(v) for v in names] if names is not None else [""] * len(sub), dtype=object)
    poly = np.isin(shapely.get_type_id(sub.geometry), [3, 6])
    cols = {"type": kinds, "name": names, "source_layer": np.full(len(sub), t.layer, dtype=object)}
    for key in ("staff", "capacity"):
        v = column(sub, key, mapping)
        if v is not None:
            cols[key] = v
    fac = Table(t.file, t.layer, sub.fid, shapely.point_on_surface(sub.geometry), cols, t.crs)
    ded = poly & np.isin(kinds, list(DEDICATED_TYPES))
    footprints = Table(t.file, t.layer, sub.fid[ded], sub.geometry[ded], {"type": kinds[ded], "name": names[ded]},
                       t.crs)
    return fac, footprints, problems


def place_stations(unit_xy: np.ndarray, households: np.ndarray, community: np.ndarray) -> dict[str, int]:
    """Per community, the unit nearest its household-weighted centre (row index into the units)."""
    out = {}
    names, inv = np.unique(community.astype(str), return_inverse=True)
    w = np.maximum(households.astype(np.float64), 1e-9)
    tot = np.bincount(inv, weights=w)
    cx = np.bincount(inv, weights=w * unit_xy[:, 0]) / tot
    cy = np.bincount(inv, weights=w * unit_xy[:, 1]) / tot
    d = np.hypot(unit_xy[:, 0] - cx[inv], unit_xy[:, 1] - cy[inv])
    order = np.lexsort((d, inv))
    first = order[np.r_[0, np.flatnonzero(np.diff(inv[order])) + 1]]
    for c in first:
        out[str(names[inv[c]])] = int(c)
    return out
