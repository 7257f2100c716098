"""Parameter defaults and the merge of scenario.toml values over them."""
import shutil

import pytest

from gridgov.engine import params
from gridgov.engine.errors import ValidationError
from gridgov.engine.scenario import load_scenario, validate_scenario


def test_defaults_follow_domain_table():
    d = params.defaults()
    assert d["demand"]["events_per_1000_residents_month"] == 8.0
    assert d["circles"]["tier_distance_m"] == {"5min": 300.0, "10min": 500.0, "15min": 1000.0}
    assert d["workflow"]["dispatch_cap_min"]["urgent"] == 10.0
    assert abs(sum(d["demand"]["type_mix"].values()) - 1.0) < 1e-9
    assert abs(sum(d["demand"]["urgency_mix"].values()) - 1.0) < 1e-9


def test_merge_overrides_and_keeps_other_keys():
    merged, problems = params.merge({"demand": {"type_mix": {"dispute": 0.2}, "day_multiplier": 2}})
    assert problems == []
    assert merged["demand"]["type_mix"]["dispute"] == 0.2
    assert merged["demand"]["type_mix"]["livelihood"] == 0.25
    assert merged["demand"]["day_multiplier"] == 2


def test_merge_reports_unknown_and_mistyped_keys():
    _, problems = params.merge({"demand": {"evnts": 3, "day_multiplier": "high"},
                                "travel": {"walk_speed_mps": True}, "circles": {"tier_distance_m": {"20min": 1}}})
    text = "\n".join(problems)
    assert "unknown key 'evnts'" in text
    assert "day_multiplier" in text and "must be float" in text
    assert "walk_speed_mps" in text
    assert "20min" in text
    assert len(problems) == 4


def test_defaults_are_copies():
    a = params.defaults()
    a["demand"]["type_mix"]["dispute"] = 0.9
    assert params.defaults()["demand"]["type_mix"]["dispute"] == 0.10


def test_reversed_grid_norm_is_a_located_problem(tmp_path, sample_dir):
    assert params.check(params.defaults()) == []
    folder = tmp_path / "s"
    shutil.copytree(sample_dir, folder)
    toml = folder / "scenario.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[grids]\ngeneral_households = {min = 600, max = 500}\n",
                    encoding="utf-8")
    problems = [p for p in validate_scenario(folder) if p.severity == "error"]
    assert len(problems) == 1
    p = problems[0]
    assert p.file.endswith("scenario.toml") and (p.layer, p.field) == ("grids", "general_households")
    assert "min 600" in p.message and "max 500" in p.message
    # an override can break a sound file, and is named as the culprit
    with pytest.raises(ValidationError) as err:
        load_scenario(sample_dir, overrides={"grids": {"micro_households": {"target": 200}}})
    assert [(q.file, q.layer, q.field) for q in err.value.problems] == [("overrides", "grids", "micro_households")]
