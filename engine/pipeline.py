"""The end-to-end run behind ``gridgov run``: scenario → circles → simulation → score → report.

Every stage is a public function of its own module; this file only wires them and writes the
outputs.  The output folder's files are only replaced once every stage and every file has
succeeded, so a failing run leaves the previous results intact.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .jsonio import write_json
from .progress import NULL, Progress


@dataclass
class RunResult:
    scenario: Any
    circles: Any
    simulation: Any
    scores: Any
    paths: dict[str, Path] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)


def compute_stages(scenario, *, days=None, seed=None, engine=None, progress: Progress = NULL,
                   timings: dict | None = None):
    """Circles, simulation and scores of a loaded scenario (shared by run, compare, the plugin)."""
    from .circles import compute_circles
    from .score import score_scenario
    from .simulation import simulate_scenario

    timings = {} if timings is None else timings
    t = time.perf_counter()
    progress(0.0, "network and service circles")
    circles = compute_circles(scenario, progress=progress.sub(0.0, 0.45))
    timings["circles"] = time.perf_counter() - t

    t = time.perf_counter()
    progress(0.45, "incident simulation")
    sim = simulate_scenario(scenario, days=days, seed=seed, engine=engine, progress=progress.sub(0.45, 0.85))
    timings["simulation"] = time.perf_counter() - t

    t = time.perf_counter()
    progress(0.85, "scores")
    scores = score_scenario(scenario, circles=circles, sim=sim)
    timings["score"] = time.perf_counter() - t
    return circles, sim, scores


def run_scenario(scenario_dir, out_dir, *, days=None, seed=None, engine=None, lang: str = "zh_CN",
                 overrides: dict | None = None, pdf: bool = True, progress: Progress = NULL) -> RunResult:
    """Run one scenario end to end and write OUT/scores.json, results.gpkg, report.html."""
    from .report import write_report
    from .scenario import load_scenario

    from .outputs import output_set

    timings: dict[str, float] = {}
    # OUT is locked from the start (a second run into it stops at once) and the new files appear
    # together at the end (engine/outputs.py): a failure or a kill leaves the previous set intact.
    with output_set(out_dir, "run") as staging:
        t = time.perf_counter()
        progress(0.0, "loading scenario")
        scenario = load_scenario(scenario_dir, overrides=overrides)
        timings["load"] = time.perf_counter() - t

        circles, sim, scores = compute_stages(scenario, days=days, seed=seed, engine=engine,
                                              progress=progress.sub(0.02, 0.85), timings=timings)
        t = time.perf_counter()
        stage = staging.dir
        progress(0.86, "writing results.gpkg")
        write_results_gpkg(stage / "results.gpkg", scenario, circles, sim, scores)
        progress(0.92, "writing report")
        write_report(stage, scenario, circles, sim, scores, lang=lang, pdf=pdf)
        if not pdf:
            staging.remove("report.pdf")  # an earlier run's PDF would contradict the new report
        summary = scores.to_dict()
        summary["scenario"] = {"name": scenario.name, "path": str(Path(scenario_dir).resolve()),
                               "synthetic": bool(scenario.meta.get("synthetic", False))}
        summary["timings_s"] = {k: round(v, 3) for k, v in timings.items()}
        write_json(stage / "scores.json", summary)
        paths = {item.stem if item.suffix != ".pdf" else "pdf": staging.final(item)  # keys as in score, compare
                 for item in sorted(stage.iterdir())}
    timings["write"] = time.perf_counter() - t
    progress(1.0, "done")
    return RunResult(scenario, circles, sim, scores, paths, timings)


def write_results_gpkg(path: Path, scenario, circles, sim, scores) -> Path:
    """results.gpkg: units (bands, nearest facility), grids (metrics), facilities, areas, bands."""
    from .scenario.gpkg import write_layers

    units, grids, fac = scenario.units, scenario.grids, scenario.facilities
    unit_cols = {"unit_id": units.id, "households": units.households, "residents": units.residents,
                 "grid_id": units.grid_id, "micro_id": units.micro_id}
    unit_cols.update(circles.unit_columns())
    for kind in circles.types:  # readable ids next to the kernel's row indices
        rows = np.asarray(circles.unit_nearest[kind])
        unit_cols[f"{kind}_nearest_id"] = np.where(rows >= 0, fac.id[np.maximum(rows, 0)], "")
    grid_cols = {"grid_id": grids.id, "code": grids.code, "level": grids.level, "parent_id": grids.parent_id,
                 "community": grids.community, "street": grids.street, "name": grids.name}
    grid_cols.update(circles.grid_columns())
    for key, values in (getattr(sim, "per_grid", None) or {}).items():
        grid_cols[f"sim_{key}"] = np.asarray(values)
    grid_cols.update(scores.per_grid)
    fac_cols = {"facility_id": fac.id, "type": fac.type, "name": fac.name, "staff": fac.staff}
    fac_cols.update(circles.facility_columns())
    layers = {
        "units": {"geometry": units.geometry, "columns": unit_cols},
        "grids": {"geometry": grids.geometry, "columns": grid_cols, "geometry_type": "MultiPolygon"},
        "facilities": {"geometry": _points(fac.x, fac.y), "columns": fac_cols, "geometry_type": "Point"},
        "service_areas": circles.responsibility_layer(),
        "bands": circles.band_layer(),
    }
    write_layers(path, layers, scenario.crs)
    return path


def _points(x, y):
    import shapely

    return shapely.points(np.asarray(x, float), np.asarray(y, float))
