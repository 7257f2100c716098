"""Queueing oracle: Erlang tables, hand-derived hypercube cases, brute-force chains, simulation."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from gridgov.engine import queueing as q
from gridgov.engine.errors import GridGovError, ValidationError


# ----------------------------------------------------------------------------- Erlang tables
@pytest.mark.parametrize("c, a, expected", [
    (1, 1.0, 0.5), (2, 1.0, 0.2), (5, 3.0, 0.11005), (10, 5.0, 0.01838), (20, 15.0, 0.04557),
])
def test_erlang_b_table(c, a, expected):
    assert q.erlang_b(c, a) == pytest.approx(expected, abs=5e-5)


def test_erlang_c_closed_forms():
    assert q.erlang_c(1, 0.7) == pytest.approx(0.7)           # M/M/1: P(wait) = rho
    assert q.erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # Wq of M/M/1 = rho / (mu - lambda)
    assert q.erlang_c_wq(1, 0.5, 1.0) == pytest.approx(0.5 / 0.5)
    # M/M/2, lambda=1, mu=1: Wq = C / (2 - 1)
    assert q.erlang_c_wq(2, 1.0, 1.0) == pytest.approx(1 / 3)
    with pytest.raises(GridGovError):
        q.erlang_c(2, 2.0)
    with pytest.raises(GridGovError):
        q.erlang_b(0, 1.0)


# ----------------------------------------------------------------------------- hypercube = Erlang
@pytest.mark.parametrize("n, a", [(1, 0.4), (3, 2.0), (6, 4.5), (12, 9.0)])
def test_one_atom_is_erlang(n, a):
    order = list(range(n))[::-1]
    loss = q.hypercube_exact([a], [order], 1.0, queue="loss")
    assert loss["p_loss"] == pytest.approx(q.erlang_b(n, a), rel=1e-9)
    assert loss["utilisation"].sum() == pytest.approx(a * (1 - q.erlang_b(n, a)), rel=1e-9)
    assert loss["workload_fraction"].sum() == pytest.approx(1 - loss["p_loss"], rel=1e-9)
    inf = q.hypercube_exact([a], [order], 1.0, queue="infinite")
    assert inf["p_wait"] == pytest.approx(q.erlang_c(n, a), rel=1e-9)
    assert inf["mean_wait"] == pytest.approx(q.erlang_c_wq(n, a, 1.0), rel=1e-9)
    assert inf["utilisation"].sum() == pytest.approx(a, rel=1e-9)
    assert inf["workload_fraction"].sum() == pytest.approx(1.0, rel=1e-9)
    # the first unit in the list is the busiest
    assert np.argmax(loss["utilisation"]) == order[0]


def test_service_rate_scales_time():
    a = q.hypercube_exact([2.0, 1.0], [[0, 1, 2], [2, 1, 0]], 1.0)
    b = q.hypercube_exact([4.0, 2.0], [[0, 1, 2], [2, 1, 0]], [2.0, 2.0, 2.0])
    np.testing.assert_allclose(a["utilisation"], b["utilisation"], rtol=1e-9)
    np.testing.assert_allclose(a["workload_fraction"], b["workload_fraction"], rtol=1e-9)


# ----------------------------------------------------------------------------- 2-unit textbook case
@pytest.mark.parametrize("queue", ["loss", "infinite"])
def test_two_units_by_hand(queue):
    """Larson & Odoni ch. 5 two-district example: atom 1 prefers unit 1, atom 2 unit 2, mu = 1.

    By hand: total occupancy is M/M/2 (/2), and subtracting the balance equations of states
    {1} and {2} gives (P10 − P01)(λ + μ) = (λ1 − λ2) P00.
    """
    l1, l2 = 0.6, 0.3
    lam = l1 + l2
    if queue == "loss":
        norm = 1 + lam + lam ** 2 / 2
        p00, p1, p11 = 1 / norm, lam / norm, lam ** 2 / 2 / norm
        p_wait_all = p11
    else:
        rho = lam / 2
        norm = 1 + lam + lam ** 2 / 2 / (1 - rho)
        p00, p1, p11 = 1 / norm, lam / norm, lam ** 2 / 2 / (1 - rho) / norm   # P(both busy, any queue)
        p_wait_all = p11
    diff = (l1 - l2) * p00 / (lam + 1)
    p10 = (p1 + diff) / 2            # unit 1 (index 0) busy alone
    p01 = (p1 - diff) / 2
    r = q.hypercube_exact([l1, l2], [[0, 1], [1, 0]], 1.0, queue=queue, travel_times=[[2.0, 5.0], [6.0, 3.0]])
    np.testing.assert_allclose(r["utilisation"], [p10 + p11, p01 + p11], rtol=1e-9)
    if queue == "loss":
        assert r["p_loss"] == pytest.approx(p11, rel=1e-9)
        wf = np.array([[p00 + p01, p10], [p01, p00 + p10]])
    else:
        assert r["p_wait"] == pytest.approx(p_wait_all, rel=1e-9)
        wf = np.array([[p00 + p01 + p11 / 2, p10 + p11 / 2], [p01 + p11 / 2, p00 + p10 + p11 / 2]])
    np.testing.assert_allclose(r["workload_fraction"], wf, rtol=1e-9)
    served = np.array([l1, l2])[:, None] * wf
    expected_travel = (served * np.array([[2.0, 5.0], [6.0, 3.0]])).sum() / served.sum()
    assert r["mean_travel"] == pytest.approx(expected_travel, rel=1e-9)


def test_symmetric_units_share_load():
    n = 4
    prefs = [[(j + k) % n for k in range(n)] for j in range(n)]
    r = q.hypercube_exact([0.5] * n, prefs, 1.0, queue="loss")
    np.testing.assert_allclose(r["utilisation"], r["utilisation"][0], rtol=1e-9)
    assert r["utilisation"].sum() == pytest.approx(2.0 * (1 - q.erlang_b(n, 2.0)))


# ----------------------------------------------------------------------------- brute force chain
def _brute_force(lam, prefs, mu, queue, k_max=400):
    """Independent dense CTMC over explicit (busy tuple, queue length) states."""
    n = len(mu)
    busy_sets = list(itertools.product([0, 1], repeat=n))
    states = [(b, 0) for b in busy_sets]
    if queue == "infinite":
        states += [((1,) * n, k) for k in range(1, k_max + 1)]
    index = {s: i for i, s in enumerate(states)}
    Q = np.zeros((len(states), len(states)))
    for (b, k), i in index.items():
        for j, lj in enumerate(lam):
            free = [u for u in prefs[j] if not b[u]]
            if free:
                nb = list(b)
                nb[free[0]] = 1
                Q[i, index[(tuple(nb), 0)]] += lj
            elif queue == "infinite" and all(b) and k < k_max:
                Q[i, index[(b, k + 1)]] += lj
        for u in range(n):
            if b[u]:
                if k > 0:
                    Q[i, index[(b, k - 1)]] += mu[u]
                else:
                    nb = list(b)
                    nb[u] = 0
                    Q[i, index[(tuple(nb), 0)]] += mu[u]
    np.fill_diagonal(Q, -Q.sum(axis=1))
    A = np.vstack([Q.T, np.ones(len(states))])
    rhs = np.zeros(len(states) + 1)
    rhs[-1] = 1
    p = np.linalg.lstsq(A, rhs, rcond=None)[0]
    util = np.array([sum(p[i] for (b, k), i in index.items() if b[u]) for u in range(n)])
    return util, p, index


@pytest.mark.parametrize("queue", ["loss", "infinite"])
def test_matches_brute_force_heterogeneous(queue):
    lam = [0.5, 0.9, 0.3]
    mu = [1.0, 1.5, 0.7, 1.2]
    prefs = [[0, 1, 2, 3], [1, 3, 0, 2], [2, 0, 3, 1]]
    r = q.hypercube_exact(lam, prefs, mu, queue=queue)
    util, p, index = _brute_force(lam, prefs, mu, queue)
    np.testing.assert_allclose(r["utilisation"], util, atol=1e-9)
    if queue == "infinite":
        p_all = sum(p[i] for (b, k), i in index.items() if all(b))
        assert r["p_wait"] == pytest.approx(p_all, abs=1e-9)


def test_partial_lists_loss_and_completion():
    lam, prefs, mu = [0.8, 0.4], [[0], [1, 0]], [1.0, 1.0, 1.0]
    r = q.hypercube_exact(lam, prefs, mu, queue="loss")
    util, p, index = _brute_force(lam, prefs, mu, "loss")
    np.testing.assert_allclose(r["utilisation"], util, atol=1e-9)
    assert r["utilisation"][2] == 0.0                       # never listed → never sent
    # atom 0 is lost exactly when unit 0 is busy
    assert r["p_loss_atom"][0] == pytest.approx(util[0], abs=1e-9)
    np.testing.assert_allclose(r["workload_fraction"].sum(axis=1), 1 - r["p_loss_atom"], atol=1e-12)
    # infinite queue: partial lists are completed (nearest unlisted first)
    tt = [[1.0, 9.0, 2.0], [5.0, 1.0, 3.0]]
    ri = q.hypercube_exact(lam, prefs, mu, queue="infinite", travel_times=tt)
    full = [[0, 2, 1], [1, 0, 2]]
    rf = q.hypercube_exact(lam, full, mu, queue="infinite", travel_times=tt)
    np.testing.assert_allclose(ri["utilisation"], rf["utilisation"], atol=1e-12)


def test_bad_inputs_are_named():
    with pytest.raises(ValidationError, match="arrival_rates"):
        q.hypercube_exact([-1.0], [[0]], 1.0)
    with pytest.raises(ValidationError, match="out of range"):
        q.hypercube_exact([1.0], [[0, 3]], [1.0, 1.0])
    with pytest.raises(ValidationError, match="unstable"):
        q.hypercube_exact([3.0], [[0, 1]], 1.0, queue="infinite")
    with pytest.raises(ValidationError, match="queue"):
        q.hypercube_exact([1.0], [[0]], 1.0, queue="lifo")
    with pytest.raises(ValidationError, match="twice"):
        q.hypercube_exact([1.0], [[0, 0]], 1.0)
    with pytest.raises(ValidationError, match="travel_times"):
        q.hypercube_exact([1.0], [[0]], [1.0], travel_times=[[1.0, 2.0]])
    with pytest.raises(ValidationError, match="units"):
        q.hypercube_exact([1.0], [list(range(17))], 1.0)


# ----------------------------------------------------------------------------- simulation vs exact
def _batch_se(x: np.ndarray, batches: int = 25) -> float:
    """Standard error of a call-average by batch means (robust to autocorrelation)."""
    m = np.array([b.mean() for b in np.array_split(x, batches)])
    return float(m.std(ddof=1) / math.sqrt(batches))


@pytest.mark.parametrize("queue", ["loss", "infinite"])
def test_engines_identical_and_agree_with_exact(queue):
    lam = [0.7, 0.5, 0.6]
    prefs = [[0, 1, 2], [1, 2, 0], [2, 0, 1]]
    mu = [1.0, 1.3, 0.9]
    tt = [[2.0, 4.0, 6.0], [5.0, 1.0, 3.0], [4.0, 7.0, 2.0]]
    exact = q.hypercube_exact(lam, prefs, mu, queue=queue, travel_times=tt)
    nb = q.simulate_dispatch(lam, prefs, mu, queue=queue, travel_times=tt, n_events=60_000, seed=3, engine="numba")
    sp = q.simulate_dispatch(lam, prefs, mu, queue=queue, travel_times=tt, n_events=20_000, seed=3, engine="simpy")
    nb_small = q.simulate_dispatch(lam, prefs, mu, queue=queue, travel_times=tt, n_events=20_000, seed=3)
    np.testing.assert_array_equal(sp["per_call"]["unit"], nb_small["per_call"]["unit"])
    np.testing.assert_allclose(sp["per_call"]["wait"], nb_small["per_call"]["wait"], rtol=0, atol=1e-9)
    unit = nb["per_call"]["unit"]
    key = "p_loss" if queue == "loss" else "p_wait"
    flag = (unit < 0) if queue == "loss" else (nb["per_call"]["wait"] > 0)
    assert abs(nb[key] - exact[key]) < 4.5 * _batch_se(flag.astype(float)) + 1e-3
    for i in range(3):
        assert abs(nb["utilisation"][i] - exact["utilisation"][i]) < 4.5 * _batch_se((unit == i) * 1.0) * 2 + 0.01
    np.testing.assert_allclose(nb["workload_fraction"], exact["workload_fraction"], atol=0.02)
    assert nb["mean_travel"] == pytest.approx(exact["mean_travel"], rel=0.02)


def test_partial_lists_simulated():
    lam, prefs, mu = [0.8, 0.4, 0.5], [[0], [1, 0], [2, 1]], [1.0, 0.7, 1.2]
    exact = q.hypercube_exact(lam, prefs, mu, queue="loss")
    sim = q.simulate_dispatch(lam, prefs, mu, queue="loss", n_events=60_000, seed=9)
    lost = (sim["per_call"]["unit"] < 0).astype(float)
    assert abs(sim["p_loss"] - exact["p_loss"]) < 4.5 * _batch_se(lost) + 1e-3
    np.testing.assert_allclose(sim["p_loss_atom"], exact["p_loss_atom"], atol=0.02)
    np.testing.assert_allclose(sim["workload_fraction"], exact["workload_fraction"], atol=0.02)
