"""R replications of one scenario on common random numbers, sharing one layout."""
from __future__ import annotations

from typing import Any

from ..errors import Problem, ValidationError
from .run import SimulationResult, simulate_scenario


def simulate_replications(scenario, replications: int, days: float | None = None, seed: int | None = None,
                          engine: str | None = None, travel: Any = None, layout=None,
                          progress=None) -> list[SimulationResult]:
    """Replications 0 … R−1 of ``seed`` (``streams.replication_seed``); the layout (road networks,
    trip and drive times) is built once.  Replication r of two scenarios of the same district
    draws the same incidents, so their per-replication differences are paired."""
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ValidationError([Problem(f"replications must be a whole number ≥ 1, got {replications!r}", "options",
                                       field="replications")])
    from ..progress import NULL
    from .setup import build_layout

    progress = progress or NULL
    lay = layout if layout is not None else build_layout(scenario, travel)
    out = []
    for r in range(replications):
        progress(r / replications, f"replication {r + 1} of {replications}")
        out.append(simulate_scenario(scenario, days=days, seed=seed, engine=engine, layout=lay, replication=r))
    progress(1.0, "replications done")
    return out
