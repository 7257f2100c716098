"""LiveStats on the bundled Chengdu Wuhou sample: agrees with the full computations."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from gridgov.engine.circles import compute_circles
from gridgov.engine.live import LiveStats
from gridgov.engine.scenario import load_scenario


@pytest.fixture(scope="module")
def sample(sample_dir):
    scn = load_scenario(sample_dir)
    circles = compute_circles(scn)
    return scn, circles, LiveStats.from_scenario(scn, circles)


def test_baseline_agrees_with_circles_and_units(sample):
    scn, circles, live = sample
    stats = live.stats()
    hh = {}
    for gid, h in zip(scn.units.grid_id, scn.units.households):
        hh[gid] = hh.get(gid, 0) + h
    for gid, h in zip(scn.units.micro_id, scn.units.households):
        if gid:
            hh[gid] = hh.get(gid, 0) + h
    assert {g: r["households"] for g, r in stats.items() if r["households"]} == \
        pytest.approx({g: float(v) for g, v in hh.items() if v})
    types = live.cov_types
    for k in np.flatnonzero(scn.grids.level == "general")[:20]:
        gid = scn.grids.id[k]
        cum = np.mean([np.cumsum(circles.grid_band_share[t][k])[:3] for t in types], axis=0)
        got = [stats[gid][b] for b in ("cov_5", "cov_10", "cov_15")]
        assert got == pytest.approx(cum), gid


def test_split_then_undo_restores_the_baseline(sample):
    scn, _, live = sample
    k = int(np.flatnonzero(scn.grids.level == "general")[3])
    gid, geom = scn.grids.id[k], scn.grids.geometry[k]
    x0, y0, x1, y1 = geom.bounds
    xm = (x0 + x1) / 2
    left = geom.intersection(shapely.box(x0 - 1, y0 - 1, xm, y1 + 1))
    right = geom.intersection(shapely.box(xm, y0 - 1, x1 + 1, y1 + 1))
    before = live.stats([gid])[gid]
    up = live.set_grids({gid: left, gid + "-2": right})
    assert up.stats[gid]["households"] + up.stats[gid + "-2"]["households"] == before["households"]
    assert up.relocated and all(v == ("grid_id", gid + "-2") for v in up.relocated.values())
    back = live.set_grids({gid: geom, gid + "-2": None})
    assert back.stats[gid]["households"] == before["households"]
    assert list(back.stats[gid]["delta"].values()) == pytest.approx([0] * 8, abs=1e-9)


def test_facility_move_equals_full_circles(sample):
    import dataclasses

    scn, _, _ = sample
    live = LiveStats.from_scenario(scn)
    fac = scn.facilities
    kind = next(t for t in live.cov_types if len(fac.of_type(t)) >= 2)
    j = int(fac.of_type(kind)[0])
    x, y = float(fac.x[j]) + 180.0, float(fac.y[j]) - 120.0
    live.set_facility(str(fac.id[j]), x=x, y=y)
    moved = dataclasses.replace(fac, x=fac.x.copy(), y=fac.y.copy())
    moved.x[j], moved.y[j] = x, y
    full = compute_circles(dataclasses.replace(scn, facilities=moved))
    np.testing.assert_array_equal(live.times[kind], full.unit_time_min[kind])
    again = LiveStats.from_scenario(dataclasses.replace(scn, facilities=moved), full)
    got, want = live.stats(), again.stats()
    for g in want:
        assert [got[g][b] for b in ("cov_5", "cov_10", "cov_15")] == \
            pytest.approx([want[g][b] for b in ("cov_5", "cov_10", "cov_15")], nan_ok=True), g
