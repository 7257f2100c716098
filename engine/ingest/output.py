"""The imported scenario folder: layers.gpkg + scenario.toml (sources, notes and every
estimation factor) + ATTRIBUTION.md, built under a temporary name and renamed into place."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import shapely

from ..atomic import swap_folder
from ..errors import GridGovError
from ..params import DEFAULTS
from ..scenario import GPKG_NAME, TOML_NAME
from .bulk_gpkg import write_layers_bulk

# Parameter tables written in full (the values the import used), each key with its basis.
WRITTEN_TABLES = ("import", "grids")


def _toml_text(meta: dict, params: dict) -> str:
    import tomli_w

    lines = ["# GridGov scenario made by `gridgov import`.  Parameters not listed take their defaults",
             "# (`gridgov params`).  Basis of every factor the import used ([A] = assumption):"]
    for sec in WRITTEN_TABLES:
        for key, p in DEFAULTS[sec].items():
            lines.append(f"#   [{sec}] {key} = {params[sec][key]!r} {p.unit}: {p.source or '[A]'}")
    doc = {"scenario": meta}
    for sec in WRITTEN_TABLES:
        doc[sec] = {k: params[sec][k] for k in DEFAULTS[sec]}
    for sec, values in params.items():     # other values the planner changed
        if sec in WRITTEN_TABLES or sec not in DEFAULTS:
            continue
        changed = {k: v for k, v in values.items() if k in DEFAULTS[sec] and v != DEFAULTS[sec][k].default}
        if changed:
            doc[sec] = changed
    return "\n".join(lines) + "\n\n" + tomli_w.dumps(doc)


def _attribution(meta: dict, licences: list[str]) -> str:
    out = ["# Attribution", "", f"Scenario `{meta['name']}`, made by `gridgov import`.", "",
           "## Inputs and their licences", ""]
    out += [f"- {line}" for line in dict.fromkeys(licences)]
    out += ["", "## Sources", ""] + [f"- {s}" for s in meta["sources"]]
    out += ["", "## Derived by GridGov (same licence as the inputs they come from)", "",
            "- Households where no register or field gave them (estimated: see [import] in scenario.toml), "
            "communities without boundaries, grids, micro-grids, codes and grid workstations."]
    return "\n".join(out) + "\n"


def write_scenario(out, crs, roads, units, unit_grid, unit_micro, grid_layer, facilities, meta, params,
                   licences, overwrite: bool) -> Path:
    dest = Path(out)
    if dest.exists() and not overwrite:
        raise GridGovError(f"{dest} already exists (use --overwrite to replace it)")
    if dest.exists() and not (dest / TOML_NAME).exists() and any(dest.iterdir()):
        raise GridGovError(f"{dest} is a folder that is not a scenario: not replaced (choose another --out)")
    g = grid_layer["geometry"]
    layers = {
        "roads": {"geometry": roads.geometry, "geometry_type": "LineString",
                  "columns": {"class": roads.columns["class"], "oneway": roads.columns["oneway"].astype(np.int64),
                              "speed_kmh": roads.columns["speed_kmh"], "name": roads.columns["name"],
                              "source_fid": roads.fid.astype(np.int64)}},
        "grids": {"geometry": g,
                  "geometry_type": "MultiPolygon" if (shapely.get_type_id(g) == 6).any() or
                  (shapely.get_type_id(g) == 7).any() else "Polygon",
                  "columns": dict(grid_layer["columns"])},
        "units": {"geometry": units["geometry"],
                  "geometry_type": "Point" if (shapely.get_type_id(units["geometry"]) == 0).all() else "MultiPolygon",
                  "columns": {"id": units["id"], "households": units["households"].astype(np.int64),
                              "residents": units["residents"].astype(np.int64), "grid_id": unit_grid,
                              "micro_id": unit_micro, "name": units["name"], "households_from": units["method"],
                              "source_fid": units["fid"].astype(np.int64)}},
        "facilities": {"geometry": shapely.points(facilities["x"], facilities["y"]), "geometry_type": "Point",
                       "columns": {"id": facilities["id"], "type": facilities["type"], "name": facilities["name"],
                                   "staff": facilities["staff"], "capacity": np.full(len(facilities["id"]), np.nan),
                                   "grid_id": np.full(len(facilities["id"]), "", dtype=object),
                                   "source": facilities["source"]}},
    }
    layers["grids"]["geometry"] = polygonal(g)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.{os.getpid()}.", dir=dest.parent))
    try:
        write_layers_bulk(tmp / GPKG_NAME, layers, crs)
        (tmp / TOML_NAME).write_text(_toml_text(meta, params), encoding="utf-8")
        (tmp / "ATTRIBUTION.md").write_text(_attribution(meta, licences), encoding="utf-8")
        swap_folder(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def polygonal(geoms: np.ndarray) -> np.ndarray:
    """Grid geometries as (multi)polygons: slivers of lines/points from clipping dropped."""
    out = np.array(geoms, dtype=object)
    for i in np.flatnonzero(~np.isin(shapely.get_type_id(out), [3, 6])):
        parts = shapely.get_parts(out[i])
        parts = parts[np.isin(shapely.get_type_id(parts), [3, 6])]
        out[i] = shapely.multipolygons(shapely.get_parts(parts)) if len(parts) else None
    return out
