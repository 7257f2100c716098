"""Life circles: exact unit times against an independent networkx construction, bands, tiers,
shares, non-overlapping service areas, band polygons, problems and the CLI."""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
import shapely

from gridgov.engine.circles import band_of, compute_circles
from gridgov.engine.circles.layers import band_layer, grid_columns, responsibility_layer, unit_columns
from gridgov.engine.workflows.circles import CirclesRun, circles_document
from gridgov.engine.scenario.model import Facilities, Grids, Roads, Scenario, Units
from gridgov.engine.params import defaults

FACS = (("clinic", 50.0, 3.0), ("clinic", 400.0, 297.0), ("school", 200.0, 150.0), ("clinic", 230.0, 100.0))


def street_grid(nx_=6, ny=5, step=100.0, facilities=FACS, extra_units=(), island=False, seed=0):
    """A street grid scenario with random units and a few facilities (metric CRS)."""
    lines = [shapely.linestrings([(i * step, j * step) for i in range(nx_)]) for j in range(ny)]
    lines += [shapely.linestrings([(i * step, j * step) for j in range(ny)]) for i in range(nx_)]
    if island:
        lines.append(shapely.linestrings([(2000.0, 0.0), (2100.0, 0.0)]))
    n = len(lines)
    roads = Roads(fid=np.arange(1, n + 1), geometry=np.array(lines, dtype=object),
                  road_class=np.array(["residential"] * n, dtype=object), oneway=np.zeros(n, np.int8),
                  speed_kmh=np.full(n, np.nan), name=np.array([""] * n, dtype=object))
    boxes = [shapely.box(0, 0, 250, 400), shapely.box(250, 0, 500, 400), shapely.box(0, 0, 125, 400)]
    grids = Grids(fid=np.arange(1, 4), id=np.array(["G1", "G2", "M1"], dtype=object),
                  code=np.array(["", "", ""], dtype=object), level=np.array(["general", "general", "micro"], dtype=object),
                  parent_id=np.array(["", "", "G1"], dtype=object), community=np.array(["A", "B", "A"], dtype=object),
                  street=np.array(["S"] * 3, dtype=object), name=np.array(["", "", ""], dtype=object),
                  geometry=np.array(boxes, dtype=object))
    rng = np.random.default_rng(seed)
    k = 60
    ux = np.r_[rng.uniform(0, 500, k), [p[0] for p in extra_units]]
    uy = np.r_[rng.uniform(0, 400, k), [p[1] for p in extra_units]]
    k = ux.size
    units = Units(fid=np.arange(1, k + 1), id=np.array([f"U{i}" for i in range(k)], dtype=object),
                  households=rng.integers(10, 100, k), residents=rng.integers(20, 200, k),
                  grid_id=np.where(ux < 250, "G1", "G2").astype(object),
                  micro_id=np.where(ux < 125, "M1", "").astype(object), x=ux, y=uy, geometry=shapely.points(ux, uy))
    f = len(facilities)
    fac = Facilities(fid=np.arange(1, f + 1) * 10, id=np.array([f"F{i}" for i in range(f)], dtype=object),
                     type=np.array([t for t, _, _ in facilities], dtype=object), name=np.array([""] * f, dtype=object),
                     capacity=np.full(f, np.nan), staff=np.ones(f, np.int64), grid_id=np.array([""] * f, dtype=object),
                     x=np.array([x for _, x, _ in facilities], float), y=np.array([y for _, _, y in facilities], float))
    return Scenario(path=Path("/nonexistent/synthetic"), name="synthetic", description="", crs="EPSG:32648",
                    params=defaults(), meta={}, roads=roads, grids=grids, units=units, facilities=fac)


def oracle_times(c, kind):
    """Seconds from the nearest facility of ``kind`` to each unit on a networkx graph where
    units and facilities are inserted as nodes splitting their edges."""
    net, us, fs = c.network, c.unit_snap, c.facility_snap
    rows = np.flatnonzero((c.scenario.facilities.type == kind) & fs.ok)
    pts: dict[int, list] = {}
    for i in np.flatnonzero(us.ok):
        pts.setdefault(int(us.edge[i]), []).append((us.offset[i], ("u", i)))
    for f in rows:
        pts.setdefault(int(fs.edge[f]), []).append((fs.offset[f], ("f", f)))
    G = nx.Graph()
    for e in range(net.n_edges):
        chain = [(0.0, int(net.edge_u[e]))] + sorted(pts.get(e, []), key=lambda t: t[0]) \
            + [(net.edge_length[e], int(net.edge_v[e]))]
        for (a, na), (b, nb) in zip(chain[:-1], chain[1:]):
            w = (b - a) / net.speed_mps
            if na != nb and (not G.has_edge(na, nb) or G[na][nb]["weight"] > w):
                G.add_edge(na, nb, weight=w)
    ref = nx.multi_source_dijkstra_path_length(G, {("f", f) for f in rows}) if rows.size else {}
    return np.array([ref.get(("u", i), np.inf) for i in range(len(us))])


@pytest.fixture(scope="module")
def circ():
    return compute_circles(street_grid())


def test_unit_times_equal_independent_oracle(circ):
    for kind in circ.types:
        expect = oracle_times(circ, kind)
        np.testing.assert_allclose(circ.unit_time_min[kind] * 60.0, expect, rtol=1e-12, atol=1e-9)
        # walking at 1 m/s: metres = seconds
        np.testing.assert_allclose(circ.unit_distance_m[kind], expect, rtol=1e-12, atol=1e-9)
        assert np.isfinite(expect).all()


def test_nearest_facility_is_consistent(circ):
    from gridgov.engine.network import travel_times

    s = circ.scenario
    rows = s.facilities.of_type("clinic")
    tt = travel_times(circ.network, np.c_[s.facilities.x[rows], s.facilities.y[rows]], np.c_[s.units.x, s.units.y],
                      snap_max_m=300.0)
    best = tt.min(axis=0)
    np.testing.assert_allclose(circ.unit_time_min["clinic"] * 60, best, rtol=1e-12)
    lowest = rows[np.argmax(np.isclose(tt, best[None, :], rtol=1e-12, atol=0), axis=0)]
    assert np.array_equal(circ.unit_nearest["clinic"], lowest)
    assert set(circ.unit_nearest["school"].tolist()) == {int(s.facilities.of_type("school")[0])}


def test_bands_tiers_and_households(circ):
    assert band_of(np.array([0.0, 5.0, 5.0001, 10.0, 15.0, 15.01, np.inf]), [5, 10, 15]).tolist() == [0, 0, 1, 1, 2, 3, 3]
    for t in circ.types:
        assert np.array_equal(circ.unit_band[t], band_of(circ.unit_time_min[t], circ.band_minutes))
        assert np.array_equal(circ.unit_within_tier[t], circ.unit_distance_m[t] <= circ.tier_distance_m[t])
    assert circ.tier_distance_m == {"clinic": 300.0, "school": 500.0}
    hh = circ.scenario.units.households
    clinics = circ.scenario.facilities.of_type("clinic")
    assert circ.facility_households[clinics].sum() == hh.sum()
    for f in clinics:
        assert circ.facility_households[f] == hh[circ.unit_nearest["clinic"] == f].sum()
        assert circ.facility_units[f] == np.sum(circ.unit_nearest["clinic"] == f)


def test_grid_and_community_shares(circ):
    s = circ.scenario
    hh = s.units.households.astype(float)
    for t in circ.types:
        sh = circ.grid_band_share[t]
        assert sh.shape == (3, 4)
        np.testing.assert_allclose(sh.sum(axis=1), 1.0)
        micro = s.units.micro_id == "M1"
        expect = np.bincount(circ.unit_band[t][micro], weights=hh[micro], minlength=4) / hh[micro].sum()
        np.testing.assert_allclose(sh[2], expect)
        np.testing.assert_allclose(circ.shares_for(np.flatnonzero(micro))[t], expect)
        a = s.units.grid_id == "G1"
        np.testing.assert_allclose(circ.community_band_share[t]["A"],
                                   np.bincount(circ.unit_band[t][a], weights=hh[a], minlength=4) / hh[a].sum())
        assert circ.grid_within_tier_share[t][0] == pytest.approx(hh[a & circ.unit_within_tier[t]].sum() / hh[a].sum())
    # custom thresholds flow through
    s2 = street_grid()
    s2.params["circles"]["band_minutes"] = [1, 2, 3]
    s2.params["circles"]["tier_distance_m"]["5min"] = 100.0
    c2 = compute_circles(s2)
    assert np.array_equal(c2.unit_band["clinic"], band_of(c2.unit_time_min["clinic"], [1, 2, 3]))
    assert np.array_equal(c2.unit_within_tier["clinic"], c2.unit_distance_m["clinic"] <= 100.0)


def test_service_areas_do_not_overlap_and_hold_their_units(circ):
    lay = responsibility_layer(circ)
    cols, geom = lay["columns"], lay["geometry"]
    assert lay["geometry_type"] == "MultiLineString" and len(geom) == len(circ.scenario.facilities)
    clinic = np.flatnonzero(cols["type"] == "clinic")
    total = sum(g.length for g in geom[clinic])
    assert total == pytest.approx(circ.network.edge_length.sum(), rel=1e-9)    # complete
    for i in clinic:
        for j in clinic:
            if i < j:
                assert shapely.intersection(geom[i], geom[j]).length < 1e-6  # non-overlapping
    s = circ.scenario
    fac_row = {fid: k for k, fid in enumerate(cols["facility_id"])}
    us = circ.unit_snap
    for u in range(len(s.units)):
        p = shapely.line_interpolate_point(circ.network.edge_geometry[us.edge[u]], us.offset[u])
        f = circ.unit_nearest["clinic"][u]
        assert shapely.distance(p, geom[fac_row[s.facilities.id[f]]]) < 1e-6


def test_band_polygons(circ):
    lay = band_layer(circ)
    assert lay["geometry_type"] == "MultiPolygon"
    cols = lay["columns"]
    assert set(cols["minutes"].tolist()) == {5.0, 10.0, 15.0} and (cols["facility_id"] == "").all()
    us = circ.unit_snap
    for t in circ.types:
        for b in range(3):
            poly = lay["geometry"][(cols["type"] == t) & (cols["band"] == b)][0]
            inside = circ.unit_band[t] <= b
            pts = shapely.line_interpolate_point(circ.network.edge_geometry[us.edge[inside]], us.offset[inside])
            assert shapely.contains(poly.buffer(1e-6), pts).all()
    per = band_layer(circ, per_facility=True)
    assert len(per["geometry"]) == 3 * len(circ.scenario.facilities)
    # the dissolved 15-min polygon of a type covers every per-facility one
    for t in circ.types:
        whole = lay["geometry"][(cols["type"] == t) & (cols["band"] == 2)][0].buffer(1e-6)
        for g in per["geometry"][(per["columns"]["type"] == t) & (per["columns"]["band"] == 2)]:
            assert whole.contains(g)


def test_problems_unsnapped_and_disconnected_are_reported():
    s = street_grid(extra_units=[(5000.0, 5000.0), (2050.0, 5.0)], island=True,
                    facilities=FACS + (("school", 2010.0, 2.0),))
    c = compute_circles(s)
    far, isl = len(s.units) - 2, len(s.units) - 1
    msgs = [(p.layer, p.fid, p.severity) for p in c.problems]
    assert ("units", int(s.units.fid[far]), "warning") in msgs
    assert ("units", int(s.units.fid[isl]), "warning") in msgs
    assert ("facilities", 50, "warning") in msgs
    assert c.unit_component[far] == -1 and c.unit_component[isl] == 1
    assert np.isinf(c.unit_time_min["clinic"][far]) and c.unit_band["clinic"][far] == 3
    assert c.unit_nearest["clinic"][isl] == -1 and c.unit_band["clinic"][isl] == 3
    assert c.unit_nearest["school"][isl] == 4         # the island school serves the island unit
    assert np.isnan(unit_columns(c)["clinic_min"][far])


def test_drive_mode_uses_time_for_bands_and_walk_distance_for_tiers():
    s = street_grid()
    s.params["circles"]["mode"] = "drive"
    c = compute_circles(s)
    walk = compute_circles(street_grid())
    v = 20 / 3.6 * 0.7
    np.testing.assert_allclose(c.unit_time_min["clinic"], walk.unit_time_min["clinic"] / v, rtol=1e-9)
    np.testing.assert_allclose(c.unit_distance_m["clinic"], walk.unit_distance_m["clinic"], rtol=1e-12)


def test_cli_on_sample(tmp_path, sample_dir):
    from gridgov.engine.cli import main
    from gridgov.engine.scenario.gpkg import list_layers

    assert main(["circles", str(sample_dir), "--out", str(tmp_path), "--quiet", "--no-facility-bands"]) == 0
    assert {"units", "facilities", "service_areas", "bands"} <= set(list_layers(tmp_path / "circles.gpkg"))
    summary = json.loads((tmp_path / "circles.json").read_text(encoding="utf-8"))
    assert "grid_station" in summary["types"]
    shares = summary["types"]["grid_station"]["band_share"]
    assert sum(shares.values()) == pytest.approx(1.0)


def test_cli_summary_names_each_types_threshold(tmp_path, sample_dir, capsys):
    # police and fire are judged by a drive time, not a walking distance: the summary of the
    # plain command (not --quiet) must say so instead of failing on the missing distance
    from gridgov.engine.cli import main

    assert main(["circles", str(sample_dir), "--out", str(tmp_path), "--no-facility-bands"]) == 0
    lines = {ln.split()[0]: ln for ln in capsys.readouterr().out.splitlines() if "of households" in ln}
    assert "≤5 min drive:" in lines["police"] and "≤1000 m:" in lines["grid_station"]
    assert len(lines) == len(json.loads((tmp_path / "circles.json").read_text(encoding="utf-8"))["types"])


def test_cli_errors_exit_non_zero(tmp_path, capsys):
    from gridgov.engine.cli import main

    assert main(["circles", str(tmp_path / "missing"), "--out", str(tmp_path / "o"), "--quiet"]) != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()


def test_tier_completeness(circ):
    # clinic is a 5-minute type, school a 10-minute type: each tier has one type here
    assert set(circ.unit_tier_complete) == {"5min", "10min"}
    assert np.array_equal(circ.unit_tier_complete["5min"], circ.unit_within_tier["clinic"])
    s = street_grid(facilities=FACS + (("kindergarten", 480.0, 10.0),))
    c = compute_circles(s)
    both = c.unit_within_tier["clinic"] & c.unit_within_tier["kindergarten"]
    assert np.array_equal(c.unit_tier_complete["5min"], both)
    hh = s.units.households.astype(float)
    g1 = s.units.grid_id == "G1"
    assert c.grid_tier_complete_share["5min"][0] == pytest.approx(hh[g1 & both].sum() / hh[g1].sum())
    assert circles_document(CirclesRun(s, c))["tiers"]["5min"]["types"] == ["clinic", "kindergarten"]
    assert "tier5min_all" in grid_columns(c)


@pytest.mark.parametrize("section,key,value", [
    ("circles", "band_minutes", [10, 5, 15]),
    ("circles", "band_minutes", [5, 10]),
    ("circles", "tier_distance_m", {"5min": -1.0, "10min": 500.0, "15min": 1000.0}),
    ("travel", "snap_max_m", -5.0),
    ("travel", "walk_speed_mps", 0.0),
])
def test_bad_parameters_are_clear_errors(section, key, value):
    from gridgov.engine.errors import GridGovError

    s = street_grid()
    s.params[section][key] = value
    with pytest.raises(GridGovError, match=key):
        compute_circles(s)
