"""The end-to-end run behind ``gridgov run``: scenario → circles → simulation → score → report.

Every stage is a public function of its own module; this file only wires them and writes the
outputs.  The output folder's files are only replaced once every stage and every file has
succeeded, so a failing run leaves the previous results intact.
"""
from __future__ import annotations

import os
import shutil
import tempfile
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

    out = Path(out_dir)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    progress(0.0, "loading scenario")
    scenario = load_scenario(scenario_dir, overrides=overrides)
    timings["load"] = time.perf_counter() - t

    circles, sim, scores = compute_stages(scenario, days=days, seed=seed, engine=engine,
                                          progress=progress.sub(0.02, 0.85), timings=timings)
    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    # Everything is written into a hidden staging folder first and moved into OUT only when
    # every file exists, so a failure leaves the previous run's files untouched and complete.
    _remove_dead_stages(out)
    stage = Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=out))
    try:
        progress(0.86, "writing results.gpkg")
        write_results_gpkg(stage / "results.gpkg", scenario, circles, sim, scores)
        progress(0.92, "writing report")
        write_report(stage, scenario, circles, sim, scores, lang=lang, pdf=pdf)
        summary = scores.to_dict()
        summary["scenario"] = {"name": scenario.name, "path": str(Path(scenario_dir).resolve()),
                               "synthetic": bool(scenario.meta.get("synthetic", False))}
        summary["timings_s"] = {k: round(v, 3) for k, v in timings.items()}
        write_json(stage / "scores.json", summary)
        paths = {}
        for item in sorted(stage.iterdir()):
            target = out / item.name
            if item.is_dir() and target.is_dir():
                shutil.rmtree(target)
            os.replace(item, target)
            paths[item.stem if item.suffix != ".pdf" else "pdf"] = target  # keys as in score and compare
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    timings["write"] = time.perf_counter() - t
    progress(1.0, "done")
    return RunResult(scenario, circles, sim, scores, paths, timings)


STAGE_PREFIX = ".gridgov-run-"


def _remove_dead_stages(out: Path) -> None:
    """Staging folders left by a run that was killed (kill -9, power cut): their process is gone.

    The folder name carries the writer's PID; a live PID (even a reused one) is left alone.
    """
    if os.name != "posix":  # os.kill(pid, 0) is a liveness probe only on POSIX (it kills on Windows)
        return
    for stale in out.glob(f"{STAGE_PREFIX}*-*"):
        pid = stale.name[len(STAGE_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or not stale.is_dir():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(stale, ignore_errors=True)
        except OSError:  # alive but not ours (EPERM), or cannot tell: keep it
            pass


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
