"""Writing a scenario folder (``scenario.toml`` + ``layers.gpkg``) atomically.

``scenario_layers`` turns a loaded ``Scenario`` back into layers (edit them, then
``save_scenario``); only parameters that differ from the defaults are written.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from ..atomic import swap_folder
from ..errors import GridGovError
from ..params import DEFAULTS
from . import gpkg
from .load import GPKG_NAME, SCENARIO_KEYS, TOML_NAME
from .model import Scenario


def scenario_layers(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """The layers of a Scenario in ``gpkg.write_layers`` form (edit them, then ``save_scenario``)."""
    r, g, u, f = scenario.roads, scenario.grids, scenario.units, scenario.facilities
    layers = {
        "roads": {"geometry": r.geometry, "geometry_type": "LineString",
                  "columns": {"name": r.name, "class": r.road_class, "oneway": r.oneway.astype(np.int64),
                              "speed_kmh": r.speed_kmh}},
        "grids": {"geometry": g.geometry,
                  "geometry_type": "MultiPolygon" if (shapely.get_type_id(g.geometry) == 6).any() else "Polygon",
                  "columns": {"id": g.id, "code": g.code, "level": g.level, "parent_id": g.parent_id,
                              "community": g.community, "street": g.street, "name": g.name}},
        "units": {"geometry": u.geometry, "geometry_type": _common_type(u.geometry),
                  "columns": {"id": u.id, "households": u.households, "residents": u.residents,
                              "grid_id": u.grid_id, "micro_id": u.micro_id}},
        "facilities": {"geometry": shapely.points(f.x, f.y), "geometry_type": "Point",
                       "columns": {"id": f.id, "type": f.type, "name": f.name, "capacity": f.capacity,
                                   "staff": f.staff, "grid_id": f.grid_id}},
    }
    if scenario.incidents is not None and len(scenario.incidents):
        i = scenario.incidents
        layers["incidents"] = {"geometry": shapely.points(i.x, i.y), "geometry_type": "Point",
                               "columns": {"time": i.time, "type": i.type}}
    sources = {"roads": r, "grids": g, "units": u, "facilities": f, "incidents": scenario.incidents}
    for name, spec in layers.items():  # the user's other columns, when still row-aligned
        n = len(spec["geometry"])
        for k, v in getattr(sources[name], "attrs", {}).items():
            if k not in spec["columns"] and len(v) == n:
                spec["columns"][k] = v
    return layers


def _common_type(geoms: np.ndarray) -> str:
    ids = set(shapely.get_type_id(geoms).tolist())
    if ids <= {0}:
        return "Point"
    if ids <= {3}:
        return "Polygon"
    if ids <= {3, 6}:
        return "MultiPolygon"
    return "Geometry"


def _toml_doc(meta: dict[str, Any], params: dict[str, dict[str, Any]] | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"scenario": {k: v for k, v in meta.items() if k in SCENARIO_KEYS}}
    for sec, values in (params or {}).items():
        changed = {k: v for k, v in values.items() if k in DEFAULTS.get(sec, {}) and v != DEFAULTS[sec][k].default}
        if changed:
            doc[sec] = changed
    return doc


def save_scenario(scenario_or_layers: Scenario | dict[str, dict[str, Any]], dest_dir: str | os.PathLike,
                  overwrite: bool = False, *, crs: str | None = None, meta: dict[str, Any] | None = None,
                  params: dict[str, dict[str, Any]] | None = None) -> Path:
    """Write a new scenario folder atomically (scenario.toml + layers.gpkg).

    Pass a ``Scenario`` (e.g. ``dataclasses.replace(s, grids=new_grids)``) or a dict of layers in
    ``gpkg.write_layers`` form (see ``scenario_layers``) with ``crs`` (the layers' CRS).  ``meta``
    updates the [scenario] table; ``params`` replaces the parameters (only values that differ
    from the defaults are written).  The folder is built under a temporary name and renamed into
    place; an existing folder is replaced only with ``overwrite=True``.
    """
    import tomli_w

    dest = Path(dest_dir)
    if isinstance(scenario_or_layers, Scenario):
        sc = scenario_or_layers
        layers = scenario_layers(sc)
        crs = crs or sc.crs
        meta_out = {**sc.meta, **(meta or {})}
        params_out = params if params is not None else sc.params
    else:
        layers = scenario_or_layers
        if not crs:
            raise GridGovError("save_scenario: crs is required when saving plain layers")
        meta_out = dict(meta or {})
        params_out = params
    meta_out.setdefault("name", dest.name)
    meta_out["crs"] = crs if gpkg.is_metric(crs) else meta_out.get("crs", "")
    if not meta_out["crs"]:
        del meta_out["crs"]
    if dest.exists() and not overwrite:
        raise GridGovError(f"{dest} already exists (use overwrite=True / --overwrite to replace it)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        gpkg.write_layers(tmp / GPKG_NAME, layers, crs)
        (tmp / TOML_NAME).write_text(tomli_w.dumps(_toml_doc(meta_out, params_out)), encoding="utf-8")
        for extra in ("README.md", "ATTRIBUTION.md"):
            if isinstance(scenario_or_layers, Scenario) and (scenario_or_layers.path / extra).exists():
                shutil.copy2(scenario_or_layers.path / extra, tmp / extra)
        swap_folder(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest
