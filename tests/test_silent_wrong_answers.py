"""Inputs that used to load without a word and give a wrong answer (coverage quietly 0, 35,000
households instead of 35,044, a better score without any workstation): each is now a located
problem, an error where the result would be wrong, with what to do."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
import shapely

from gridgov.engine import cli
from gridgov.engine.scenario import check_scenario
from scenario_toy import DX, DY, TOML, X0, Y0, _b, make_toy, toy_layers


def _problems(folder: Path, severity: str = "error") -> list:
    scenario, problems = check_scenario(folder)
    found = [p for p in problems if p.severity == severity]
    assert (scenario is None) == (severity == "error" and bool(found)), problems
    return found


def _toy(tmp_path: Path, layers: dict | None = None, toml: str = TOML) -> Path:
    return make_toy(tmp_path / "toy", layers=layers, toml=toml)


def _sql(folder: Path, statement: str, *args) -> None:
    db = sqlite3.connect(folder / "layers.gpkg")
    for name in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):  # GDAL's R-tree triggers
        db.create_function(name, 1, lambda g: 0)
    with db:
        db.execute(statement, args)
    db.close()


def test_the_toy_itself_is_clean(tmp_path):
    scenario, problems = check_scenario(_toy(tmp_path))
    assert scenario is not None and not [p for p in problems if p.severity == "error"], problems


def test_a_facility_50_km_away_is_an_error_naming_it(tmp_path):
    layers = toy_layers()
    layers["facilities"]["geometry"][1] = shapely.Point(104.05 + 0.52, 30.63)  # ~50 km east
    errors = _problems(_toy(tmp_path, layers))
    p = next(p for p in errors if p.layer == "facilities")
    assert p.fid == 2 and p.field == "geometry" and p.file.endswith("layers.gpkg")
    assert "km from the nearest road, outside the area the roads cover" in p.message


def test_facilities_in_degrees_labelled_as_metres(tmp_path):
    folder = _toy(tmp_path)
    db = sqlite3.connect(folder / "layers.gpkg")
    from osgeo import osr

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32648)
    with db:
        db.execute("INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, "
                   "definition) VALUES ('UTM 48N', 32648, 'EPSG', 32648, ?)", (srs.ExportToWkt(),))
        db.execute("UPDATE gpkg_geometry_columns SET srs_id = 32648 WHERE table_name = 'facilities'")
        db.execute("UPDATE gpkg_contents SET srs_id = 32648 WHERE table_name = 'facilities'")
    db.close()
    errors = _problems(folder)
    assert any(p.layer == "facilities" and "check the layer's CRS" in p.message and "nowhere near the roads" in p.message
               for p in errors), errors


def test_a_large_share_of_a_layer_off_the_roads_points_at_the_crs(tmp_path):
    layers = toy_layers()
    pts = [shapely.Point(104.05 + 0.5 * DX + k * 0.0001, 30.63 + 0.008) for k in range(4)]  # ~700 m off
    layers["units"]["geometry"] = np.array(pts, dtype=object)
    layers["grids"]["geometry"][0] = shapely.box(104.049, 30.62, 104.055, 30.66)           # still in a grid
    errors = _problems(_toy(tmp_path, layers))
    layer_level = [p for p in errors if p.layer == "units" and p.fid is None]
    assert layer_level and "4 of 4 units (100%) are farther than snap_max_m = 300 m" in layer_level[0].message
    assert "check the layer's CRS" in layer_level[0].message
    assert sorted(p.fid for p in errors if p.layer == "units" and p.fid is not None and p.field == "geometry") \
        == [1, 2, 3, 4]


def test_a_few_units_in_a_gap_of_the_road_network_are_warnings(tmp_path):
    layers = toy_layers()
    layers["grids"]["geometry"][1] = _b(2, 0, 4, 6)                      # grid G2 reaches 600 m north …
    layers["units"]["geometry"][3] = shapely.Point(X0 + 4 * DX, Y0 + 5 * DY)  # … where a unit is 360 m off-road
    warnings = [p for p in _problems(_toy(tmp_path, layers), "warning") if p.field == "geometry"]
    assert [(p.layer, p.fid) for p in warnings] == [("units", 4)]
    assert "m from the nearest road (snap_max_m = 300 m): it is not served" in warnings[0].message


def test_a_unit_30_km_outside_the_grid_it_names(tmp_path):
    layers = toy_layers()
    layers["units"]["geometry"][0] = shapely.Point(104.05 + 0.005, 30.63 - 0.27)  # ~30 km south, grid_id 'G1'
    errors = _problems(_toy(tmp_path, layers))
    p = next(p for p in errors if p.layer == "units" and p.field == "grid_id")
    assert p.fid == 1 and "km outside grid 'G1' named by its grid_id, and in no grid" in p.message


def test_a_unit_outside_every_grid_without_grid_id(tmp_path):
    layers = toy_layers()
    layers["units"]["geometry"][1] = shapely.Point(104.05 + 1.5 * DX, 30.63 - 0.0009)  # 100 m south of the grids
    errors = _problems(_toy(tmp_path, layers))
    assert any(p.fid == 2 and p.field == "grid_id" and "outside every general/dedicated grid" in p.message
               for p in errors), errors


@pytest.mark.parametrize("value, needle", [("abc", "not a number: 'abc' stored in a numeric field"),
                                           (2.5, "2.5 is not a whole number (it would be read as 2)")])
def test_non_integer_households_are_read_raw_not_coerced(tmp_path, value, needle):
    folder = _toy(tmp_path)
    _sql(folder, "UPDATE units SET households = ? WHERE fid IN (2, 4)", value)
    errors = _problems(folder)
    hits = [p for p in errors if p.field == "households"]
    assert [p.fid for p in hits] == [2, 4] and all(needle in p.message and p.layer == "units" for p in hits)


def test_text_in_a_real_field_is_located(tmp_path):
    folder = _toy(tmp_path)
    _sql(folder, "UPDATE facilities SET capacity = 'lots' WHERE fid = 2")
    errors = _problems(folder)
    assert any(p.layer == "facilities" and p.fid == 2 and p.field == "capacity" and "'lots'" in p.message
               for p in errors), errors


def test_a_scenario_without_any_workstation(tmp_path, capsys):
    layers = toy_layers()
    layers["facilities"]["columns"]["type"][0] = "clinic"
    folder = _toy(tmp_path, layers)
    errors = _problems(folder)
    p = next(p for p in errors if "no grid workstation" in p.message)
    assert p.layer == "facilities" and p.field == "type" and "add at least one" in p.message
    assert cli.main(["run", str(folder), "--out", str(tmp_path / "o"), "--days", "1", "--quiet", "--no-pdf"]) == 1
    assert "no grid workstation" in capsys.readouterr().err and not (tmp_path / "o" / "scores.json").exists()


def test_every_bad_incident_row_is_listed(tmp_path):
    layers = toy_layers()
    n = 4
    layers["incidents"] = {
        "geometry": np.array([shapely.Point(104.05 + DX, 30.63 + 0.0001)] * n, dtype=object), "geometry_type": "Point",
        "columns": {"time": np.array(["2024-05-01T08:00:00", "yesterday", "2024-13-40", "noon"], dtype=object),
                    "type": np.array(["dispute"] * n, dtype=object)}}
    errors = _problems(_toy(tmp_path, layers))
    assert [p.fid for p in errors if p.layer == "incidents" and p.field == "time"] == [2, 3, 4]


def test_a_utf8_bom_in_scenario_toml_is_accepted(tmp_path):
    folder = _toy(tmp_path)
    (folder / "scenario.toml").write_bytes(b"\xef\xbb\xbf" + TOML.encode("utf-8"))
    scenario, problems = check_scenario(folder)
    assert scenario is not None and scenario.name == "toy", problems


def test_an_absurd_count_is_out_of_range_not_cast(tmp_path):
    folder = _toy(tmp_path)
    _sql(folder, "UPDATE facilities SET staff = ? WHERE fid = 1", 1e12)
    _sql(folder, "UPDATE units SET residents = ? WHERE fid = 3", float("inf"))
    errors = _problems(folder)
    assert any(p.layer == "facilities" and p.fid == 1 and p.field == "staff" and "out of range" in p.message
               for p in errors), errors
    assert any(p.layer == "units" and p.fid == 3 and p.field == "residents" for p in errors), errors
