"""Districts as a task dimension of a batch: a city scenario (``by_district = true``) runs as
district × design point × replications tasks, merged exactly into one city-level run row.

Worker side, ``district_run(spec, district)`` simulates one district of the run's city on its
district-keyed streams and returns the district's ``part`` (``simulation/city.py``).  A worker
holds the city's layers once and the simulation layout (trip times, workers, responders) of one
district at a time (``_CACHE_SIZE`` = 1): memory per worker is bounded by the largest district,
not the city.  Client side, ``CityRuns`` collects the parts of every run and, once a run has all
its districts, merges them (``city_summary``: quantiles and shares over all incidents pooled)
into the metrics row that ``store.write_runs`` writes like any other run's.
"""
from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from .experiment import RunSpec

_CITY: OrderedDict[str, Any] = OrderedDict()           # path → (loaded city, district labels)
_PREPARED: OrderedDict[tuple[str, str, str], Any] = OrderedDict()
_CACHE_SIZE = 1


def city_districts(path: str) -> list[str]:
    """The district keys of the city scenario at ``path`` (client side, once per scenario)."""
    from ..scenario.load import load_scenario
    from ..simulation.districts import districts

    return districts(load_scenario(path))


def _city(path: str, overrides: dict) -> tuple:
    key = json.dumps([path, overrides], sort_keys=True)
    if key not in _CITY:
        from ..scenario.load import load_scenario
        from ..simulation.districts import district_labels

        _CITY.clear()                                     # one city's layers per process
        city = load_scenario(path, overrides=overrides or None)
        _CITY[key] = (city, district_labels(city))
    return _CITY[key]


def prepared_district(path: str, overrides: dict, district: str):
    """(district scenario, its layout) for this design point, cached one district at a time."""
    key = (path, json.dumps(overrides, sort_keys=True), district)
    if key not in _PREPARED:
        from ..simulation.districts import district_scenario
        from ..simulation.setup import build_layout

        _PREPARED.clear()                                 # drop the previous district first
        city, labels = _city(path, overrides)
        sub = district_scenario(city, district, labels)
        _PREPARED[key] = (sub, build_layout(sub))
    return _PREPARED[key]


def district_run(spec: RunSpec, district: str) -> dict[str, Any]:
    """One district of a city run: its part (per-incident columns, workers, own summary)."""
    from ..simulation.city import district_part, simulate_district

    sub, layout = prepared_district(spec.scenario_path, spec.overrides, district)
    res = simulate_district(sub, district, days=spec.days, seed=spec.seed, layout=layout)
    return district_part(res, district)


class CityRuns:
    """Client-side assembly: parts arrive per (run, district); a run is complete with all of them."""

    def __init__(self, districts_of: dict[str, list[str]]):
        self.districts_of = districts_of                  # scenario path → district keys
        self.parts: dict[str, dict[str, dict]] = {}
        self.elapsed: dict[str, float] = {}

    def add(self, spec: RunSpec, district: str, part: dict, elapsed_s: float) -> dict[str, float] | None:
        """Keep a district's part; the run's city metrics when this was its last district, else None."""
        from ..simulation.city import city_summary

        got = self.parts.setdefault(spec.run_id, {})
        got[district] = part
        self.elapsed[spec.run_id] = self.elapsed.get(spec.run_id, 0.0) + elapsed_s
        if set(got) != set(self.districts_of[spec.scenario_path]):
            return None
        summary = city_summary(list(self.parts.pop(spec.run_id).values()))
        return {k: float(v) for k, v in summary.items() if _is_number(v)}

    def pop_elapsed(self, run_id: str) -> float:
        return self.elapsed.pop(run_id, 0.0)


def _is_number(v) -> bool:
    import numbers

    return isinstance(v, numbers.Real) and not isinstance(v, bool)
