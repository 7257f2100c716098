"""Optional peers (skipped when not installed; see scripts/requirements-bench.txt): spopt's exact
models reach the same optimum as ours on the same instances; GerryChain's ReCom and ours keep the
same population constraint on the same graph."""
from __future__ import annotations

import numpy as np
import pytest

from gridgov.engine.optimise.location import locate


def instance(n=60, m=12, seed=0):
    rng = np.random.default_rng(seed)
    d, c = rng.uniform(0, 1000, (n, 2)), rng.uniform(0, 1000, (m, 2))
    return np.hypot(*(d[:, None, :] - c[None]).transpose(2, 0, 1)), rng.integers(1, 20, n).astype(float)


def test_spopt_reaches_our_optimum():
    pytest.importorskip("spopt")
    pulp = pytest.importorskip("pulp")
    from spopt.locate import MCLP, PMedian

    cost, w = instance()
    solver = pulp.PULP_CBC_CMD(msg=False)
    pm = PMedian.from_cost_matrix(cost, w, p_facilities=3).solve(solver)
    ours = locate("p_median", cost, w, 3, method="exact")
    assert ours.objective == pytest.approx(pulp.value(pm.problem.objective), rel=1e-6)
    mc = MCLP.from_cost_matrix(cost, w, service_radius=200.0, p_facilities=3).solve(solver)
    ours = locate("mclp", cost, w, 3, radius=200.0, method="exact")
    assert ours.objective == pytest.approx(pulp.value(mc.problem.objective), rel=1e-6)
    heur = locate("mclp", cost, w, 3, radius=200.0, method="heuristic")
    print(f"MCLP heuristic {heur.objective} vs spopt/CBC optimum {pulp.value(mc.problem.objective)}")


def test_gerrychain_and_ours_keep_the_same_population_band():
    pytest.importorskip("gerrychain")
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from bench_optimise import delaunay_graph, gerrychain_graph, ours_recom, ours_seed

    n, k, eps = 400, 8, 0.10
    x, y, g = delaunay_graph(n, 3)
    _, labels, rep = ours_seed(g, n, k, eps, 0)
    assert rep.relaxed == 0
    from functools import partial

    from gerrychain import MarkovChain, Partition
    from gerrychain.accept import always_accept
    from gerrychain.proposals import recom
    from gerrychain.updaters import Tally

    part = Partition(gerrychain_graph(g), {i: int(labels[i]) for i in range(n)},
                     updaters={"population": Tally("population", alias="population")})
    chain = MarkovChain(partial(recom, pop_col="population", pop_target=n / k, epsilon=eps, node_repeats=0),
                        constraints=[], acceptance_fn=always_accept, initial_partition=part, total_steps=5, rng=1)
    for state in chain:
        pops = np.array(list(state["population"].values()))
        assert ((pops >= n / k * (1 - eps)) & (pops <= n / k * (1 + eps))).all()


    _, stats = ours_recom(g, labels, x, y, k, eps, 2000)
    assert stats[3] > 0
