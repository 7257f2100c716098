"""The ``run`` use case: scenario → circles → simulation → scores → report, end to end.

``compute_stages`` chains the stages on a loaded scenario (shared with ``score`` and
``compare``); ``run_scenario`` loads, computes and publishes the output set: ``scores.json``
(``scores_document``), ``results.gpkg`` (``write_results_gpkg``) and ``report.html`` (+ PDF),
all written by ``write_run_outputs`` into a staging folder and published together by
``engine.outputs.output_set``, so a failure or a kill leaves the previous run's set untouched.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..circles import Circles
from ..outputs import output_set
from ..progress import NULL, Progress
from ..scenario.model import Scenario
from ..score.scorer import Scores
from ..simulation import SimulationResult
from .documents import scenario_block

@dataclass
class Stages:
    """What the stages computed for one scenario, and how long each took (seconds)."""

    circles: Circles
    simulation: SimulationResult
    scores: Scores
    timings_s: dict[str, float] = field(default_factory=dict)


@dataclass
class RunResult:
    scenario: Scenario
    circles: Circles
    simulation: SimulationResult
    scores: Scores
    paths: dict[str, Path]
    timings_s: dict[str, float]
    notes: list[str] = field(default_factory=list)   # what the run left out and why, for the user


def compute_stages(scenario: Scenario, *, days: float | None = None, seed: int | None = None,
                   engine: str | None = None, replications: int | None = None,
                   progress: Progress = NULL) -> Stages:
    """Circles, simulation and scores of a loaded scenario.

    The simulation runs ``replications`` times (default ``[simulation] replications``) on common
    seeds (``score.replications``); ``Stages.simulation`` is the first replication and the scores
    carry means and 95 % intervals.
    """
    from ..circles import compute_circles
    from ..score.replications import check_replications, score_replications, simulate_replications

    reps = check_replications(scenario.params["simulation"]["replications"] if replications is None
                              else replications,
                              "[simulation] replications" if replications is None else "--replications")

    timings: dict[str, float] = {}
    t = time.perf_counter()
    progress(0.0, "road networks")
    prebuild_networks(scenario)
    timings["network"] = time.perf_counter() - t
    # The circles and the simulation need only the scenario and its networks, and their heavy
    # parts (Numba searches, shapely, NumPy) release the GIL: the circles run in a thread beside
    # the simulation (a city: ~10 s of 2 cores saved).  Each stage's seconds are its own; the
    # executor waits for the circles before an error in the simulation leaves.
    progress(0.05, "service circles and incident simulation")
    with ThreadPoolExecutor(1, thread_name_prefix="gridgov-circles") as pool:
        circles_job = pool.submit(_timed, compute_circles, scenario)
        t = time.perf_counter()
        sims = simulate_replications(scenario, reps, days=days, seed=seed, engine=engine,
                                     progress=progress.sub(0.05, 0.85))
        timings["simulation"] = time.perf_counter() - t
        circles, timings["circles"] = circles_job.result()
    sim = sims[0]

    t = time.perf_counter()
    progress(0.85, "scores")
    scores = score_replications(scenario, circles, sims)
    timings["score"] = time.perf_counter() - t
    return Stages(circles, sim, scores, timings)


def _timed(fn, *args, **kwargs):
    """``(fn(*args, **kwargs), seconds it took)``."""
    t = time.perf_counter()
    return fn(*args, **kwargs), time.perf_counter() - t


def prebuild_networks(scenario: Scenario) -> None:
    """Build (and keep on the roads table) the graphs the stages use: the circles' mode, the
    grid workers' mode and driving (responders, emergency cover), so the stage timings say
    what the network costs.  A mode without usable roads is left to the stage that needs it
    (which reports it, or does without)."""
    from ..errors import ValidationError
    from ..network.graph import build_network

    if scenario.roads is None or len(scenario.roads) == 0:
        return
    p = scenario.params
    for mode in dict.fromkeys([p["circles"]["mode"], p["travel"]["worker_mode"], "drive"]):
        try:
            build_network(scenario, mode)
        except ValidationError:
            pass


def scores_document(scenario: Scenario, scores: Scores, timings_s: dict[str, float] | None = None) -> dict[str, Any]:
    """``scores.json``: the scores (format gridgov-scores/1), the scenario block and, for a
    run, the stage timings."""
    doc = scores.to_dict()
    doc["scenario"] = scenario_block(scenario)
    if timings_s is not None:
        doc["timings_s"] = {k: round(v, 3) for k, v in timings_s.items()}
    return doc


def run_scenario(scenario_dir: str | os.PathLike, out_dir: str | os.PathLike, *, days: float | None = None,
                 seed: int | None = None, engine: str | None = None, lang: str = "zh_CN",
                 overrides: dict[str, Any] | None = None, pdf: bool = True, replications: int | None = None,
                 progress: Progress = NULL) -> RunResult:
    """Run one scenario end to end and write OUT/scores.json, results.gpkg, report.html (+ .pdf)."""
    from ..report import check_lang
    from ..scenario.load import load_scenario

    check_lang(lang)
    # OUT is locked from the start (a second run into it stops at once, naming this one) and the
    # new set appears together at the end (engine/outputs.py): a failure or a kill keeps the old set.
    start = time.perf_counter()
    with output_set(out_dir, "run") as staging:
        t = time.perf_counter()
        progress(0.0, "loading scenario")
        scenario = load_scenario(scenario_dir, overrides=overrides)
        load_s = time.perf_counter() - t
        stages = compute_stages(scenario, days=days, seed=seed, engine=engine, replications=replications,
                                progress=progress.sub(0.02, 0.85))
        timings = {"load": load_s, **stages.timings_s}
        notes = write_run_outputs(staging.dir, scenario, stages, timings, lang=lang, pdf=pdf,
                                  progress=progress.sub(0.86, 1.0))
        t = time.perf_counter()
        if not pdf:
            staging.remove("report.pdf")  # an earlier run's PDF would contradict the new report
        paths = {item.stem if item.suffix != ".pdf" else "pdf": staging.final(item)  # keys as score, compare
                 for item in sorted(staging.dir.iterdir())}
    timings["write"] += time.perf_counter() - t      # results.gpkg, scores.json and publishing the set
    timings["wall"] = time.perf_counter() - start     # less than the stages' sum: some run side by side
    progress(1.0, "done")
    return RunResult(scenario, stages.circles, stages.simulation, stages.scores, paths, timings, notes)


def write_run_outputs(folder: Path, scenario: Scenario, stages: Stages, timings_s: dict[str, float], *,
                      lang: str = "zh_CN", pdf: bool = True, progress: Progress = NULL) -> list[str]:
    """The output set of a run, written into ``folder``: results.gpkg, report.html (+ report.pdf),
    scores.json.  Returns notes on what was left out (see ``band_polygons_skipped``)."""
    from ..jsonio import write_json
    from ..report import write_documents

    progress(0.0, "writing results.gpkg and the report")
    skipped = band_polygons_skipped(scenario, stages.circles)
    # results.gpkg is written beside the report: SQLite's inserts, GDAL's R-trees and shapely
    # release the GIL, so on two cores the two overlap (a city: ~20 s each, GIL-bound report).
    # The files are independent; the executor waits for the writer before an error leaves.
    with ThreadPoolExecutor(1, thread_name_prefix="gridgov-results-gpkg") as pool:
        gpkg = pool.submit(_timed, write_results_gpkg, folder / "results.gpkg", scenario, stages, bands=not skipped)
        t = time.perf_counter()   # everything the report draws travels with the scores
        write_documents(folder, [(scenario.name, scenario, stages.scores)], lang=lang, stem="report", pdf=pdf)
        timings_s["report"] = time.perf_counter() - t
        progress(0.5, "writing scores.json")
        t = time.perf_counter()
        write_json(folder / "scores.json", scores_document(scenario, stages.scores, timings_s))
        json_s = time.perf_counter() - t
        timings_s["write"] = gpkg.result()[1] + json_s    # each file's own seconds
    return [skipped] if skipped else []


def band_polygons_skipped(scenario: Scenario, circles: Circles) -> str:
    """Why the run leaves out the band polygons ("" when it writes them): the residents'
    network is longer than ``[circles] band_polygons_max_km``.  Their cost grows with the road
    length (a planar subdivision of the roads, ``circles.cells``): a district's take seconds,
    a whole city's over a minute and gigabytes, for a layer no map can show at that scale."""
    limit = float(scenario.params["circles"]["band_polygons_max_km"])
    net = circles.network
    km = float(net.edge_length.sum()) / 1000.0 if net is not None and net.n_edges else 0.0
    if km <= limit:
        return ""
    return (f"no 'bands' layer in results.gpkg: the {net.mode} network is {km:,.0f} km long, more than "
            f"[circles] band_polygons_max_km = {limit:,.0f}; 'gridgov circles' writes the band polygons "
            "(per district: 'gridgov circles' on a district's scenario), the units keep their band columns")


def write_results_gpkg(path: Path, scenario: Scenario, stages: Stages, bands: bool = True) -> Path:
    """results.gpkg: units (bands, nearest facility), grids (metrics), facilities, service areas
    and (``bands``) the band polygons."""
    import shapely

    from ..circles.layers import band_layer, facility_columns, grid_columns, responsibility_layer, unit_columns
    from ..ingest.bulk_gpkg import write_layers_bulk
    from .simulate import grid_statistics_columns

    circles, sim, scores = stages.circles, stages.simulation, stages.scores
    units, grids, fac = scenario.units, scenario.grids, scenario.facilities
    unit_cols = {"unit_id": units.id, "households": units.households, "residents": units.residents,
                 "grid_id": units.grid_id, "micro_id": units.micro_id}
    unit_cols.update(unit_columns(circles))
    for kind in circles.types:  # readable ids next to the kernel's row indices
        rows = np.asarray(circles.unit_nearest[kind])
        unit_cols[f"{kind}_nearest_id"] = np.where(rows >= 0, fac.id[np.maximum(rows, 0)], "")
    grid_cols = {"grid_id": grids.id, "code": grids.code, "level": grids.level, "parent_id": grids.parent_id,
                 "community": grids.community, "street": grids.street, "name": grids.name}
    grid_cols.update(grid_columns(circles))
    grid_cols.update(grid_statistics_columns(sim))
    grid_cols.update(scores.per_grid)
    fac_cols = {"facility_id": fac.id, "type": fac.type, "name": fac.name, "staff": fac.staff}
    fac_cols.update(facility_columns(circles))
    layers = {
        "units": {"geometry": units.geometry, "columns": unit_cols},
        "grids": {"geometry": grids.geometry, "columns": grid_cols, "geometry_type": "MultiPolygon"},
        "facilities": {"geometry": shapely.points(np.asarray(fac.x, float), np.asarray(fac.y, float)),
                       "columns": fac_cols, "geometry_type": "Point"},
        "service_areas": responsibility_layer(circles),
    }
    if bands:
        layers["bands"] = band_layer(circles)
    write_layers_bulk(path, layers, scenario.crs)   # one SQLite insert per layer: a city has 400,000 features
    return path
