"""The ``simulate`` use case: incident load and the closed-loop response of a scenario.

Outputs: ``simulation.json`` (``simulation_document``: scenario block, summary, per street and
per community, backlog, run facts), optionally ``events.parquet`` (one row per incident) and a
per-grid statistics GeoPackage (layer ``grids``).  The CLI and Processing write the same
``simulation.json`` because both call ``write_simulation_json``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..progress import NULL, Progress
from ..scenario.model import Scenario
from ..simulation import SimulationResult, simulate_scenario
from .documents import scenario_block

JSON = "simulation.json"
EVENTS = "events.parquet"


@dataclass
class SimulateRun:
    scenario: Scenario
    simulation: SimulationResult


def simulate(scenario: Scenario | str | os.PathLike, *, days: float | None = None, seed: int | None = None,
             engine: str | None = None, straight_line: bool = False, progress: Progress = NULL) -> SimulateRun:
    """Simulate a scenario (a folder or a loaded ``Scenario``); ``None`` options take the
    scenario's ``[simulation]`` values; ``straight_line`` uses straight-line × detour trips."""
    from ..scenario.load import load_scenario

    if not isinstance(scenario, Scenario):
        progress(0.0, f"loading {Path(scenario).name}")
        scenario = load_scenario(scenario)
    sim = simulate_scenario(scenario, days=days, seed=seed, engine=engine,
                            travel="straight_line" if straight_line else None, progress=progress)
    return SimulateRun(scenario, sim)


def simulation_document(run: SimulateRun) -> dict[str, Any]:
    sim = run.simulation
    times, open_cases = sim.backlog
    return {"scenario": scenario_block(run.scenario), "summary": sim.summary, "per_street": sim.per_street,
            "per_community": sim.per_community, "meta": sim.meta,
            "backlog": {"time_h": times, "open_cases": open_cases}}


def write_simulation_json(path: str | os.PathLike, run: SimulateRun) -> Path:
    from ..jsonio import write_json

    return write_json(path, simulation_document(run))


def grid_statistics_columns(sim: SimulationResult) -> dict[str, np.ndarray]:
    """Per grid row: the simulation's per-grid statistics as ``sim_<key>`` columns."""
    return {f"sim_{key}": np.asarray(values) for key, values in sim.per_grid.items()}


def write_grid_statistics(path: str | os.PathLike, run: SimulateRun) -> Path:
    """A GeoPackage with layer ``grids``: id, level, name and the per-grid statistics."""
    from ..scenario.gpkg import write_layers

    grids = run.scenario.grids
    cols = {"grid_id": grids.id, "level": grids.level, "name": grids.name, **grid_statistics_columns(run.simulation)}
    write_layers(path, {"grids": {"geometry": grids.geometry, "columns": cols, "geometry_type": "MultiPolygon"}},
                 run.scenario.crs)
    return Path(path)


def write_simulate_outputs(out: str | os.PathLike, run: SimulateRun, events: bool = False,
                           progress: Progress = NULL) -> dict[str, Path]:
    """``OUT/simulation.json`` and, with ``events``, ``OUT/events.parquet``."""
    from ..outputs import output_set

    with output_set(out, "simulate") as staging:  # locked; the files appear together
        progress(0.0, f"writing {JSON}")
        paths = {"simulation": write_simulation_json(staging.dir / JSON, run)}
        if events:
            progress(0.5, f"writing {EVENTS}")
            paths["events"] = run.simulation.to_parquet(staging.dir / EVENTS)
        else:
            staging.remove(EVENTS)  # an earlier run's events would not match this summary
        return staging.finals(paths)
