"""Optimise a scenario in the background; the result is the folder of the proposal scenario."""
from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtCore import QCoreApplication

from .engine_task import EngineTask


def proposal_dir(scenario_dir: Path, mode: str) -> Path:
    """Where the proposal of ``scenario_dir`` is written: a sibling folder named after the mode."""
    scenario_dir = Path(scenario_dir)
    return scenario_dir.parent / f"{scenario_dir.name}_optimised_{mode}"


def optimise_task(scenario_dir: Path, mode: str = "grids", out_dir: Path | None = None, seed: int = 0,
                  time_limit: float | None = None) -> EngineTask:
    """A task running ``engine.workflows.optimise`` and writing the proposal scenario; result
    ``{"dir": folder, "summary": change summary}``."""
    src = Path(scenario_dir)
    out = Path(out_dir) if out_dir else proposal_dir(src, mode)

    def work(progress):
        from ...engine.workflows.optimise import optimise, write_optimised

        run = optimise(src, mode, seed=seed, time_limit=time_limit, score=False, progress=progress)
        path = write_optimised(run, out, overwrite=True)
        return {"dir": str(path), "summary": run.summary}

    return EngineTask(QCoreApplication.translate("EngineTask", "GridGov: optimise {0} ({1})").format(src.name, mode),
                      work)
