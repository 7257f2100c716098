"""Per-layer checks of a scenario GeoPackage: what each layer must hold and how it is converted.

Every check appends a ``Problem(file, layer, fid, field)`` to a ``Collector`` instead of
raising, so that one run of the validator reports everything that is wrong.  ``check_layer``
returns the engine dataclass of the layer (``model.py``) or None when it has errors.  What each
layer must hold (geometry, fields, kinds) is declared in ``schema.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import shapely

from . import gpkg
from ..errors import Problem, ValidationError
from .model import Facilities, Grids, Incidents, Roads, Units
from .stored import mistyped_values
from .schema import ALIASES, EMPTY_IS_ERROR, FieldSpec, LayerSpec
from ..vocab import GRID_LEVELS, INCIDENT_TYPES, ROAD_CLASS_SPEED_KMH

_TRUE = {"yes", "true", "1", "t", "y", "forward"}
_FALSE = {"no", "false", "0", "f", "n", "", "both"}
_REVERSE = {"-1", "reverse", "backward"}


MAX_COUNT = 1e9  # whole-number fields (households, residents, staff): beyond this a value is garbage
WORKSTATION = "grid_station"  # the facility type grid workers respond from
GRID_TOLERANCE_M = 50.0  # a unit this close outside the grid its grid_id names is digitising noise


@dataclass
class Collector:
    """Problems found so far (errors and warnings)."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, message: str, **where: Any) -> None:
        self.problems.append(Problem(message, **where))

    def warning(self, message: str, **where: Any) -> None:
        self.problems.append(Problem(message, severity="warning", **where))

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def check_layer(gpath: Path, name: str, spec: LayerSpec, crs: str, col: Collector):
    """Read and check one layer; the model dataclass, or None when it cannot be used."""
    file = str(gpath)
    try:
        return _check_layer(gpath, name, spec, crs, col)
    except RuntimeError as exc:  # GDAL could not read the table (corrupt file, unsupported content)
        col.error(f"cannot read layer: {exc}", file=file, layer=name)
        return None


def _check_layer(gpath: Path, name: str, spec: LayerSpec, crs: str, col: Collector):
    file = str(gpath)
    info = gpkg.layer_info(gpath, name)
    declared = _geometry_name(info["geometry_type"])
    if declared and declared not in spec.geometry:
        col.error(f"wrong geometry type {declared} (expected {' or '.join(sorted(spec.geometry))})",
                  file=file, layer=name)
        return None
    if info["crs"] is None:
        col.error("layer has no CRS (coordinate reference system); set one in QGIS (Layer → Set CRS) and save",
                  file=file, layer=name)
        return None
    try:
        fids, geoms, cols, _ = gpkg.read_layer(gpath, name, crs=crs)
    except ValidationError as exc:
        col.problems.extend(exc.problems)
        return None
    if len(fids) == 0 and name in EMPTY_IS_ERROR:  # nothing to route on, to serve or to staff
        col.error(f"layer has no features: a scenario needs at least one {EMPTY_IS_ERROR[name]}", file=file,
                  layer=name)
        return None
    if len(fids) == 0 and spec.required:
        col.warning("layer has no features: every result that depends on it will be empty", file=file, layer=name)
    present = ", ".join(cols) or "none"
    missing = False
    lower = {k.lower(): k for k in cols}
    used: set[str] = set()
    source = {f: f for f in spec.fields if f in cols}  # field → its column in the file
    for fname, fs in spec.fields.items():
        if fname not in cols:  # same name in another case, or a common alias (OSM exports)
            for cand in (fname, *ALIASES.get((name, fname), ())):
                if cand.lower() in lower:
                    cols[fname] = cols[lower[cand.lower()]]
                    used.add(lower[cand.lower()])
                    source[fname] = lower[cand.lower()]
                    break
        if fname not in cols and fs.required:
            col.error(f"missing required field '{fname}' ({fs.doc}); fields present: {present}",
                      file=file, layer=name, field=fname)
            missing = True
    ok = _check_geometries(fids, geoms, spec, file, name, col)  # still report everything else
    ok = _check_stored(gpath, name, source, col) and ok
    values = {f: _convert(cols.get(f), fids, f, fs, file, name, col) for f, fs in spec.fields.items()}
    if missing or not ok or any(v is None for v in values.values()):
        return None
    layer = BUILDERS[name](fids, geoms, values, file, col)
    if layer is not None:  # keep the user's other columns (saved back by save_scenario)
        extra = {k: v for k, v in cols.items() if k not in spec.fields and k not in used}
        if name == "roads":
            rows = _rows_of(fids, layer.fid)  # multi-lines were split: one row per part
            layer.attrs = {k: v[rows] for k, v in extra.items()}
        else:
            layer.attrs = extra
    return layer


def _check_stored(gpath: Path, name: str, source: dict[str, str], col: Collector) -> bool:
    """Every value a numeric field holds only in SQLite's raw storage (text, a fraction in an
    integer field): GDAL would hand the engine 0 or a truncated number without a word."""
    bad = mistyped_values(gpath, name, list(source.values()))
    for fname, column in source.items():
        for fid, value in bad.get(column, []):
            if isinstance(value, float):
                read = f" (it would be read as {int(value)})" if np.isfinite(value) else ""
                message = f"{value:g} is not a whole number{read}"
            else:
                message = f"not a number: {value!r} stored in a numeric field (it would be read as 0)"
            col.error(message, file=str(gpath), layer=name, fid=fid, field=fname)
    return not bad


def _rows_of(fids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Row in ``fids`` of each of ``wanted``."""
    order = np.argsort(fids, kind="stable")
    return order[np.searchsorted(fids[order], wanted)]


def _geometry_name(ogr_name: str) -> str:
    """OGR's 'Line String' / '3D Multi Polygon' → 'LineString' / 'MultiPolygon'; '' when unknown."""
    clean = ogr_name.replace("3D ", "").replace(" ", "").replace("Measured", "")
    return "" if clean in ("Unknown(any)", "Unknown", "Geometry", "None", "GeometryCollection") else clean


def _check_geometries(fids, geoms, spec, file, name, col) -> bool:
    bad = False
    types = shapely.get_type_id(geoms)
    names = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint", 5: "MultiLineString", 6: "MultiPolygon",
             7: "GeometryCollection"}
    for i in np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms)):
        col.error("empty or missing geometry", file=file, layer=name, fid=int(fids[i]))
        bad = True
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    for i in np.flatnonzero(present):
        t = names.get(int(types[i]), "?")
        if t not in spec.geometry:
            col.error(f"wrong geometry type {t} (expected {' or '.join(sorted(spec.geometry))})",
                      file=file, layer=name, fid=int(fids[i]))
            bad = True
    zero = present & np.isin(types, (1, 5)) & (shapely.length(geoms) < 0.01)
    for i in np.flatnonzero(zero):
        col.error("road of zero length" if name == "roads" else "line of zero length",
                  file=file, layer=name, fid=int(fids[i]))
        bad = True
    invalid = np.flatnonzero(present & ~zero & ~shapely.is_valid(geoms))
    for i, reason in zip(invalid, shapely.is_valid_reason(geoms[invalid])):
        col.error(f"invalid geometry: {reason}", file=file, layer=name, fid=int(fids[i]))
        bad = True
    return not bad


def _convert(values, fids, fname, fs: FieldSpec, file, layer, col):
    """One column as the kind the engine wants; a Problem per bad value."""
    n = len(fids)
    if values is None:
        default = fs.default
        if fs.kind == "str":
            return np.full(n, default or "", dtype=object)
        if fs.kind in ("int", "oneway"):
            return np.full(n, int(default or 0), dtype=np.int64)
        return np.full(n, np.nan if default is None else default, dtype=np.float64)
    where = dict(file=file, layer=layer, field=fname)
    if fs.kind == "str":
        if set(map(type, values)) <= {str}:     # the usual text column: stripped in C
            out = np.empty(len(values), dtype=object)
            out[:] = list(map(str.strip, values))
        else:
            out = np.array(["" if v is None else (str(int(v)) if isinstance(v, (int, np.integer)) else str(v)).strip()
                            for v in values], dtype=object)
        if not fs.nullable:
            for i in np.flatnonzero(out == ""):
                col.error("value is missing (NULL or empty)", fid=int(fids[i]), **where)
        return out
    if fs.kind == "datetime":
        return _to_datetime(values, fids, where, col)
    if fs.kind == "oneway":
        return _to_oneway(values, fids, where, col)
    nums = _to_float(values, fids, where, col)
    if nums is None:
        return None
    null = np.isnan(nums)
    ok = True
    if not fs.nullable:
        for i in np.flatnonzero(null):
            col.error("value is missing (NULL)", fid=int(fids[i]), **where)
            ok = False
    if fs.nonneg:
        for i in np.flatnonzero(~null & (nums < 0)):
            col.error(f"negative value {nums[i]:g} (must be ≥ 0)", fid=int(fids[i]), **where)
            ok = False
    if fs.kind == "int":
        for i in np.flatnonzero(~null & np.isfinite(nums) & (nums != np.round(nums))):
            col.error(f"{nums[i]:g} is not a whole number", fid=int(fids[i]), **where)
            ok = False
        for i in np.flatnonzero(~null & ~(np.abs(nums) <= MAX_COUNT)):  # inf, or a typo of many digits
            col.error(f"{nums[i]:g} is out of range (a count of at most {MAX_COUNT:,.0f})", fid=int(fids[i]), **where)
            ok = False
        if not ok:
            return None
        return np.where(null, int(fs.default or 0), nums).astype(np.int64)
    return nums if ok else None


def _to_float(values, fids, where, col) -> np.ndarray | None:
    arr = np.asarray(values)
    if arr.dtype.kind in "iuf":
        return arr.astype(np.float64)
    if arr.dtype.kind == "b":
        return arr.astype(np.float64)
    out = np.full(len(arr), np.nan)
    ok = True
    for i, v in enumerate(arr):
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            col.error(f"not a number: {v!r}", fid=int(fids[i]), **where)
            ok = False
    return out if ok else None


def _to_oneway(values, fids, where, col) -> np.ndarray | None:
    out = np.zeros(len(fids), dtype=np.int8)
    ok = True
    for i, v in enumerate(values):
        whole = isinstance(v, (int, float, np.number)) and np.isfinite(v) and v == int(v)
        s = "" if v is None else str(int(v) if whole else v).strip().lower()
        if s in _TRUE:
            out[i] = 1
        elif s in _REVERSE:
            out[i] = -1
        elif s in _FALSE:
            out[i] = 0
        else:
            col.error(f"oneway {v!r} not understood (use 0/1/-1 or yes/no/reverse)", fid=int(fids[i]), **where)
            ok = False
    return out if ok else None


def _to_datetime(values, fids, where, col) -> np.ndarray | None:
    arr = np.asarray(values)
    unreadable: list[int] = []
    if arr.dtype.kind == "M":
        out = arr.astype("datetime64[s]")
    else:
        out = np.full(len(arr), np.datetime64("NaT"), dtype="datetime64[s]")
        for i, v in enumerate(arr):
            if v is None or not str(v).strip():
                continue
            try:
                out[i] = np.datetime64(str(v).strip().replace(" ", "T").rstrip("Z"), "s")
            except ValueError:  # every bad row is listed, not only the first
                col.error(f"not a date-time: {v!r} (use ISO 8601, e.g. 2024-05-01T08:30:00)", fid=int(fids[i]), **where)
                unreadable.append(i)
    bad = np.flatnonzero(np.isnat(out))
    for i in sorted(set(bad.tolist()) - set(unreadable)):
        col.error("value is missing (NULL)", fid=int(fids[i]), **where)
    return None if len(bad) else out


def _duplicates(ids: np.ndarray, fids: np.ndarray, file, layer, col, fname="id") -> None:
    first: dict[str, int] = {}
    for i, v in enumerate(ids):
        if v == "":
            continue
        if v in first:
            col.error(f"duplicate id '{v}' (also feature {int(fids[first[v]])})", file=file, layer=layer,
                      fid=int(fids[i]), field=fname)
        else:
            first[v] = i


# ------------------------------------------------------------------------------- builders

def _roads(fids, geoms, v, file, col) -> Roads | None:
    n_before = len(col.problems)
    parts, idx = shapely.get_parts(geoms, return_index=True)
    length = shapely.length(parts)
    for i in np.flatnonzero(length < 0.01):
        col.error("road of zero length", file=file, layer="roads", fid=int(fids[idx[i]]))
    cls = v["class"]
    for k in sorted(set(cls.tolist())):
        base = k.removesuffix("_link")
        if k and base not in ROAD_CLASS_SPEED_KMH and k != "steps":
            where = np.flatnonzero(cls == k)
            col.warning(f"unknown road class '{k}' on {len(where)} feature(s): treated as residential",
                        file=file, layer="roads", fid=int(fids[where[0]]), field="class")
    sp = v["speed_kmh"]
    for i in np.flatnonzero(~np.isnan(sp) & (sp <= 0)):
        col.error(f"speed {sp[i]:g} km/h must be > 0 (leave empty for the class default)",
                  file=file, layer="roads", fid=int(fids[i]), field="speed_kmh")
    if any(p.severity == "error" for p in col.problems[n_before:]):
        return None
    return Roads(fid=fids[idx], geometry=parts, road_class=cls[idx], oneway=v["oneway"][idx].astype(np.int8),
                 speed_kmh=sp[idx], name=v["name"][idx])


def _grids(fids, geoms, v, file, col) -> Grids | None:
    n_before = len(col.problems)
    ids, level, parent = v["id"], v["level"], v["parent_id"]
    _duplicates(ids, fids, file, "grids", col)
    for i in np.flatnonzero(~np.isin(level, list(GRID_LEVELS)) & (level != "")):
        col.error(f"unknown grid level '{level[i]}' (known: {', '.join(GRID_LEVELS)})",
                  file=file, layer="grids", fid=int(fids[i]), field="level")
    lv = dict(zip(ids.tolist(), level.tolist()))
    for i in np.flatnonzero(level == "micro"):
        p = parent[i]
        if not p:
            col.error("micro-grid without parent_id (id of its general grid)", file=file, layer="grids",
                      fid=int(fids[i]), field="parent_id")
        elif p not in lv:
            col.error(f"parent_id '{p}' is not a grid id", file=file, layer="grids", fid=int(fids[i]), field="parent_id")
        elif lv[p] != "general":
            col.error(f"parent_id '{p}' is a {lv[p]} grid, not a general grid", file=file, layer="grids",
                      fid=int(fids[i]), field="parent_id")
    if len(col.problems) > n_before and any(p.severity == "error" for p in col.problems[n_before:]):
        return None
    return Grids(fid=fids, id=ids, code=v["code"], level=level, parent_id=np.where(level == "micro", parent, ""),
                 community=v["community"], street=v["street"], name=v["name"], geometry=geoms)


def _units(fids, geoms, v, file, col) -> Units | None:
    ids = np.where(v["id"] == "", np.array([f"u{f}" for f in fids], dtype=object), v["id"])
    n_before = len(col.problems)
    _duplicates(ids, fids, file, "units", col)
    if len(col.problems) > n_before:
        return None
    pts = shapely.point_on_surface(geoms)
    xy = shapely.get_coordinates(pts) if len(pts) else np.empty((0, 2))
    return Units(fid=fids, id=ids, households=v["households"], residents=v["residents"], grid_id=v["grid_id"],
                 micro_id=v["micro_id"], x=xy[:, 0].copy(), y=xy[:, 1].copy(), geometry=geoms)


def _facilities(fids, geoms, v, file, col) -> Facilities | None:
    n_before = len(col.problems)
    ids = np.where(v["id"] == "", np.array([f"f{f}" for f in fids], dtype=object), v["id"])
    _duplicates(ids, fids, file, "facilities", col)
    cap = v["capacity"]
    for i in np.flatnonzero(~np.isnan(cap) & (cap < 0)):
        col.error(f"negative capacity {cap[i]:g}", file=file, layer="facilities", fid=int(fids[i]), field="capacity")
    if len(col.problems) > n_before:
        return None
    if not np.any(v["type"] == WORKSTATION):  # else the simulation starts workers at grid centres: a better score
        col.error(f"no grid workstation (a facility of type '{WORKSTATION}'): grid workers set out from their "
                  "workstation; add at least one (usually one per community, staff = its grid workers)",
                  file=file, layer="facilities", field="type")  # the layer is still built: other checks go on
    xy = shapely.get_coordinates(geoms) if len(geoms) else np.empty((0, 2))
    return Facilities(fid=fids, id=ids, type=v["type"], name=v["name"], capacity=cap, staff=v["staff"],
                      grid_id=v["grid_id"], x=xy[:, 0].copy(), y=xy[:, 1].copy())


def _incidents(fids, geoms, v, file, col) -> Incidents | None:
    t = v["type"]
    for k in sorted(set(t.tolist()) - set(INCIDENT_TYPES)):
        where = np.flatnonzero(t == k)
        col.warning(f"incident type '{k}' on {len(where)} feature(s) is not in the vocabulary "
                    f"({', '.join(INCIDENT_TYPES)})", file=file, layer="incidents", fid=int(fids[where[0]]), field="type")
    xy = shapely.get_coordinates(geoms) if len(geoms) else np.empty((0, 2))
    return Incidents(fid=fids, time=v["time"], type=t, x=xy[:, 0].copy(), y=xy[:, 1].copy())


def check_facility_types(fac: Facilities, known: set[str], file: str, col: Collector) -> None:
    """Facility ``type`` values must be vocabulary keys or types declared in [coverage.types]."""
    names = ", ".join(sorted(known))
    for i in np.flatnonzero(~np.isin(fac.type, list(known)) & (fac.type != "")):
        col.error(f"unknown facility type '{fac.type[i]}' (known: {names}; declare new ones in scenario.toml "
                  f"as [coverage.types.{fac.type[i]}])", file=file, layer="facilities", fid=int(fac.fid[i]),
                  field="type")


BUILDERS: dict[str, Callable] = {"roads": _roads, "grids": _grids, "units": _units,
                                 "facilities": _facilities, "incidents": _incidents}


# ------------------------------------------------------------------------- cross-layer links

def link_units(units: Units, grids: Grids, file: str, col: Collector, facilities: Facilities | None = None) -> None:
    """Fill missing unit grid_id / micro_id by point-in-polygon; check the given ones.

    A given id that names no grid (or a grid of the wrong level) is an error; one that disagrees
    with the polygon containing the unit is a warning (the attribute wins).  A unit in no grid is
    an error, unless its grid_id names a grid less than ``GRID_TOLERANCE_M`` away (digitising):
    it would otherwise be counted in a grid it is kilometres from, or in none."""
    level = dict(zip(grids.id.tolist(), grids.level.tolist()))
    shape = dict(zip(grids.id.tolist(), grids.geometry))
    parent = dict(zip(grids.id.tolist(), grids.parent_id.tolist()))
    pts = shapely.points(units.x, units.y)
    base = np.flatnonzero(grids.level != "micro")
    micro = np.flatnonzero(grids.level == "micro")
    inside_g = _containing(pts, grids.geometry[base], grids.id[base], prefer=grids.level[base] == "dedicated")
    inside_m = _containing(pts, grids.geometry[micro], grids.id[micro])
    where = dict(file=file, layer="units")
    for i in range(len(units)):
        g, m = units.grid_id[i], units.micro_id[i]
        if g and g not in level:
            col.error(f"grid_id '{g}' is not a grid id", fid=int(units.fid[i]), field="grid_id", **where)
        elif g and level[g] == "micro":
            col.error(f"grid_id '{g}' is a micro-grid (put it in micro_id)", fid=int(units.fid[i]), field="grid_id", **where)
        elif g and inside_g[i] and inside_g[i] != g:
            col.warning(f"grid_id '{g}' but the unit lies in grid '{inside_g[i]}'", fid=int(units.fid[i]),
                        field="grid_id", **where)
        elif g and not inside_g[i] and (d := shapely.distance(pts[i], shape[g])) > GRID_TOLERANCE_M:
            col.error(f"lies {_metres(d)} outside grid '{g}' named by its grid_id, and in no grid: correct its "
                      "position or grid_id (or check the layer's CRS)", fid=int(units.fid[i]), field="grid_id", **where)
        elif not g:
            units.grid_id[i] = inside_g[i]
            if not inside_g[i]:
                col.error("lies outside every general/dedicated grid and has no grid_id: set grid_id, draw the grid "
                          "that covers it, or check the layer's CRS", fid=int(units.fid[i]), field="grid_id", **where)
        if m and m not in level:
            col.error(f"micro_id '{m}' is not a grid id", fid=int(units.fid[i]), field="micro_id", **where)
        elif m and level[m] != "micro":
            col.error(f"micro_id '{m}' is a {level[m]} grid, not a micro-grid", fid=int(units.fid[i]),
                      field="micro_id", **where)
        elif m and parent.get(m) and units.grid_id[i] and parent[m] != units.grid_id[i]:
            col.warning(f"micro-grid '{m}' belongs to '{parent[m]}', not to the unit's grid '{units.grid_id[i]}'",
                        fid=int(units.fid[i]), field="micro_id", **where)
        elif not m:
            units.micro_id[i] = inside_m[i]
    if facilities is not None:
        link_facilities(facilities, grids, file, col)


def link_facilities(facilities: Facilities, grids: Grids, file: str, col: Collector) -> None:
    """Check given facility grid_ids; fill empty ones by location.

    An empty grid_id becomes the general/dedicated grid containing the facility (dedicated
    wins where they overlap), else the nearest such grid (straight-line distance to its
    polygon), so a workstation placed on a boundary road still serves a grid.  The
    simulation bases each grid's workers at the station serving it (engine/simulation/setup).
    """
    # as str arrays: np.isin compares object arrays pair by pair (a city: 35,000 × 144,000)
    known = np.isin(np.asarray(facilities.grid_id).astype(str), np.asarray(grids.id).astype(str))
    for i in np.flatnonzero((facilities.grid_id != "") & ~known):
        col.error(f"grid_id '{facilities.grid_id[i]}' is not a grid id", file=file, layer="facilities",
                  fid=int(facilities.fid[i]), field="grid_id")
    empty = np.flatnonzero(facilities.grid_id == "")
    base = np.flatnonzero(grids.level != "micro")
    if not empty.size or not base.size:
        return
    pts = shapely.points(facilities.x[empty], facilities.y[empty])
    found = _containing(pts, grids.geometry[base], grids.id[base], prefer=grids.level[base] == "dedicated")
    outside = np.flatnonzero(found == "")
    if outside.size:
        nearest = shapely.STRtree(grids.geometry[base]).nearest(pts[outside])
        found[outside] = grids.id[base][nearest]
    facilities.grid_id[empty] = found


def _metres(d: float) -> str:
    return f"{d / 1000:.1f} km" if d >= 1000 else f"{d:.0f} m"


def _containing(pts: np.ndarray, polys: np.ndarray, ids: np.ndarray, prefer: np.ndarray | None = None) -> np.ndarray:
    """Id of the polygon containing each point ('' if none; ``prefer`` wins ties)."""
    out = np.full(len(pts), "", dtype=object)
    if not len(polys) or not len(pts):
        return out
    tree = shapely.STRtree(polys)
    p_idx, g_idx = tree.query(pts, predicate="within")
    rank = np.zeros(len(polys)) if prefer is None else prefer.astype(float)
    # per point, the first polygon (in query order) of the highest rank
    order = np.lexsort((np.arange(p_idx.size), -rank[g_idx], p_idx))
    p_idx, g_idx = p_idx[order], g_idx[order]
    first = np.r_[True, p_idx[1:] != p_idx[:-1]] if p_idx.size else np.zeros(0, bool)
    out[p_idx[first]] = ids[g_idx[first]]
    return out
