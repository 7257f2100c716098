"""A city scenario cut into its districts (区/县), each a scenario of its own.

The district of a grid is its ``district`` column when the grids layer has one, else the
county part of its CJ/T 349 code (the first 6 digits: ``510107`` 武侯区).  Units belong to the
district of their grid; facilities to the district of the grid they serve (``grid_id``, which
the loader fills by location), else of the nearest unit; history records to the nearest unit's.
The road network is shared, unchanged, by every district (trip times are the same whether a
district runs alone or in the city).
"""
from __future__ import annotations

import copy
import dataclasses as dc
import zlib

import numpy as np

from ..errors import Problem, ValidationError

COUNTY_DIGITS = 6      # CJ/T 349: county 6 + street 3 + community 3 + grid 3


def grid_districts(grids) -> np.ndarray:
    """District key of every grid ('' where neither a district column nor a coded grid says)."""
    col = grids.attrs.get("district") if getattr(grids, "attrs", None) else None
    named = np.asarray(col).astype(str) if col is not None else np.full(len(grids), "", dtype=object)
    code = np.asarray(grids.code).astype(str)
    county = np.array([c[:COUNTY_DIGITS] if len(c) >= 12 and c.isdigit() else "" for c in code], dtype=object)
    return np.where((named != "") & (named != "None"), named, county).astype(object)


def unit_districts(scenario) -> np.ndarray:
    """District key of every unit (its grid's)."""
    by_id = dict(zip(np.asarray(scenario.grids.id).tolist(), grid_districts(scenario.grids).tolist()))
    return np.array([by_id.get(g, "") for g in np.asarray(scenario.units.grid_id).tolist()], dtype=object)


def _nearest_unit(scenario, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from scipy.spatial import cKDTree

    u = scenario.units
    if not len(u) or not len(x):
        return np.zeros(len(x), np.int64)
    xy = np.column_stack([x, y])
    xy = np.where(np.isfinite(xy), xy, 0.0)
    return cKDTree(np.column_stack([u.x, u.y])).query(xy)[1].astype(np.int64)


def facility_districts(scenario, unit_district: np.ndarray) -> np.ndarray:
    """District key of every facility: its grid's, else the nearest unit's."""
    fac = scenario.facilities
    if fac is None or not len(fac):
        return np.zeros(0, dtype=object)
    by_id = dict(zip(np.asarray(scenario.grids.id).tolist(), grid_districts(scenario.grids).tolist()))
    out = np.array([by_id.get(g, "") for g in np.asarray(fac.grid_id).tolist()], dtype=object)
    loose = np.flatnonzero(out == "")
    if loose.size:
        out[loose] = unit_district[_nearest_unit(scenario, fac.x[loose], fac.y[loose])]
    return out


def districts(scenario) -> list[str]:
    """The district keys of a scenario, sorted; a located error when a unit has none."""
    ud = unit_districts(scenario)
    bad = np.flatnonzero(ud == "")
    if bad.size:
        raise ValidationError([Problem(
            f"unit '{scenario.units.id[i]}' is in no district: its grid '{scenario.units.grid_id[i]}' has no "
            "'district' value and no CJ/T 349 code (12+ digits, county first); add a 'district' column to "
            "the grids layer", "layers.gpkg", "units", int(scenario.units.fid[i]), "grid_id") for i in bad[:20]])
    return sorted(set(ud.tolist()))


def stream_key(district: str) -> int:
    """The integer that keys a district's random streams (its county code, else a CRC32 of its name)."""
    d = str(district)
    return int(d) if d.isdigit() and len(d) <= 18 else zlib.crc32(d.encode("utf-8"))


def _rows(table, keep: np.ndarray):
    """``table`` (a layer dataclass) restricted to the rows ``keep`` (attrs columns too)."""
    n = len(table.fid)
    out = dc.replace(table, **{f.name: getattr(table, f.name)[keep] for f in dc.fields(table)
                               if isinstance(getattr(table, f.name), np.ndarray) and len(getattr(table, f.name)) == n})
    out.attrs = {k: np.asarray(v)[keep] if np.shape(v)[:1] == (n,) else v for k, v in (table.attrs or {}).items()}
    return out


def district_scenario(scenario, key: str, labels: tuple | None = None):
    """The scenario of district ``key`` alone (roads shared, not copied); ``labels`` reuses
    ``district_labels`` when cutting several districts."""
    gd, ud, fd, hd = labels if labels is not None else district_labels(scenario)
    sub = copy.copy(scenario)
    sub.grids = _rows(scenario.grids, gd == key)
    sub.units = _rows(scenario.units, ud == key)
    if scenario.facilities is not None:
        sub.facilities = _rows(scenario.facilities, fd == key)
    if hd is not None:
        sub.incidents = _rows(scenario.incidents, hd == key)
    sub.meta = {**scenario.meta, "district": key}
    return sub


def district_labels(scenario) -> tuple:
    """(grid, unit, facility, history record) district keys of a scenario."""
    ud = unit_districts(scenario)
    hist = scenario.incidents
    hd = ud[_nearest_unit(scenario, hist.x, hist.y)] if hist is not None and len(hist) else None
    return grid_districts(scenario.grids), ud, facility_districts(scenario, ud), hd


def split_districts(scenario) -> dict[str, object]:
    """``{district key: scenario of that district}`` in key order."""
    labels = district_labels(scenario)
    return {key: district_scenario(scenario, key, labels) for key in districts(scenario)}
