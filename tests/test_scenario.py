"""Loader on the bundled sample and on the toy scenario: arrays, CRS, overrides, linking, saving."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest
import shapely

from gridgov.engine.scenario import gpkg
from gridgov.engine.errors import GridGovError, ValidationError
from gridgov.engine.params import DEFAULTS, markdown_table
from gridgov.engine.scenario import load_scenario, save_scenario, scenario_layers, summary, validate_scenario
from gridgov.engine.scenario.load import utm_for
from gridgov.engine.vocab import FACILITY_TYPES, GRID_LEVELS
from scenario_toy import TOML, make_toy, toy_layers

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sample(sample_dir):
    return load_scenario(sample_dir)


def test_sample_loads_clean(sample, sample_dir):
    assert [p for p in validate_scenario(sample_dir) if p.severity == "error"] == []
    assert sample.crs == "EPSG:32648" and sample.meta["synthetic"] is True
    assert "OpenStreetMap" in " ".join(sample.meta["sources"])
    s = summary(sample)
    assert 1500 <= s["units"] <= 3000
    assert s["general"] >= 50 and s["micro"] > s["general"] and s["dedicated"] >= 3
    # Metric coordinates of Chengdu in UTM 48N.
    assert 400_000 < sample.units.x.min() < sample.units.x.max() < 420_000
    assert 3_380_000 < sample.units.y.min() < sample.units.y.max() < 3_400_000


def test_sample_density_and_household_size(sample):
    g = sample.grids
    area_km2 = shapely.area(g.geometry[g.level != "micro"]).sum() / 1e6
    density = sample.units.residents.sum() / area_km2
    assert 10_000 <= density <= 20_000
    pph = sample.units.residents.sum() / sample.units.households.sum()
    assert 2.6 <= pph <= 2.8


def test_sample_grid_hierarchy(sample):
    g, u = sample.grids, sample.units
    general = g.level == "general"
    hh = {gid: 0 for gid in g.id[general]}
    for gid, h in zip(u.grid_id, u.households):
        if gid in hh:
            hh[gid] += h
    sizes = np.array(list(hh.values()))
    assert sizes.min() >= 160 and sizes.max() <= 500 and 300 <= np.median(sizes) <= 450
    # Every unit sits in a micro-grid whose parent is the unit's general grid.
    parent = dict(zip(g.id, g.parent_id))
    assert all(parent[m] == gid for m, gid in zip(u.micro_id, u.grid_id))
    # Codes nest: micro code = parent code + 3 digits; general code = 12-digit community code + 3.
    code = dict(zip(g.id, g.code))
    for gid, c, lv, p in zip(g.id, g.code, g.level, g.parent_id):
        assert re.fullmatch(r"5101(07|04)\d{9}(\d{3})?", c)
        if lv == "micro":
            assert c.startswith(code[p]) and len(c) == len(code[p]) + 3
    assert set(g.level) <= set(GRID_LEVELS)


def test_sample_grids_tile_communities(sample):
    g = sample.grids
    base = g.geometry[g.level != "micro"]
    union = shapely.union_all(base)
    overlap = shapely.area(base).sum() - union.area
    assert abs(overlap) < 1e-4 * union.area  # no overlaps beyond rounding
    for gid in g.id[g.level == "general"][:20]:
        micro = g.geometry[g.parent_id == gid]
        parent = g.geometry[g.id == gid][0]
        assert abs(shapely.area(micro).sum() - parent.area) < 1e-3 * parent.area


def test_sample_facilities(sample):
    f = sample.facilities
    assert set(f.type) <= set(FACILITY_TYPES)
    n_comm = len(set(sample.grids.community))
    n_street = len(set(sample.grids.street))
    assert len(f.of_type("grid_station")) == n_comm
    assert len(f.of_type("governance_centre")) == n_street
    # A grid station's staff = number of general grids of its community (one worker each).
    for i in f.of_type("grid_station"):
        comm = sample.grids.community[sample.grids.level == "general"]
        name = f.name[i].replace("网格工作站", "")
        assert f.staff[i] == (comm == name).sum()
    for kind in ("clinic", "school", "market", "kindergarten", "elderly_care", "police", "supermarket"):
        assert len(f.of_type(kind)) >= 1, kind


def test_roads_real_names_and_topology(sample):
    r = sample.roads
    assert len(r) > 500 and (r.name != "").mean() > 0.6
    assert any("人民南路" in n for n in r.name)
    assert set(np.unique(r.oneway)) <= {-1, 0, 1}
    ends = np.vstack([shapely.get_coordinates(shapely.get_point(r.geometry, 0)),
                      shapely.get_coordinates(shapely.get_point(r.geometry, -1))])
    _, counts = np.unique(np.round(ends, 2), axis=0, return_counts=True)
    assert (counts >= 2).mean() > 0.7  # segments meet at shared junction nodes


def test_overrides_merge_after_toml(sample_dir):
    s = load_scenario(sample_dir, overrides={"demand": {"events_per_1000_residents_month": 12},
                                             "score": {"weights": {"cost": 0.2}}})
    assert s.params["demand"]["events_per_1000_residents_month"] == 12
    assert s.params["score"]["weights"]["cost"] == 0.2
    assert s.params["score"]["weights"]["coverage"] == DEFAULTS["score"]["weights"].default["coverage"]
    with pytest.raises(ValidationError, match="unknown key 'nope'"):
        load_scenario(sample_dir, overrides={"demand": {"nope": 1}})


def test_toml_values_reach_params(tmp_path):
    s = load_scenario(make_toy(tmp_path / "toy"))
    assert s.params["demand"]["events_per_1000_residents_month"] == 10.0
    assert s.params["travel"]["walk_speed_mps"] == DEFAULTS["travel"]["walk_speed_mps"].default


def test_units_linked_by_location_and_warning(tmp_path):
    layers = toy_layers()
    s = load_scenario(make_toy(tmp_path / "a", layers))
    assert list(s.units.grid_id) == ["G1", "G1", "G2", "G2"]
    assert list(s.units.micro_id) == ["M1", "M2", "M3", "M3"]
    assert s.warnings == []
    layers["units"]["columns"]["grid_id"][3] = "G1"  # unit 4 lies in G2
    s = load_scenario(make_toy(tmp_path / "b", layers))
    w = [p for p in s.warnings if p.layer == "units" and p.fid == 4 and p.field == "grid_id"]
    assert w and "lies in grid 'G2'" in w[0].message and s.units.grid_id[3] == "G1"


def test_crs_defaults_to_utm_of_data(tmp_path):
    s = load_scenario(make_toy(tmp_path / "toy", toml=TOML.replace('crs = "EPSG:32648"\n', "")))
    assert s.crs == "EPSG:32648"
    assert utm_for(104.06, 30.6) == "EPSG:32648" and utm_for(-79.4, 43.7) == "EPSG:32617"
    assert utm_for(151.2, -33.9) == "EPSG:32756"


def test_axis_order_lonlat(tmp_path):
    """EPSG:4326 layers are lon/lat in the file; the loader must not swap axes."""
    s = load_scenario(make_toy(tmp_path / "toy"))
    x, y = s.facilities.x[0], s.facilities.y[0]
    assert 400_000 < x < 420_000 and 3_380_000 < y < 3_400_000
    # 100 m boxes stay ~100 m wide after reprojection.
    widths = shapely.bounds(s.grids.geometry)[:2, 2] - shapely.bounds(s.grids.geometry)[:2, 0]
    assert np.allclose(widths, 200, rtol=0.02)


def test_save_scenario_roundtrip(tmp_path, sample):
    grids = dataclasses.replace(sample.grids, name=np.array([n + "*" for n in sample.grids.name], dtype=object))
    out = save_scenario(dataclasses.replace(sample, grids=grids), tmp_path / "copy")
    again = load_scenario(out)
    assert again.crs == sample.crs and again.meta["synthetic"] is True
    assert len(again.units) == len(sample.units) and again.units.households.sum() == sample.units.households.sum()
    assert all(n.endswith("*") for n in again.grids.name)
    assert np.allclose(again.units.x, sample.units.x, atol=0.02)
    assert (again.facilities.type == sample.facilities.type).all()
    # The sample's extra columns (kept in attrs) survive the round trip.
    assert (again.units.attrs["floors"] == sample.units.attrs["floors"]).all()
    assert list(again.facilities.attrs["community"]) == list(sample.facilities.attrs["community"])
    assert "source_edge" in again.roads.attrs
    assert (out / "ATTRIBUTION.md").exists()
    with pytest.raises(GridGovError, match="already exists"):
        save_scenario(sample, out)


def test_save_plain_layers_with_params(tmp_path):
    layers = toy_layers()
    params = {"demand": {"events_per_1000_residents_month": 5.0}}
    out = save_scenario(layers, tmp_path / "new", crs="EPSG:4326", meta={"name": "new", "synthetic": True},
                        params=params)
    s = load_scenario(out)
    assert s.params["demand"]["events_per_1000_residents_month"] == 5.0
    assert s.crs == "EPSG:32648"  # the layers' CRS is not metric: the UTM zone is chosen
    with pytest.raises(GridGovError, match="crs is required"):
        save_scenario(layers, tmp_path / "x")


def test_save_is_atomic(tmp_path, monkeypatch):
    layers = toy_layers()
    out = save_scenario(layers, tmp_path / "s", crs="EPSG:4326")
    before = (out / "layers.gpkg").read_bytes()
    bad = toy_layers()
    bad["units"]["columns"]["households"] = np.array([1, 2])  # wrong length: the write fails
    with pytest.raises(GridGovError):
        save_scenario(bad, out, overwrite=True, crs="EPSG:4326")
    assert (out / "layers.gpkg").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]  # no temporary left behind
    save_scenario(layers, out, overwrite=True, crs="EPSG:4326", meta={"name": "replaced"})
    assert load_scenario(out).name == "replaced"


def test_scenario_layers_shape(sample):
    layers = scenario_layers(sample)
    assert set(layers) == {"roads", "grids", "units", "facilities"}
    for spec in layers.values():
        n = len(spec["geometry"])
        assert all(len(v) == n for v in spec["columns"].values())


def test_docs_have_current_parameter_table():
    doc = (ROOT / "docs" / "scenario.md").read_text(encoding="utf-8")
    assert markdown_table() in doc, "run: python scripts/make_scenario_doc.py"
    for key in list(FACILITY_TYPES) + list(GRID_LEVELS):
        assert f"`{key}`" in doc


def test_regenerate_is_deterministic(tmp_path, shared_data):
    import subprocess
    import sys

    cmd = [sys.executable, str(ROOT / "scripts" / "make_wuhou_scenario.py"), "--out"]
    subprocess.run(cmd + [str(tmp_path / "a")], check=True, capture_output=True, timeout=120)
    a, b = load_scenario(tmp_path / "a"), load_scenario(ROOT / "scenarios" / "chengdu_wuhou")
    assert (a.units.households == b.units.households).all() and (a.grids.id == b.grids.id).all()
    assert gpkg.list_layers(tmp_path / "a" / "layers.gpkg") == gpkg.list_layers(ROOT / "scenarios/chengdu_wuhou/layers.gpkg")


def test_sample_placement(sample):
    """Buildings stand off the carriageways; facilities sit next to a road; dedicated grids hold theirs."""
    tree = shapely.STRtree(sample.roads.geometry)
    _, d_units = tree.query_nearest(sample.units.geometry, return_distance=True)
    assert d_units.min() >= 9.0
    fac = shapely.points(sample.facilities.x, sample.facilities.y)
    _, d_fac = tree.query_nearest(fac, return_distance=True)
    assert np.median(d_fac) < 30 and d_fac.max() < 150
    g = sample.grids
    for gid, geom in zip(g.id[g.level == "dedicated"], g.geometry[g.level == "dedicated"]):
        inside = fac[sample.facilities.grid_id == gid]
        assert len(inside) == 1 and geom.contains(inside[0])
        assert not shapely.contains(geom, shapely.points(sample.units.x, sample.units.y)).any()
