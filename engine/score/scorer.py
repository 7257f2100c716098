"""Compose the registered metrics into the scores of one scenario.

``score_scenario`` evaluates every metric of the registry (metrics whose inputs are missing are
recorded as "not computed" with the reason — never guessed), averages the 0–100 sub-scores of each
weight group and forms the weighted total (0–100) with the weights of ``scenario.toml``
(``[score] weights``, normalised to sum 1).  Per-grid and per-unit columns, the problem list and
small distributions travel with the scores so that reports and comparisons need nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import shapely

from ..circles.compute import Circles
from ..errors import GridGovError
from ..jsonio import plain
from ..params import DEFAULTS, require
from ..scenario.model import Scenario
from ..simulation.run import SimulationResult
from . import metrics_coverage, metrics_service, metrics_structure  # noqa: F401  (register metrics)
from .breakdown import district_breakdown, street_breakdown
from .context import Context
from .norms import figures, fill
from .geometry import hull_ratio, n_parts, polsby_popper
from .registry import GROUPS, REGISTRY, NotComputed
from .problems import collect_problems


@dataclass
class MetricResult:
    key: str
    value: float | None
    unit: str
    direction: str
    section: str
    label_en: str
    label_zh: str
    norm: str
    description_en: str = ""
    description_zh: str = ""
    norm_zh: str = ""                # ``norm`` in Chinese; "" in scores saved before it existed
    status: str = "ok"               # ok | not_computed
    reason: str = ""
    score: float | None = None       # 0–100 sub-score (None = not part of the total)
    good: float | None = None
    bad: float | None = None
    details: dict[str, Any] = field(default_factory=dict)
    ci: list[float] | None = None            # 95 % interval of the mean over replications (simulated metrics)
    replicates: list | None = None           # the value of each replication (None: not simulated)

    @property
    def computed(self) -> bool:
        return self.status == "ok"

    def label(self, lang: str) -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en

    def norm_text(self, lang: str) -> str:
        """The norm / source in ``lang`` (English when no Chinese text was saved)."""
        return (self.norm_zh or self.norm) if lang.startswith("zh") else self.norm


@dataclass
class Scores:
    scenario_name: str
    metrics: list[MetricResult]
    weights: dict[str, float]                    # normalised, sum 1
    groups: dict[str, float | None]              # 0–100 per weight group (None = nothing computed)
    total: float | None                          # 0..100 over the groups that were computed
    missing_groups: list[str]
    per_grid: dict[str, np.ndarray]              # columns for results.gpkg "grids" (grid rows)
    grid_sim: dict[str, np.ndarray] = field(default_factory=dict)   # simulation per grid (maps)
    per_unit: dict[str, np.ndarray] = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    distributions: dict[str, list] = field(default_factory=dict)
    by_street: dict[str, dict[str, float]] = field(default_factory=dict)
    # replications (score/replications.py): per-replication points and 95 % intervals of the means
    replications: int = 1
    seeds: list[int] = field(default_factory=list)
    total_ci: list[float] | None = None
    group_ci: dict[str, list[float] | None] = field(default_factory=dict)
    total_replicates: list[float | None] = field(default_factory=list)
    group_replicates: dict[str, list[float | None]] = field(default_factory=dict)
    by_district: dict[str, dict] = field(default_factory=dict)    # 区县 → figures + streets (breakdown.py)

    @property
    def total_complete(self) -> bool:
        return not self.missing_groups

    def metric(self, key: str) -> MetricResult:
        for m in self.metrics:
            if m.key == key:
                return m
        raise KeyError(key)

    def values(self) -> dict[str, float | None]:
        return {m.key: m.value for m in self.metrics}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NumPy arrays as lists, NaN as None)."""
        return _scores_to_dict(self)

    def reweighted(self, weights: dict[str, float]) -> "Scores":
        """The same scores under other weights (only the total changes; metrics are not recomputed)."""
        from dataclasses import replace

        from .intervals import interval

        w = normalised_weights({"score": {"weights": {**self.weights, **weights}}}, "--weight")
        total, missing = weighted_total(self.groups, w)
        if not self.total_replicates:
            return replace(self, weights=w, total=total, missing_groups=missing)
        reps = [weighted_total({g: self.group_replicates[g][r] for g in GROUPS}, w)[0]
                for r in range(len(self.total_replicates))]
        ci = interval(reps)
        return replace(self, weights=w, total=None if ci is None else ci["mean"], missing_groups=missing,
                       total_replicates=reps, total_ci=None if ci is None or ci["lo"] is None else [ci["lo"], ci["hi"]])

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Scores":
        return _scores_from_dict(data)


def normalised_weights(params: dict, where: str = "scenario.toml") -> dict[str, float]:
    """``[score] weights`` normalised to sum 1; negative or all-zero weights are input errors."""
    require(params, ("score",), where)
    raw = {**DEFAULTS["score"]["weights"].default, **params.get("score", {}).get("weights", {})}
    total = float(sum(raw.get(g, 0.0) for g in GROUPS))
    return {g: float(raw.get(g, 0.0)) / total for g in GROUPS}


def evaluate(ctx: Context, keys: list[str] | None = None) -> list[MetricResult]:
    """Run the registered metrics (all, or ``keys``) on one context."""
    out = []
    figs = figures(ctx.params)    # labels and norm texts carry this scenario's figures, not the defaults
    for key in keys or list(REGISTRY):
        m = REGISTRY[key]
        base = dict(key=m.key, unit=m.unit, direction=m.direction, section=m.section,
                    label_en=fill(m.label_en, figs), label_zh=fill(m.label_zh, figs), norm=fill(m.norm, figs),
                    norm_zh=fill(m.norm_zh, figs), description_en=fill(m.description_en, figs),
                    description_zh=fill(m.description_zh, figs), good=m.good, bad=m.bad)
        try:
            mv = m.fn(ctx)
        except NotComputed as exc:
            out.append(MetricResult(value=None, status="not_computed", reason=str(exc), **base))
            continue
        value = None if mv.value is None or not np.isfinite(mv.value) else float(mv.value)
        out.append(MetricResult(value=value, score=m.score(value) if value is not None else None,
                                details=mv.details, **base))
    return out


def group_scores(metrics: list[MetricResult]) -> dict[str, float | None]:
    """Mean 0–100 sub-score of the computed, scored metrics of each weight group."""
    out: dict[str, float | None] = {}
    for g in GROUPS:
        s = [m.score for m in metrics if m.section == g and m.score is not None]
        out[g] = float(np.mean(s)) if s else None
    return out


def weighted_total(groups: dict[str, float | None], weights: dict[str, float]) -> tuple[float | None, list[str]]:
    """0..100 total over the computed groups (weights renormalised), and the weighted groups missing."""
    missing = [g for g in GROUPS if weights.get(g, 0) > 0 and groups.get(g) is None]
    wsum = sum(weights[g] for g in GROUPS if groups.get(g) is not None)
    if wsum <= 0:
        return None, missing
    total = sum(weights[g] * groups[g] for g in GROUPS if groups.get(g) is not None) / wsum
    return float(total), missing


def score_scenario(scenario: Scenario, circles: Circles | None = None, sim: SimulationResult | None = None
                   ) -> Scores:
    """Scores of one scenario; ``circles``/``sim`` may be None (their metrics are "not computed")."""
    weights = normalised_weights(scenario.params, str(scenario.path / "scenario.toml"))
    ctx = Context(scenario, circles, sim)
    metrics = evaluate(ctx)
    groups = group_scores(metrics)
    total, missing = weighted_total(groups, weights)
    per_grid = grid_columns(ctx)
    grid_sim = {k: np.asarray(v) for k, v in sim.per_grid.items()} if sim is not None else {}
    scores = Scores(scenario.name, metrics, weights, groups, total, missing, per_grid, grid_sim,
                    unit_columns(ctx), distributions=distributions(ctx))
    scores.problems = collect_problems(scenario, scores)
    scores.by_street = street_breakdown(ctx, scores)
    scores.by_district = district_breakdown(ctx, scores)
    return scores


def grid_columns(ctx: Context) -> dict[str, np.ndarray]:
    """Per grid row: households, size conformity, shape, coverage (results.gpkg grids layer)."""
    g = ctx.scenario.grids
    geoms = np.asarray(g.geometry, dtype=object)
    hh = ctx.households_per_grid
    size_ok = np.full(len(g.id), -1, dtype=np.int64)       # -1 = no norm (dedicated)
    for level, key in (("general", "general_households"), ("micro", "micro_households")):
        rows = np.flatnonzero(ctx.level == level)
        norm = ctx.params["grids"][key]
        size_ok[rows] = ((hh[rows] >= norm["min"]) & (hh[rows] <= norm["max"])).astype(np.int64)
    cols = {"households": hh, "size_ok": size_ok, "polsby_popper": polsby_popper(geoms),
            "hull_ratio": hull_ratio(geoms), "n_parts": n_parts(geoms),
            "area_km2": shapely.area(geoms) / 1e6}
    if ctx.circles is not None and ctx.required:
        n_types = len(ctx.required)
        units_hh = np.asarray(ctx.scenario.units.households, dtype=float)
        missing = ctx.unit_missing_tier.astype(float)
        uncovered = np.zeros(len(g.id))
        covered_w = np.zeros(len(g.id))
        for rows in (ctx.unit_grid_row, ctx.unit_micro_row):
            ok = rows >= 0
            uncovered += np.bincount(rows[ok], weights=units_hh[ok] * (missing[ok] > 0), minlength=len(g.id))
            covered_w += np.bincount(rows[ok], weights=units_hh[ok] * (1.0 - missing[ok] / n_types),
                                     minlength=len(g.id))
        with np.errstate(invalid="ignore", divide="ignore"):
            cols["coverage_share"] = np.where(hh > 0, covered_w / hh, np.nan)
        cols["uncovered_households"] = uncovered
    return cols


def unit_columns(ctx: Context) -> dict[str, np.ndarray]:
    """Per unit: location, households, grid row and missing life-circle types (difference maps)."""
    u = ctx.scenario.units
    cols = {"unit_id": np.asarray(u.id, dtype=object), "x": np.asarray(u.x, float), "y": np.asarray(u.y, float),
            "households": np.asarray(u.households, float), "grid_row": ctx.unit_grid_row}
    if ctx.circles is not None and ctx.required:
        cols["coverage_share"] = 1.0 - ctx.unit_missing_tier / len(ctx.required)
    return cols


def distributions(ctx: Context) -> dict[str, list]:
    """Percentiles 0..100 of the simulated response and closure times, worker loads, grid sizes."""
    out: dict[str, list] = {}
    qs = np.linspace(0, 100, 101)
    if ctx.sim is not None:
        inc = ctx.sim.incidents
        for key in ("response_min", "closed_h"):
            if key in inc and len(inc[key]):
                v = np.asarray(inc[key], float)
                v = v[np.isfinite(v)]
                if v.size:
                    out[key] = np.percentile(v, qs).tolist()
        if {"response_min", "found_on_patrol", "dispatched_on_duty"} <= set(inc):
            r = np.asarray(inc["response_min"], float)
            duty = ~np.asarray(inc["found_on_patrol"], bool) & np.asarray(inc["dispatched_on_duty"], bool) \
                & np.isfinite(r)
            if duty.any():      # reports dispatched while a worker of the grid was on shift
                out["response_on_duty_min"] = np.percentile(r[duty], qs).tolist()
        pw = ctx.sim.per_worker
        for key in ("utilisation", "busy_h"):
            if key in pw:
                out[f"worker_{key}"] = np.asarray(pw[key], float).tolist()
    for level in ("general", "micro"):
        rows = np.flatnonzero(ctx.level == level)
        if rows.size:
            out[f"households_{level}"] = ctx.households_per_grid[rows].tolist()
    return out


# ------------------------------------------------ Scores ⇄ JSON-ready dict (scores.json, format gridgov-scores/1)
# so that a comparison can reuse earlier ``gridgov run`` folders.

def _scores_to_dict(scores: Scores) -> dict[str, Any]:
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
        "by_district": scores.by_district,
        "replications": scores.replications, "seeds": scores.seeds, "total_ci": scores.total_ci,
        "group_ci": scores.group_ci, "total_replicates": scores.total_replicates,
        "group_replicates": scores.group_replicates,
    })


def _array(values) -> np.ndarray:
    if values and any(isinstance(v, str) for v in values[:10]):
        return np.asarray(values, dtype=object)
    return np.asarray([np.nan if v is None else v for v in values], dtype=float)


def _scores_from_dict(data: dict[str, Any]) -> Scores:
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
    scores = Scores(data["scenario_name"], metrics, data["weights"], data["groups"], data["total"],
                  list(data.get("missing_groups", [])), per_grid,
                  {k: _array(v) for k, v in data.get("grid_sim", {}).items()}, per_unit,
                  data.get("problems", []), data.get("distributions", {}), data.get("by_street", {}),
                  int(data.get("replications", 1)), list(data.get("seeds", [])), data.get("total_ci"),
                  dict(data.get("group_ci", {})), list(data.get("total_replicates", [])),
                  dict(data.get("group_replicates", {})))
    scores.by_district = dict(data.get("by_district", {}))
    return scores
