"""The ``score`` use case: scores and report of a scenario, or of a finished run re-weighted.

The input is a scenario folder (circles and, unless ``no_sim``, the simulation are computed) or
the OUT folder of ``gridgov run`` (its ``scores.json`` is re-weighted and re-reported without
recomputing).  Outputs: ``scores.json`` (``run.scores_document``) and ``report.html`` (+ PDF).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import GridGovError, UsageError
from ..progress import NULL, Progress
from ..scenario.model import Scenario
from ..score.scorer import Scores


@dataclass
class ScoreRun:
    name: str
    scenario: Scenario
    scores: Scores


def score(source: str | os.PathLike, *, weights: dict[str, float] | None = None, no_sim: bool = False,
          days: float | None = None, seed: int | None = None, progress: Progress = NULL) -> ScoreRun:
    """Scores of a scenario folder or of a finished run folder, under ``weights`` (group → weight)."""
    src = Path(source)
    src = src.parent if src.name == "scenario.toml" else src
    if no_sim and (days is not None or seed is not None):
        raise UsageError("--days and --seed set the simulation, which --no-sim skips: give one or the other")
    if (src / "scores.json").is_file():
        from .compare import load_entry

        unused = [o for o, v in (("--days", days), ("--seed", seed), ("--no-sim", no_sim or None)) if v is not None]
        if unused:
            raise UsageError(f"{src} is a finished run (scores.json): it is re-weighted, not recomputed, so "
                               f"{', '.join(unused)} would have no effect; pass the scenario folder to recompute")
        name, scenario, scores = load_entry(src)
    elif (src / "scenario.toml").is_file():
        from ..scenario.load import load_scenario

        scenario = load_scenario(src, overrides={"score": {"weights": weights}} if weights else None)
        if no_sim:
            from ..circles import compute_circles
            from ..score import score_scenario

            scores = score_scenario(scenario, circles=compute_circles(scenario, progress=progress))
        else:
            from .run import compute_stages

            scores = compute_stages(scenario, days=days, seed=seed, progress=progress).scores
        name = scenario.name
    else:
        raise GridGovError(f"{src}: neither a scenario folder (scenario.toml) nor a 'gridgov run' output (scores.json)")
    return ScoreRun(name, scenario, scores.reweighted(weights) if weights else scores)


def write_score_outputs(out: str | os.PathLike, run: ScoreRun, *, lang: str = "zh_CN",
                        pdf: bool = True) -> dict[str, Path]:
    """report.html (+ report.pdf) and scores.json in ``out``."""
    from ..jsonio import write_json
    from ..outputs import output_set
    from ..report import write_documents
    from .run import scores_document

    with output_set(out, "score") as staging:  # locked; report and scores appear together
        if not pdf:
            staging.remove("report.pdf")  # an earlier PDF would contradict the new report
        paths = write_documents(staging.dir, [(run.name, run.scenario, run.scores)], lang=lang, stem="report",
                                pdf=pdf)
        paths["scores"] = write_json(staging.dir / "scores.json", scores_document(run.scenario, run.scores))
        return staging.finals(paths)
