"""Escalation centres as queues: Erlang C, engines identical, probabilities, the sample's centres."""
from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from gridgov.engine import params as P
from gridgov.engine import queueing
from gridgov.engine.scenario import load_scenario
from gridgov.engine.simulation import simulate_scenario
from gridgov.engine.simulation._kernels_emergency import centre_queue_kernel
from gridgov.engine.simulation.escalation import escalation_probability, nearest_points_straight
from gridgov.engine.simulation.reference_emergency import centre_queue_reference


@pytest.mark.parametrize("desks, lam", [(1, 0.7), (3, 2.4), (8, 6.5)])
def test_centre_queue_is_erlang_c(desks, lam):
    """Poisson arrivals, exponential desk time (mu = 1): the mean wait is Erlang C's Wq."""
    rng = np.random.default_rng(desks)
    n = 200_000
    arrive = np.cumsum(rng.exponential(1 / lam, n))
    work = rng.exponential(1.0, n)
    start = centre_queue_kernel(np.arange(n, dtype=np.int64), arrive, np.zeros(n, np.int64), work,
                                np.array([0, desks], np.int64))
    wait = (start - arrive)[n // 20:]
    m = np.array([b.mean() for b in np.array_split(wait, 20)])
    se = m.std(ddof=1) / math.sqrt(m.size)
    wq = queueing.erlang_c_wq(desks, lam, 1.0)
    assert abs(m.mean() - wq) < 4.5 * se + 0.005, (m.mean(), wq, se)
    p_wait = np.mean(wait > 1e-12)
    assert p_wait == pytest.approx(queueing.erlang_c(desks, lam), abs=0.02)


def test_centre_queue_engines_identical():
    rng = np.random.default_rng(3)
    n = 5000
    arrive = np.sort(rng.uniform(0, 500, n))
    centre = rng.integers(-1, 3, n)
    work = rng.lognormal(0.0, 0.8, n)
    server_start = np.array([0, 1, 3, 4], np.int64)
    order = np.arange(n, dtype=np.int64)
    a = centre_queue_kernel(order, arrive, centre, work, server_start)
    b = centre_queue_reference(order, arrive, centre, work, server_start)
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-9, equal_nan=True)
    assert np.isnan(a[centre < 0]).all() and np.nanmax(a - arrive) > 0


def test_escalation_probability_by_type_and_urgency_keeps_the_overall_share():
    p = P.defaults()
    tk, up = list(p["demand"]["type_mix"]), list(p["demand"]["urgency_mix"])
    tp = np.array(list(p["demand"]["type_mix"].values()))
    tp = tp / tp.sum()
    uk = np.array(list(p["demand"]["urgency_mix"].values()))
    pe, levels = escalation_probability(p, tk, up, tp, uk)
    wf = p["workflow"]
    total = sum(wf["escalation_share"].values()) / (wf["onspot_share"] + sum(wf["escalation_share"].values()))
    assert float(np.sum(tp[:, None] * uk[None, :] * pe)) == pytest.approx(total)
    assert pe[tk.index("dispute"), up.index("complex")] > pe[tk.index("city_management"), up.index("normal")]
    assert levels.sum() == pytest.approx(1.0)


def test_closing_a_centre_lengthens_escalated_closure(sample_dir):
    sc = load_scenario(sample_dir)
    sc.params["demand"]["events_per_1000_residents_month"] = 24.0     # load the desks
    base = simulate_scenario(sc, days=120, seed=6)
    closed = copy.copy(sc)
    closed.facilities = copy.deepcopy(sc.facilities)
    c = sc.facilities.of_type("governance_centre")[0]
    closed.facilities.type[c] = "cultural"
    fewer = simulate_scenario(closed, days=120, seed=6)
    assert fewer.meta["escalation_centres"] == base.meta["escalation_centres"] - 1
    assert sc.facilities.id[c] not in set(fewer.incidents["centre"])
    assert fewer.summary["centre_wait_h_mean"] > base.summary["centre_wait_h_mean"]
    assert fewer.summary["escalated_closed_h_mean"] > base.summary["escalated_closed_h_mean"]
    b = simulate_scenario(closed, days=120, seed=6, engine="simpy")
    np.testing.assert_allclose(b.incidents["closed_h"], fewer.incidents["closed_h"], atol=1e-9)


@pytest.mark.parametrize("seed", [0, 1])
def test_nearest_centre_is_the_argmin_of_the_distance_matrix(seed):
    """Bit for bit np.argmin(np.hypot(...)): ties to the first centre, duplicates, NaN first."""
    rng = np.random.default_rng(seed)
    q = np.vstack([np.round(rng.uniform(0, 5000, (60, 2)), -2), [[2500.0, 2500.0]] * 3])
    p = np.vstack([np.round(rng.uniform(-500, 5500, (5000, 2)), -1), q, rng.uniform(0, 5000, (3000, 2)) * 1e-3,
                   [[np.inf, 0.0], [np.nan, 5.0]]])
    want = np.argmin(np.hypot(p[:, None, 0] - q[None, :, 0], p[:, None, 1] - q[None, :, 1]), axis=1)
    got = nearest_points_straight(p, q)
    assert np.array_equal(got, want)
    q[7] = np.nan                                     # a NaN centre: argmin's first NaN everywhere
    want = np.argmin(np.hypot(p[:, None, 0] - q[None, :, 0], p[:, None, 1] - q[None, :, 1]), axis=1)
    assert np.array_equal(nearest_points_straight(p, q), want) and (want == 7).sum() > p.shape[0] - 2
