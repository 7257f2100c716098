"""Households per building: from a register (人房数据: 小区/楼栋 with household and resident
counts) joined by id or by location, from a mapped field, or estimated as
footprint × floors ÷ dwelling size with every factor a parameter of the ``[import]`` table.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from ..errors import Problem, ValidationError
from .sources import FIELD_ALIASES, Table, column

HOUSE_TYPES = {"house", "detached", "semidetached_house", "terrace", "bungalow", "farm", "cabin"}
RESIDENTIAL_TYPES = HOUSE_TYPES | {"residential", "apartments", "dormitory"}
UNKNOWN_TYPES = {"yes", "", "block", "building"}


@dataclass
class Households:
    households: np.ndarray           # int64 per building
    residents: np.ndarray            # int64 per building
    method: np.ndarray               # str per building: register | field | flats | estimate | none
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def _numbers(values, n: int) -> np.ndarray:
    """Numbers out of tag text ('5', '3.5', '12.13 m'); NaN where none."""
    out = np.full(n, np.nan)
    if values is None:
        return out
    for i, v in enumerate(values):
        if v is None:
            continue
        if isinstance(v, (int, float, np.integer, np.floating)):
            out[i] = float(v)
            continue
        m = re.match(r"\s*(\d+(?:[.,]\d+)?)", str(v))
        if m:
            out[i] = float(m.group(1).replace(",", "."))
    return out


def building_kind(types: np.ndarray) -> np.ndarray:
    """house | apartments | residential | dormitory | other | nonresidential per building type tag."""
    out = np.full(len(types), "nonresidential", dtype=object)
    t = np.array(["" if v is None else str(v).lower() for v in types], dtype=object)
    out[np.isin(t, list(UNKNOWN_TYPES))] = "other"
    out[np.isin(t, list(HOUSE_TYPES))] = "house"
    for k in ("apartments", "residential", "dormitory"):
        out[t == k] = k
    return out


def estimate(buildings: Table, mapping: dict, p: dict) -> Households:
    """Households of every building from the data itself (mapped field, building:flats, or estimate)."""
    n = len(buildings)
    kind = building_kind(column(buildings, "type", mapping) if column(buildings, "type", mapping) is not None
                         else np.full(n, "yes", dtype=object))
    residential = np.isin(kind, ["house", "apartments", "residential", "dormitory"])
    if p["unknown_type_residential"]:
        residential |= kind == "other"
    area = shapely.area(buildings.geometry)
    floors = _numbers(column(buildings, "floors", mapping), n)
    height = _numbers(column(buildings, "height", mapping), n)
    default = np.array([p["default_floors"].get(k, p["default_floors"]["other"]) for k in kind], dtype=np.float64)
    floors = np.where(np.isfinite(floors) & (floors > 0), floors,
                      np.where(np.isfinite(height) & (height > 0), np.maximum(1.0, np.round(height / p["floor_height_m"])),
                               default))
    hh = np.where(residential & (area >= p["min_footprint_m2"]),
                  np.floor(area * floors / p["dwelling_m2"] + 0.5), 0).astype(np.int64)
    hh = np.where(residential & (area >= p["min_footprint_m2"]), np.maximum(hh, 1), hh)
    method = np.where(residential, "estimate", "none").astype(object)
    flats = _numbers(buildings.columns.get("building:flats"), n)
    given = _numbers(column(buildings, "households", mapping), n)
    for values, label in ((flats, "flats"), (given, "field")):
        ok = np.isfinite(values) & (values >= 0)
        hh[ok] = np.round(values[ok]).astype(np.int64)
        method[ok] = label
    res_given = _numbers(column(buildings, "residents", mapping), n)
    res = np.where(np.isfinite(res_given) & (res_given >= 0), np.round(res_given),
                   np.round(hh * p["residents_per_household"])).astype(np.int64)
    notes = [f"households estimated for {int((method == 'estimate').sum())} buildings as footprint × floors ÷ "
             f"{p['dwelling_m2']:g} m² (floors from building:levels, else height ÷ {p['floor_height_m']:g} m, else the "
             f"default by type {p['default_floors']}); see [import] in this file"] if (method == "estimate").any() else []
    if (method == "flats").any():
        notes.append(f"households of {int((method == 'flats').sum())} buildings from the OSM tag building:flats")
    if (method == "field").any():
        notes.append(f"households of {int((method == 'field').sum())} buildings from the field "
                     f"'{mapping.get('households', 'households')}' of {buildings.file}")
    return Households(hh, res, method, notes=notes)


# ------------------------------------------------------------------------------- register

@dataclass
class Register:
    file: str
    line: np.ndarray         # CSV line number of each row (header = line 1)
    id: np.ndarray           # str ('' = none)
    lon: np.ndarray          # float64 (NaN = none), in the register's coordinate system
    lat: np.ndarray
    households: np.ndarray   # int64
    residents: np.ndarray    # float64 (NaN = none)
    name: np.ndarray


def read_register(path: str, mapping: dict) -> Register:
    """A CSV register: households (户数) required; id and/or lon/lat to join; residents optional."""
    p = Path(path)
    if not p.exists():
        raise ValidationError([Problem("file not found", file=str(p), field="--households")])
    with p.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        raise ValidationError([Problem("empty register (expected a header line and one row per 小区/楼栋)",
                                       file=str(p))])
    header = [h.strip() for h in rows[0]]
    lower = {h.lower(): j for j, h in enumerate(header)}

    def col(key: str) -> int | None:
        names = ([mapping[key]] if key in mapping else []) + list(FIELD_ALIASES[key])
        for name in names:
            if name.lower() in lower:
                return lower[name.lower()]
        return None

    j_hh = col("households")
    if j_hh is None:
        raise ValidationError([Problem(
            f"no households column (looked for {', '.join(FIELD_ALIASES['households'])}; name yours with "
            f"--map households=COLUMN)", file=str(p), fid="line 1")])
    j_id, j_lon, j_lat, j_res, j_name = col("id"), col("lon"), col("lat"), col("residents"), col("name")
    if j_id is None and (j_lon is None or j_lat is None):
        raise ValidationError([Problem("the register needs an id column (joined to the buildings' id) or lon/lat "
                                       "columns (joined by location)", file=str(p), fid="line 1")])
    body = rows[1:]
    problems = []

    def num(j, i, r, name, required):
        text = r[j].strip() if j is not None and j < len(r) else ""
        if not text:
            if required:
                problems.append(Problem(f"empty {name}", file=str(p), fid=f"line {i + 2}", field=header[j]))
            return np.nan
        try:
            v = float(text)
        except ValueError:
            problems.append(Problem(f"'{text}' is not a number", file=str(p), fid=f"line {i + 2}", field=header[j]))
            return np.nan
        if v < 0:
            problems.append(Problem(f"{name} {text} must be ≥ 0", file=str(p), fid=f"line {i + 2}", field=header[j]))
        return v

    hh = np.array([num(j_hh, i, r, "households", True) for i, r in enumerate(body)], dtype=np.float64)
    res = np.array([num(j_res, i, r, "residents", False) for i, r in enumerate(body)], dtype=np.float64)
    lon = np.array([num(j_lon, i, r, "lon", False) for i, r in enumerate(body)], dtype=np.float64)
    lat = np.array([num(j_lat, i, r, "lat", False) for i, r in enumerate(body)], dtype=np.float64)
    if problems:
        raise ValidationError(problems)

    def text(j):
        return np.array([r[j].strip() if j is not None and j < len(r) else "" for r in body], dtype=object)

    return Register(str(p), np.arange(2, len(body) + 2), text(j_id), lon, lat,
                    np.nan_to_num(hh).astype(np.int64), res, text(j_name))


def join_register(reg: Register, buildings: Table, building_ids: np.ndarray, points_wc: np.ndarray,
                  p: dict) -> tuple[Households, np.ndarray]:
    """Register rows → buildings by id, else by the building polygon containing the row's point.

    Returns the households per building (buildings the register does not name get 0) and the
    rows that joined no building (index into the register)."""
    n = len(buildings)
    target = np.full(len(reg.id), -1, dtype=np.int64)
    if len(building_ids):
        order = np.argsort(building_ids, kind="stable")
        sorted_ids = building_ids[order].astype(str)
        pos = np.searchsorted(sorted_ids, reg.id.astype(str))
        pos = np.minimum(pos, len(sorted_ids) - 1)
        hit = (reg.id != "") & (sorted_ids[pos] == reg.id.astype(str))
        target[hit] = order[pos[hit]]
    by_id = target >= 0
    todo = np.flatnonzero((target < 0) & np.isfinite(reg.lon) & np.isfinite(reg.lat))
    if len(todo) and n:
        tree = shapely.STRtree(buildings.geometry)
        row, bld = tree.query(points_wc[todo], predicate="within")
        first = np.unique(row, return_index=True)[1]
        target[todo[row[first]]] = bld[first]
    ok = target >= 0
    hh = np.bincount(target[ok], weights=reg.households[ok], minlength=n).astype(np.int64)
    res_known = np.isfinite(reg.residents)
    res = np.bincount(target[ok], weights=np.where(res_known, reg.residents, reg.households * p["residents_per_household"])[ok],
                      minlength=n)
    named = np.bincount(target[ok], minlength=n) > 0
    method = np.where(named, "register", "none").astype(object)
    out = Households(hh, np.round(res).astype(np.int64), method)
    unjoined = np.flatnonzero(~ok)
    out.notes.append(f"households of {int(named.sum())} buildings from the register {reg.file} "
                     f"({int(ok.sum())} of {len(ok)} rows joined: {int(by_id.sum())} by id, "
                     f"{int((ok & ~by_id).sum())} by location)")
    for i in unjoined[:50]:
        why = ("its id matches no building and it has no lon/lat" if not np.isfinite(reg.lon[i])
               else "its point lies in no building" + (" and its id matches none" if reg.id[i] else ""))
        out.problems.append(Problem(
            f"register row{' ' + repr(reg.name[i]) if reg.name[i] else ''} ({reg.households[i]} households) joined no "
            f"building: {why}; check the id against the buildings' id field (--map id=FIELD) or the coordinates "
            f"(--coords)", file=reg.file, fid=f"line {reg.line[i]}", severity="warning"))
    if len(unjoined) > 50:
        out.problems.append(Problem(f"{len(unjoined) - 50} more register rows joined no building",
                                    file=reg.file, severity="warning"))
    return out, unjoined
