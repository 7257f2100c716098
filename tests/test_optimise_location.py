"""Location-allocation: exact MILP against brute force, heuristics against the MILP (gaps reported)."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from gridgov.engine.errors import GridGovError
from gridgov.engine.optimise.location import locate


def instance(n=40, m=10, seed=0, unreachable=0.0):
    rng = np.random.default_rng(seed)
    d = rng.uniform(0, 1000, (n, 2))
    c = rng.uniform(0, 1000, (m, 2))
    cost = np.hypot(*(d[:, None, :] - c[None, :, :]).transpose(2, 0, 1)) / 4.0
    if unreachable:
        cost[rng.random(cost.shape) < unreachable] = np.inf
    return cost, rng.integers(1, 20, n).astype(float)


def brute(cost, w, p, value):
    m = cost.shape[1]
    return min(value(list(s)) for s in itertools.combinations(range(m), p))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_p_median_exact_equals_brute_force_and_heuristic_is_close(seed):
    cost, w = instance(seed=seed)
    best = brute(cost, w, 3, lambda s: float((w * cost[:, s].min(axis=1)).sum()))
    ex = locate("p_median", cost, w, 3, method="exact")
    assert ex.optimal and ex.objective == pytest.approx(best, rel=1e-7)
    he = locate("p_median", cost, w, 3, method="heuristic")
    gap_to_opt = he.objective / best - 1
    print(f"p-median seed {seed}: heuristic gap to optimum {gap_to_opt:.4%}, to its Lagrangian bound {he.gap:.4%}")
    assert gap_to_opt <= 0.02
    assert he.bound <= best * (1 + 1e-9)          # a valid lower bound
    assert he.gap >= gap_to_opt - 1e-9


def test_fixed_facilities_stay_open():
    cost, w = instance(seed=3)
    for method in ("exact", "heuristic"):
        res = locate("p_median", cost, w, 3, fixed=[7], method=method)
        assert 7 in res.open and res.open.size == 3
    best = min(float((w * cost[:, [7, a, b]].min(axis=1)).sum())
               for a, b in itertools.combinations([j for j in range(10) if j != 7], 2))
    assert locate("p_median", cost, w, 3, fixed=[7], method="exact").objective == pytest.approx(best)


def test_mclp_exact_equals_brute_force_and_heuristic_gap():
    cost, w = instance(n=60, m=12, seed=4)
    r = 60.0
    best = -brute(cost, w, 3, lambda s: -float(w[(cost[:, s] <= r).any(axis=1)].sum()))
    ex = locate("mclp", cost, w, 3, radius=r, method="exact")
    assert ex.objective == pytest.approx(best)
    he = locate("mclp", cost, w, 3, radius=r, method="heuristic")
    print(f"MCLP: heuristic {he.objective} vs optimum {best}, LP bound {he.bound}")
    assert he.objective >= 0.97 * best and he.bound >= best - 1e-6


def test_lscp_and_p_center_exact_equal_brute_force():
    cost, w = instance(n=30, m=9, seed=5)
    r = float(cost.min(axis=1).max()) * 1.2   # every demand point has some candidate within r
    covers = lambda s: bool((cost[:, s] <= r).any(axis=1).all())
    least = next(p for p in range(1, 10) if any(covers(list(s)) for s in itertools.combinations(range(9), p)))
    assert locate("lscp", cost, radius=r, method="exact").objective == least
    assert locate("lscp", cost, radius=r, method="heuristic").objective >= least
    best = brute(cost, w, 3, lambda s: float(cost[:, s].min(axis=1).max()))
    assert locate("p_center", cost, w, 3, method="exact").objective == pytest.approx(best)
    he = locate("p_center", cost, w, 3, method="heuristic")
    print(f"p-center: heuristic {he.objective:.2f} vs optimum {best:.2f}")
    assert best <= he.objective <= 1.3 * best


def test_capacitated_p_median_against_milp():
    cost, w = instance(n=30, m=8, seed=6)
    cap = np.full(8, w.sum() / 2.5)
    ex = locate("p_median", cost, w, 3, capacity=cap, method="exact")
    free = locate("p_median", cost, w, 3, method="exact")
    assert ex.objective >= free.objective - 1e-9
    load = np.bincount(ex.assign, weights=w, minlength=8)
    assert (load <= cap + 1e-6).all() and (ex.assign >= 0).all()
    he = locate("p_median", cost, w, 3, capacity=cap, method="heuristic")
    load_h = np.bincount(he.assign, weights=w, minlength=8)
    assert (load_h <= cap + 1e-6).all()
    gap = he.objective / ex.objective - 1
    print(f"capacitated p-median: heuristic gap to MILP {gap:.4%}, to LP bound {he.gap:.4%}")
    assert -1e-9 <= gap <= 0.10


def test_capacitated_mclp_and_lscp_respect_capacity():
    cost, w = instance(n=30, m=8, seed=7)
    cap = np.full(8, w.sum() / 4)
    r = 150.0
    cm = locate("mclp", cost, w, 2, radius=r, capacity=cap, method="exact")
    um = locate("mclp", cost, w, 2, radius=r, method="exact")
    assert cm.objective <= um.objective + 1e-9
    served = cm.assign >= 0
    assert (np.bincount(cm.assign[served], weights=w[served], minlength=8) <= cap + 1e-6).all()
    hm = locate("mclp", cost, w, 2, radius=r, capacity=cap, method="heuristic")
    assert hm.objective <= cm.objective + 1e-6
    cl = locate("lscp", cost, w, radius=400.0, capacity=cap, method="exact")
    assert cl.objective >= 4 and (cost[np.arange(30), cl.assign] <= 400.0).all()


def test_unreachable_pairs_and_bad_input():
    cost, w = instance(seed=8, unreachable=0.3)
    res = locate("p_median", cost, w, 4, method="heuristic")
    assert np.isfinite(res.objective)
    with pytest.raises(GridGovError, match="p = 12 is larger than the 10 candidate sites"):
        locate("p_median", cost, w, 12)
    with pytest.raises(GridGovError, match="radius"):
        locate("mclp", cost, w, 2)
    with pytest.raises(GridGovError, match="total capacity"):
        locate("p_median", cost, w, 2, capacity=np.ones(10))
