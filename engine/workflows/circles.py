"""The ``circles`` use case: 5/10/15-minute life circles of a scenario and their outputs.

Outputs: ``circles.gpkg`` (layers ``units`` with times/bands per facility type, ``facilities``
with households served, ``service_areas`` = non-overlapping responsibility areas on the roads,
``bands`` = dissolved band polygons per type, optionally ``facility_bands`` per facility) and
``circles.json`` (household shares per band and tier, per community), each written atomically.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..circles import Circles, compute_circles
from ..circles.compute import band_names, household_shares, tier_of
from ..coverage_types import coverage_types
from ..progress import NULL, Progress
from ..scenario.model import Scenario
from .documents import scenario_block

GPKG = "circles.gpkg"
JSON = "circles.json"


@dataclass
class CirclesRun:
    scenario: Scenario
    circles: Circles


def circles(scenario: Scenario | str | os.PathLike, mode: str | None = None,
            progress: Progress = NULL) -> CirclesRun:
    """Life circles of a scenario (a folder or a loaded ``Scenario``); ``mode`` overrides the
    scenario's ``[circles] mode``."""
    from ..network.graph import build_network
    from ..scenario.load import load_scenario

    if not isinstance(scenario, Scenario):
        progress(0.0, f"loading {Path(scenario).name}")
        scenario = load_scenario(scenario)
    network = build_network(scenario, mode) if mode else None
    return CirclesRun(scenario, compute_circles(scenario, network=network, progress=progress))


def circles_document(run: CirclesRun) -> dict[str, Any]:
    """``circles.json``: household shares per band and within the tier distance, per type,
    community and GB 50180 tier; the problems found (unsnapped, disconnected)."""
    c, scenario = run.circles, run.scenario
    hh = np.asarray(scenario.units.households, dtype=float)
    total = hh.sum()
    names = band_names(c.band_minutes)
    types: dict[str, Any] = {}
    ctypes = coverage_types(scenario.params)      # the scenario's own [coverage] types and thresholds
    for t in c.types:
        ok = float(hh[c.unit_within_tier[t]].sum() / total) if total > 0 else None
        types[t] = {
            "tier": tier_of(t, ctypes),
            "tier_distance_m": _num(c.tier_distance_m[t]),
            "drive_limit_min": c.drive_limit_min.get(t),
            "band_share": {n: _num(v) for n, v in zip(names, household_shares(c.unit_band[t], hh))},
            "within_tier_share": ok,
            "facilities": int(np.sum(scenario.facilities.type == t)),
            "communities": {k: {n: _num(v) for n, v in zip(names, s)} for k, s in c.community_band_share[t].items()},
        }
    tiers = {tier: {"types": [t for t in c.types if tier_of(t, ctypes) == tier],
                    "distance_m": float(next(c.tier_distance_m[t] for t in c.types if tier_of(t, ctypes) == tier)),
                    "complete_share": float(hh[ok].sum() / total) if total > 0 else None}
             for tier, ok in c.unit_tier_complete.items()}
    return {"scenario": scenario_block(scenario), "band_minutes": list(c.band_minutes), "types": types,
            "tiers": tiers, "problems": [str(p) for p in c.problems]}


def _num(v: float) -> float | None:
    return None if not np.isfinite(v) else float(v)


def write_circles_gpkg(path: str | os.PathLike, run: CirclesRun, facility_bands: bool = True) -> Path:
    """``circles.gpkg``: units, facilities, service_areas, bands (+ facility_bands), atomically."""
    import shapely

    from ..circles.layers import band_layer, facility_columns, responsibility_layer, unit_columns
    from ..scenario.gpkg import write_layers

    c, s = run.circles, run.scenario
    u, f = s.units, s.facilities
    layers = {
        "units": {"geometry": shapely.points(u.x, u.y), "geometry_type": "Point", "fid": u.fid,
                  "columns": {"id": u.id, "households": u.households, "grid_id": u.grid_id, **unit_columns(c)}},
        "facilities": {"geometry": shapely.points(f.x, f.y), "geometry_type": "Point", "fid": f.fid,
                       "columns": {"id": f.id, "type": f.type, "name": f.name, **facility_columns(c)}},
        "service_areas": responsibility_layer(c),
        "bands": band_layer(c),
    }
    if facility_bands:
        layers["facility_bands"] = band_layer(c, per_facility=True)
    write_layers(path, layers, s.crs)
    return Path(path)


def write_circles_outputs(out: str | os.PathLike, run: CirclesRun, facility_bands: bool = True,
                          progress: Progress = NULL) -> dict[str, Path]:
    """``OUT/circles.gpkg`` and ``OUT/circles.json``; returns ``{"layers": …, "summary": …}``."""
    from ..jsonio import write_json

    from ..outputs import output_set

    with output_set(out, "circles") as staging:  # locked; both files appear together
        progress(0.0, f"writing {GPKG}")
        layers = write_circles_gpkg(staging.dir / GPKG, run, facility_bands)
        progress(0.9, f"writing {JSON}")
        summary = write_json(staging.dir / JSON, circles_document(run))  # NaN → null
        return staging.finals({"layers": layers, "summary": summary})
