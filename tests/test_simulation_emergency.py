"""Emergency responders: engines identical, the gas-leak case on the sample, bad mappings located."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from gridgov.engine import params as P
from gridgov.engine.errors import ValidationError
from gridgov.engine.scenario import load_scenario
from gridgov.engine.simulation import simulate_scenario
from gridgov.engine.simulation.emergency import build_responders, run_emergencies


def _stations(n_st, units_per_st, U, C, rng):
    cand = np.stack([np.argsort(rng.random((U, n_st)), axis=1)[:, :C]], axis=1)   # (U, 1, C)
    drive = np.sort(rng.uniform(0.02, 0.2, (U, 1, C)), axis=2)
    unit_start = np.concatenate([[0], np.cumsum(units_per_st)]).astype(np.int64)
    return cand.astype(np.int64), drive, unit_start


@pytest.mark.parametrize("seed", [1, 2])
def test_engines_identical_when_units_run_out(seed):
    from gridgov.engine.simulation._kernels_emergency import emergency_kernel
    from gridgov.engine.simulation.reference_emergency import emergency_reference

    rng = np.random.default_rng(seed)
    n, U = 3000, 40
    cand, drive, unit_start = _stations(4, [1, 2, 1, 1], U, 3, rng)
    call = np.sort(rng.uniform(0, 200, n))
    args = (np.arange(n, dtype=np.int64), call, rng.integers(0, U, n), np.zeros(n, np.int64),
            rng.lognormal(np.log(0.5), 0.6, n), np.full(n, 1 / 60), cand, drive, unit_start)
    a = emergency_kernel(*args)
    b = emergency_reference(*args)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_allclose(a[1], b[1], rtol=0, atol=1e-9)
    wait = a[1] - call - 1 / 60 - drive[args[2], 0, 0]
    assert np.all(a[0] >= 0) and (wait > 1e-6).mean() > 0.1           # heavy load: some wait for a unit


def test_gas_leak_near_the_fire_station_gets_a_crew_in_about_five_minutes(sample_dir):
    sc = load_scenario(sample_dir)
    resp = build_responders(sc)
    assert resp.source == "network"
    f = sc.facilities.of_type("fire")[0]
    u = int(np.argmin(np.hypot(sc.units.x - sc.facilities.x[f], sc.units.y - sc.facilities.y[f])))
    keys = list(P.defaults()["demand"]["type_mix"])
    out = run_emergencies(resp, sc.params["emergency"], np.array([10.0]), np.array([u]),
                          np.array([keys.index("gas_leak")]), keys, np.zeros(1), "numba")
    minutes = (out["emergency_arrival_h"][0] - 10.0) * 60.0
    assert sc.facilities.id[out["responder"][0]] == sc.facilities.id[f]
    assert 2.0 <= minutes <= 6.0                                       # 1 call + 1 turn-out + the drive
    far = int(np.argmax(np.hypot(sc.units.x - sc.facilities.x[f], sc.units.y - sc.facilities.y[f])))
    out = run_emergencies(resp, sc.params["emergency"], np.array([10.0]), np.array([far]),
                          np.array([keys.index("gas_leak")]), keys, np.zeros(1), "numba")
    assert (out["emergency_arrival_h"][0] - 10.0) * 60.0 > minutes     # farther on the road network


def test_scenario_emergency_kpis_and_engines(sample_dir):
    sc = load_scenario(sample_dir)
    a = simulate_scenario(sc, days=90, seed=9)
    b = simulate_scenario(sc, days=90, seed=9, engine="simpy")
    np.testing.assert_array_equal(a.incidents["responder"], b.incidents["responder"])
    np.testing.assert_allclose(a.incidents["emergency_response_min"], b.incidents["emergency_response_min"],
                               equal_nan=True, atol=1e-9)
    s = a.summary
    assert s["n_emergencies"] > 0 and 0 < s["emergency_within_5min"] <= s["emergency_within_10min"] <= 1
    em = a.incidents["emergency"]
    assert np.all(a.incidents["urgency"][em] == "urgent")              # emergencies are urgent
    assert np.all(a.incidents["worker"][em] >= 0)                      # the grid worker still attends
    assert set(np.unique(a.incidents["responder"][em])) <= set(sc.facilities.id)


def test_responder_type_with_no_facility_is_located(sample_dir):
    sc = load_scenario(sample_dir)
    bad = copy.copy(sc)
    bad.params = copy.deepcopy(sc.params)
    bad.params["emergency"]["responder"]["medical"] = "health_centre_x"
    with pytest.raises(ValidationError) as e:
        simulate_scenario(bad, days=5)
    p = e.value.problems[0]
    assert (p.layer, p.field) == ("emergency", "responder.medical") and p.file.endswith("scenario.toml")
    bad.params["emergency"]["responder"]["medical"] = "kindergarten"      # a type the layer has none of?
    keep = sc.facilities.type != "kindergarten"
    assert keep.sum() < len(sc.facilities)
    bad.facilities = copy.deepcopy(sc.facilities)
    bad.facilities.type = np.where(keep, bad.facilities.type, "cultural").astype(object)
    with pytest.raises(ValidationError) as e:
        simulate_scenario(bad, days=5)
    assert e.value.problems[0].field == "responder.medical"


def test_validate_refuses_what_the_simulation_refuses(sample_dir, tmp_path):
    # The duty/responder/escalation checks run in validate's dry run too: never "validate ok, run fails".
    import shutil

    from gridgov.engine.workflows.validate import validate

    folder = tmp_path / "bad_responder"
    shutil.copytree(sample_dir, folder)
    with open(folder / "scenario.toml", "a", encoding="utf-8") as fh:
        fh.write('\n[emergency.responder]\nfire = "pharmacy"\n')
    result = validate(folder)
    assert not result.ok
    p = result.errors[0]
    assert (p.layer, p.field) == ("emergency", "responder.fire") and p.file == str(folder / "scenario.toml")
    with pytest.raises(ValidationError):
        simulate_scenario(load_scenario(folder), days=5)
