"""engine/live/: incremental statistics equal a rebuild from scratch after every edit."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import box

from gridgov.engine.errors import GridGovError
from gridgov.engine.circles import compute_circles
from gridgov.engine.live import LiveStats, layout_findings
from gridgov.engine.scenario.model import Facilities, Grids, Roads, Scenario, Units
from gridgov.engine.params import defaults


def _obj(values):
    return np.array(list(values), dtype=object)


def synth(n_side: int = 2, cell: float = 200.0, step: float = 50.0):
    """n_side² square grids of `cell` metres; a unit every `step` m (10 households each)."""
    ids, geoms = [], []
    for r in range(n_side):
        for c in range(n_side):
            ids.append(f"G{r * n_side + c + 1}")
            geoms.append(box(c * cell, r * cell, (c + 1) * cell, (r + 1) * cell))
    grids = Grids(fid=np.arange(len(ids)), id=_obj(ids), code=_obj(ids), level=_obj(["general"] * len(ids)),
                  parent_id=_obj([""] * len(ids)), community=_obj(["c"] * len(ids)), street=_obj(["s"] * len(ids)),
                  name=_obj(ids), geometry=np.array(geoms, dtype=object))
    xs = np.arange(step / 2, n_side * cell, step)
    ux, uy = [a.ravel() for a in np.meshgrid(xs, xs)]
    gid = [ids[int(y // cell) * n_side + int(x // cell)] for x, y in zip(ux, uy)]
    n = len(ux)
    units = Units(fid=np.arange(n), id=_obj(f"U{i}" for i in range(n)), households=np.full(n, 10),
                  residents=np.full(n, 25), grid_id=_obj(gid), micro_id=_obj([""] * n), x=ux, y=uy,
                  geometry=shapely.points(ux, uy))
    facs = Facilities(fid=np.arange(2), id=_obj(["F1", "S1"]), type=_obj(["clinic", "grid_station"]),
                      name=_obj(["clinic", "station"]), capacity=np.full(2, np.nan), staff=np.array([0, 2]),
                      grid_id=_obj(["", ""]), x=np.array([0.0, 300.0]), y=np.array([0.0, 300.0]))
    return grids, units, facs


def lattice_roads(size: float = 400.0, step: float = 50.0) -> Roads:
    """Streets every `step` m both ways, each a line with a vertex at every crossing."""
    ticks = np.arange(0.0, size + step / 2, step)
    lines = [shapely.LineString([(x, y) for y in ticks]) for x in ticks]
    lines += [shapely.LineString([(x, y) for x in ticks]) for y in ticks]
    n = len(lines)
    return Roads(np.arange(n), np.array(lines, dtype=object), _obj(["residential"] * n), np.zeros(n, np.int8),
                 np.full(n, np.nan), _obj([""] * n))


def scenario_of(grids, units, facs, roads=None) -> Scenario:
    return Scenario(Path("/nonexistent"), "synth", "", "EPSG:32648", defaults(), {}, roads or lattice_roads(),
                    grids, units, facs)


def with_circles(grids, units, facs, **kw) -> LiveStats:
    scn = scenario_of(grids, units, facs)
    return LiveStats(grids, units, facs, scn.params, compute_circles(scn), **kw)


def fresh(live: LiveStats, net=None) -> LiveStats:
    """A LiveStats rebuilt from scratch in the current state of `live`."""
    slots, u = live.grids, live.units
    alive = slots.live_slots()
    ids = [slots.ids[s] for s in alive]
    grids = Grids(np.arange(len(ids)), _obj(ids), _obj(ids), _obj(slots.levels[s] for s in alive),
                  _obj([""] * len(ids)), _obj([""] * len(ids)), _obj([""] * len(ids)), _obj(ids),
                  np.array([slots.geom[s] for s in alive], dtype=object))
    mem = live.membership()
    n = len(u.ids)
    units = Units(np.arange(n), u.ids, u.hh.astype(int), u.res.astype(int),
                  _obj(mem[str(i)][0] for i in u.ids), _obj(mem[str(i)][1] for i in u.ids),
                  u.x, u.y, u.points)
    f = live.fac
    facs = Facilities(np.arange(len(f)), _obj(f), _obj(v["type"] for v in f.values()), _obj(f),
                      np.full(len(f), np.nan), np.array([v["staff"] for v in f.values()]),
                      _obj(v["grid_id"] for v in f.values()), np.array([v["x"] for v in f.values()]),
                      np.array([v["y"] for v in f.values()]))
    return with_circles(grids, units, facs, coverage_types=live.cov_types)


def assert_same(a: LiveStats, b: LiveStats) -> None:
    sa, sb = a.stats(), b.stats()
    assert sa.keys() == sb.keys()
    for g in sa:
        for k in ("households", "residents", "workers", "compactness", "parts", "cov_5", "cov_10", "cov_15"):
            x, y = sa[g][k], sb[g][k]
            assert (math.isnan(x) and math.isnan(y)) or x == pytest.approx(y), (g, k, x, y)


@pytest.fixture
def setup():
    return with_circles(*synth(), coverage_types=["clinic"]), None


def test_baseline_counts_and_coverage(setup):
    live, _ = setup
    s = live.stats()
    assert [s[g]["households"] for g in ("G1", "G2", "G3", "G4")] == [160.0] * 4
    assert s["G4"]["workers"] == 1 and s["G1"]["households_per_worker"] == 160
    assert s["G1"]["compactness"] == pytest.approx(math.pi / 4)
    # clinic at the origin, walking 1 m/s on a 50 m street lattice: all of G1 within 15 min
    assert s["G1"]["cov_15"] == 1.0 and 0 < s["G1"]["cov_5"] < 1
    # same numbers as the full life-circle computation (cumulative band shares)
    share = np.cumsum(live.circles.grid_band_share["clinic"], axis=1)
    for k, g in enumerate(("G1", "G2", "G3", "G4")):
        assert [s[g]["cov_5"], s[g]["cov_10"], s[g]["cov_15"]] == pytest.approx(share[k, :3])
    assert s["G4"]["cov_5"] == 0.0
    assert with_circles(*synth()).cov_types == ["clinic"]        # walking life-circle types of [coverage]
    assert all(v == 0 for v in s["G1"]["delta"].values())


def test_split_relocates_units_and_matches_rebuild(setup):
    live, net = setup
    left, right = box(0, 0, 100, 200), box(100, 0, 200, 200)
    up = live.set_grids({"G1": left, "G5": right})
    assert up.touched == {"G1", "G5"}
    assert len(up.relocated) == 8 and all(v == ("grid_id", "G5") for v in up.relocated.values())
    assert up.stats["G1"]["households"] == 80 and up.stats["G1"]["delta"]["households"] == -80
    assert up.stats["G5"]["delta"]["households"] is None and up.stats["G5"]["workers"] == 1
    assert_same(live, fresh(live, net))


def test_merge_and_remove(setup):
    live, net = setup
    up = live.set_grids({"G1": box(0, 0, 400, 200), "G2": None})
    assert up.stats["G1"]["households"] == 320
    assert "G2" not in live.stats()
    assert_same(live, fresh(live, net))


def test_paint_and_unassign(setup):
    live, net = setup
    up = live.assign_units({"U0": "G4", "U1": ""})
    assert up.touched == {"G1", "G4"}
    assert up.stats["G4"]["households"] == 170 and up.stats["G1"]["households"] == 140
    kinds = {f.kind for f in live.findings()}
    assert {"unassigned", "outside", "norm"} <= kinds or {"unassigned", "outside"} <= kinds
    assert_same(live, fresh(live, net))
    with pytest.raises(GridGovError, match="does not exist"):
        live.assign_units({"U0": "nope"})
    with pytest.raises(GridGovError, match="not in the scenario"):
        live.assign_units({"U999": "G1"})


def test_facility_add_move_remove_match_rebuild(setup):
    live, net = setup
    up = live.set_facility("F2", "clinic", 400.0, 400.0)
    assert up.stats["G4"]["cov_5"] > 0 and up.stats["G4"]["delta"]["cov_5"] > 0
    assert_same(live, fresh(live, net))
    live.set_facility("F1", x=200.0, y=200.0)       # move: second-nearest logic via type re-run
    assert_same(live, fresh(live, net))
    live.remove_facility("F2")
    assert_same(live, fresh(live, net))
    with pytest.raises(GridGovError, match="unknown type"):
        live.set_facility("X", "spaceport", 1.0, 1.0)
    with pytest.raises(GridGovError, match="give its type"):
        live.set_facility("X", None, 1.0, 1.0)


def test_vertex_move_between_neighbours(setup):
    live, net = setup
    # shared edge x=200 between G1 and G2 moved to x=150 on both (topological edit)
    up = live.set_grids({"G1": box(0, 0, 150, 200), "G2": box(150, 0, 400, 200)})
    assert up.stats["G1"]["households"] == 120 and up.stats["G2"]["households"] == 200
    assert_same(live, fresh(live, net))


def test_findings_gap_overlap_multipart():
    ids = ["A", "B", "C"]
    ring = box(0, 0, 300, 300).difference(box(100, 100, 200, 200))
    geoms = np.array([ring, box(250, 0, 400, 100), box(100, 100, 150, 150)], dtype=object)
    found = layout_findings(ids, geoms)
    ov = [f for f in found if f.kind == "overlap"]
    assert [f.grid_ids for f in ov] == [("A", "B")] and "5000 m²" in ov[0].message
    gaps = [f for f in found if f.kind == "gap"]
    assert len(gaps) == 1 and gaps[0].grid_ids == ("A", "C") and "7500 m²" in gaps[0].message
    assert 100 <= gaps[0].x <= 200 and 100 <= gaps[0].y <= 200
    assert not [f for f in found if f.kind == "multipart"]
    grids, units, facs = synth()
    live = LiveStats(grids, units, facs)
    assert not [f for f in live.findings() if f.kind == "multipart"]   # fills the polygon-check cache
    live.set_grids({"G1": shapely.MultiPolygon([box(0, 0, 50, 50), box(100, 100, 200, 200)])})
    f = [f for f in live.findings() if f.kind == "multipart"]
    assert f and f[0].grid_ids == ("G1",)
    assert math.isnan(live.stats()["G1"]["cov_5"])  # no network → no coverage


def test_bad_inputs():
    grids, units, facs = synth()
    live = LiveStats(grids, units, facs)
    with pytest.raises(GridGovError, match="non-empty polygon"):
        live.set_grids({"G1": shapely.Point(0, 0)})
    other = synth(n_side=1)
    circles = compute_circles(scenario_of(*other))
    with pytest.raises(GridGovError, match="other units"):
        LiveStats(grids, units, facs, None, circles)


def test_state_is_explicit_and_grows_with_new_grids(setup):
    live, _ = setup
    g = live.grids
    before = {name: len(getattr(g, name)) for name in ("ids", "levels", "geom", "metrics", "alive", "sum_hh",
                                                       "sum_res", "sum_cov", "workers")}
    assert set(before.values()) == {4}
    live.set_grids({"G9": box(400, 400, 500, 500)}, {"G9": "dedicated"})
    assert {len(getattr(g, name)) for name in before} == {5}
    assert live.stats(["G9"])["G9"]["workers"] == 1          # the staffing rule: dedicated grids have workers
    live.set_grids({"M1": box(0, 0, 100, 100)}, {"M1": "micro"})
    assert live.stats(["M1"])["M1"]["workers"] == 0 and live.stats(["M1"])["M1"]["households"] == 40
    src = "".join(p.read_text(encoding="utf-8") for p in (Path(__file__).parents[1] / "engine" / "live").glob("*.py"))
    assert "hasattr(" not in src and "getattr(self" not in src


def test_staffing_rule():
    from gridgov.engine.staffing import workers_for_grids

    params = defaults()
    params["staffing"]["workers_per_general_grid"] = 2
    got = workers_for_grids(np.array(["general", "micro", "dedicated"], dtype=object), params)
    assert got.tolist() == [2.0, 0.0, 2.0]
