"""A city simulated district by district, its city-level metrics merged exactly.

One district at a time bounds memory (its layout and trip times, not the city's), and the
districts can run anywhere (``gridgov batch`` sends each to a Dask worker).  The city-level
figures are then computed over *all incidents pooled*, never averaged over districts:

* each district run returns a ``part``: the per-incident columns the summary reads (response,
  closure, flags; a few hundred bytes per 1,000 residents and month) and its workers'
  utilisation and busy hours;
* ``merge_parts`` concatenates the parts in district order and sorts the incidents by report
  time (stable), so the pooled table is the same whoever computed the parts and in whatever
  order they arrived; ``city_summary`` runs the simulation's own ``metrics.summarise`` on it.
  Quantiles are therefore the quantiles of the pooled responses, shares are pooled numerators
  over pooled denominators, and the backlog is the city's open cases hour by hour.

The districts are independent by construction: each district scenario holds only its own grids,
units and facilities (``districts.split_districts``), so grid workers, street pools, escalation
centres and emergency responders (police, fire, 120) serve the district they belong to; its
random streams are keyed by the district (``streams.replication_seed``), so a district draws
the same incidents whether it runs alone, in a batch task or in ``simulate_city``.  That is the
model's assumption at city scale: near a district border a responder of the neighbouring
district may in reality be closer (fire and 120 are dispatched city-wide); a single
``simulate_scenario`` of the whole city allows that and is therefore not equal to this merge.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import metrics

PART_INCIDENT_KEYS = ("time_h", "response_min", "found_on_patrol", "closed_h", "on_time", "urgency", "emergency",
                      "emergency_response_min", "level", "centre", "centre_wait_h", "first_response_min",
                      "dispatched_on_duty")
PART_WORKER_KEYS = ("utilisation", "busy_h")


@dataclass
class CityResult:
    """City-level summary (pooled), each district's own summary and the parts it was merged from."""

    summary: dict[str, Any]
    per_district: dict[str, dict[str, Any]]
    parts: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def district_part(result, district: str) -> dict[str, Any]:
    """What a district run contributes to the city: plain arrays (picklable, small)."""
    inc, pw = result.incidents, result.per_worker
    return {"district": str(district), "days": float(result.meta.get("days", np.nan)),
            "incidents": {k: np.asarray(inc[k]) for k in PART_INCIDENT_KEYS},
            "per_worker": {k: np.asarray(pw[k]) for k in PART_WORKER_KEYS},
            "summary": dict(result.summary)}


def merge_parts(parts: list[dict[str, Any]]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], float]:
    """(pooled incidents sorted by report time, pooled workers, days) of the district parts."""
    if not parts:
        raise ValueError("no district parts to merge")
    parts = sorted(parts, key=lambda p: p["district"])
    names = [p["district"] for p in parts]
    if len(set(names)) != len(names):
        raise ValueError(f"a district was merged twice: {names}")
    days = {p["days"] for p in parts}
    if len(days) != 1:
        raise ValueError(f"district parts simulate different horizons: {sorted(days)} days")
    inc = {k: np.concatenate([p["incidents"][k] for p in parts]) for k in PART_INCIDENT_KEYS}
    order = np.argsort(inc["time_h"], kind="stable")
    inc = {k: v[order] for k, v in inc.items()}
    pw = {k: np.concatenate([p["per_worker"][k] for p in parts]) for k in PART_WORKER_KEYS}
    return inc, pw, days.pop()


def city_summary(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """City-level summary over all incidents of the districts pooled (``metrics.summarise``)."""
    inc, pw, days = merge_parts(parts)
    _, open_cases = metrics.backlog(inc["time_h"], inc["time_h"] + inc["closed_h"], days * 24.0)
    return {**metrics.summarise(inc, pw, open_cases), "n_districts": len(parts)}


def simulate_district(district_scenario, district: str, days: float | None = None, seed: int | None = None,
                      engine: str | None = None, replication: int = 0, layout=None, travel: Any = None):
    """One district of a city (a scenario from ``split_districts``) on its district-keyed streams."""
    from .districts import stream_key
    from .run import simulate_scenario

    return simulate_scenario(district_scenario, days=days, seed=seed, engine=engine, travel=travel, layout=layout,
                             replication=replication, stream_key=stream_key(district))


def simulate_city(scenario, days: float | None = None, seed: int | None = None, engine: str | None = None,
                  replication: int = 0, travel: Any = None, progress=None) -> CityResult:
    """Every district of ``scenario`` in turn (one layout in memory at a time), merged exactly."""
    from ..progress import NULL
    from .districts import split_districts

    progress = progress or NULL
    subs = split_districts(scenario)
    parts, per_district = [], {}
    for i, (key, sub) in enumerate(subs.items()):
        progress(i / len(subs), f"district {key} ({i + 1}/{len(subs)})")
        res = simulate_district(sub, key, days, seed, engine, replication, travel=travel)
        parts.append(district_part(res, key))
        per_district[key] = res.summary
        subs[key] = None                      # drop the district before the next one
        del res
    progress(1.0, "city merged")
    return CityResult(city_summary(parts), per_district, parts,
                      {"districts": list(per_district), "replication": replication})
