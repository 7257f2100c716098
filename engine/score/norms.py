"""Norm figures and their origin, as the scenario actually uses them, for labels and norm texts.

Metric labels and norm texts are templates (``"General grids within {general_min}–{general_max}
households"``); ``fill`` puts in the figures of *this* scenario's parameters, so a scenario with
``[grids] general_households = {min = 200, max = 360}`` reads "within 200–360 households".  Each
figure's origin is either the public source of the default (``docs/sources.md``, shipped with the
project) or "scenario.toml [section] key" when the scenario set its own value.
"""
from __future__ import annotations

import string

from ..params import DEFAULTS

#: the shipped file that lists every default figure with its public source
SOURCES_DOC = "docs/sources.md"

#: which section of docs/sources.md backs the default of a parameter
SOURCE_SECTION = {("grids", "general_households"): 1, ("grids", "micro_households"): 1,
                  ("circles", "tier_distance_m"): 3, ("coverage", "required"): 3, ("coverage", "drive_minutes"): 4,
                  ("workflow", "deadline_h"): 2, ("staffing", "workers_per_general_grid"): 1,
                  ("cost", "worker_yuan_per_year"): 5, ("cost", "station_yuan_per_year"): 5}


def origin(params: dict, section: str, key: str) -> str:
    """Where the value in use comes from: the shipped sources file, or the scenario's own setting."""
    value = params.get(section, {}).get(key)
    if value != DEFAULTS[section][key].default:
        return f"scenario.toml [{section}] {key}"
    sec = SOURCE_SECTION.get((section, key))
    return f"{SOURCES_DOC} §{sec}" if sec else SOURCES_DOC


def _g(v) -> str:
    return f"{float(v):,.0f}" if float(v).is_integer() else f"{float(v):g}"


def figures(params: dict) -> dict[str, str]:
    """Named figures for the label templates (all strings)."""
    gen, mic = params["grids"]["general_households"], params["grids"]["micro_households"]
    tiers = params["circles"]["tier_distance_m"]
    deadline = params["workflow"]["deadline_h"]
    cost = params["cost"]
    out = {"general_min": _g(gen["min"]), "general_max": _g(gen["max"]), "general_target": _g(gen["target"]),
           "micro_min": _g(mic["min"]), "micro_max": _g(mic["max"]), "micro_target": _g(mic["target"]),
           "tier_5min_m": _g(tiers.get("5min", float("nan"))), "tier_10min_m": _g(tiers.get("10min", float("nan"))),
           "tier_15min_m": _g(tiers.get("15min", float("nan"))),
           "workers_per_grid": _g(params["staffing"]["workers_per_general_grid"]),
           "deadlines_h": " / ".join(f"{k} {_g(v)} h" for k, v in deadline.items()),
           "deadlines_zh": "/".join(f"{_g(v)}小时" for v in deadline.values()),
           "worker_yuan": _g(cost["worker_yuan_per_year"]), "station_yuan": _g(cost["station_yuan_per_year"]),
           "grids_origin": origin(params, "grids", "general_households"),
           "micro_origin": origin(params, "grids", "micro_households"),
           "tiers_origin": origin(params, "circles", "tier_distance_m"),
           "required_origin": origin(params, "coverage", "required"),
           "drive_origin": origin(params, "coverage", "drive_minutes"),
           "deadline_origin": origin(params, "workflow", "deadline_h"),
           "sources": SOURCES_DOC}
    drive = params.get("coverage", {}).get("drive_minutes", {})
    out["drive_minutes"] = ", ".join(f"{k} {_g(v)} min" for k, v in drive.items())
    return out


class _Keep(dict):
    def __missing__(self, key):          # an unknown {name} stays as written
        return "{" + key + "}"


def fill(text: str, figs: dict[str, str]) -> str:
    """``text`` with ``{name}`` replaced by the scenario's figure (unknown names left as they are)."""
    if "{" not in text:
        return text
    return string.Formatter().vformat(text, (), _Keep(figs))
