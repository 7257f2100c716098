"""simulate_scenario on the sample and on tiny hand-made scenarios; the CLI."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely

from gridgov.engine import params as P
from gridgov.engine.errors import ValidationError
from gridgov.engine.scenario.model import Facilities, Grids, Roads, Scenario, Units
from gridgov.engine.simulation import simulate_scenario
from gridgov.engine.simulation.metrics import SUMMARY_KEYS, gini


def _tiny(n_grids=3, residents=5000, unit_grid=None, **overrides) -> Scenario:
    """A row of square grids, one unit at each centre, no roads (straight-line trips)."""
    s = lambda *a: np.array(a, dtype=object)  # noqa: E731
    ids = [f"g{i}" for i in range(n_grids)]
    geoms = np.array([shapely.box(i * 1000, 0, i * 1000 + 1000, 1000) for i in range(n_grids)], dtype=object)
    grids = Grids(np.arange(n_grids), s(*ids), s(*ids), s(*["general"] * n_grids), s(*[""] * n_grids),
                  s(*["c"] * n_grids), s(*(["east"] * (n_grids - 1) + ["west"])), s(*ids), geoms)
    ug = ids if unit_grid is None else unit_grid
    x = np.arange(n_grids) * 1000 + 500.0
    units = Units(np.arange(n_grids), s(*[f"u{i}" for i in range(n_grids)]), np.full(n_grids, residents // 3),
                  np.full(n_grids, residents), s(*ug), s(*[""] * n_grids), x, np.full(n_grids, 500.0),
                  shapely.points(x, np.full(n_grids, 500.0)))
    e = np.zeros(0)
    fac = Facilities(np.zeros(0, np.int64), s(), s(), s(), e, np.zeros(0, np.int64), s(), e, e)
    roads = Roads(np.zeros(0, np.int64), s(), s(), np.zeros(0, np.int8), e, s())
    params, problems = P.merge(overrides)
    assert not problems, problems
    return Scenario(Path("/tmp/tiny"), "tiny", "", "EPSG:32648", params, {}, roads, grids, units, fac)


def test_summary_and_aggregates_are_consistent():
    sc = _tiny()
    r = simulate_scenario(sc, days=14, seed=1)
    inc = r.incidents
    n = r.summary["n_incidents"]
    assert set(SUMMARY_KEYS) <= set(r.summary)
    assert all(len(v) == n for v in inc.values())
    expected = 3 * 5000 * 8.0 / 1000 / (365.25 / 12) * 14
    assert abs(n - expected) < 4 * np.sqrt(expected)
    assert r.per_grid["incidents"].sum() == n
    assert r.per_worker["cases"].sum() == n and np.all(inc["worker"] >= 0)
    rep = ~inc["found_on_patrol"]
    assert r.summary["response_p90_min"] == pytest.approx(np.percentile(inc["response_min"][rep], 90))
    assert np.all(inc["response_min"][inc["found_on_patrol"]] == 0)
    assert r.summary["closed_24h_share"] == pytest.approx(np.mean(inc["closed_h"] <= 24))
    assert np.array_equal(inc["on_time"], inc["closed_h"] <= inc["deadline_h"])
    assert set(np.unique(inc["level"])) <= {"grid", "community", "street", "district"}
    assert r.summary["workload_gini"] == pytest.approx(gini(r.per_worker["busy_h"]))
    times, open_cases = r.backlog
    assert times[0] == 0 and open_cases.max() == r.summary["backlog_max"]
    assert set(r.per_street) == {"east", "west"}
    assert sum(v["incidents"] for v in r.per_street.values()) == n
    assert set(r.per_community) == {"c"} and r.per_community["c"]["incidents"] == n
    assert r.per_community["c"]["workers"] == 3
    assert r.meta["travel_source"] == "straight_line"
    # same seed → same incidents; other seed → different
    again = simulate_scenario(sc, days=14, seed=1)
    np.testing.assert_array_equal(again.incidents["time_h"], inc["time_h"])
    other = simulate_scenario(sc, days=14, seed=2).incidents["time_h"]
    assert other.size != n or not np.array_equal(other, inc["time_h"])


def test_engines_identical_on_scenario():
    sc = _tiny(5, residents=40_000, workflow={"max_concurrent_cases": 2},
               demand={"events_per_1000_residents_month": 40.0})
    a = simulate_scenario(sc, days=7, seed=4, engine="numba")
    b = simulate_scenario(sc, days=7, seed=4, engine="simpy")
    np.testing.assert_array_equal(a.incidents["worker"], b.incidents["worker"])
    np.testing.assert_allclose(a.incidents["closed_h"], b.incidents["closed_h"], atol=1e-9)
    np.testing.assert_allclose(a.incidents["response_min"], b.incidents["response_min"], atol=1e-7)
    assert a.summary["n_incidents"] > 1000


def test_more_workers_respond_faster():
    load = dict(demand={"events_per_1000_residents_month": 60.0})
    one = simulate_scenario(_tiny(3, residents=30_000, **load), days=7, seed=3)
    three = simulate_scenario(_tiny(3, residents=30_000, staffing={"workers_per_general_grid": 3}, **load),
                              days=7, seed=3)
    assert three.summary["response_p90_min"] < one.summary["response_p90_min"]
    assert three.summary["closed_24h_share"] >= one.summary["closed_24h_share"]


def test_bad_inputs_name_the_problem():
    with pytest.raises(ValidationError, match="grid_id"):
        simulate_scenario(_tiny(unit_grid=["g0", "nope", "g2"]), days=1)
    with pytest.raises(ValidationError, match="dispatch_policy"):
        simulate_scenario(_tiny(workflow={"dispatch_policy": "random"}), days=1)
    with pytest.raises(ValidationError, match="days"):
        simulate_scenario(_tiny(), days=0)
    with pytest.raises(ValidationError, match="engine"):
        simulate_scenario(_tiny(), days=1, engine="fortran")
    with pytest.raises(ValidationError, match="workers_per_general_grid"):
        simulate_scenario(_tiny(staffing={"workers_per_general_grid": 0}), days=1)


def test_event_log_parquet(tmp_path):
    import pyarrow.parquet as pq

    r = simulate_scenario(_tiny(), days=3, seed=5)
    path = r.to_parquet(tmp_path / "events.parquet")
    t = pq.read_table(path).to_pandas()
    assert len(t) == r.summary["n_incidents"]
    np.testing.assert_allclose(t["closed_h"], r.incidents["closed_h"])
    assert list(t["urgency"].astype(str)) == list(r.incidents["urgency"])


def test_sample_scenario_and_cli(sample_dir, tmp_path):
    from gridgov.engine.scenario import load_scenario

    sc = load_scenario(sample_dir)
    r = simulate_scenario(sc, days=7)
    assert r.meta["travel_source"] == "network" and r.meta["n_workers"] > 50
    assert len(r.per_grid["utilisation"]) == len(sc.grids)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "gridgov.engine.cli", "simulate", str(sample_dir), "--out", str(out), "--days", "3",
           "--events", "--quiet"]
    assert subprocess.run(cmd, capture_output=True, text=True, timeout=120).returncode == 0
    doc = json.loads((out / "simulation.json").read_text())
    assert doc["summary"]["n_incidents"] > 0 and doc["per_street"] and (out / "events.parquet").exists()
    bad = subprocess.run(cmd[:-3] + ["--days", "-1"], capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and "days" in bad.stderr and "Traceback" not in bad.stderr


def test_patrol_time_and_duty_hours():
    from gridgov.engine.simulation.roster import duty_hours_between, next_on_duty, uniform_rosters

    r = uniform_rosters(5, np.full(5, 8.0), 8.0)
    w = np.arange(5)
    got = duty_hours_between(np.array([7.0, 9.0, 15.0, 20.0, 31.5]), np.array([9.0, 10.0, 41.0, 21.0, 32.5]), w, r)
    np.testing.assert_allclose(got, [1.0, 1.0, 9.0, 0.0, 0.5])
    np.testing.assert_allclose(next_on_duty(np.array([7.0, 9.0, 16.0, 23.9, 31.5]), w, r), [8, 9, 32, 32, 32])
    sc = _tiny(roster={"street_duty": {"on_duty": 0}})
    r = simulate_scenario(sc, days=7, seed=2)
    duty = r.per_worker["duty_h"]
    assert duty == pytest.approx(np.full(duty.size, 5 * 8.0 + 8.0 * (duty.size > 0)), abs=8.0)   # 5 days + holiday rota
    assert np.all(r.per_worker["patrol_h"] <= duty) and np.all(r.per_worker["patrol_h"] >= duty - r.per_worker["busy_h"])
    assert r.summary["patrol_share_mean"] == pytest.approx(np.mean(r.per_worker["patrol_h"] / duty))


def test_mobile_pool_per_street():
    load = dict(demand={"events_per_1000_residents_month": 80.0}, staffing={"mobile_workers_per_street": 2},
                roster={"street_duty": {"on_duty": 0}})
    sc = _tiny(3, residents=30_000, **load)
    a = simulate_scenario(sc, days=5, seed=8)
    b = simulate_scenario(sc, days=5, seed=8, engine="simpy")
    np.testing.assert_array_equal(a.incidents["worker"], b.incidents["worker"])
    pw = a.per_worker
    mobile = pw["grid_row"] < 0
    assert mobile.sum() == 4 and a.meta["mobile_workers"] == 4          # 2 streets × 2
    assert pw["cases"][mobile].sum() > 0                                 # the pool is called on
    assert sorted(pw["street"][mobile]) == ["east", "east", "west", "west"]
    assert a.per_street["east"]["workers"] == 2 + 2 and a.per_street["west"]["workers"] == 1 + 2
    assert a.per_grid["workload_h"].sum() == pytest.approx(pw["busy_h"][~mobile].sum())


def test_simpy_run_reports_progress_and_can_be_cancelled():
    from gridgov.engine.errors import Cancelled
    from gridgov.engine.progress import Progress

    seen = []
    simulate_scenario(_tiny(), days=3, seed=1, engine="simpy", progress=Progress(lambda f, m: seen.append((f, m))))
    assert any("SimPy" in m for _, m in seen) and seen[-1][0] == 1.0
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    checks = []

    def cancelled() -> bool:           # the user presses cancel once the SimPy run is under way
        checks.append(1)
        return len(checks) > 8

    with pytest.raises(Cancelled):
        simulate_scenario(_tiny(), days=3, engine="simpy", progress=Progress(None, cancelled))


def test_on_duty_response_per_grid_street_community():
    """Per-area response on duty = the same statistics over reports dispatched while on shift."""
    sc = _tiny(4, residents=20_000)
    r = simulate_scenario(sc, days=10, seed=3)
    inc = r.incidents
    rep = ~inc["found_on_patrol"]
    duty = rep & inc["dispatched_on_duty"]
    assert 0 < duty.sum() < rep.sum()
    streets = np.asarray(sc.grids.street).astype(str)[inc["grid"]]
    for g in range(4):
        d = inc["response_min"][duty & (inc["grid"] == g)]
        a = inc["response_min"][rep & (inc["grid"] == g)]
        assert r.per_grid["response_on_duty_p90_min"][g] == pytest.approx(np.percentile(d, 90))
        assert r.per_grid["response_on_duty_within_15min"][g] == pytest.approx(np.mean(d <= 15))
        assert r.per_grid["n_reported_on_duty"][g] == d.size
        assert r.per_grid["response_p90_min"][g] == pytest.approx(np.percentile(a, 90))
        assert r.per_grid["response_within_15min"][g] == pytest.approx(np.mean(a <= 15))
    for name in ("east", "west"):
        d = inc["response_min"][duty & (streets == name)]
        rec = r.per_street[name]
        assert rec["response_on_duty_p90_min"] == pytest.approx(np.percentile(d, 90))
        assert rec["response_on_duty_within_15min"] == pytest.approx(np.mean(d <= 15))
        assert rec["response_p90_min"] >= rec["response_on_duty_p90_min"]   # off-shift waits only add
    d = inc["response_min"][duty]
    assert r.per_community["c"]["response_on_duty_p90_min"] == pytest.approx(r.summary["response_on_duty_p90_min"])
    assert r.per_community["c"]["n_reported_on_duty"] == r.summary["n_reported_on_duty"] == d.size


def test_group_stats_empty_groups_are_nan():
    from gridgov.engine.simulation.metrics import group_stats

    inc = {"closed_h": np.array([1.0, 30.0]), "found_on_patrol": np.array([False, True]),
           "response_min": np.array([12.0, 0.0]), "dispatched_on_duty": np.array([False, True])}
    g = group_stats(np.array([0, 0]), 2, inc)
    assert g["response_p90_min"][0] == 12.0 and np.isnan(g["response_p90_min"][1])
    assert np.isnan(g["response_on_duty_p90_min"]).all() and np.isnan(g["response_on_duty_within_15min"]).all()
    assert g["n_reported_on_duty"].tolist() == [0, 0] and g["closed_24h_share"][0] == 0.5


def test_network_travel_by_pair_searches_equals_one_call_per_source(sample_dir, monkeypatch):
    """worker_travel_h solves all bases at once; the result equals the per-source calls it replaced."""
    from gridgov.engine.network.graph import build_network
    from gridgov.engine.network.travel import travel_times
    from gridgov.engine.scenario import load_scenario
    from gridgov.engine.simulation import setup

    sc = load_scenario(sample_dir)
    net = build_network(sc, sc.params["travel"]["worker_mode"])
    rng = np.random.default_rng(5)
    ux, uy = np.asarray(sc.units.x, float), np.asarray(sc.units.y, float)
    bases = np.column_stack([ux, uy])[rng.choice(ux.size, 7, replace=False)]
    bases[0] += 1e5                                                     # far off every road: straight line
    frm = bases[rng.integers(0, 7, 400)]
    to = np.column_stack([ux, uy])[rng.integers(0, ux.size, 400)]
    to[:3] = (-1e6, -1e6)                                               # unsnappable destinations
    snap = float(sc.params["travel"]["snap_max_m"])
    fallback = setup.straight_line_h(frm, to, sc.params)
    expected = fallback.copy()
    for b in np.unique(frm, axis=0):
        rows = np.flatnonzero((frm == b).all(axis=1))
        sec = travel_times(net, b[None], to[rows], snap_max_m=snap)[0]
        expected[rows] = np.where(np.isfinite(sec), sec / 3600.0, fallback[rows])
    hours, source = setup.worker_travel_h(sc, frm, to, net)     # targeted pair searches (network/pairs.py)
    assert source == "network"
    np.testing.assert_array_equal(hours, expected)
    from gridgov.engine.network.pairs import pair_times
    from gridgov.engine.network.travel import snap_xy

    src, dst = snap_xy(net, np.unique(frm, axis=0), snap), snap_xy(net, to, snap)
    ps = np.unique(frm, axis=0, return_inverse=True)[1].ravel()
    for threads in (1, 2):
        np.testing.assert_array_equal(pair_times(net, src, dst, ps, np.arange(len(to)), threads=threads),
                                      travel_times(net, np.unique(frm, axis=0), to, snap_max_m=snap)[ps, np.arange(len(to))])
    assert np.all(hours[(frm == bases[0]).all(axis=1)] == fallback[(frm == bases[0]).all(axis=1)])
    assert np.isfinite(expected).all() and (expected != fallback).sum() > 300


def test_group_quantile_is_numpy_percentile_per_group():
    from gridgov.engine.simulation.metrics import group_quantile

    rng = np.random.default_rng(4)
    g = rng.integers(0, 6, 500)
    v = rng.exponential(10.0, 500)
    got = group_quantile(g, v, 8, 0.9)
    for k in range(8):
        want = np.percentile(v[g == k], 90) if (g == k).any() else np.nan
        np.testing.assert_allclose(got[k], want, equal_nan=True)
