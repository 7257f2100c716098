"""One test per class of bad input: each must be reported with file, layer, feature id and field."""
from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from gridgov.engine import cli
from gridgov.engine.errors import ValidationError
from gridgov.engine.scenario import load_scenario, validate_scenario
from scenario_toy import TOML, make_toy, toy_layers


def errors_of(folder):
    return [p for p in validate_scenario(folder) if p.severity == "error"]


def only(problems, **match):
    hits = [p for p in problems if all(getattr(p, k) == v for k, v in match.items())]
    assert hits, f"no problem matching {match} in {problems}"
    return hits[0]


def test_toy_is_valid(tmp_path):
    folder = make_toy(tmp_path / "toy")
    assert errors_of(folder) == []
    s = load_scenario(folder)
    assert len(s.grids) == 6 and len(s.units) == 4


def test_missing_folder(tmp_path):
    p = only(errors_of(tmp_path / "nowhere"))
    assert "not found" in p.message


def test_missing_toml(tmp_path):
    folder = make_toy(tmp_path / "toy", toml=None)
    p = only(errors_of(folder), file=str(folder / "scenario.toml"))
    assert "missing scenario.toml" in p.message


def test_missing_gpkg(tmp_path):
    folder = make_toy(tmp_path / "toy", layers=False)
    p = only(errors_of(folder), file=str(folder / "layers.gpkg"))
    assert "missing layers.gpkg" in p.message


def test_gpkg_not_a_geopackage(tmp_path):
    folder = make_toy(tmp_path / "toy", layers=False)
    (folder / "layers.gpkg").write_text("not a database")
    p = only(errors_of(folder), file=str(folder / "layers.gpkg"))
    assert "cannot open" in p.message


def test_missing_layer(tmp_path):
    layers = toy_layers()
    del layers["units"]
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="units")
    assert "missing layer 'units'" in p.message


def test_missing_required_field(tmp_path):
    layers = toy_layers()
    del layers["units"]["columns"]["households"]
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="units", field="households")
    assert "missing required field" in p.message


def test_wrong_geometry_type_layer(tmp_path):
    layers = toy_layers()
    layers["facilities"]["geometry"] = shapely.buffer(layers["facilities"]["geometry"], 0.0001)
    layers["facilities"]["geometry_type"] = "Polygon"
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="facilities")
    assert "wrong geometry type Polygon" in p.message


def test_wrong_geometry_type_feature(tmp_path):
    layers = toy_layers()
    layers["units"]["geometry"][1] = LineString([(104.05, 30.63), (104.051, 30.631)])
    fid = 2  # features are numbered from 1
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="units", fid=fid)
    assert "wrong geometry type LineString" in p.message


def test_invalid_geometry(tmp_path):
    layers = toy_layers()
    bow = Polygon([(104.05, 30.63), (104.052, 30.632), (104.052, 30.63), (104.05, 30.632)])
    layers["grids"]["geometry"][1] = bow
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="grids", fid=2)
    assert "invalid geometry" in p.message and "Self-intersection" in p.message


def test_empty_geometry(tmp_path):
    layers = toy_layers()
    layers["facilities"]["geometry"][2] = Point()
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="facilities", fid=3)
    assert "empty" in p.message


def test_missing_crs(tmp_path):
    folder = make_toy(tmp_path / "toy", crs=None)
    problems = errors_of(folder)
    for layer in ("roads", "grids", "units", "facilities"):
        assert "no CRS" in only(problems, layer=layer).message


def test_non_metric_crs(tmp_path):
    folder = make_toy(tmp_path / "toy", toml=TOML.replace("EPSG:32648", "EPSG:4326"))
    p = only(errors_of(folder), field="crs")
    assert "geographic (degrees)" in p.message and "UTM" in p.message


@pytest.mark.parametrize("crs, needle", [("EPSG:3857", "×1.16"), ("EPSG:32633", "stretches distances"),
                                         ("EPSG:2263", "not in metres")])
def test_working_crs_must_measure_true_metres(tmp_path, crs, needle):
    """Web Mercator (×1/cos(lat)), a far-away UTM zone or feet: every distance would be wrong."""
    folder = make_toy(tmp_path / "toy", toml=TOML.replace("EPSG:32648", crs))
    p = only(errors_of(folder), field="crs")
    assert needle in p.message and p.file.endswith("scenario.toml")


def test_duplicate_ids(tmp_path):
    layers = toy_layers()
    layers["grids"]["columns"]["id"][1] = "G1"
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="grids", fid=2, field="id")
    assert "duplicate id 'G1' (also feature 1)" in p.message


@pytest.mark.parametrize("value, expect", [(-5, "negative value -5"), (12.5, "not a whole number")])
def test_bad_households_numbers(tmp_path, value, expect):
    layers = toy_layers()
    layers["units"]["columns"]["households"] = np.array([120.0, value, 200.0, 60.0])
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="units", fid=2, field="households")
    assert expect in p.message


def test_non_numeric_households(tmp_path):
    layers = toy_layers()
    layers["units"]["columns"]["households"] = np.array(["120", "many", "200", "60"], dtype=object)
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="units", fid=2, field="households")
    assert "not a number: 'many'" in p.message


def test_null_residents(tmp_path):
    layers = toy_layers()
    layers["units"]["columns"]["residents"] = np.array([320, None, 540, 150], dtype=object)
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="units", fid=2, field="residents")
    assert "missing" in p.message


def test_unknown_facility_type(tmp_path):
    layers = toy_layers()
    layers["facilities"]["columns"]["type"][1] = "hospital"
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="facilities", fid=2, field="type")
    assert "unknown facility type 'hospital'" in p.message and "grid_station" in p.message


def test_unknown_grid_level(tmp_path):
    layers = toy_layers()
    layers["grids"]["columns"]["level"][5] = "special"
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="grids", fid=6, field="level")
    assert "unknown grid level 'special'" in p.message


@pytest.mark.parametrize("parent, expect", [("G9", "is not a grid id"), ("D1", "is a dedicated grid"),
                                            ("", "without parent_id")])
def test_micro_parent(tmp_path, parent, expect):
    layers = toy_layers()
    layers["grids"]["columns"]["parent_id"][2] = parent
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="grids", fid=3, field="parent_id")
    assert expect in p.message


def test_zero_length_road(tmp_path):
    layers = toy_layers()
    layers["roads"]["geometry"][1] = LineString([(104.05, 30.63), (104.05, 30.63)])
    problems = errors_of(make_toy(tmp_path / "toy", layers))
    assert any(p.layer == "roads" and p.fid == 2 and "zero length" in p.message for p in problems)


def test_toml_syntax_error_has_line(tmp_path):
    folder = make_toy(tmp_path / "toy", toml=TOML.replace('name = "toy"', 'name = "toy'))
    p = only(errors_of(folder), file=str(folder / "scenario.toml"))
    assert "TOML syntax error" in p.message and "line 2" in p.message and p.field == "line 2"


@pytest.mark.parametrize("extra, expect", [
    ("[demand]\nevents_per_month = 3\n", "unknown key 'events_per_month'"),
    ("[colour]\nx = 1\n", "unknown table [colour]"),
    ("[simulation]\ndays = \"many\"\n", "days = 'many' must be float"),
])
def test_toml_unknown_keys_and_types(tmp_path, extra, expect):
    toml = TOML.replace("[demand]\nevents_per_1000_residents_month = 10.0\n", "") + extra
    problems = errors_of(make_toy(tmp_path / "toy", toml=toml))
    assert any(expect in p.message for p in problems), problems


def test_all_problems_reported_at_once(tmp_path):
    layers = toy_layers()
    layers["units"]["columns"]["households"] = np.array([-1, 80, -2, 60])
    layers["facilities"]["columns"]["type"][0] = "castle"
    folder = make_toy(tmp_path / "toy", layers, toml=TOML + "[demand2]\n")
    with pytest.raises(ValidationError) as exc:
        load_scenario(folder)
    fids = {(p.layer, p.fid) for p in exc.value.problems}
    assert {("units", 1), ("units", 3), ("facilities", 1)} <= fids
    assert any("[demand2]" in p.message for p in exc.value.problems)


def test_cli_lists_problems_and_exits_1(tmp_path, capsys):
    layers = toy_layers()
    layers["units"]["columns"]["households"][3] = -7
    folder = make_toy(tmp_path / "toy", layers)
    assert cli.main(["validate", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "layer 'units', feature 4, field 'households': negative value -7" in err
    assert cli.main(["validate", str(folder), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is False and doc["problems"][0]["fid"] == 4


def test_cli_ok_line(tmp_path, capsys):
    assert cli.main(["validate", str(make_toy(tmp_path / "toy"))]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: 2 roads, 6 grids (2 general, 3 micro, 1 dedicated), 4 units "
                          "(460 households, 1220 residents), 3 facilities (1 clinic, 1 grid_station, 1 school)")


def test_unknown_grid_references(tmp_path):
    layers = toy_layers()
    layers["units"]["columns"]["grid_id"][1] = "G7"
    layers["units"]["columns"]["micro_id"][2] = "G2"
    layers["facilities"]["columns"]["grid_id"][0] = "nowhere"
    problems = errors_of(make_toy(tmp_path / "toy", layers))
    assert "grid_id 'G7' is not a grid id" in only(problems, layer="units", fid=2, field="grid_id").message
    assert "not a micro-grid" in only(problems, layer="units", fid=3, field="micro_id").message
    assert "is not a grid id" in only(problems, layer="facilities", fid=1, field="grid_id").message


def test_bad_override_reported_once(tmp_path):
    folder = make_toy(tmp_path / "toy", toml=TOML + "[travel]\nwalk_speed_mps = \"fast\"\n")
    with pytest.raises(ValidationError) as exc:
        load_scenario(folder, overrides={"demand": {"events_per_1000_residents_month": "lots"}, "nope": {}})
    msgs = [(p.file, p.message) for p in exc.value.problems]
    assert sum("walk_speed_mps" in m for _, m in msgs) == 1
    assert any(f == "overrides" and "events_per_1000_residents_month" in m for f, m in msgs)
    assert any(f == "overrides" and "nope" in m for f, m in msgs)


def test_field_aliases_and_case(tmp_path):
    layers = toy_layers()
    cols = layers["roads"]["columns"]
    cols["highway"] = cols.pop("class")
    layers["units"]["columns"]["Households"] = layers["units"]["columns"].pop("households")
    s = load_scenario(make_toy(tmp_path / "toy", layers))
    assert list(s.roads.road_class) == ["primary", "residential"]
    assert s.units.households.tolist() == [120, 80, 200, 60]


def test_missing_field_does_not_hide_other_problems(tmp_path):
    layers = toy_layers()
    del layers["units"]["columns"]["residents"]
    layers["units"]["columns"]["households"][0] = -3
    problems = errors_of(make_toy(tmp_path / "toy", layers))
    assert "missing required field" in only(problems, layer="units", field="residents").message
    assert "negative" in only(problems, layer="units", fid=1, field="households").message


def _with_incidents(times, types):
    layers = toy_layers()
    n = len(times)
    layers["incidents"] = {"geometry": shapely.points(np.full(n, 104.051), np.full(n, 30.631)),
                           "geometry_type": "Point",
                           "columns": {"time": np.array(times, dtype=object), "type": np.array(types, dtype=object)}}
    return layers


def test_incidents_loaded_from_text_times(tmp_path):
    layers = _with_incidents(["2024-05-01T08:30:00", "2024-05-02 17:05:10"], ["dispute", "burglary"])
    s = load_scenario(make_toy(tmp_path / "toy", layers))
    assert s.incidents.time.tolist()[1] == np.datetime64("2024-05-02T17:05:10").astype(object)
    assert 400_000 < s.incidents.x[0] < 420_000
    w = only(s.warnings, layer="incidents", field="type")
    assert "'burglary'" in w.message and w.severity == "warning"


def test_incidents_bad_time(tmp_path):
    layers = _with_incidents(["2024-05-01T08:30:00", "yesterday"], ["dispute", "other"])
    p = only(errors_of(make_toy(tmp_path / "toy", layers)), layer="incidents", fid=2, field="time")
    assert "not a date-time: 'yesterday'" in p.message


def test_validate_runs_every_check_run_makes(tmp_path):
    """What a stage of `run` rejects is already an error of `validate` (located in scenario.toml)."""
    from gridgov.engine.simulation import simulate_scenario
    from gridgov.engine.workflows.validate import validate

    bad = TOML + "[workflow]\ndispatch_policy = \"random\"\n"
    folder = make_toy(tmp_path / "toy", toml=bad)
    if not errors_of(folder):                 # the loader alone may let it through …
        with pytest.raises(ValidationError):  # … the simulation does not …
            simulate_scenario(load_scenario(folder), days=1)
    result = validate(folder)                 # … and neither does validate
    assert not result.ok
    p = only(result.errors, field="dispatch_policy")
    assert p.file == str(folder / "scenario.toml")
    ok = validate(make_toy(tmp_path / "fine"))
    assert ok.ok and ok.errors == []
