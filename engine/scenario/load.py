"""Loading scenario folders: ``scenario.toml`` + ``layers.gpkg`` → engine-ready arrays.

``load_scenario`` reads, checks and reprojects everything to the metric working CRS and raises
``ValidationError`` carrying *every* problem found; ``validate_scenario`` returns the same
problems (errors and warnings) without raising.  The per-layer checks live in ``checks.py``,
saving in ``save.py``; the format is documented in ``docs/scenario.md``.
"""
from __future__ import annotations

import copy
import math
import os
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import gpkg
from ..errors import GridGovError, Problem, ValidationError
from .model import Scenario
from ..coverage_types import known_facility_types
from ..params import DEFAULTS, check as check_params, merge_located
from .checks import Collector, check_facility_types, check_layer, link_units
from .crs import working_crs_problem
from .placement import check_placement
from .schema import LAYER_SPECS

TOML_NAME = "scenario.toml"
GPKG_NAME = "layers.gpkg"
# Keys of the [scenario] table (anything else is a typo and reported).
SCENARIO_KEYS = {
    "name": "short identifier", "title": "display title", "description": "free text",
    "crs": "metric working CRS, e.g. EPSG:32648 (default: UTM zone of the data)",
    "synthetic": "true when the data is generated", "seed": "seed the data was generated with",
    "region": "where", "sources": "list of data sources", "licence": "licence of the data",
    "notes": "free text", "author": "who", "created": "when",
}


def read_toml(path: Path, col: Collector) -> dict[str, Any]:
    """Parse scenario.toml; a syntax error becomes one Problem naming the line."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM (Windows Notepad) is not a syntax error
    except FileNotFoundError:
        col.error(f"missing {TOML_NAME}: a scenario folder needs {TOML_NAME} and {GPKG_NAME}", file=str(path))
        return {}
    except UnicodeDecodeError as exc:
        col.error(f"not UTF-8 text: {exc}", file=str(path))
        return {}
    except OSError as exc:  # a folder named scenario.toml, no permission, ...
        col.error(f"cannot read {TOML_NAME}: {exc.strerror or exc}", file=str(path))
        return {}
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        col.error(f"TOML syntax error: {exc}", file=str(path), field=_toml_line(str(exc)))
        return {}


def _toml_line(message: str) -> str:
    """'line N' from tomllib's '... (at line N, column M)'."""
    import re

    m = re.search(r"line (\d+)", message)
    return f"line {m.group(1)}" if m else ""


def merge_overrides(base: dict[str, Any], overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Deep-merge ``overrides`` over ``base`` (nested dicts merged key by key)."""
    out = copy.deepcopy(base)
    for key, value in (overrides or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_overrides(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def check_toml(doc: dict[str, Any], overrides: dict[str, Any] | None, file: str,
               col: Collector) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The [scenario] table and the merged parameters; unknown tables/keys are problems."""
    meta = doc.get("scenario", {})
    if not isinstance(meta, dict):
        col.error("[scenario] must be a table", file=file, field="scenario")
        meta = {}
    for key in meta:
        if key not in SCENARIO_KEYS:
            col.error(f"[scenario] unknown key '{key}' (known: {', '.join(SCENARIO_KEYS)})", file=file, field=key)
    for sec in doc:
        if sec != "scenario" and sec not in DEFAULTS:
            col.error(f"unknown table [{sec}] (known: scenario, {', '.join(DEFAULTS)})", file=file, field=sec)
    params, problems = merge_located({k: v for k, v in doc.items() if k in DEFAULTS}, file)
    problems += check_params(params, file)
    col.problems.extend(problems)
    if overrides:
        for sec in overrides:
            if sec not in DEFAULTS:
                col.error(f"unknown parameter section '{sec}'", file="overrides", field=sec)
        # Over the (already checked) file values, so that only the overrides' own problems show.
        user = merge_overrides(params, {k: v for k, v in overrides.items() if k in DEFAULTS})
        params, over_problems = merge_located(user, "overrides")
        seen = {(p.layer, p.field, p.message) for p in problems}
        col.problems.extend(p for p in over_problems + check_params(params, "overrides")
                            if (p.layer, p.field, p.message) not in seen)
    return meta, params


def utm_for(lon: float, lat: float) -> str:
    """EPSG code of the WGS 84 / UTM zone containing a lon/lat point."""
    zone = int(math.floor((lon + 180.0) / 6.0)) % 60 + 1
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def working_crs(meta: dict[str, Any], gpath: Path, layers: list[str], file: str, col: Collector) -> str | None:
    """The [scenario] crs when given (projected, in true metres where the data lies), else the
    UTM zone of the data's centre."""
    crs = meta.get("crs")
    centre = _data_centre(gpath, layers)
    if crs:
        try:
            why = working_crs_problem(str(crs), centre)
        except GridGovError as exc:
            why = str(exc)
        if why:
            col.error(why, file=file, field="crs")
            return None
        return str(crs)
    return utm_for(*centre) if centre else None


def _data_centre(gpath: Path, layers: list[str]) -> tuple[float, float] | None:
    """(lon, lat) of the centre of the first of roads/grids/units with a CRS and features."""
    for name in ("roads", "grids", "units"):
        centre = gpkg.centre_lonlat(gpath, name) if name in layers else None
        if centre is not None:
            return centre
    return None


@dataclass
class _Loaded:
    scenario: Scenario | None
    problems: list[Problem]


def _checked_layer(gpath: Path, name: str, spec, crs: str) -> tuple[Any, list]:
    """``check_layer`` with its own list of problems: (the layer or None, problems)."""
    own = Collector()
    return check_layer(gpath, name, spec, crs, own), own.problems


def _load(path: str | os.PathLike, overrides: dict[str, Any] | None) -> _Loaded:
    folder = Path(path)
    if folder.name == TOML_NAME and folder.is_file():
        folder = folder.parent  # accept the path of scenario.toml too
    col = Collector()
    if str(path).strip() == "":
        col.error("empty scenario path (expected a folder with scenario.toml and layers.gpkg)", file="''")
        return _Loaded(None, col.problems)
    if folder.exists() and not folder.is_dir():
        hint = f"; give its folder {folder.parent}" if folder.name == GPKG_NAME else ""
        col.error(f"is a file, not a scenario folder (a folder with scenario.toml and layers.gpkg{hint})",
                  file=str(folder))
        return _Loaded(None, col.problems)
    if not folder.is_dir():
        col.error("scenario folder not found (expected a folder with scenario.toml and layers.gpkg)", file=str(folder))
        return _Loaded(None, col.problems)
    tpath, gpath = folder / TOML_NAME, folder / GPKG_NAME
    doc = read_toml(tpath, col)
    meta, params = check_toml(doc, overrides, str(tpath), col)
    if not gpath.exists():
        col.error(f"missing {GPKG_NAME}", file=str(gpath))
        return _Loaded(None, col.problems)
    try:
        layer_names = gpkg.list_layers(gpath)
    except ValidationError as exc:
        col.problems.extend(exc.problems)
        return _Loaded(None, col.problems)
    try:
        crs = working_crs(meta, gpath, layer_names, str(tpath), col)
    except (RuntimeError, ValidationError):  # unreadable layer: reported by its own check below
        crs = None
    check_crs = crs
    if not crs:  # bad [scenario] crs: still check lengths/areas in metres (the data's UTM zone),
        try:     # or every road reads as "zero length" in degrees
            check_crs = working_crs({}, gpath, layer_names, str(tpath), Collector())
        except (RuntimeError, ValidationError):
            check_crs = None
    data: dict[str, Any] = {}
    # The layers are read and checked two at a time (GDAL's reads and GEOS's validity checks
    # release the GIL), each into its own list of problems, reported in the layers' order.
    with ThreadPoolExecutor(2, thread_name_prefix="gridgov-load") as pool:
        checked = {name: pool.submit(_checked_layer, gpath, name, spec, check_crs or "EPSG:4326")
                   for name, spec in LAYER_SPECS.items() if name in layer_names}
    for name, spec in LAYER_SPECS.items():
        if name not in layer_names:
            if spec.required:
                col.error(f"missing layer '{name}' (layers present: {', '.join(layer_names) or 'none'})",
                          file=str(gpath), layer=name)
            continue
        data[name], problems = checked[name].result()
        col.problems.extend(problems)
    if not crs:
        if not any(p.field == "crs" for p in col.problems):
            col.error("cannot choose a working CRS: set crs = \"EPSG:xxxx\" in [scenario]", file=str(tpath), field="crs")
        return _Loaded(None, col.problems)
    if data.get("facilities") is not None:
        check_facility_types(data["facilities"], known_facility_types(params), str(gpath), col)
    # Placement (units and facilities near the roads, GEOS) runs beside the grid links (Python)
    # and reads only coordinates, which the links never change; its problems come after theirs.
    placed = Collector()
    with ThreadPoolExecutor(1, thread_name_prefix="gridgov-load") as pool:
        placement = pool.submit(check_placement, data, params, crs, str(gpath), placed)
        if "units" in data and "grids" in data and data["units"] is not None and data["grids"] is not None:
            link_units(data["units"], data["grids"], str(gpath), col, data.get("facilities"))
        placement.result()
    col.problems.extend(placed.problems)
    if col.has_errors or any(data.get(n) is None for n, s in LAYER_SPECS.items() if s.required):
        return _Loaded(None, col.problems)
    scenario = Scenario(
        path=folder, name=str(meta.get("name", folder.name)), description=str(meta.get("description", "")),
        crs=crs, params=params, meta=dict(meta),
        roads=data["roads"], grids=data["grids"], units=data["units"], facilities=data["facilities"],
        incidents=data.get("incidents"), warnings=[p for p in col.problems if p.severity == "warning"])
    implausible = check_params(params, str(tpath) if not overrides else "overrides", scenario=scenario)
    if implausible:  # e.g. an incident volume that would exhaust memory
        return _Loaded(None, col.problems + implausible)
    return _Loaded(scenario, col.problems)


def load_scenario(path: str | os.PathLike, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load a scenario folder; raise ``ValidationError`` with every error found.

    ``overrides`` is a nested dict of parameters (``{"demand": {"events_per_1000_residents_month":
    12}}``) merged after scenario.toml, as batch experiments do.  Warnings (e.g. a unit whose
    grid_id disagrees with the grid polygon containing it) end up in ``scenario.warnings``.
    """
    loaded = _load(path, overrides)
    errors = [p for p in loaded.problems if p.severity == "error"]
    if errors or loaded.scenario is None:
        raise ValidationError(errors or loaded.problems)
    return loaded.scenario


def check_scenario(path: str | os.PathLike, overrides: dict[str, Any] | None = None
                   ) -> tuple[Scenario | None, list[Problem]]:
    """``(scenario or None when there are errors, every problem)`` in one read."""
    loaded = _load(path, overrides)
    if any(p.severity == "error" for p in loaded.problems):
        return None, loaded.problems
    return loaded.scenario, loaded.problems


def validate_scenario(path: str | os.PathLike) -> list[Problem]:
    """Every problem of a scenario folder (errors and warnings); empty when all is well."""
    return _load(path, None).problems


def summary(scenario: Scenario) -> dict[str, Any]:
    """Counts shown by ``gridgov validate``."""
    lv = scenario.grids.level
    types, counts = np.unique(scenario.facilities.type.astype(str), return_counts=True)
    return {"roads": len(scenario.roads), "grids": len(scenario.grids),
            "general": int((lv == "general").sum()), "micro": int((lv == "micro").sum()),
            "dedicated": int((lv == "dedicated").sum()), "units": len(scenario.units),
            "households": int(scenario.units.households.sum()), "residents": int(scenario.units.residents.sum()),
            "facilities": len(scenario.facilities),
            "facility_types": {str(t): int(c) for t, c in zip(types, counts)},
            "incidents": len(scenario.incidents) if scenario.incidents is not None else 0,
            "crs": scenario.crs}
