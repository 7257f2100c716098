"""Edits a planner makes on the Wuhou sample move the right score, outside its 95 % interval and in the
right direction; a null edit (renamed grids, re-ordered features) changes no score at all."""
from __future__ import annotations

import dataclasses as dc

import numpy as np
import shapely
import pytest

from gridgov.engine.workflows.run import compute_stages
from gridgov.engine.scenario import load_scenario
from gridgov.engine.score import REGISTRY
from gridgov.engine.score.comparison import comparison_table

DAYS, REPS = 28, 4


def permuted(table, order):
    """A layer with its rows in ``order`` (every per-row array permuted alike)."""
    n = len(table.id)
    return dc.replace(table, **{f.name: getattr(table, f.name)[order] for f in dc.fields(table)
                                if isinstance(getattr(table, f.name), np.ndarray) and len(getattr(table, f.name)) == n})


def scores_of(sc):
    return compute_stages(sc, days=DAYS, replications=REPS).scores


@pytest.fixture(scope="module")
def wuhou(sample_dir):
    sc = load_scenario(sample_dir)
    return sc, scores_of(sc)


def values(s) -> dict:
    out = {m.key: m.value for m in s.metrics}
    out.update({f"group.{g}": v for g, v in s.groups.items()}, total=s.total)
    return out


@pytest.fixture(scope="module")
def null_edit(wuhou):
    sc, base = wuhou
    rng = np.random.default_rng(7)
    g = sc.grids
    new_id = {str(i): f"renamed-{k:04d}" for k, i in enumerate(rng.permutation(np.asarray(g.id, dtype=object)))}
    ren = lambda a: np.array([new_id.get(str(x), x) if x else x for x in a], dtype=object)  # noqa: E731
    grids = dc.replace(g, id=ren(g.id), parent_id=ren(g.parent_id), name=np.array([f"名{k}" for k in range(len(g.id))],
                                                                                   dtype=object))
    units = dc.replace(sc.units, grid_id=ren(sc.units.grid_id), micro_id=ren(sc.units.micro_id))
    fac = dc.replace(sc.facilities, grid_id=ren(sc.facilities.grid_id))
    edited = dc.replace(sc, name="null_edit", grids=permuted(grids, rng.permutation(len(g.id))),
                        units=permuted(units, rng.permutation(len(units.id))),
                        facilities=permuted(fac, rng.permutation(len(fac.id))))
    return values(base), values(scores_of(edited))


def _changed(before: dict, after: dict, keys) -> dict:
    return {k: (before[k], after[k]) for k in keys
            if not (before[k] is None and after[k] is None)
            and (before[k] is None or after[k] is None or not np.isclose(before[k], after[k], rtol=1e-9, atol=1e-9))}


def test_null_edit_changes_no_layout_score(null_edit):
    before, after = null_edit
    keys = [k for k in before if k in REGISTRY and "sim" not in REGISTRY[k].needs]
    keys += [f"group.{g}" for g in ("coverage", "size", "compactness", "cost")]
    assert len(keys) > 20 and _changed(before, after, keys) == {}


def test_null_edit_changes_no_simulated_score(null_edit):
    before, after = null_edit
    assert _changed(before, after, list(before)) == {}


def _without_one(sc, kind: str):
    """The layout without the facility of ``kind`` that serves the most households."""
    from gridgov.engine.circles import compute_circles

    fac = sc.facilities
    rows = fac.of_type(kind)
    busiest = rows[np.argmax(compute_circles(sc).facility_households[rows])]
    keep = np.setdiff1d(np.arange(len(fac.id)), [busiest])
    return dc.replace(sc, name=f"minus_{kind}", facilities=permuted(fac, keep))


def test_removing_a_clinic_lowers_coverage(wuhou):
    sc, base = wuhou
    cut = scores_of(_without_one(sc, "clinic"))
    row = {r["key"]: r for r in comparison_table(["a", "b"], [base, cut])}
    for key in ("coverage_5min_tier", "group.coverage"):
        d = row[key]["diff"][1]
        assert d["mean"] < 0 and d["significant"], (key, d)
    assert cut.metric("coverage_5min_tier").details["per_type"]["clinic"] < \
        base.metric("coverage_5min_tier").details["per_type"]["clinic"]


def _grid_response(sims, row: int) -> list[float]:
    """Per replication: mean response (min) of the grid's reports dispatched while its worker was on duty."""
    out = []
    for sim in sims:
        inc = sim.incidents
        mine = (np.asarray(inc["grid"]) == row) & ~np.asarray(inc["found_on_patrol"], bool) \
            & np.asarray(inc["dispatched_on_duty"], bool) & np.isfinite(inc["response_min"])
        out.append(float(np.mean(np.asarray(inc["response_min"])[mine])))
    return out


def test_moving_a_workstation_1km_away_worsens_its_grids_response(wuhou):
    from gridgov.engine.score.intervals import paired_difference
    from gridgov.engine.score.replications import simulate_replications

    sc, _ = wuhou
    fac, grids = sc.facilities, sc.grids
    st = fac.of_type("grid_station")[0]
    pt = shapely.Point(fac.x[st], fac.y[st])
    row = next(i for i in range(len(grids.id)) if grids.level[i] != "micro" and grids.geometry[i].covers(pt))
    gid = np.asarray(fac.grid_id, dtype=object).copy()
    gid[st] = grids.id[row]                       # the station still serves its grid, 1 km away
    x = fac.x.copy()
    x[st] += 1000.0
    moved = dc.replace(sc, name="moved", facilities=dc.replace(fac, x=x, grid_id=gid))
    kept = dc.replace(sc, facilities=dc.replace(fac, grid_id=gid))
    a = simulate_replications(kept, REPS, days=DAYS * 4)
    b = simulate_replications(moved, REPS, days=DAYS * 4)
    d = paired_difference(_grid_response(a, row), _grid_response(b, row))
    assert d["mean"] > 0 and d["significant"], d


def test_adding_a_street_duty_team_shortens_all_hours_response(wuhou):
    sc, _ = wuhou
    none = dc.replace(sc, params={**sc.params, "roster": {**sc.params["roster"],
                                                         "street_duty": {**sc.params["roster"]["street_duty"],
                                                                         "on_duty": 0}}})
    team = dc.replace(sc, params={**sc.params, "roster": {**sc.params["roster"],
                                                         "street_duty": {**sc.params["roster"]["street_duty"],
                                                                         "on_duty": 2}}})
    row = {r["key"]: r for r in comparison_table(["none", "team"], [scores_of(none), scores_of(team)])}
    d = row["response_p90_min"]["diff"][1]
    assert d["mean"] < 0 and d["significant"], d

