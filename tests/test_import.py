"""gridgov import: coordinates, partition, Helsinki from OSM alone, Wuhou roads + a register."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gridgov.engine.scenario import gpkg
from gridgov.engine.cli import main
from gridgov.engine.ingest import coords
from gridgov.engine.ingest.partition import delaunay_edges, partition
from gridgov.engine.params import defaults


def _shared(*parts):
    """A file of ../shared/data (also seen from a worktree one level deeper); skip when absent."""
    root = Path(__file__).resolve().parents[1]
    for base in (root.parent / "shared" / "data", root.parent.parent / "shared" / "data"):
        if base.joinpath(*parts).exists():
            return base.joinpath(*parts)
    pytest.skip("../shared/data not present")


def _metres(lon1, lat1, lon2, lat2):
    k = np.pi / 180 * 6371000
    return np.hypot((lon1 - lon2) * k * np.cos(np.radians(lat1)), (lat1 - lat2) * k)


# Published pairs (wandergis/coordtransform README/test, input 116.404, 39.915 in each system).
def test_gcj02_and_bd09_match_published_pairs_and_round_trip():
    lon, lat = coords.wgs84_to_gcj02(116.404, 39.915)
    assert _metres(lon, lat, 116.41024449916938, 39.91640428150164) < 1.0
    lon, lat = coords.gcj02_to_wgs84(116.404, 39.915)
    assert _metres(lon, lat, 116.39775550083061, 39.91359571849836) < 1.0
    lon, lat = coords.bd09_to_gcj02(116.404, 39.915)
    assert _metres(lon, lat, 116.39762729119315, 39.90865673957631) < 1.0
    lon, lat = coords.gcj02_to_bd09(116.404, 39.915)
    assert _metres(lon, lat, 116.41036949371029, 39.92133699351021) < 1.0
    # round trips over mainland China, vectorised
    rng = np.random.default_rng(3)
    wl, wb = rng.uniform(75, 134, 2000), rng.uniform(18, 53, 2000)
    back = coords.gcj02_to_wgs84(*coords.wgs84_to_gcj02(wl, wb))
    assert _metres(back[0], back[1], wl, wb).max() < 0.01
    back = coords.bd09_to_wgs84(*coords.wgs84_to_bd09(wl, wb))
    assert _metres(back[0], back[1], wl, wb).max() < 0.01
    # the shift is real (hundreds of metres) inside China and zero outside
    assert _metres(*coords.wgs84_to_gcj02(104.06, 30.64), 104.06, 30.64) > 100
    assert coords.wgs84_to_gcj02(24.94, 60.17) == (24.94, 60.17)


def _contiguous(xy, labels):
    e = delaunay_edges(xy)
    e = e[labels[e[:, 0]] == labels[e[:, 1]]]
    n = len(xy)
    k = connected_components(coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n)), directed=False)[0]
    return k == len(np.unique(labels))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_partition_is_contiguous_and_within_norms(seed):
    rng = np.random.default_rng(seed)
    xy = np.vstack([rng.normal(0, 300, (800, 2)), rng.normal(2000, 200, (400, 2))])  # two clusters
    w = rng.integers(1, 80, len(xy)).astype(float)
    labels = partition(xy, w, 400, 160, 500)
    sizes = np.bincount(labels, weights=w)
    assert sizes.min() >= 160 and sizes.max() <= 500
    assert _contiguous(xy, labels)


def test_partition_small_group_is_one_part():
    xy = np.array([[0.0, 0.0], [10.0, 0.0], [20.0, 0.0]])
    assert partition(xy, np.array([30.0, 40.0, 50.0]), 400, 160, 500).tolist() == [0, 0, 0]


@pytest.fixture(scope="module")
def helsinki(tmp_path_factory):
    pbf = _shared("osm", "helsinki_centre.osm.pbf")
    out = tmp_path_factory.mktemp("imp") / "helsinki"
    assert main(["import", "--osm", str(pbf), "--out", str(out), "--quiet"]) == 0
    return out


def test_helsinki_counts_nesting_norms(helsinki):
    from gridgov.engine.scenario import load_scenario

    s = load_scenario(helsinki)
    g, u = s.grids, s.units
    assert len(s.roads) > 3000 and len(u) > 200 and u.households.sum() > 5000
    norm = defaults()["grids"]["general_households"]
    general = g.id[g.level == "general"]
    hh = {gid: u.households[u.grid_id == gid].sum() for gid in general}
    assert all(norm["min"] <= v <= norm["max"] for v in hh.values()), hh
    # towers above [import] unit_max_households became entrance units (one building id/n each)
    assert u.households.max() <= defaults()["import"]["unit_max_households"]
    assert any("/" in i for i in u.id)
    # every unit in exactly one grid (general or dedicated), micro-grids nested in their parent
    assert (u.grid_id != "").all() and set(u.grid_id) <= set(g.id[g.level != "micro"])
    parent = dict(zip(g.id, g.parent_id))
    level = dict(zip(g.id, g.level))
    has_micro = (u.micro_id != "") & np.array([level[x] == "general" for x in u.grid_id])
    assert all(parent[m] == gi for m, gi in zip(u.micro_id[has_micro], u.grid_id[has_micro]))
    assert all(c.startswith(parent[m]) for m, c in zip(g.id[g.level == "micro"], g.code[g.level == "micro"]))
    # general grids do not overlap and tile their community
    gen = g.geometry[g.level == "general"]
    assert shapely.area(shapely.union_all(gen)) == pytest.approx(shapely.area(gen).sum(), rel=1e-3)
    inside = shapely.STRtree(gen).query(shapely.points(u.x, u.y), predicate="within")
    assert len(np.unique(inside[0])) == len(u)
    assert "OpenStreetMap" in " ".join(s.meta["sources"]) and "ODbL" in (helsinki / "ATTRIBUTION.md").read_text()
    assert (s.facilities.type == "grid_station").sum() == len(set(g.community[g.level == "general"]))
    toml = (helsinki / "scenario.toml").read_text()
    assert "[import]" in toml and "dwelling_m2" in toml


def test_helsinki_runs(helsinki, tmp_path):
    assert main(["run", str(helsinki), "--out", str(tmp_path / "run"), "--days", "7", "--no-pdf", "--quiet"]) == 0
    scores = json.loads((tmp_path / "run" / "scores.json").read_text())
    assert scores


@pytest.fixture(scope="module")
def wuhou(tmp_path_factory):
    return _shared("chengdu", "chengdu_wuhou_roads_osm.gpkg")


def test_wuhou_roads_register_join_reports_unjoined(wuhou, tmp_path, capsys):
    _, lines, cols, _ = gpkg.read_layer(wuhou, "edges", crs="EPSG:32648")
    mid = shapely.line_interpolate_point(lines[::10][:40], 0.5, normalized=True)
    xy = shapely.get_coordinates(mid) + [15.0, 15.0]
    blds = shapely.buffer(shapely.points(xy), 8.0, cap_style="square")
    bld_path = tmp_path / "buildings.gpkg"
    gpkg.write_layers(bld_path, {"buildings": {"geometry": blds, "geometry_type": "Polygon", "columns": {
        "BLDG_ID": np.array([f"B{i:03d}" for i in range(len(blds))], dtype=object)}}}, "EPSG:32648")
    lonlat = shapely.get_coordinates(gpkg.transform_geometries(shapely.points(xy), "EPSG:32648", "EPSG:4326"))
    rows = ["楼栋编号,lon,lat,户数,人口,name"]
    rows += [f"B{i:03d},,,{100 + i},{250 + i},by id {i}" for i in range(0, 20)]            # joined by id
    rows += [f",{lonlat[i, 0]:.7f},{lonlat[i, 1]:.7f},{60 + i},,by point {i}" for i in range(20, 40)]  # by location
    rows += ["B999,,,50,120,unknown id", ",104.2,30.9,70,,far away"]                    # cannot join
    csv = tmp_path / "register.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "wuhou"
    rc = main(["import", "--roads", f"{wuhou}|layername=edges", "--buildings", str(bld_path), "--households", str(csv),
               "--map", "id=BLDG_ID", "--region-code", "510107", "--out", str(out)])
    err = capsys.readouterr().err
    assert rc == 0, err
    assert "line 42" in err and "line 43" in err and "joined no building" in err
    from gridgov.engine.scenario import load_scenario

    s = load_scenario(out)
    # 40 buildings; the 19 registered above [import] unit_max_households (100) became 2 entrance units each
    assert len(np.unique(s.units.attrs["source_fid"])) == 40 and len(s.units) == 40 + 19
    assert s.units.households.sum() == sum(100 + i for i in range(20)) + sum(60 + i for i in range(20, 40))
    assert s.units.residents[s.units.id == "B000"][0] == 250
    assert s.units.residents[np.isin(s.units.id, ["B005/1", "B005/2"])].tolist() == [128, 127]
    assert s.units.residents[s.units.id == "B025"][0] == round(85 * 2.62)
    assert all(c.startswith("510107") for c in s.grids.code)
    assert any("register" in src for src in s.meta["sources"]) and "register.csv" in (out / "ATTRIBUTION.md").read_text()


@pytest.mark.parametrize("args, text, code", [
    (["--crs", "EPSG:3857"], "Mercator", 2),
    (["--crs", "EPSG:4326"], "geographic", 2),
    (["--bbox", "10,11"], "MINLON,MINLAT,MAXLON,MAXLAT", 2),
    (["--map", "households"], "KEY=FIELD", 2),
    (["--coords", "gcj02", "--region-code", "12"], "6 digits", 2),
    (["--bbox", "10,10,11,11"], "clip area holds none", 1),     # a valid box where there is no data
])
def test_bad_options_are_located(wuhou, tmp_path, capsys, args, text, code):
    argv = ["import", "--roads", f"{wuhou}|layername=edges", "--out", str(tmp_path / "x"), "--quiet", *args]
    if code == 2:
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    else:
        assert main(argv) == 1
    assert text in capsys.readouterr().err


def _toy_boundaries(tmp_path, layer, rows):
    """Polygons in UTM 48N (same frame as tests/import_toy.py) stored as EPSG:4326."""
    path = tmp_path / f"{layer}.gpkg"
    geoms = np.array([shapely.box(*r["box"]) for r in rows], dtype=object)
    cols = {k: np.array([r[k] for r in rows], dtype=object) for k in rows[0] if k != "box"}
    gpkg.write_layers(path, {layer: {"geometry": geoms, "geometry_type": "Polygon", "columns": cols}},
                      "EPSG:4326", source_crs="EPSG:32648")
    return path


def test_boundaries_name_communities_and_grids_never_cross_them(tmp_path):
    from import_toy import make_district

    from gridgov.engine.scenario import load_scenario

    roads, blds = make_district(tmp_path / "src", blocks=8)
    x0, y0, side = 404000.0, 3389000.0, 8 * 120.0
    bounds = _toy_boundaries(tmp_path, "communities", [
        {"box": (x0 - 50, y0 - 50, x0 + side / 2, y0 + side + 50), "name": "西社区", "street": "甲街道"},
        {"box": (x0 + side / 2, y0 - 50, x0 + side + 50, y0 + side + 50), "name": "东社区", "street": "甲街道"}])
    out = tmp_path / "new"
    assert main(["import", "--roads", str(roads), "--buildings", str(blds), "--boundaries", str(bounds),
                 "--map", "floors=FLOORS", "--region-code", "510107", "--out", str(out), "--quiet"]) == 0
    s = load_scenario(out)
    g, u = s.grids, s.units
    general = g.level == "general"
    assert set(g.community[general]) == {"西社区", "东社区"} and set(g.street[general]) == {"甲街道"}
    west = u.x < x0 + side / 2
    for gid, comm in zip(g.id[general], g.community[general]):
        members = u.grid_id == gid
        assert members.any() and (west[members] == (comm == "西社区")).all()
    # codes nest street → community → grid
    assert len({c[:12] for c in g.code[general]}) == 2 and all(len(c) == 15 for c in g.code[general])


def test_given_grids_are_kept_with_their_codes(tmp_path):
    from import_toy import make_district

    from gridgov.engine.scenario import load_scenario

    roads, blds = make_district(tmp_path / "src")
    x0, y0, half = 404000.0, 3389000.0, 3 * 120.0
    grids = _toy_boundaries(tmp_path, "grids", [
        {"box": (x0 - 50 + i * half, y0 - 50 + j * half, x0 + (i + 1) * half + (50 if i else 0),
                 y0 + (j + 1) * half + (50 if j else 0)),
         "GRID_NO": f"G{i}{j}", "level": "general", "community": "c"} for i in range(2) for j in range(2)])
    out = tmp_path / "new"
    assert main(["import", "--roads", str(roads), "--buildings", str(blds), "--grids", str(grids),
                 "--map", "id=GRID_NO", "--out", str(out), "--quiet"]) == 0
    s = load_scenario(out)
    assert sorted(s.grids.id) == ["G00", "G01", "G10", "G11"] and sorted(s.grids.code) == sorted(s.grids.id)
    assert (s.units.grid_id != "").all()


def test_partition_groups_matches_norms_and_never_crosses_groups():
    from gridgov.engine.ingest.partition import partition_groups

    rng = np.random.default_rng(5)
    xy = rng.random((6000, 2)) * 3000
    w = rng.integers(1, 40, len(xy)).astype(float)
    group = (xy[:, 0] // 1000).astype(np.int64) * 3 + (xy[:, 1] // 1000).astype(np.int64)
    labels = partition_groups(xy, w, group, 400, 160, 500, delaunay_edges(xy))
    sizes = np.bincount(labels, weights=w)
    assert sizes.min() >= 160 and sizes.max() <= 500
    assert all(len(np.unique(group[labels == lab])) == 1 for lab in np.unique(labels))
    assert _contiguous(xy, labels) or all(
        _contiguous(xy[group == g], np.unique(labels[group == g], return_inverse=True)[1]) for g in np.unique(group))
