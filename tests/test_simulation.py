"""Closed-loop workflow: engines identical, hand-checked cases, queueing theory, scenario runs."""
from __future__ import annotations

import math

import numpy as np
import pytest

from gridgov.engine import queueing
from gridgov.engine.simulation.workflow import WorkflowInputs, daily_rosters, patrol_finders, run_workflow


def _inputs(report, urg, handle, *, unit=None, grid=None, travel=None, delay=0.0, finder=None, wpg=(1,),
            cand=None, shift_len=24.0, shift_hour=0.0, on_call=True, cap=3, policy=0):
    n = len(report)
    report = np.asarray(report, float)
    wpg = np.asarray(wpg)
    gw = np.concatenate([[0], np.cumsum(wpg)]).astype(np.int64)
    G = wpg.size
    unit = np.zeros(n, np.int64) if unit is None else np.asarray(unit, np.int64)
    grid = np.zeros(n, np.int64) if grid is None else np.asarray(grid, np.int64)
    cand = np.arange(G)[:, None] if cand is None else np.asarray(cand, np.int64)
    travel = np.zeros((int(unit.max()) + 1, cand.shape[1])) if travel is None else np.asarray(travel, float)
    finder = np.full(n, -1, np.int64) if finder is None else np.asarray(finder, np.int64)
    dispatch = np.where(finder >= 0, report, report + delay)
    return WorkflowInputs(report, dispatch, unit, grid, np.asarray(urg, np.int8), finder, np.asarray(handle, float),
                          travel, gw, cand, daily_rosters(wpg, shift_hour, shift_len), on_call, cap, policy)


def _both(inp):
    a = run_workflow(inp, "numba")
    b = run_workflow(inp, "simpy")
    np.testing.assert_array_equal(a[0], b[0])
    for x, y in zip(a[1:], b[1:]):
        np.testing.assert_allclose(x, y, rtol=0, atol=1e-9)
    return a


# ----------------------------------------------------------------------------- hand-checked
def test_shift_waits_and_on_call():
    # worker on duty 08:00–16:00; trip 0.25 h; dispatch delay 0.1 h
    inp = _inputs([9.0, 20.0, 21.0, 30.0], [1, 1, 0, 1], [1.0, 0.5, 0.5, 0.5], travel=[[0.25]], delay=0.1,
                  shift_len=8.0, shift_hour=8.0)
    worker, start, arrival, end = _both(inp)
    assert arrival[0] == pytest.approx(9.0 + 0.1 + 0.25)            # on duty: delay + trip
    assert end[0] == pytest.approx(arrival[0] + 1.0)
    assert start[2] == pytest.approx(21.1)                            # urgent at night: called out
    assert arrival[2] == pytest.approx(21.35)
    assert start[1] == pytest.approx(32.0)                            # normal at night waits for 08:00
    assert start[3] == pytest.approx(32.75)                           # next in line (FIFO behind case 1)
    inp.on_call = False
    _, start, _, _ = _both(inp)
    assert start[2] == pytest.approx(32.0)                            # no call-out: urgent first at 08:00


def test_priority_and_cap_spill_to_neighbour():
    # grid 0 and grid 1, one worker each; unit 0 in grid 0; neighbour trip longer
    travel = [[0.1, 0.4]]
    cand = [[0, 1], [1, 0]]
    report = [0.0, 0.01, 0.02, 0.03]
    inp = _inputs(report, [1, 1, 0, 1], [2.0, 2.0, 2.0, 2.0], travel=travel, cand=cand, wpg=(1, 1), cap=2)
    worker, start, arrival, end = _both(inp)
    assert list(worker[:2]) == [0, 0]                  # own worker takes two (cap 2)
    assert worker[2] == 1 and arrival[2] == pytest.approx(0.02 + 0.4)   # third spills to the neighbour
    assert worker[3] == 1                               # the neighbour is below cap, own is not
    inp.cap = 5
    worker, start, _, _ = _both(inp)
    assert set(worker) == {0}
    assert start[2] == pytest.approx(2.1)                               # urgent jumps the queue after case 0
    assert start[1] > start[2]
    inp.policy = 1                                                     # nearest available: own is nearer
    assert set(_both(inp)[0]) == {0}


def test_patrol_finds_have_no_trip():
    wpg = np.array([2])
    ss = daily_rosters(wpg, 8.0, 8.0)
    report = np.array([9.0, 17.0, 3.0])
    finder = patrol_finders(np.array([True, True, True]), report, np.zeros(3, np.int64), np.array([0, 2]), ss)
    assert list(finder) == [0, 1, -1]                  # second worker's shift 16–24; nobody at 03:00
    inp = _inputs(report, [1, 1, 1], [0.5, 0.5, 0.5], travel=[[0.3]], finder=finder, wpg=(2,), shift_len=8.0,
                  shift_hour=8.0, delay=0.2)
    worker, start, arrival, end = _both(inp)
    assert arrival[0] == 9.0 and end[0] == pytest.approx(9.5)
    assert arrival[1] == 17.0
    # nobody on duty at 03:00: reported, dispatched at 03:12, waits in the first worker's queue for 08:00
    assert worker[2] == 0 and start[2] == pytest.approx(8.0) and arrival[2] == pytest.approx(8.3)


# ----------------------------------------------------------------------------- random, heavy load
@pytest.mark.parametrize("policy", [0, 1])
@pytest.mark.parametrize("on_call", [True, False])
def test_engines_identical_under_load(policy, on_call):
    rng = np.random.default_rng(7 + policy)
    G, U, C, n = 5, 30, 3, 4000
    wpg = np.array([1, 2, 1, 3, 1])
    cand = np.array([[g, (g + 1) % G, (g + 2) % G] for g in range(G)])
    unit_grid = rng.integers(0, G, U)
    report = np.sort(rng.uniform(0, 24 * 7, n))
    unit = rng.integers(0, U, n)
    grid = unit_grid[unit]
    gw = np.concatenate([[0], np.cumsum(wpg)])
    ss = daily_rosters(wpg, 8.0, 8.0)
    finder = patrol_finders(rng.random(n) < 0.5, report, grid, gw, ss)
    inp = _inputs(report, rng.choice(3, n, p=[0.1, 0.75, 0.15]), rng.lognormal(np.log(0.5), 0.8, n), unit=unit,
                  grid=grid, travel=rng.uniform(0.05, 0.5, (U, C)), delay=rng.uniform(0.05, 0.4, n), finder=finder,
                  wpg=wpg, cand=cand, shift_len=8.0, shift_hour=8.0, on_call=on_call, policy=policy)
    worker, start, arrival, end = _both(inp)
    assert np.all(worker >= 0) and np.all(end >= arrival) and np.all(arrival >= inp.report - 1e-12)


# ----------------------------------------------------------------------------- queueing theory
def _batch_mean_se(x, batches=20):
    m = np.array([b.mean() for b in np.array_split(x, batches)])
    return m.mean(), m.std(ddof=1) / math.sqrt(batches)


def test_single_worker_is_mm1_with_priorities():
    """One always-on worker, no trips: non-preemptive priority M/M/1 (Cobham 1954)."""
    lam, mu, p_urgent, n = 0.6, 1.0, 0.3, 120_000
    rng = np.random.default_rng(11)
    report = np.cumsum(rng.exponential(1 / lam, n))
    urg = np.where(rng.random(n) < p_urgent, 0, 1)
    inp = _inputs(report, urg, rng.exponential(1 / mu, n), cap=10 ** 9)
    _, start, _, _ = run_workflow(inp, "numba")
    wait = start - report
    rho, rho1 = lam / mu, lam * p_urgent / mu
    w0 = rho / mu                                      # λ E[S²] / 2 with exponential service
    expect = {0: w0 / (1 - rho1), 1: w0 / ((1 - rho1) * (1 - rho))}
    keep = slice(n // 20, None)                        # drop the warm-up
    for cls, wq in expect.items():
        m, se = _batch_mean_se(wait[keep][urg[keep] == cls])
        assert abs(m - wq) < 4.5 * se + 0.01, (cls, m, wq, se)
    # all one class: Erlang C with one server
    inp.urg[:] = 1
    _, start, _, _ = run_workflow(inp, "numba")
    m, se = _batch_mean_se((start - report)[keep])
    assert abs(m - queueing.erlang_c_wq(1, lam, mu)) < 4.5 * se + 0.01
