"""The ``batch`` use case: an experiment file's sweeps × replications, validated, run, summarised.

``plan(path)`` reads the experiment and validates every scenario folder it names with the one
``validate`` workflow (layers too) before any run or cluster start, so a broken layers.gpkg is one
list of problems, not a failed run after the cluster started.  ``run_experiment`` runs the plan
on Dask (``engine/batch/runner.py``; what one run computes is ``engine/batch/runs.py``) and
writes the summary tables and plots (``engine/batch/summary.py``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..batch.experiment import Experiment, load_experiment
from ..errors import Problem, ValidationError


@dataclass
class BatchResult:
    experiment: Experiment
    total: int                     # runs in the experiment
    skipped: int                   # already finished (resumed)
    done: int                      # run now
    elapsed_s: float
    workers: int
    tasks: int
    out: Path
    summary: dict[str, Path] = field(default_factory=dict)   # empty with summary=False

    @property
    def runs_per_s(self) -> float:
        return self.done / self.elapsed_s if self.elapsed_s > 0 and self.done else 0.0


def plan(path: str | os.PathLike) -> Experiment:
    """The experiment of ``path`` with every scenario it names validated (``ValidationError``)."""
    from .validate import validate

    exp = load_experiment(path)
    problems = []
    for name, folder in dict.fromkeys((r.scenario, r.scenario_path) for r in exp.runs):
        errors = validate(folder).errors
        if errors:
            problems.append(Problem(f"scenario '{name}' ({folder}) has {len(errors)} problem(s):", str(exp.path),
                                    field="scenario"))
            problems += errors
        elif any(r.by_district for r in exp.runs if r.scenario_path == folder):
            problems += _districts(exp, name, folder)
    if problems:
        raise ValidationError(problems)
    return exp


def _districts(exp: Experiment, name: str, folder: str) -> list[Problem]:
    """The districts of a ``by_district`` scenario into ``exp.districts`` (problems if it has none)."""
    from ..batch.districts import city_districts

    try:
        exp.districts[folder] = city_districts(folder)
    except ValidationError as exc:
        return [Problem(f"scenario '{name}' ({folder}) cannot run by district:", str(exp.path),
                        field="scenario.by_district"), *exc.problems]
    return []


def run_experiment(exp: Experiment, out: str | os.PathLike, *, scheduler: str | None = None,
                   workers: int | None = None, runs_per_task: int | None = None, connect_timeout_s: float = 15.0,
                   progress: bool = True, summary: bool = True) -> BatchResult:
    """Every unfinished run of ``exp`` into ``out/runs`` (resumable), then the summary."""
    from ..batch.runner import run_batch
    from ..batch.runs import simulate_run

    res = run_batch(exp, out, scheduler=scheduler, workers=workers, func=simulate_run, progress=progress,
                    runs_per_task=runs_per_task, connect_timeout_s=connect_timeout_s)
    result = BatchResult(exp, res["total"], res["skipped"], res["done"], res["elapsed_s"], res["workers"],
                         res["tasks"], Path(res["out"]))
    if summary:
        result.summary = write_batch_outputs(exp, out)
    return result


def write_batch_outputs(exp: Experiment, out: str | os.PathLike) -> dict[str, Path]:
    """summary.csv, summary.parquet, the plots and summary.html from the runs in ``out``."""
    from ..batch.summary import write_summary

    return write_summary(exp, out)
