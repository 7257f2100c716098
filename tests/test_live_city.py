"""Live statistics on a generated city: every incremental update equals a computation from
scratch (facility catchments, grid memberships and sums, norms, the saved baseline), and the
editing helpers find what they need without reading the whole layer."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import shapely


@pytest.fixture(scope="module")
def city(tmp_path_factory, make_city):
    out = tmp_path_factory.mktemp("livecity") / "city"
    make_city.generate("150000", out, seed=11)
    from gridgov.engine.circles import compute_circles
    from gridgov.engine.scenario import load_scenario

    scn = load_scenario(out)
    return scn, compute_circles(scn)


def fresh_times(live, circles, kind):
    """Walking minutes of ``kind`` computed from scratch for the live facility table."""
    from gridgov.engine.live.nearest import NearestField, UnitsOnEdges

    mine = [(k, f) for k, f in live.fac.items() if f["type"] == kind]
    field = NearestField(UnitsOnEdges(circles.network, circles.unit_snap), live.coverage.snap_max_m,
                         [k for k, _ in mine], [f["x"] for _, f in mine], [f["y"] for _, f in mine])
    return field.minutes()


def test_facility_edits_equal_a_full_search(city):
    from gridgov.engine.live import LiveStats

    scn, circles = city
    live = LiveStats.from_scenario(scn, circles)
    rng = np.random.default_rng(3)
    types = live.cov_types
    assert len(types) >= 3
    for step in range(14):
        ids = sorted(live.fac)
        fid = ids[int(rng.integers(len(ids)))]
        f = live.fac[fid]
        what = step % 4
        if what == 0:       # move a few hundred metres
            live.set_facility(fid, x=f["x"] + rng.uniform(-600, 600), y=f["y"] + rng.uniform(-600, 600))
        elif what == 1:     # remove
            live.remove_facility(fid)
        elif what == 2:     # place a new one
            live.set_facility(f"new{step}", types[step % len(types)], f["x"] + 80.0, f["y"] - 40.0)
        else:               # change its type
            live.set_facility(fid, types[(types.index(f["type"]) + 1) % len(types)] if f["type"] in types
                              else types[0], f["x"], f["y"])
        for kind in types:
            np.testing.assert_array_equal(live.times[kind], fresh_times(live, circles, kind), err_msg=f"{step} {kind}")
    # the per-grid coverage equals statistics built afresh from the edited facilities
    from gridgov.engine.scenario.model import Facilities

    ids = sorted(live.fac)
    col = [live.fac[k] for k in ids]
    facs = Facilities(np.arange(len(ids)), np.array(ids, dtype=object), np.array([c["type"] for c in col], dtype=object),
                      np.array(ids, dtype=object), np.full(len(ids), np.nan), np.array([c["staff"] for c in col]),
                      np.array([c["grid_id"] for c in col], dtype=object), np.array([c["x"] for c in col]),
                      np.array([c["y"] for c in col]))
    again = LiveStats(scn.grids, scn.units, facs, scn.params, circles)
    np.testing.assert_allclose(live.grids.sum_cov, again.grids.sum_cov, atol=1e-6)


def test_grid_edits_keep_memberships_and_sums_exact(city, monkeypatch):
    from gridgov.engine.live import LiveStats
    from gridgov.engine.live import updates
    from gridgov.engine.live.slots import GridSlots

    monkeypatch.setattr(GridSlots, "REBUILD_AFTER", 3)     # the point index is rebuilt along the way
    scn, circles = city
    live = LiveStats.from_scenario(scn, circles)
    g = live.grids
    rng = np.random.default_rng(5)
    general = [s for s in g.live_slots(0) if g.levels[s] == "general"]
    assigned = (live.units.member >= 0).sum(axis=0)
    for step in range(10):
        s = general[int(rng.integers(len(general)))]
        if not g.alive[s]:
            continue
        gid, geom = g.ids[s], g.geom[s]
        x0, y0, x1, y1 = geom.bounds
        if step % 3 == 2:      # merge with a neighbour of the same level
            near = [k for k in g._tree_slots[g._tree.query(geom, predicate="touches")]
                    if g.alive[k] and g.levels[k] == "general" and k != s and k not in g.stale]
            if near:
                other = int(near[0])
                live.set_grids({gid: shapely.union(geom, g.geom[other]), g.ids[other]: None})
                continue
        xm = (x0 + x1) / 2
        left = geom.intersection(shapely.box(x0 - 1, y0 - 1, xm, y1 + 1))
        right = geom.intersection(shapely.box(xm, y0 - 1, x1 + 1, y1 + 1))
        live.set_grids({gid: left, f"{gid}-{step}": right}, {f"{gid}-{step}": "general"})
    g.rebuild_tree()
    s = general[0] if g.alive[general[0]] else g.live_slots(0)[0]
    x0, y0, x1, y1 = g.geom[s].bounds
    top = g.geom[s].intersection(shapely.box(x0 - 1, (y0 + y1) / 2, x1 + 1, y1 + 1))
    live.set_grids({g.ids[s]: g.geom[s].difference(top), "last": top}, {"last": "general"})
    assert g.stale       # edited since the last rebuild: the lookup checks them one by one
    # every unit sits in a live grid of its level that covers it, as a search over all grids finds
    u = live.units
    np.testing.assert_array_equal((u.member >= 0).sum(axis=0), assigned)    # splits and merges lose no unit
    for col in (0, 1):
        member = u.member[:, col]
        has = member >= 0
        assert shapely.covers(np.array(g.geom, dtype=object)[member[has]], u.points[has]).all()
        assert g.alive[member[has]].all()
    sums = g.sum_hh.copy(), g.sum_res.copy(), g.sum_cov.copy()
    updates.recount(g, u, live.coverage.ucov)
    np.testing.assert_allclose(sums[0], g.sum_hh)
    np.testing.assert_allclose(sums[1], g.sum_res)
    np.testing.assert_allclose(sums[2], g.sum_cov, atol=1e-6)
    geoms = np.array(g.geom, dtype=object)
    for k in rng.choice(len(u), 150, replace=False):
        for col in (0, 1):
            live_col = np.array(g.live_slots(col))
            hits = live_col[shapely.covers(geoms[live_col], u.points[k])]
            assert g.slot_at(float(u.x[k]), float(u.y[k]), col) == (int(hits.min()) if len(hits) else -1)


def test_norms_baseline_and_workers_match_the_rows(city):
    from gridgov.engine.live import STAT_KEYS, LiveStats

    scn, circles = city
    live = LiveStats.from_scenario(scn, circles)
    rows = live.stats()
    assert {r["grid_id"] for r in live.norm_failures()} == {g for g, r in rows.items() if not r["norm_ok"]}
    for gid in list(rows)[:200]:
        assert live.baseline[gid] == pytest.approx({k: rows[gid][k] for k in STAT_KEYS}, nan_ok=True)
    assert len(live.baseline) == len(rows) and "nope" not in live.baseline
    gid = next(g for g, r in rows.items() if r["level"] == "general")
    live.set_grids({gid: None})
    assert live.stats([gid])[gid]["workers"] == 0 and gid in live.baseline


def test_unique_ids_and_feature_ids_without_reading_the_layer(qgis_new_project):
    from qgis.core import QgsFeature, QgsVectorLayer

    from gridgov.plugin.maptools.edits import ids_with_prefix, unique_id
    from gridgov.plugin.services.live_adapter import FeatureIds

    layer = QgsVectorLayer("Polygon?crs=EPSG:32648&field=id:string", "g", "memory")
    feats = []
    for v in ("A", "A-2", "A-3", "AB-2", "A.2", "B-2"):
        f = QgsFeature(layer.fields())
        f.setAttributes([v])
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    assert ids_with_prefix(layer, "A-") == {"A-2", "A-3"}
    layer.startEditing()
    f = QgsFeature(layer.fields())
    f.setAttributes(["A-4"])
    layer.addFeature(f)                       # in the edit buffer only
    assert unique_id(layer, "A") == "A-5" and unique_id(layer, "B") == "B-3" and unique_id(layer, "Z") == "Z-2"
    layer.rollBack()
    ids = FeatureIds({1: "G1", 2: "G2", 3: "G1"})
    assert ids.fid_of("G1") == 1 and ids.has_id("G2")
    ids.pop(1)
    assert ids.fid_of("G1") == 3
    ids[3] = "G9"
    assert not ids.has_id("G1") and ids.fid_of("G9") == 3 and ids.get(3) == "G9"
