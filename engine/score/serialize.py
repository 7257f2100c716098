"""Scores ⇄ JSON-ready dict (scores.json), so a comparison can reuse earlier ``gridgov run`` folders."""
from __future__ import annotations

from dataclasses import fields
from typing import Any

import numpy as np

from ..jsonio import plain


def scores_to_dict(scores) -> dict[str, Any]:
    from .scorer import MetricResult

    names = [f.name for f in fields(MetricResult)]
    return plain({
        "format": "gridgov-scores/1",
        "scenario_name": scores.scenario_name,
        "total": scores.total,
        "total_complete": scores.total_complete,
        "missing_groups": scores.missing_groups,
        "weights": scores.weights,
        "groups": scores.groups,
        # keyed by metric key; "label"/"help" are the English texts (read by plugin/services/scores.py)
        "metrics": {m.key: {**{n: getattr(m, n) for n in names if n != "key"},
                            "label": m.label_en, "help": m.description_en} for m in scores.metrics},
        "per_grid": scores.per_grid,
        "grid_sim": scores.grid_sim,
        "per_unit": scores.per_unit,
        "problems": scores.problems,
        "distributions": scores.distributions,
        "by_street": scores.by_street,
        "replications": scores.replications, "seeds": scores.seeds, "total_ci": scores.total_ci,
        "group_ci": scores.group_ci, "total_replicates": scores.total_replicates,
        "group_replicates": scores.group_replicates,
    })


def _array(values) -> np.ndarray:
    if values and any(isinstance(v, str) for v in values[:10]):
        return np.asarray(values, dtype=object)
    return np.asarray([np.nan if v is None else v for v in values], dtype=float)


def scores_from_dict(data: dict[str, Any]):
    from ..errors import GridGovError
    from .scorer import MetricResult, Scores

    if data.get("format") != "gridgov-scores/1":
        raise GridGovError("scores.json: not a GridGov scores file (format gridgov-scores/1 expected)")
    names = {f.name for f in fields(MetricResult)}
    metrics = [MetricResult(key=k, **{n: v for n, v in m.items() if n in names}) for k, m in data["metrics"].items()]
    per_grid = {k: _array(v) for k, v in data.get("per_grid", {}).items()}
    for k in ("size_ok", "n_parts"):
        if k in per_grid:
            per_grid[k] = np.nan_to_num(per_grid[k], nan=-1).astype(np.int64)
    per_unit = {k: _array(v) for k, v in data.get("per_unit", {}).items()}
    if "grid_row" in per_unit:
        per_unit["grid_row"] = per_unit["grid_row"].astype(np.int64)
    return Scores(data["scenario_name"], metrics, data["weights"], data["groups"], data["total"],
                  list(data.get("missing_groups", [])), per_grid,
                  {k: _array(v) for k, v in data.get("grid_sim", {}).items()}, per_unit,
                  data.get("problems", []), data.get("distributions", {}), data.get("by_street", {}),
                  int(data.get("replications", 1)), list(data.get("seeds", [])), data.get("total_ci"),
                  dict(data.get("group_ci", {})), list(data.get("total_replicates", [])),
                  dict(data.get("group_replicates", {})))
