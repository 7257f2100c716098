"""The one parameter schema (engine/params.py): declarations, checks located by section and field,
plausibility limits, and the same answer from ``validate`` (API and CLI), ``run`` and batch."""
import json
import math

import pytest

from gridgov.engine import cli, params
from gridgov.engine.errors import ValidationError
from gridgov.engine.param_checks import BYTES_PER_INCIDENT, check_value, expected_incidents
from gridgov.engine.params import DEFAULTS, Param, iter_params
from gridgov.engine.scenario import load_scenario, validate_scenario

from scenario_toy import TOML, make_toy


def test_every_param_has_labels_source_and_a_sound_default():
    for sec, key, p in iter_params():
        assert p.en and p.zh and p.doc, f"[{sec}] {key} needs en/zh labels and a doc"
        assert p.source, f"[{sec}] {key} needs a source (public norm, DOMAIN figure) or [A]/[setting]"
        assert check_value(sec, key, p, p.default) == [], f"[{sec}] {key}: default fails its own schema"
    assert params.check(params.defaults()) == []


def test_schema_choices_are_the_code_vocabularies():
    from gridgov.engine.score.registry import GROUPS
    from gridgov.engine.simulation.run import ENGINES
    from gridgov.engine.simulation.workflow import POLICIES
    from gridgov.engine.vocab import INCIDENT_TYPES, TRAVEL_MODES, URGENCIES

    assert set(DEFAULTS["workflow"]["dispatch_policy"].choices) == set(POLICIES)
    assert set(DEFAULTS["simulation"]["engine"].choices) == set(ENGINES)
    assert set(DEFAULTS["travel"]["worker_mode"].choices) == set(TRAVEL_MODES)
    assert set(DEFAULTS["demand"]["type_mix"].keys) == set(INCIDENT_TYPES)
    assert set(DEFAULTS["demand"]["urgency_mix"].keys) == set(URGENCIES)
    assert set(DEFAULTS["score"]["weights"].keys) == set(GROUPS) == set(DEFAULTS["score"]["weights"].key_labels)


def test_old_style_declarations_still_work():
    """Other stages add parameters as Param(default, unit, doc, source): type from the default."""
    p = Param(3, "workers", "a count", "[A]")
    assert (p.kind, p.range, p.label("zh")) == ("int", "", "a count")
    assert check_value("x", "n", p, 2.5) and not check_value("x", "n", p, 7)
    roster = Param({"grid_worker": {"days": [0, 1, 2, 3, 4], "hours": [8, 17]}}, "", "rosters", "[A]", open_keys=True)
    assert roster.kind == "table" and roster.keys is None and roster.item == "table"
    assert check_value("staffing", "rosters", roster, {"night": {"hours": [20, 8]}}) == []
    assert check_value("staffing", "rosters", roster, {"night": {"hours": [20, math.nan]}})
    added = Param({}, "", "facility types added by the user", "[setting]")
    assert added.open_keys and check_value("coverage", "types", added, {"pharmacy": {"tier": "5min"}}) == []
    optional = Param(None, "", "an optional setting", "[setting]")
    assert optional.kind == "any" and check_value("x", "o", optional, {"a": [1, 2]}) == []
    with pytest.raises(ValueError):
        Param(1.0, range="0..3")


def test_params_command_prints_the_schema(capsys):
    assert cli.main(["params", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    walk = doc["travel"]["walk_speed_mps"]
    assert walk["label_zh"] == "步行速度" and walk["min"] == 0 and walk["min_exclusive"] is True
    assert doc["demand"]["type_mix"]["sum_to_1"] is True
    assert cli.main(["params"]) == 0
    assert "| travel | walk_speed_mps | `1.0` | m/s | (0, 3] |" in capsys.readouterr().out


# Each bad value of the issue: (scenario.toml text, section, field, words the message must hold).
BAD = [
    ("[travel]\nwalk_speed_mps = 0.0", "travel", "walk_speed_mps", "outside (0, 3]"),
    ("[travel]\nwalk_speed_mps = inf", "travel", "walk_speed_mps", "must be finite"),
    ("[travel]\nwalk_speed_mps = nan", "travel", "walk_speed_mps", "NaN"),
    ("[travel]\nwalk_speed_mps = true", "travel", "walk_speed_mps", "not true/false"),
    ("[travel]\nnode_tolerance_m = 1e9", "travel", "node_tolerance_m", "outside [0, 50]"),
    ("[workflow]\nescalated_median_h = {street = inf}", "workflow", "escalated_median_h.street", "finite"),
    ("[workflow]\nhandle_p90_min = 10.0", "workflow", "handle_p90_min", "below handle_median_min"),
    ("[demand]\nevents_per_1000_residents_month = -5.0", "demand", "events_per_1000_residents_month", "outside"),
    ("[demand]\ntype_mix = {dispute = 0.5}", "demand", "type_mix", "must add up to 1, got 1.4"),
    ("[demand]\ntype_mix = {arson = 0.1}", "demand", "type_mix.arson", "unknown"),
    ("[demand]\nurgency_mix = {urgent = 0.2, normal = 0.2, complex = 0.2}", "demand", "urgency_mix", "add up to 1"),
    ("[demand]\nday_start_hour = 23", "demand", "day_start_hour", "before night_start_hour"),
    ("[score]\nweights = {cost = -1.0}", "score", "weights.cost", "outside [0, 1000]"),
    ("[score]\nweights = {coverage = 0, response = 0, closure = 0, balance = 0, size = 0, compactness = 0, "
     "cost = 0}", "score", "weights", "all 0"),
    ("[staffing]\nworkers_per_general_grid = 1.5", "staffing", "workers_per_general_grid", "whole number"),
    ("[simulation]\ndays = 1e6", "simulation", "days", "outside"),
    ("[simulation]\nengine = \"fortran\"", "simulation", "engine", "one of numba, simpy"),
    ("[circles]\nband_minutes = [5, 10]", "circles", "band_minutes", "needs 3 values"),
]


@pytest.fixture(scope="module")
def toy_dir(tmp_path_factory):
    return make_toy(tmp_path_factory.mktemp("schema") / "toy")


def _with(folder, extra: str):
    base = TOML.replace("[demand]\nevents_per_1000_residents_month = 10.0\n", "")
    (folder / "scenario.toml").write_text(base + "\n" + extra + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("extra, section, fld, needle", BAD)
def test_bad_values_are_located_by_validate(toy_dir, capsys, extra, section, fld, needle):
    folder = _with(toy_dir, extra)
    errors = [p for p in validate_scenario(folder) if p.severity == "error"]
    assert [(p.layer, p.field) for p in errors] == [(section, fld)], errors
    assert needle in errors[0].message and errors[0].file == str(folder / "scenario.toml")
    assert cli.main(["validate", str(folder)]) == 1  # exit 1, never 3
    err = capsys.readouterr().err
    assert f"{folder / 'scenario.toml'}, layer '{section}', field '{fld}'" in err and needle in err


def test_incident_volume_that_would_exhaust_memory(toy_dir, capsys):
    folder = _with(toy_dir, "[demand]\nevents_per_1000_residents_month = 1e9")
    p = [p for p in validate_scenario(folder) if p.severity == "error"]
    assert [(q.layer, q.field) for q in p] == [("demand", "events_per_1000_residents_month")]
    n = 1e9 * 1220 / 1000 * 365 / (365.25 / 12)       # the toy's 1,220 residents over 365 days
    assert f"~{n / 1e10:.1f}×10¹⁰ incidents" in p[0].message and "limit 5×10⁷ incidents" in p[0].message
    assert f"about {n * BYTES_PER_INCIDENT / 1e9:,.0f} GB" in p[0].message
    assert cli.main(["validate", str(folder)]) == 1
    assert "layer 'demand', field 'events_per_1000_residents_month'" in capsys.readouterr().err
    out = folder.parent / "out"
    assert cli.main(["run", str(folder), "--out", str(out), "--quiet", "--no-pdf"]) == 1  # not MemoryError, exit 3
    assert "would draw" in capsys.readouterr().err and not out.exists()


def test_simulation_checks_the_volume_of_its_own_horizon():
    """--days overrides [simulation] days: the run checks the volume it would draw itself."""
    from types import SimpleNamespace

    import numpy as np

    from gridgov.engine.simulation.run import _options

    city = SimpleNamespace(params=params.defaults(), units=SimpleNamespace(residents=np.array([1e8])))
    assert _options(city, 365, None, None)[0] == 365.0          # a year of a 100 M region is fine
    n = expected_incidents(city.params, 1e8, 3000)
    with pytest.raises(ValidationError, match=f"~{n / 1e7:.1f}×10⁷ incidents, about {n * 232 / 1e9:.0f} GB"):
        _options(city, 3000, None, None)


def test_run_agrees_with_validate(toy_dir, tmp_path, capsys):
    folder = _with(toy_dir, "[workflow]\nescalated_median_h = {district = inf}")
    assert cli.main(["run", str(folder), "--out", str(tmp_path / "o"), "--days", "1", "--quiet", "--no-pdf"]) == 1
    assert "layer 'workflow', field 'escalated_median_h.district'" in capsys.readouterr().err


def test_overrides_go_through_the_same_checks(toy_dir):
    folder = _with(toy_dir, "")
    with pytest.raises(ValidationError) as err:
        load_scenario(folder, overrides={"travel": {"walk_speed_mps": math.inf}, "demand": {"urgency_mix": {"x": 1}}})
    got = {(p.file, p.layer, p.field) for p in err.value.problems}
    assert got == {("overrides", "travel", "walk_speed_mps"), ("overrides", "demand", "urgency_mix.x")}


def test_experiment_point_with_a_bad_value_names_file_point_and_field(tmp_path):
    from gridgov.engine.batch.experiment import load_experiment

    make_toy(tmp_path / "toy")
    path = tmp_path / "exp.toml"
    path.write_text('[experiment]\nname = "e"\n[[scenario]]\npath = "toy"\n[design.factors]\n'
                    '"travel.walk_speed_mps" = [1.0, 0.0]\n'
                    '"demand.type_mix.dispute" = [0.1]\n', encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load_experiment(path)
    problems = err.value.problems
    assert all(p.file == str(path) for p in problems)
    speed = [p for p in problems if p.field == "design.factors.travel.walk_speed_mps"]
    assert len(speed) == 1 and "design point 1" in speed[0].message and "outside (0, 3]" in speed[0].message
    # dispute 0.1 instead of 0.10 is fine; a mix that no longer adds up is not
    assert not [p for p in problems if "type_mix" in p.field]
