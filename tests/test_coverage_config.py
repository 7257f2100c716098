"""Honest coverage: required facility types, configurable types and thresholds, located bad input."""
from __future__ import annotations

import dataclasses as dc

import pytest

from gridgov.engine import cli
from gridgov.engine.coverage_types import check_coverage_params, coverage_types, required_types
from gridgov.engine.errors import ValidationError
from gridgov.engine.params import defaults
from gridgov.engine.scenario import load_scenario
from gridgov.engine.score import score_scenario
from gridgov.engine.vocab import NATIONAL_REQUIRED
import score_toy as toy
from scenario_toy import TOML, make_toy, toy_layers

WITHIN = {"grid_station": [True, True, False, False, True], "clinic": [False, True, True, True, False]}
BANDS = {"grid_station": [0, 0, 1, 2, 0], "clinic": [1, 0, 0, 0, 3]}


def test_default_required_list_is_the_national_one_with_drive_time_emergencies():
    p = defaults()
    assert required_types(p) == list(NATIONAL_REQUIRED)
    types = coverage_types(p)
    assert types["clinic"].mode == "walk" and types["clinic"].threshold == 300.0
    assert types["middle_school"].tier == "15min" and types["middle_school"].threshold == 1000.0
    assert types["police"].mode == "drive" and types["police"].threshold == 5.0
    assert types["fire"].mode == "drive" and types["fire"].threshold == 4.0
    assert "grid_station" not in types and "governance_centre" not in types   # not life-circle facilities
    assert check_coverage_params(p) == []


def test_deleting_a_poorly_covered_type_lowers_coverage():
    """Averaging over the types present rewarded deleting the worst-covered type; required types do not."""
    full = score_scenario(toy.basic(), toy.circles(WITHIN, BANDS), toy.sim())
    fac = toy.facilities([("F1", "grid_station", 2, 50, 50), ("F2", "grid_station", 1, 350, 50)])
    no_clinic = dc.replace(toy.basic(), facilities=fac)
    circ = toy.circles({"grid_station": WITHIN["grid_station"]}, {"grid_station": BANDS["grid_station"]})
    cut = score_scenario(no_clinic, circ, toy.sim())
    assert cut.metric("coverage_5min_tier").value < full.metric("coverage_5min_tier").value
    assert cut.metric("coverage_5min_tier").details["per_type"]["clinic"] == 0.0
    assert cut.groups["coverage"] < full.groups["coverage"]
    assert cut.metric("missing_facility_types").value == 1
    missing = [p for p in cut.problems if p["kind"] == "missing_type"]
    assert missing and missing[0]["other_id"] == "clinic" and missing[0]["label_zh"] == "社区卫生服务站"


def test_a_pharmacy_can_be_added_as_a_required_type():
    p = defaults()
    p["coverage"]["types"] = {"pharmacy": {"label_en": "Pharmacy", "label_zh": "药店", "tier": "10min"}}
    p["coverage"]["required"] = ["clinic", "pharmacy"]
    assert check_coverage_params(p) == []
    ph = coverage_types(p)["pharmacy"]
    assert (ph.mode, ph.tier, ph.threshold, ph.label_zh) == ("walk", "10min", 500.0, "药店")
    p["coverage"]["types"]["pharmacy"] = {"mode": "drive", "drive_min": 8}
    assert coverage_types(p)["pharmacy"].threshold == 8.0


@pytest.mark.parametrize("cov,field", [
    ({"required": ["clinic", "hospital"]}, "required"),
    ({"types": {"pharmacy": {"tier": "20min"}}}, "types.pharmacy.tier"),
    ({"types": {"pharmacy": {"mode": "drive"}}}, "types.pharmacy.drive_min"),
    ({"types": {"pharmacy": {"tier": "5min", "colour": "red"}}}, "types.pharmacy.colour"),
    ({"drive_minutes": {"police": -1.0}}, "drive_minutes.police"),
    ({"required": ["grid_station"]}, "required"),        # known, but has no tier or drive time
])
def test_bad_coverage_configuration_is_located(cov, field):
    p = defaults()
    p["coverage"].update(cov)
    found = check_coverage_params(p, "x/scenario.toml")
    assert found and all(q.file == "x/scenario.toml" and q.layer == "coverage" for q in found)
    assert field in {q.field for q in found}


def _toml(extra: str) -> str:
    return TOML + "\n" + extra


def test_unknown_required_type_is_a_located_problem_and_exit_1(tmp_path, capsys):
    folder = make_toy(tmp_path / "toy", toml=_toml('[coverage]\nrequired = ["clinic", "hospital"]\n'))
    with pytest.raises(ValidationError) as exc:
        load_scenario(folder)
    p = next(q for q in exc.value.problems if "hospital" in q.message)
    assert p.file.endswith("scenario.toml") and (p.layer, p.field) == ("coverage", "required")
    assert cli.main(["validate", str(folder)]) == 1
    assert "layer 'coverage', field 'required'" in capsys.readouterr().err


def test_declared_types_are_accepted_in_the_facilities_layer(tmp_path):
    layers = toy_layers()
    layers["facilities"]["columns"]["type"][2] = "pharmacy"  # (the toy's grid workstation stays)
    with pytest.raises(ValidationError) as exc:
        load_scenario(make_toy(tmp_path / "refused", layers))
    assert any(q.layer == "facilities" and q.field == "type" and "[coverage.types.pharmacy]" in q.message
               for q in exc.value.problems)
    ok = make_toy(tmp_path / "declared", layers,
                  toml=_toml('[coverage.types.pharmacy]\nlabel_zh = "药店"\ntier = "10min"\n'))
    s = load_scenario(ok)
    assert "pharmacy" in set(s.facilities.type) and "pharmacy" in coverage_types(s.params)


def test_labels_follow_the_scenarios_own_norms():
    sc = toy.basic()
    sc.params["grids"]["general_households"] = {"target": 300, "min": 200, "max": 360}
    s = score_scenario(sc, toy.circles(WITHIN, BANDS), toy.sim())
    m = s.metric("general_size_share")
    assert "200–360" in m.label_en and "200–360" in m.label_zh and "160" not in m.label_en
    assert "scenario.toml [grids] general_households" in m.norm
    assert "target 300" in s.metric("general_households_mean").norm
    default = score_scenario(toy.basic(), toy.circles(WITHIN, BANDS), toy.sim())
    assert "160–500" in default.metric("general_size_share").label_en
    assert "docs/sources.md §1" in default.metric("general_size_share").norm
    assert not any("DOMAIN" in (r.norm + r.norm_zh) for r in default.metrics)
