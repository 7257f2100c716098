"""Experiment files (TOML) → a deterministic list of run specifications.

An experiment crosses scenarios × design points × replications.  Every run gets its own
independent random stream derived from ``numpy.random.SeedSequence(experiment seed)`` and a
spawn key made of (design point, replication), so a run's result never depends on which
worker ran it or in which order.  Every name in the file is checked against
``engine/params.DEFAULTS``: a typo is an error naming the file and the key, never a silent
default.  The format is documented in ``docs/batch.md``.
"""
from __future__ import annotations

import hashlib
import json
import math
import tomllib
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import GridGovError, Problem, ValidationError
from ..params import DEFAULTS, check, merge

# Experiment-file sugar: a multiplier scales the scenario's own value of these parameters.
MULTIPLIERS: dict[str, tuple[tuple[str, str], ...]] = {
    "incident_rate_multiplier": (("demand", "events_per_1000_residents_month"),),
    "handling_time_multiplier": (("workflow", "handle_median_min"), ("workflow", "handle_p90_min")),
    "walk_speed_multiplier": (("travel", "walk_speed_mps"), ("travel", "elderly_speed_mps")),
    "staffing_multiplier": (("staffing", "workers_per_general_grid"),),
}
DESIGN_KINDS = ("grid", "lhs", "random")
# Metrics of engine.simulation's SimulationResult.summary (stored for every run).
SUMMARY_METRICS = ("n_incidents", "response_p50_min", "response_p90_min", "response_p95_min",
                   "response_within_5min", "response_within_10min", "response_within_15min",
                   "closed_24h_share", "on_time_share", "utilisation_mean", "utilisation_max",
                   "workload_gini", "backlog_max")
_EXPERIMENT_KEYS = {"name", "description", "seed", "replications", "days", "metrics",
                    "plot_metrics", "common_random_numbers", "circles"}
_TOP_KEYS = {"experiment", "scenario", "fixed", "design"}


@dataclass(frozen=True)
class RunSpec:
    """Everything a worker needs to perform one run (picklable, no open resources)."""

    run_id: str                 # hash of (scenario, overrides, days, seed, replication)
    experiment: str
    scenario: str               # scenario name given in the experiment file
    scenario_path: str          # absolute path of the scenario folder
    point: int                  # design point number (0-based, in file order)
    point_id: str               # hash of (scenario, overrides, days): stable under edits
    replication: int
    seed: int                   # simulation seed derived from the SeedSequence
    days: int                   # simulated days (experiment, factor or the scenario's own)
    overrides: dict[str, dict[str, Any]]
    factors: dict[str, Any]     # factor name → value as written in the experiment file
    circles: bool = False
    by_district: bool = False   # the scenario is a city run district by district, merged exactly


@dataclass
class Experiment:
    path: Path
    name: str
    description: str
    seed: int
    replications: int
    days: int | None
    metrics: list[str]
    plot_metrics: list[str]
    factor_names: list[str]
    common_random_numbers: bool
    circles: bool
    runs: list[RunSpec] = field(default_factory=list)
    districts: dict[str, list[str]] = field(default_factory=dict)   # by_district folder → district keys

    @property
    def n_points(self) -> int:
        return len({r.point for r in self.runs})


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file; raise ``ValidationError`` listing every problem."""
    path = Path(path).resolve()
    if not path.is_file():
        raise GridGovError(f"experiment file not found: {path}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError([Problem(f"not valid TOML: {exc}", file=str(path))]) from None
    return build_experiment(data, path)


def build_experiment(data: dict[str, Any], path: Path) -> Experiment:
    """Validate parsed TOML ``data`` (read from ``path``) and expand it into run specs."""
    f = str(path)
    problems: list[Problem] = []

    def bad(msg: str, fld: str = "") -> None:
        problems.append(Problem(msg, file=f, field=fld))

    for key in data:
        if key not in _TOP_KEYS:
            bad(f"unknown table [{key}] (known: {', '.join(sorted(_TOP_KEYS))})", key)
    exp = data.get("experiment", {})
    if not isinstance(exp, dict):
        raise ValidationError([Problem("[experiment] must be a table", file=f, field="experiment")])
    for key in exp:
        if key not in _EXPERIMENT_KEYS:
            bad(f"[experiment] unknown key '{key}' (known: {', '.join(sorted(_EXPERIMENT_KEYS))})", key)
    name = exp.get("name", path.stem)
    seed = exp.get("seed", DEFAULTS["simulation"]["seed"].default)
    reps = exp.get("replications", 1)
    days = exp.get("days")
    crn = exp.get("common_random_numbers", False)
    circles = exp.get("circles", False)
    if not isinstance(name, str) or not name:
        bad("name must be a non-empty string", "experiment.name")
    if not _is_int(seed) or seed < 0:
        bad(f"seed = {seed!r} must be an integer ≥ 0", "experiment.seed")
    if not _is_int(reps) or reps < 1:
        bad(f"replications = {reps!r} must be an integer ≥ 1", "experiment.replications")
    if days is not None and (not _is_int(days) or days < 1):
        bad(f"days = {days!r} must be an integer ≥ 1", "experiment.days")
    if not isinstance(crn, bool):
        bad("common_random_numbers must be true or false", "experiment.common_random_numbers")
    if not isinstance(circles, bool):
        bad("circles must be true or false", "experiment.circles")
    metrics = _metric_list(exp.get("metrics"), list(SUMMARY_METRICS), "experiment.metrics", bad)
    plot_metrics = _metric_list(exp.get("plot_metrics"), [m for m in ("response_p90_min", "on_time_share",
                                "utilisation_mean") if m in metrics] or metrics[:3], "experiment.plot_metrics", bad)

    scenarios = _scenarios(data.get("scenario"), path, bad)
    fixed = _fixed(data.get("fixed", {}), bad)
    factors, points = _design(data.get("design"), exp_seed=seed if _is_int(seed) else 0, bad=bad)
    if problems:
        raise ValidationError(problems)

    runs: list[RunSpec] = []
    point = 0
    for sc_name, sc_path, sc_base, by_district in scenarios:
        for number, values in enumerate(points):
            values = tuple(float(v) if isinstance(_default_of(n), float) and _is_num(v) else v
                           for n, v in zip(factors, values))
            overrides, p2 = _resolve(sc_base, fixed, dict(zip(factors, values)), f)
            p2 = p2 or _check_values(_apply(sc_base, overrides), f, sc_name, number, dict(zip(factors, values)), fixed)
            problems.extend(p2)
            if p2:
                continue
            run_days = overrides.get("simulation", {}).get("days", days if days is not None
                                                             else sc_base["simulation"]["days"])
            pid = _digest({"scenario": sc_name, "overrides": overrides, "days": run_days})[:12]
            for rep in range(reps):
                key = (rep,) if crn else (int(pid[:8], 16), rep)
                ss = np.random.SeedSequence(entropy=seed, spawn_key=key)
                run_seed = int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))
                ident = {"scenario": sc_name, "overrides": overrides, "days": run_days,
                         "seed": run_seed, "replication": rep, "circles": circles}
                rid = _digest({**ident, "by_district": True} if by_district else ident)[:16]
                runs.append(RunSpec(rid, name, sc_name, str(sc_path), point, pid, rep, run_seed, run_days,
                                    overrides, dict(zip(factors, values)), circles, by_district))
            point += 1
    if problems:
        raise ValidationError(_unique(problems))
    seen: dict[str, RunSpec] = {}
    for r in runs:
        if r.run_id in seen:
            raise ValidationError([Problem(
                f"design points {seen[r.run_id].point} and {r.point} of scenario '{r.scenario}' are the "
                f"same run (identical parameters): remove the duplicate", file=f, field="design")])
        seen[r.run_id] = r
    return Experiment(path, name, exp.get("description", ""), seed, reps, days, metrics, plot_metrics,
                      list(factors), crn, circles, runs)


# ---------------------------------------------------------------- pieces of the file


def _metric_list(value, default: list[str], fld: str, bad) -> list[str]:
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or not value:
        bad("must be a non-empty list of metric names", fld)
        return default
    for m in value:
        if m not in SUMMARY_METRICS and not m.startswith("circles_"):
            bad(f"unknown metric '{m}' (known: {', '.join(SUMMARY_METRICS)}, circles_*)", fld)
    return list(value)


def _scenarios(value, path: Path, bad) -> list[tuple[str, Path, dict, bool]]:
    """``[[scenario]]`` entries → (name, folder, parameters merged from its scenario.toml, by_district)."""
    if value is None:
        bad("at least one [[scenario]] with name and path is required", "scenario")
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for i, sc in enumerate(items):
        if not isinstance(sc, dict) or not isinstance(sc.get("path"), str):
            bad(f"[[scenario]] #{i + 1} needs path = \"folder\"", "scenario.path")
            continue
        for k in sc:
            if k not in ("name", "path", "by_district"):
                bad(f"[[scenario]] #{i + 1}: unknown key '{k}' (known: name, path, by_district)", f"scenario.{k}")
        if not isinstance(sc.get("by_district", False), bool):
            bad(f"[[scenario]] #{i + 1}: by_district must be true or false", "scenario.by_district")
        folder = (path.parent / sc["path"]).resolve()
        toml_path = folder / "scenario.toml"
        nm = sc.get("name", folder.name)
        if not toml_path.is_file():
            bad(f"scenario '{nm}': {toml_path} not found", "scenario.path")
            continue
        try:
            params, errs = merge(tomllib.loads(toml_path.read_text(encoding="utf-8")), str(toml_path))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            bad(f"scenario '{nm}': {toml_path} is not valid TOML: {exc}", "scenario.path")
            continue
        for e in errs:
            bad(f"scenario '{nm}': {e}", "scenario.path")
        if any(o[0] == nm for o in out):
            bad(f"two scenarios named '{nm}': give each a distinct name", "scenario.name")
        out.append((nm, folder, params, sc.get("by_district", False) is True))
    return out


def _fixed(value, bad) -> dict[str, dict[str, Any]]:
    """``[fixed]``: overrides for every run, nested exactly like scenario.toml."""
    if not isinstance(value, dict):
        bad("[fixed] must be a table of parameter sections", "fixed")
        return {}
    _, errs = merge(value, "[fixed]")
    for sec in value:
        if sec not in DEFAULTS:
            bad(f"[fixed] unknown section '{sec}' (known: {', '.join(DEFAULTS)})", f"fixed.{sec}")
    for e in errs:
        bad(e, "fixed")
    return value


def _design(value, exp_seed: int, bad) -> tuple[list[str], list[tuple]]:
    """``[design]`` → factor names and the list of design points (tuples of values)."""
    if value is None:
        return [], [()]
    if not isinstance(value, dict):
        bad("[design] must be a table", "design")
        return [], [()]
    kind = value.get("kind", "grid")
    for k in value:
        if k not in ("kind", "points", "factors"):
            bad(f"[design] unknown key '{k}' (known: kind, points, factors)", f"design.{k}")
    if kind not in DESIGN_KINDS:
        bad(f"[design] kind = {kind!r} must be one of {', '.join(DESIGN_KINDS)}", "design.kind")
        return [], [()]
    raw = value.get("factors", {})
    if not isinstance(raw, dict):
        bad("[design.factors] must be a table", "design.factors")
        return [], [()]
    flat: dict[str, Any] = {}
    for k, v in raw.items():  # `[design.factors.staffing]` tables become "staffing.<key>"
        if k in DEFAULTS and isinstance(v, dict) and not ({"min", "max", "values"} & set(v)):
            flat.update({f"{k}.{kk}": vv for kk, vv in v.items()})
        else:
            flat[k] = v
    names = list(flat)
    if not names:  # a [design] without factors is a slip; no [design] at all replicates the scenario
        bad("[design] lists no factors: add at least one under [design.factors], or remove [design] to "
            "run replications of the scenarios as they are", "design.factors")
        return [], [()]
    for n in names:
        _target(n, bad)
    if kind == "grid":
        levels = []
        for n in names:
            v = flat[n]
            if not isinstance(v, list) or not v:
                bad(f"grid factor '{n}' must be a non-empty list of values", f"design.factors.{n}")
                return [], [()]
            if len({json.dumps(x, sort_keys=True) for x in v}) != len(v):
                bad(f"grid factor '{n}' lists a value twice", f"design.factors.{n}")
            levels.append(v)
        return names, list(product(*levels))
    n_points = value.get("points")
    if not _is_int(n_points) or n_points < 1:
        bad(f"[design] kind = '{kind}' needs points = N (an integer ≥ 1)", "design.points")
        return [], [()]
    rng = np.random.default_rng(np.random.SeedSequence(entropy=exp_seed, spawn_key=(2**32 - 1,)))
    if kind == "lhs" and names:
        from scipy.stats import qmc
        u = qmc.LatinHypercube(d=len(names), seed=rng).random(n_points)
    else:
        u = rng.random((n_points, len(names)))
    cols = [_sampled(n, flat[n], u[:, j], bad) for j, n in enumerate(names)]
    return names, [tuple(c[i] for c in cols) for i in range(n_points)]


def _sampled(name: str, spec, u: np.ndarray, bad) -> list:
    """Map uniform draws ``u`` onto a factor given as {min, max} or {values = [...]}."""
    fld = f"design.factors.{name}"
    if isinstance(spec, dict) and "values" in spec and isinstance(spec["values"], list) and spec["values"]:
        vals = spec["values"]
        return [vals[min(int(x * len(vals)), len(vals) - 1)] for x in u]
    if not (isinstance(spec, dict) and set(spec) == {"min", "max"}
            and all(isinstance(spec[k], (int, float)) and not isinstance(spec[k], bool) for k in spec)
            and spec["min"] <= spec["max"]):
        bad(f"sampled factor '{name}' must be {{min = a, max = b}} with a ≤ b, or {{values = [...]}}", fld)
        return [None] * len(u)
    lo, hi = spec["min"], spec["max"]
    if _is_int(lo) and _is_int(hi) and _is_int(_default_of(name)):
        return [int(min(lo + math.floor(x * (hi - lo + 1)), hi)) for x in u]
    return [float(lo + x * (hi - lo)) for x in u]


def _default_of(name: str):
    if name in MULTIPLIERS:
        return 1.0
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] in DEFAULTS and parts[1] in DEFAULTS[parts[0]]:
        d = DEFAULTS[parts[0]][parts[1]].default
        return d.get(parts[2]) if len(parts) == 3 and isinstance(d, dict) else d
    return None


def _target(name: str, bad=None) -> tuple[str, ...] | None:
    """Parameter path a factor name sets: ``section.key`` or ``section.key.subkey``."""
    if name in MULTIPLIERS:
        return ("*",)
    parts = name.split(".")
    ok = (len(parts) in (2, 3) and parts[0] in DEFAULTS and parts[1] in DEFAULTS[parts[0]]
          and (len(parts) == 2 or (isinstance(DEFAULTS[parts[0]][parts[1]].default, dict)
                                   and parts[2] in DEFAULTS[parts[0]][parts[1]].default)))
    if not ok and bad:
        bad(f"unknown factor '{name}': use a multiplier ({', '.join(MULTIPLIERS)}) or a parameter "
            f"as section.key (e.g. staffing.workers_per_general_grid; see `gridgov params`)",
            f"design.factors.{name}")
    return tuple(parts) if ok else None


def _resolve(base: dict, fixed: dict, factors: dict[str, Any], f: str) -> tuple[dict, list[Problem]]:
    """Fixed overrides + factor values (+ multipliers of the resulting values) → overrides."""
    over: dict[str, dict[str, Any]] = json.loads(json.dumps(fixed))
    problems: list[Problem] = []
    for name, value in factors.items():
        path = _target(name)
        if path and path != ("*",):
            sec, key = path[0], path[1]
            if len(path) == 3:
                over.setdefault(sec, {}).setdefault(key, {})[path[2]] = value
            else:
                over.setdefault(sec, {})[key] = value
    for name, value in factors.items():
        if name not in MULTIPLIERS:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            problems.append(Problem(f"{name} = {value!r} must be a number > 0", file=f,
                                    field=f"design.factors.{name}"))
            continue
        for sec, key in MULTIPLIERS[name]:
            if key in over.get(sec, {}) and f"{sec}.{key}" in factors:
                problems.append(Problem(f"{name} and {sec}.{key} both set {sec}.{key}: keep one",
                                        file=f, field=f"design.factors.{name}"))
                continue
            cur = over.get(sec, {}).get(key, base[sec][key])
            scaled = cur * value
            over.setdefault(sec, {})[key] = (max(1, round(scaled)) if _is_int(DEFAULTS[sec][key].default)
                                             else float(scaled))
    over = _normalise(over)
    _, errs = merge(over, f)
    problems.extend(Problem(e, file=f, field="design.factors") for e in errs)
    return over, problems


def _apply(base: dict, over: dict) -> dict:
    """Scenario parameters with the overrides applied (tables key by key, as the loader does)."""
    out = {sec: dict(values) for sec, values in base.items()}
    for sec, values in over.items():
        for key, v in values.items():
            out[sec][key] = {**out[sec][key], **v} if isinstance(v, dict) else v
    return out


def _check_values(params: dict, f: str, scenario: str, number: int, factors: dict, fixed: dict) -> list[Problem]:
    """The parameter schema's checks (``params.check``) on one design point's parameters, before
    any run: each problem names the experiment file, the scenario, the point and the entry that
    set the value (the factor, a multiplier of it, or [fixed]; else the scenario's own file)."""
    where = f"scenario '{scenario}', design point {number}" + (
        " (" + ", ".join(f"{k} = {v!r}" for k, v in factors.items()) + ")" if factors else "")
    out = []
    for p in check(params, f):
        sec, key = p.layer, p.field.split(".")[0]
        setters = [n for n in factors if n.startswith(f"{sec}.{key}")] + \
                  [n for n in factors if (sec, key) in MULTIPLIERS.get(n, ())]
        if setters:
            fld, origin = f"design.factors.{setters[0]}", ""
        elif key in fixed.get(sec, {}):
            fld, origin = f"fixed.{sec}.{p.field}", ""
        else:
            fld, origin = f"{sec}.{p.field}", " (the value of the scenario's own scenario.toml)"
        out.append(Problem(f"{where}: {p.message}{origin}", file=f, field=fld))
    return out


def _normalise(over: dict) -> dict:
    """Ints given for float parameters become floats, so equal runs hash equally."""
    out: dict[str, dict[str, Any]] = {}
    for sec in sorted(over):
        out[sec] = {}
        for key in sorted(over[sec]):
            v = over[sec][key]
            d = DEFAULTS.get(sec, {}).get(key)
            if d is not None and isinstance(d.default, dict) and isinstance(v, dict):
                v = {k: (float(x) if isinstance(d.default.get(k), float) and _is_num(x) else x)
                     for k, x in sorted(v.items())}
            elif d is not None and isinstance(d.default, float) and _is_num(v):
                v = float(v)
            out[sec][key] = v
    return out


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _is_int(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))
