"""Every check of parameter values, driven by the schema in ``engine/params.py``.

``check_params`` (``params.check``) is the one entry point: the loader, ``validate``, batch
experiments and the engine stages all call it, so ``run`` never finds a bad value that
``validate`` passed.  Three layers: each value against its declaration (type, NaN/±inf, range,
choices, table keys, sums), rules between parameters (min ≤ target ≤ max, day before night,
...), and plausibility limits that need the scenario (the memory the simulation would take).
"""
from __future__ import annotations

import math
from typing import Any, Callable

from .errors import Problem
from .param_schema import ANY_VALUE, DAYS_PER_MONTH, Param, describe_range, kind_problem

SUM_TOLERANCE = 1e-3            # shares written with three decimals still add up
BYTES_PER_INCIDENT = 232        # peak memory of the simulation per drawn incident (measured: chengdu_wuhou,
                                # 0.94 M → 3.75 M incidents raised the peak RSS by 635 MB)
MAX_INCIDENTS = 5e7             # ~25 years of every grid event of Chengdu (2 M a year): beyond it
                                # a run is out of memory on a desktop and its figures mean nothing


def _number_problem(p: Param, v: Any, kind: str) -> str:
    """Range, finiteness and wholeness of one number; '' when fine."""
    if isinstance(v, float) and math.isnan(v):
        return "is NaN (not a number)"
    if isinstance(v, float) and math.isinf(v) and p.finite:
        return "must be finite"
    if kind == "int" and not (isinstance(v, int) or (math.isfinite(v) and float(v).is_integer())):
        return "must be a whole number"
    lo, hi, lo_open, hi_open = p.bounds
    too_high = hi is not None and (v > hi or (hi_open and v == hi))
    if too_high or (lo is not None and (v < lo or (lo_open and v == lo))):
        why = f" ({p.limit})" if p.limit and too_high else ""
        return f"is outside {describe_range(p)}{' ' + p.unit if p.unit else ''}{why}"
    return ""


def _value_problem(p: Param, v: Any, kind: str) -> str:
    """Type, then range/choices, of one value of kind ``kind`` declared by ``p``."""
    msg = kind_problem(kind, v)
    if msg:
        return msg
    if kind in ("int", "number"):
        return _number_problem(p, v, kind)
    if kind == "str" and p.choices and v not in p.choices:
        return f"must be one of {', '.join(p.choices)}"
    if kind in (ANY_VALUE, "list", "table"):
        return _non_finite(v)
    return ""


def _non_finite(v: Any) -> str:
    """NaN / ±inf anywhere inside a nested value the schema does not type item by item."""
    if isinstance(v, float) and not math.isfinite(v):
        return f"contains {v} (every number must be finite)"
    if isinstance(v, dict):
        v = list(v.values())
    if isinstance(v, list):
        for x in v:
            msg = _non_finite(x)
            if msg:
                return msg
    return ""


def _what_to_do(p: Param) -> str:
    return f"default {p.default!r}" if p.kind not in ("table", "list") else "see `gridgov params`"


def check_value(sec: str, key: str, p: Param, value: Any) -> list[tuple[str, str]]:
    """``(field, message)`` for every problem of one parameter's value."""
    out: list[tuple[str, str]] = []
    top = kind_problem(p.kind, value)
    if top:
        return [(key, f"[{sec}] {key} = {value!r} {top} ({_what_to_do(p)})")]
    if p.kind == "table":
        for k, v in value.items():
            if p.keys is not None and k not in p.keys:
                out.append((f"{key}.{k}", f"[{sec}] {key}.{k} unknown (known: {', '.join(p.keys)})"))
                continue
            msg = _value_problem(p, v, p.item)
            if msg:
                hint = f" (default {p.default[k]!r})" if isinstance(p.default, dict) and k in p.default else ""
                out.append((f"{key}.{k}", f"[{sec}] {key}.{k} = {v!r} {msg}{hint}"))
        if p.sum_to_1 and not out:
            total = sum(float(v) for v in value.values())
            if abs(total - 1.0) > SUM_TOLERANCE:
                parts = " + ".join(f"{k} {v:g}" for k, v in value.items())
                out.append((key, f"[{sec}] {key} shares must add up to 1, got {total:.4g} ({parts}); a table in "
                                 f"scenario.toml replaces the default key by key, so give every key"))
        return out
    if p.kind == "list":
        for i, v in enumerate(value):
            msg = _value_problem(p, v, p.item)
            if msg:
                out.append((key, f"[{sec}] {key}[{i}] = {v!r} {msg}"))
        if p.length is not None and len(value) != p.length:
            out.append((key, f"[{sec}] {key} needs {p.length} values, got {len(value)} ({value!r})"))
        elif p.increasing and not out and any(b <= a for a, b in zip(value[:-1], value[1:])):
            out.append((key, f"[{sec}] {key} must be increasing, got {value!r}"))
        return out
    msg = _value_problem(p, value, p.kind)
    return [(key, f"[{sec}] {key} = {value!r} {msg} ({_what_to_do(p)})")] if msg else []


# ------------------------------------------------------------------- rules between parameters

Rule = Callable[[dict], list[tuple[str, str, str]]]   # params → [(section, field, message)]
RULES: list[tuple[tuple[str, ...], Rule]] = []


def rule(*sections: str):
    """Register a check between parameters of ``sections`` (run only when their values are sound)."""
    def wrap(fn: Rule) -> Rule:
        RULES.append((sections, fn))
        return fn
    return wrap


@rule("grids")
def _grid_norms(p: dict) -> list[tuple[str, str, str]]:
    out = []
    for key in ("general_households", "micro_households"):
        n = p["grids"][key]
        if not 0 <= n["min"] <= n["target"] <= n["max"]:
            out.append(("grids", key, f"[grids] {key} must satisfy 0 ≤ min ≤ target ≤ max "
                                      f"(got min {n['min']}, target {n['target']}, max {n['max']})"))
    return out


@rule("demand")
def _day_night(p: dict) -> list[tuple[str, str, str]]:
    d = p["demand"]
    out = []
    if not d["day_start_hour"] < d["night_start_hour"]:
        out.append(("demand", "day_start_hour", f"[demand] day_start_hour ({d['day_start_hour']}) must come before "
                                                f"night_start_hour ({d['night_start_hour']})"))
    if d["day_multiplier"] == 0 and d["night_multiplier"] == 0:
        out.append(("demand", "day_multiplier", "[demand] day_multiplier and night_multiplier are both 0: no "
                                                "incident would ever arrive (set events_per_1000_residents_month = 0 "
                                                "for that)"))
    return out


@rule("workflow")
def _workflow_times(p: dict) -> list[tuple[str, str, str]]:
    wf = p["workflow"]
    out = []
    if wf["handle_p90_min"] < wf["handle_median_min"]:
        out.append(("workflow", "handle_p90_min", f"[workflow] handle_p90_min ({wf['handle_p90_min']}) is below "
                                                  f"handle_median_min ({wf['handle_median_min']}): a 90th percentile "
                                                  "cannot be shorter than the median"))
    for u, cap in wf["dispatch_cap_min"].items():
        med = wf["dispatch_median_min"].get(u)
        if med is not None and cap < med:
            out.append(("workflow", f"dispatch_cap_min.{u}", f"[workflow] dispatch_cap_min.{u} ({cap}) is below "
                                                              f"dispatch_median_min.{u} ({med})"))
    if wf["onspot_share"] + sum(wf["escalation_share"].values()) <= 0:
        out.append(("workflow", "escalation_share", "[workflow] onspot_share and every escalation_share are 0: "
                                                    "nobody would handle an incident"))
    return out


@rule("score")
def _weights(p: dict) -> list[tuple[str, str, str]]:
    if sum(p["score"]["weights"].values()) <= 0:
        return [("score", "weights", "[score] weights are all 0: give at least one group a positive weight")]
    return []


@rule("coverage", "circles")
def _coverage(p: dict) -> list[tuple[str, str, str]]:
    """Added facility types (tier or drive time) and the required list: engine/coverage_types.py."""
    from .coverage_types import check_coverage_params

    return [("coverage", q.field, f"[coverage] {q.message}") for q in check_coverage_params(p)]


# ------------------------------------------------------------------- plausibility (needs the scenario)

def expected_incidents(params: dict, residents: float, days: float | None = None) -> float:
    """Incidents the simulation would draw for ``residents`` over ``days`` (default [simulation] days)."""
    days = params["simulation"]["days"] if days is None else days
    return float(params["demand"]["events_per_1000_residents_month"]) * residents / 1000.0 * float(days) / DAYS_PER_MONTH


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _sci(x: float) -> str:
    if x < 1e6:
        return f"{x:,.0f}"
    exp = int(math.floor(math.log10(x)))
    return f"{x / 10 ** exp:.1f}×10{str(exp).translate(SUPERSCRIPT)}".replace(".0×", "×")


def incident_volume_problem(params: dict, residents: float, days: float | None = None) -> tuple[str, str, str] | None:
    """An unworkable incident volume as ``(section, field, message)``, with the memory estimate."""
    n = expected_incidents(params, residents, days)
    if not math.isfinite(n) or n <= MAX_INCIDENTS:
        return None
    gb = n * BYTES_PER_INCIDENT / 1e9
    span = f"{days:g} days" if days is not None else f"days = {params['simulation']['days']}"
    return ("demand", "events_per_1000_residents_month",
            f"[demand] events_per_1000_residents_month = {params['demand']['events_per_1000_residents_month']!r} "
            f"with {residents:,.0f} residents over {span}: this would draw ~{_sci(n)} incidents, about {gb:,.0f} GB "
            f"of memory (limit {_sci(MAX_INCIDENTS)} incidents, ~25 years of all of Chengdu's grid events): lower "
            "the rate or [simulation] days")


def _plausibility(params: dict, scenario: Any) -> list[tuple[str, str, str]]:
    units = getattr(scenario, "units", None)
    if units is None:
        return []
    residents = float(sum(float(r) for r in units.residents if math.isfinite(float(r)) and r > 0))
    found = incident_volume_problem(params, residents)
    return [found] if found else []


# ------------------------------------------------------------------- the entry point

def check_params(schema: dict[str, dict[str, Param]], params: dict, file: str = "scenario.toml", scenario: Any = None,
                 sections: tuple[str, ...] | None = None) -> list[Problem]:
    """See ``params.check``; ``schema`` is ``params.DEFAULTS``.  Missing sections/keys read as their defaults."""
    wanted = tuple(sections) if sections else tuple(schema)
    full = {sec: {k: p.default for k, p in schema[sec].items()} for sec in schema}
    for sec, values in (params or {}).items():
        if sec in full and isinstance(values, dict):
            full[sec].update(values)
    problems: list[Problem] = []
    bad_sections: set[str] = set()
    for sec in wanted:
        for key, p in schema.get(sec, {}).items():
            for fld, msg in check_value(sec, key, p, full[sec][key]):
                problems.append(Problem(msg, file, sec, field=fld))
                bad_sections.add(sec)
    for secs, fn in RULES:
        if set(secs) <= set(wanted) and not set(secs) & bad_sections:
            problems += [Problem(msg, file, s, field=f) for s, f, msg in fn(full)]
    if scenario is not None and not bad_sections and not problems:
        problems += [Problem(msg, file, s, field=f) for s, f, msg in _plausibility(full, scenario)]
    return problems


