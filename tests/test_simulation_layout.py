"""Workers start where the layout puts them: stations linked by location, bases, rosters, street teams."""
from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import Point

from gridgov.engine.scenario import load_scenario
from gridgov.engine.simulation import simulate_scenario
from gridgov.engine.simulation.setup import build_layout
from scenario_toy import DX, DY, X0, Y0, make_toy, toy_layers


def test_facility_grid_id_filled_by_location(tmp_path):
    layers = toy_layers()
    fac = layers["facilities"]
    fac["geometry"] = fac["geometry"].copy()
    fac["geometry"][1] = Point(X0 + 3 * DX, Y0 + 5 * DY)          # clinic outside every grid: nearest is G2
    s = load_scenario(make_toy(tmp_path / "toy", layers))
    f = s.facilities
    assert list(f.grid_id) == ["G1", "G2", "D1"]                     # F1 inside G1; F3 given
    lay = build_layout(s, travel="straight_line")
    assert lay.info["bases_at_station"] == 1                          # G1 has its own workstation
    assert lay.info["bases_at_community_station"] == 2                # G2 and D1 share the community's


def test_community_without_workstation_reports_to_the_nearest_elsewhere(tmp_path):
    """Workers of a community with no workstation start from the nearest one of another
    community, never from inside their grid (that would make moving stations away shorten
    trips: a planner centralising the stations saw response improve)."""
    layers = toy_layers()
    grids = layers["grids"]["columns"]
    grids["community"] = grids["community"].copy()
    grids["community"][list(grids["id"]).index("G2")] = "另一社区"
    s = load_scenario(make_toy(tmp_path / "toy", layers))
    lay = build_layout(s, travel="straight_line")
    assert lay.info["bases_at_other_station"] == 1 and lay.info["bases_in_grid"] == 0
    f = s.facilities
    st = f.of_type("grid_station")[0]
    ids = np.asarray(s.grids.id)[lay.grid_rows]
    np.testing.assert_array_equal(lay.base_xy[list(ids).index("G2")], [f.x[st], f.y[st]])


@pytest.fixture(scope="module")
def wuhou(sample_dir):
    return load_scenario(sample_dir)


def _moved(sc, rows, x, y):
    import copy

    out = copy.copy(sc)
    out.facilities = copy.deepcopy(sc.facilities)
    out.facilities.x[rows], out.facilities.y[rows] = x, y
    return out


def test_piling_workstations_changes_response(wuhou):
    base = simulate_scenario(wuhou, days=60, seed=3)
    st = wuhou.facilities.of_type("grid_station")
    piled = simulate_scenario(_moved(wuhou, st, wuhou.facilities.x[st[0]], wuhou.facilities.y[st[0]]), days=60, seed=3)
    a, b = base.incidents, piled.incidents
    np.testing.assert_array_equal(a["time_h"], b["time_h"])            # common random numbers
    assert piled.summary["response_on_duty_p50_min"] > base.summary["response_on_duty_p50_min"] + 1.0
    assert np.nanmean(b["response_min"]) > np.nanmean(a["response_min"])


def test_moving_a_workstation_away_worsens_its_grids(wuhou):
    f = wuhou.facilities
    s0 = f.of_type("grid_station")[0]
    far = _moved(wuhou, [s0], f.x[s0] + 1000.0, f.y[s0])
    lay0, lay1 = build_layout(wuhou), build_layout(far)
    moved = np.flatnonzero(np.any(lay0.base_xy != lay1.base_xy, axis=1))
    assert moved.size >= 1                                            # the grids based at that station
    a = simulate_scenario(wuhou, days=120, seed=5, layout=lay0)
    b = simulate_scenario(far, days=120, seed=5, layout=lay1)
    from gridgov.engine.simulation.canonical import canonical

    rows = canonical(wuhou)[1][lay0.grid_rows[moved]]          # layouts index grids in canonical order
    mine = np.isin(a.incidents["grid"], rows) & a.incidents["dispatched_on_duty"] & ~a.incidents["found_on_patrol"]
    assert np.mean(b.incidents["response_min"][mine]) > np.mean(a.incidents["response_min"][mine]) + 2.0


def test_street_duty_team_shortens_all_hours_response(wuhou):
    import copy

    none = copy.copy(wuhou)
    none.params = copy.deepcopy(wuhou.params)
    none.params["roster"]["street_duty"]["on_duty"] = 0
    a = simulate_scenario(none, days=60, seed=4)
    b = simulate_scenario(wuhou, days=60, seed=4)
    assert b.meta["street_duty_workers"] == 3 * 3 and a.meta["street_duty_workers"] == 0
    assert b.summary["response_p90_min"] < a.summary["response_p90_min"]
    duty = b.per_worker["grid_row"] == -2
    assert b.per_worker["cases"][duty].sum() > 0


def test_replications_are_common_random_numbers(wuhou):
    lay = build_layout(wuhou)
    r0 = simulate_scenario(wuhou, days=14, layout=lay)
    r0b = simulate_scenario(wuhou, days=14, layout=lay, replication=0)
    r1 = simulate_scenario(wuhou, days=14, layout=lay, replication=1)
    np.testing.assert_array_equal(r0.incidents["time_h"], r0b.incidents["time_h"])
    assert r1.incidents["time_h"].size != r0.incidents["time_h"].size or \
        not np.array_equal(r1.incidents["time_h"], r0.incidents["time_h"])
    assert r1.meta["replication"] == 1


def _with(sc, **sections):
    import copy

    out = copy.copy(sc)
    out.params = copy.deepcopy(sc.params)
    for sec, values in sections.items():
        for k, v in values.items():
            if isinstance(v, dict):
                out.params[sec][k].update(v)
            else:
                out.params[sec][k] = v
    return out


def test_micro_grid_members_make_first_contact(wuhou):
    off = simulate_scenario(wuhou, days=60, seed=12)
    on = simulate_scenario(_with(wuhou, micro_member={"enabled": True}), days=60, seed=12)
    np.testing.assert_array_equal(off.incidents["worker"], on.incidents["worker"])     # handling unchanged
    assert on.incidents["micro_member_first"].any() and not off.incidents["micro_member_first"].any()
    assert on.summary["first_response_p50_min"] < off.summary["first_response_p50_min"]
    assert on.summary["first_response_within_24h"] >= off.summary["first_response_within_24h"]


def test_routine_workload_beyond_incidents(wuhou):
    r = simulate_scenario(wuhou, days=28, seed=1)
    s = r.summary
    assert s["utilisation_with_routine_mean"] > 3 * s["utilisation_mean"]           # the job is mostly routine
    assert s["workers_needed"] >= 1 and s["routine_h_per_worker_week"] > 0
    more = simulate_scenario(_with(wuhou, routine={"patrols_per_day": 4.0}), days=28, seed=1)
    assert more.summary["utilisation_with_routine_mean"] > s["utilisation_with_routine_mean"]
    assert more.summary["utilisation_mean"] == s["utilisation_mean"]                   # incidents unchanged
    g = r.per_grid
    own = g["workers"] > 0
    assert np.all(g["utilisation_with_routine"][own] >= g["utilisation"][own])


@pytest.mark.parametrize("section, values, field", [
    ("roster", {"grid": {"workdays": [], "weekend_duty_every_weeks": 0}}, "grid.workdays"),
    ("roster", {"grid": {"workdays": [0, 9]}}, "grid.workdays"),
    ("roster", {"street_duty": {"hours": 0.0}}, "street_duty.hours"),
    ("micro_member", {"hours": 0.0}, "hours"),
    ("routine", {"patrol_speed_kmh": 0.0}, "patrol_speed_kmh"),
    ("escalation", {"on_duty_share": 0.0}, "on_duty_share"),
])
def test_bad_duty_inputs_are_located(wuhou, section, values, field):
    from gridgov.engine.errors import ValidationError

    with pytest.raises(ValidationError) as e:
        simulate_scenario(_with(wuhou, **{section: values}), days=3)
    p = e.value.problems[0]
    assert (p.layer, p.field) == (section, field), p


def test_dedicated_grids_generate_their_own_demand(wuhou):
    from gridgov.engine.simulation.sites import demand_sites

    units, kinds = demand_sites(wuhou)
    assert kinds.size >= 1 and len(units) == len(wuhou.units) + kinds.size
    r = simulate_scenario(wuhou, days=90, seed=2)
    at_site = r.incidents["unit"] >= len(wuhou.units)
    assert at_site.sum() > 0 and r.meta["demand_sites"] == kinds.size
    allowed = set()
    for k in set(kinds):
        allowed |= set(wuhou.params["demand"]["dedicated_types"][k].split(","))
    assert set(r.incidents["type"][at_site]) <= allowed
    level = dict(zip(wuhou.grids.id, wuhou.grids.level))
    assert {level[wuhou.grids.id[g]] for g in r.incidents["grid"][at_site]} == {"dedicated"}
    none = simulate_scenario(_with(wuhou, demand={"dedicated_events_per_month": {"school": 0.0, "hospital": 0.0,
                                                                                 "market": 0.0}}), days=90, seed=2)
    assert not (none.incidents["unit"] >= len(wuhou.units)).any()


def test_unknown_dedicated_type_is_located(wuhou):
    from gridgov.engine.errors import ValidationError

    with pytest.raises(ValidationError) as e:
        simulate_scenario(_with(wuhou, demand={"dedicated_types": {"school": "fire,chalk"}}), days=3)
    assert (e.value.problems[0].layer, e.value.problems[0].field) == ("demand", "dedicated_types.school")


def test_simulate_replications_share_the_layout(wuhou):
    from gridgov.engine.errors import ValidationError
    from gridgov.engine.simulation import simulate_replications

    reps = simulate_replications(wuhou, 3, days=7)
    assert [r.meta["replication"] for r in reps] == [0, 1, 2]
    one = simulate_scenario(wuhou, days=7, replication=2)
    np.testing.assert_array_equal(reps[2].incidents["time_h"], one.incidents["time_h"])
    with pytest.raises(ValidationError) as e:
        simulate_replications(wuhou, 0)
    assert e.value.problems[0].field == "replications"


def test_unique_points_are_numpys_distinct_rows():
    from gridgov.engine.simulation.setup import unique_points

    rng = np.random.default_rng(3)
    xy = np.round(rng.uniform(0, 500, (2000, 2)), -1)[rng.integers(0, 2000, 20000)]
    u, inv = unique_points(xy)
    want = np.unique(xy, axis=0)
    assert np.array_equal(u, want) and np.array_equal(u[inv], xy)
    assert unique_points(np.zeros((0, 2)))[0].shape == (0, 2)


def test_canonical_order_is_computed_once_and_again_for_new_tables(wuhou):
    """``canonical`` of its own result returns it with identity orders (``run`` sorts, then
    ``build_layout`` asks again); a scenario whose tables were replaced is sorted anew."""
    import copy

    from gridgov.engine.simulation.canonical import _permuted, canonical

    can, g, u = canonical(wuhou)
    again, g2, u2 = canonical(can)
    assert again is can and np.array_equal(g2, np.arange(g.size)) and np.array_equal(u2, np.arange(u.size))
    shuffled = copy.copy(can)
    flip = np.arange(len(can.units.id))[::-1]
    shuffled.units = _permuted(can.units, flip)
    _, _, u3 = canonical(shuffled)
    assert not np.array_equal(u3, np.arange(u.size))                 # sorted again, not skipped
    assert np.array_equal(shuffled.units.id[u3], can.units.id)
