"""R replications of the simulation and the scores with a mean and a 95 % interval for each.

``replication_seed(seed, r)`` gives every scenario of a comparison the same seeds (common random
numbers); replication 0 keeps the scenario's own seed, so one replication reproduces a single run.
``score_replications`` scores the first replication in full (maps, per-grid columns, problems and
distributions come from it) and re-evaluates only the metrics that need the simulation on the
others (milliseconds each); every simulated metric, each weight group and the total then carry
their per-replication values, mean and interval (``intervals.interval``).
"""
from __future__ import annotations

import numpy as np

from ..errors import GridGovError
from ..progress import NULL, Progress
from .context import Context
from .intervals import interval
from .registry import GROUPS, REGISTRY


def replication_seed(seed: int, r: int) -> int:
    """Seed of replication ``r``: the scenario seed for r = 0, then seeds spawned from it."""
    if r == 0:
        return int(seed)
    state = np.random.SeedSequence(int(seed), spawn_key=(int(r),)).generate_state(1, dtype=np.uint64)[0]
    return int(state >> np.uint64(1))           # a non-negative int64


def check_replications(value, where: str = "--replications") -> int:
    """A whole number ≥ 1 (the CLI checks its option itself and exits 2)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or int(value) < 1:
        raise GridGovError(f"{where}: replications must be a whole number ≥ 1, got {value!r}")
    return int(value)


def simulate_replications(scenario, replications: int, *, days=None, seed=None, engine=None,
                          progress: Progress = NULL) -> list:
    """``replications`` simulations of one scenario on common seeds (the layout is built once)."""
    from ..simulation import simulate_scenario
    from ..simulation.setup import build_layout

    base = scenario.params["simulation"]["seed"] if seed is None else seed
    layout = build_layout(scenario) if replications > 1 else None    # once for every replication
    first = simulate_scenario(scenario, days=days, seed=base, engine=engine, layout=layout,
                              progress=progress.sub(0.0, 1.0 / replications))
    sims = [first]
    for r in range(1, replications):
        progress(r / replications, f"replication {r + 1} of {replications}")
        sims.append(simulate_scenario(scenario, days=days, seed=replication_seed(base, r), engine=engine,
                                      layout=layout))
    return sims


def score_replications(scenario, circles, sims: list):
    """Scores whose simulated metrics, groups and total are means over ``sims`` with intervals."""
    from .scorer import evaluate, group_scores, score_scenario, weighted_total

    scores = score_scenario(scenario, circles=circles, sim=sims[0])
    sim_keys = [k for k, m in REGISTRY.items() if "sim" in m.needs]
    first = {m.key: m for m in scores.metrics}
    runs = [list(scores.metrics)]
    for sim in sims[1:]:
        again = {m.key: m for m in evaluate(Context(scenario, circles, sim), sim_keys)}
        runs.append([again.get(m.key, m) for m in scores.metrics])
    groups = [group_scores(ms) for ms in runs]
    totals = [weighted_total(g, scores.weights)[0] for g in groups]
    for i, m in enumerate(scores.metrics):
        if m.key not in sim_keys or not m.computed:
            continue
        values = [run[i].value for run in runs]
        ci = interval(values)
        points = [run[i].score for run in runs]
        m.replicates = values
        m.value = None if ci is None else ci["mean"]
        m.ci = None if ci is None or ci["lo"] is None else [ci["lo"], ci["hi"]]
        m.score = None if first[m.key].score is None or not any(p is not None for p in points) \
            else float(np.mean([p for p in points if p is not None]))
    scores.replications = len(sims)
    scores.seeds = [int(s.meta.get("seed", -1)) for s in sims]
    scores.group_replicates = {g: [gr.get(g) for gr in groups] for g in GROUPS}
    scores.total_replicates = totals
    for g in GROUPS:
        ci = interval(scores.group_replicates[g])
        scores.groups[g] = None if ci is None else ci["mean"]
        scores.group_ci[g] = None if ci is None or ci["lo"] is None else [ci["lo"], ci["hi"]]
    ci = interval(totals)
    scores.total = None if ci is None else ci["mean"]
    scores.total_ci = None if ci is None or ci["lo"] is None else [ci["lo"], ci["hi"]]
    scores.grid_sim = _mean_columns([s.per_grid for s in sims], scores.grid_sim)
    return scores


def _mean_columns(per_grid: list[dict], first: dict) -> dict:
    """Numeric per-grid simulation columns averaged over replications (maps show the mean)."""
    out = dict(first)
    for key, col in first.items():
        arrs = [np.asarray(p.get(key), dtype=float) for p in per_grid if key in p]
        if len(arrs) == len(per_grid) and np.asarray(col).dtype.kind in "fiu" and all(a.shape == arrs[0].shape
                                                                                     for a in arrs):
            with np.errstate(invalid="ignore"):
                stack = np.vstack(arrs)
                have = np.isfinite(stack).any(axis=0)
                mean = np.full(stack.shape[1], np.nan)
                mean[have] = np.nanmean(stack[:, have], axis=0)
            out[key] = mean
    return out
