"""The ``compare`` use case: N scenarios side by side, deltas against the first, ranking sensitivity.

Each input is a scenario folder (scenario.toml: circles, simulation and scores are computed with
the same stage functions as ``gridgov run``, ``workflows.run.compute_stages``) or the OUT folder
of an earlier ``gridgov run`` (its scores.json is reused; the scenario is re-read only for its
geometry).  Outputs in OUT: compare.html, compare.pdf, compare.csv (metric table), compare.json.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..atomic import write_text
from ..errors import GridGovError
from ..jsonio import write_json
from ..progress import NULL, Progress
from ..scenario.model import Scenario
from ..score.comparison import comparison_table, csv_table
from ..score.registry import GROUPS
from ..score.scorer import Scores
from ..score.sensitivity import ranking_sensitivity


@dataclass
class CompareResult:
    names: list[str]
    scores: list[Scores]
    table: list[dict]
    sensitivity: dict
    paths: dict[str, Path] = field(default_factory=dict)


def _scenario_dir(path: Path) -> Path:
    return path.parent if path.name == "scenario.toml" else path


def load_entry(path: Scenario | str | os.PathLike, *, days: float | None = None, seed: int | None = None,
               engine: str | None = None, replications: int | None = None,
               progress: Progress = NULL) -> tuple[str, Scenario, Scores]:
    """``(name, scenario, scores)`` for one input: a scenario folder, a run output folder, or a
    loaded ``Scenario`` (e.g. the layout being edited in the plugin, not yet saved)."""
    from ..scenario.load import load_scenario
    from .run import compute_stages

    if isinstance(path, Scenario):
        scores = compute_stages(path, days=days, seed=seed, engine=engine, replications=replications,
                                progress=progress).scores
        return path.name, path, scores
    p = _scenario_dir(Path(path))
    if (p / "scores.json").is_file():
        from ..outputs import require_complete

        require_complete(p, "run outputs")
        try:
            data = json.loads((p / "scores.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise GridGovError(f"{p / 'scores.json'}: cannot read ({exc})") from exc
        if not isinstance(data, dict):
            raise GridGovError(f"{p / 'scores.json'}: not a GridGov scores file (a JSON object expected); "
                               "re-run 'gridgov run'")
        scen = data.get("scenario")
        src = scen.get("path") if isinstance(scen, dict) else None
        if not isinstance(src, str) or not src or not (Path(src) / "scenario.toml").is_file():
            raise GridGovError(f"{p / 'scores.json'}: the scenario it was computed from ({src or 'not recorded'}) "
                               "is not available; pass the scenario folder instead")
        try:
            scores = Scores.from_dict(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise GridGovError(f"{p / 'scores.json'}: incomplete or damaged scores file ({exc!r}); "
                               "re-run 'gridgov run'") from exc
        scenario = load_scenario(src)
        progress(1.0, scenario.name)
        return scenario.name, scenario, scores
    if (p / "scenario.toml").is_file():
        scenario = load_scenario(p)
        scores = compute_stages(scenario, days=days, seed=seed, engine=engine, replications=replications,
                                progress=progress).scores
        return scenario.name, scenario, scores
    raise GridGovError(f"{p}: neither a scenario folder (scenario.toml) nor a 'gridgov run' output (scores.json)")


def _group_replicates(scores: list[Scores]) -> np.ndarray | None:
    """Scenarios × replications × groups of points, when every scenario ran the same seeds."""
    if any(s.seeds != scores[0].seeds or s.replications < 2 for s in scores):
        return None
    return np.array([[[np.nan if s.group_replicates[g][r] is None else s.group_replicates[g][r] for g in GROUPS]
                      for r in range(s.replications)] for s in scores], dtype=float)


def compare_scenarios(dirs_or_run_outputs: list[Scenario | str | os.PathLike], out_dir: str | os.PathLike,
                      lang: str = "zh_CN", *, pdf: bool = True, days: float | None = None, seed: int | None = None,
                      engine: str | None = None, replications: int | None = None,
                      progress: Progress = NULL) -> CompareResult:
    """Compare two or more scenarios; the first is the baseline.  Writes the report and tables.

    Inputs are scenario folders, 'gridgov run' output folders or loaded ``Scenario`` objects.
    Returns a ``CompareResult``; ``.paths`` has ``report`` (compare.html), ``pdf``, ``table``
    (compare.csv) and ``json``.
    """
    from ..report import check_lang

    check_lang(lang)
    inputs = [p if isinstance(p, Scenario) else Path(p) for p in dirs_or_run_outputs]
    if len(inputs) < 2:
        raise GridGovError("compare needs at least two scenarios (scenario folders or 'gridgov run' outputs)")
    entries = []
    share = 0.85 / len(inputs)
    for i, p in enumerate(inputs):
        progress(i * share, str(p.name))
        entries.append(load_entry(p, days=days, seed=seed, engine=engine, replications=replications,
                                  progress=progress.sub(i * share, (i + 1) * share)))
    seen: dict[str, int] = {}
    named = []
    for name, sc, s in entries:   # two inputs with the same scenario name stay distinguishable
        seen[name] = seen.get(name, 0) + 1
        named.append((name if seen[name] == 1 else f"{name} ({seen[name]})", sc, s))
    # one yardstick: every scenario is totalled with the baseline's weights (its scenario.toml)
    base_w = named[0][2].weights
    named = [(n, sc, s if s.weights == base_w else s.reweighted(base_w)) for n, sc, s in named]
    names = [n for n, _, _ in named]
    scores = [s for _, _, s in named]
    points = np.array([[np.nan if s.groups.get(g) is None else s.groups[g] for g in GROUPS] for s in scores])
    sens = ranking_sensitivity(points, scores[0].weights, replicates=_group_replicates(scores))
    table = comparison_table(names, scores)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise GridGovError(f"--out {out}: exists and is not a folder")
    progress(0.87, "report")
    result = CompareResult(names, scores, table, sens)
    result.paths = write_compare_outputs(out, result, named, inputs, lang=lang, pdf=pdf)
    progress(1.0, "done")
    return result


def compare_document(result: CompareResult, inputs: list) -> dict:
    """``compare.json``: who was compared with which weights, totals, ranks, the metric table,
    the ranking sensitivity and the per-street figures."""
    return {"format": "gridgov-compare/1", "baseline": result.names[0], "scenarios": result.names,
            "weights": result.scores[0].weights,
            "inputs": [str(p.resolve()) if isinstance(p, Path) else f"(in memory) {p.name}" for p in inputs],
            "totals": [s.total for s in result.scores],
            "ranks": result.sensitivity["base_ranks"], "table": result.table, "sensitivity": result.sensitivity,
            "replications": [s.replications for s in result.scores], "seeds": result.scores[0].seeds,
            "totals_ci95": [s.total_ci for s in result.scores],
            "by_street": {n: s.by_street for n, s in zip(result.names, result.scores)}}


def write_compare_outputs(out: Path, result: CompareResult, named: list[tuple[str, Scenario, Scores]], inputs: list,
                          *, lang: str, pdf: bool) -> dict[str, Path]:
    """compare.html (+ compare.pdf), compare.csv and compare.json in ``out``, locked and appearing
    together (engine/outputs.py); without a PDF an earlier one is removed with the set."""
    from ..outputs import output_set
    from ..report import write_documents

    with output_set(out, "compare") as staging:
        if not pdf:
            staging.remove("compare.pdf")  # it would contradict the new comparison
        stage = staging.dir
        paths = write_documents(stage, named, lang=lang, stem="compare", sensitivity=result.sensitivity, pdf=pdf)
        paths["table"] = write_text(stage / "compare.csv", csv_table(result.names, result.table))
        paths["json"] = write_json(stage / "compare.json", compare_document(result, inputs))
        return staging.finals(paths)
