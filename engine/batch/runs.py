"""What one batch run computes, on a Dask worker or in this process.

``simulate_run`` (the default): simulate the run's scenario with its overrides, seed and days,
and return every number of the simulation summary (plus life-circle shares when the experiment
asks for them).  Loading a scenario and building its simulation layout is cached per worker
process and design point (``prepared_scenario``).  ``null_run`` does no work (overhead probe).
"""
from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from ..errors import GridGovError
from ..scenario.model import Scenario
from ..simulation.setup import Layout
from .experiment import SUMMARY_METRICS, RunSpec


class Prepared:
    """A loaded scenario and what every replication of it reuses (worker-side cache entry)."""

    def __init__(self, scenario: Scenario, layout: Layout):
        self.scenario = scenario
        self.layout = layout
        self.circles: dict[str, float] | None = None


_PREPARED: OrderedDict[tuple[str, str], Prepared] = OrderedDict()
_CACHE_SIZE = 4


def prepared_scenario(path: str, overrides: dict[str, dict[str, Any]]) -> Prepared:
    """The loaded scenario and its simulation layout for (path, overrides), cached per process.

    Loading a scenario and building its layout (workers, road-network trip times) costs ~100×
    one simulation of the Wuhou sample, and depends only on the parameters, not on the seed:
    it is done once per design point per worker.
    """
    key = (path, json.dumps(overrides, sort_keys=True))
    if key in _PREPARED:
        _PREPARED.move_to_end(key)
        return _PREPARED[key]
    from ..scenario.load import load_scenario
    from ..simulation.setup import build_layout

    scenario = load_scenario(path, overrides=overrides or None)
    _PREPARED[key] = entry = Prepared(scenario, build_layout(scenario))
    while len(_PREPARED) > _CACHE_SIZE:
        _PREPARED.popitem(last=False)
    return entry


def simulate_run(spec: RunSpec) -> dict[str, float]:
    """The default run: simulate the scenario; every numeric entry of ``result.summary``."""
    from ..simulation import simulate_scenario

    prep = prepared_scenario(spec.scenario_path, spec.overrides)
    result = simulate_scenario(prep.scenario, days=spec.days, seed=spec.seed, layout=prep.layout)
    summary = result.summary
    missing = [k for k in SUMMARY_METRICS if k not in summary]
    if missing:
        raise GridGovError(f"simulation summary lacks {', '.join(missing)}")
    metrics = {k: float(v) for k, v in summary.items() if _is_number(v)}
    if spec.circles:
        if prep.circles is None:
            prep.circles = circles_metrics(prep.scenario)
        metrics.update(prep.circles)
    return metrics


def circles_metrics(scenario: Scenario) -> dict[str, float]:
    """Per facility type: household shares within the life-circle tier and within 15 minutes."""
    import numpy as np

    from ..circles import compute_circles

    c = compute_circles(scenario)
    hh = np.asarray(scenario.units.households, dtype=float)
    total = hh.sum()
    out: dict[str, float] = {}
    for t in c.types:
        out[f"circles_{t}_within_tier"] = float(hh[c.unit_within_tier[t]].sum() / total) if total else float("nan")
        out[f"circles_{t}_within_15min"] = float(hh[c.unit_band[t] <= 2].sum() / total) if total else float("nan")
    return out


def _is_number(v) -> bool:
    import numbers

    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def null_run(spec: RunSpec) -> dict[str, float]:
    """A run that does no work: deterministic numbers from the run's seed (overhead probe)."""
    import numpy as np

    rng = np.random.default_rng(spec.seed)
    return {"value": float(rng.random()), "replication": float(spec.replication)}
