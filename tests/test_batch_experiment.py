"""Experiment files: validation, design expansion, seeds and run ids (no Dask, no simulation)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gridgov.engine.batch.experiment import load_experiment
from gridgov.engine.errors import GridGovError, ValidationError

ROOT = Path(__file__).resolve().parents[1]


def _write(tmp_path: Path, body: str, scenario_toml: str = "[scenario]\nname = 'x'\n") -> Path:
    sc = tmp_path / "sc"
    sc.mkdir(exist_ok=True)
    (sc / "scenario.toml").write_text(scenario_toml, encoding="utf-8")
    exp = tmp_path / "exp.toml"
    exp.write_text(body, encoding="utf-8")
    return exp


BASE = """
[experiment]
name = "t"
seed = 42
replications = 3
days = 2
[[scenario]]
name = "x"
path = "sc"
"""


def test_grid_design_expands_full_factorial_with_multiplier_of_scenario_value(tmp_path):
    exp = load_experiment(_write(tmp_path, BASE + """
[design.factors]
incident_rate_multiplier = [1, 1.5]
"staffing.workers_per_general_grid" = [1, 2, 3]
""", "[scenario]\nname='x'\n[demand]\nevents_per_1000_residents_month = 10.0\n"))
    assert exp.n_points == 6 and len(exp.runs) == 18
    rates = sorted({r.overrides["demand"]["events_per_1000_residents_month"] for r in exp.runs})
    assert rates == [10.0, 15.0]  # multiplies the scenario's own value, not the default 8
    staffing = {r.overrides["staffing"]["workers_per_general_grid"] for r in exp.runs}
    assert staffing == {1, 2, 3}
    assert len({r.run_id for r in exp.runs}) == 18
    assert len({r.seed for r in exp.runs}) == 18
    # point-major order, replications 0..n-1 within each point
    assert [r.replication for r in exp.runs[:3]] == [0, 1, 2]
    assert all(isinstance(r.factors["incident_rate_multiplier"], float) for r in exp.runs)


def test_seeds_and_ids_are_stable_and_independent_of_design_order(tmp_path):
    a = load_experiment(_write(tmp_path, BASE + "[design.factors]\n\"travel.walk_speed_mps\" = [0.8, 1.2]\n"))
    b = load_experiment(_write(tmp_path, BASE + "[design.factors]\n\"travel.walk_speed_mps\" = [1.2, 0.8, 1.0]\n"))
    key = lambda e: {(r.factors["travel.walk_speed_mps"], r.replication): (r.run_id, r.seed) for r in e.runs}
    ka, kb = key(a), key(b)
    for k, v in ka.items():
        assert kb[k] == v  # editing the design does not change existing runs: resume stays valid
    # seeds come from SeedSequence(42, spawn_key=(point, replication))
    r = a.runs[0]
    ss = np.random.SeedSequence(42, spawn_key=(int(r.point_id[:8], 16), r.replication))
    assert r.seed == int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))


def test_common_random_numbers_share_seeds_across_points(tmp_path):
    exp = load_experiment(_write(tmp_path, BASE.replace("days = 2", "days = 2\ncommon_random_numbers = true")
                                 + "[design.factors]\n\"staffing.workers_per_general_grid\" = [1, 2]\n"))
    by_rep = {}
    for r in exp.runs:
        by_rep.setdefault(r.replication, set()).add(r.seed)
    assert all(len(s) == 1 for s in by_rep.values()) and len(by_rep) == 3
    assert len({r.run_id for r in exp.runs}) == 6


def test_lhs_design_is_reproducible_and_stratified(tmp_path):
    body = BASE + """
[design]
kind = "lhs"
points = 10
[design.factors]
"travel.walk_speed_mps" = { min = 0.8, max = 1.3 }
"staffing.workers_per_general_grid" = { min = 1, max = 3 }
"workflow.dispatch_policy" = { values = ["own_grid_first", "nearest_available"] }
"""
    a = load_experiment(_write(tmp_path, body))
    b = load_experiment(_write(tmp_path, body))
    assert [r.run_id for r in a.runs] == [r.run_id for r in b.runs]
    pts = [r for r in a.runs if r.replication == 0]
    speeds = np.array([r.factors["travel.walk_speed_mps"] for r in pts])
    assert len(pts) == 10 and speeds.min() >= 0.8 and speeds.max() <= 1.3
    # Latin hypercube: exactly one point per tenth of the range
    assert sorted(np.floor((speeds - 0.8) / 0.05).astype(int).tolist()) == list(range(10))
    assert {r.factors["staffing.workers_per_general_grid"] for r in pts} <= {1, 2, 3}
    assert all(isinstance(r.factors["staffing.workers_per_general_grid"], int) for r in pts)
    assert {r.overrides["workflow"]["dispatch_policy"] for r in pts} == {"own_grid_first", "nearest_available"}


def test_nested_factor_tables_and_fixed_overrides(tmp_path):
    exp = load_experiment(_write(tmp_path, BASE + """
[fixed.workflow]
max_concurrent_cases = 2
[design.factors.staffing]
workers_per_general_grid = [1, 2]
[design.factors]
"workflow.escalation_share.street" = [0.1, 0.2]
"""))
    assert exp.factor_names == ["staffing.workers_per_general_grid", "workflow.escalation_share.street"]
    r = exp.runs[0]
    assert r.overrides["workflow"]["max_concurrent_cases"] == 2
    assert r.overrides["workflow"]["escalation_share"] == {"street": 0.1}


@pytest.mark.parametrize("body, needle", [
    ("[design.factors]\n\"staffing.workers_per_grid\" = [1, 2]\n", "unknown factor 'staffing.workers_per_grid'"),
    ("[design.factors]\nincident_rate = [1, 2]\n", "unknown factor 'incident_rate'"),
    ("[design.factors]\nincident_rate_multiplier = [0, 2]\n", "must be a number > 0"),
    ("[design.factors]\n\"travel.walk_speed_mps\" = [\"fast\"]\n", "must be float"),
    ("[design.factors]\n\"travel.walk_speed_mps\" = 1.0\n", "must be a non-empty list"),
    ("[fixed.demand]\nrate = 3\n", "unknown key 'rate'"),
    ("[fixed.nonsense]\nx = 1\n", "unknown section 'nonsense'"),
    ("[design]\nkind = \"sobol\"\n", "kind = 'sobol'"),
    ("[design]\nkind = \"lhs\"\n[design.factors]\nincident_rate_multiplier = {min = 1, max = 2}\n",
     "needs points = N"),
    ("[design]\nkind = \"lhs\"\npoints = 4\n[design.factors]\nincident_rate_multiplier = {min = 2, max = 1}\n",
     "a ≤ b"),
    ("[design.factors]\nincident_rate_multiplier = [1, 1]\n", "lists a value twice"),
    ("[results]\nx = 1\n", "unknown table [results]"),
])
def test_bad_experiment_files_name_file_and_key(tmp_path, body, needle):
    path = _write(tmp_path, BASE + body)
    with pytest.raises(ValidationError) as err:
        load_experiment(path)
    text = str(err.value)
    assert needle in text and str(path) in text


def test_bad_experiment_header_values(tmp_path):
    path = _write(tmp_path, BASE.replace("replications = 3", "replications = 0\nmetrics = [\"speed\"]\ncolour = 1"))
    with pytest.raises(ValidationError) as err:
        load_experiment(path)
    text = str(err.value)
    assert "replications = 0" in text and "unknown metric 'speed'" in text and "unknown key 'colour'" in text


def test_missing_scenario_and_bad_toml(tmp_path):
    path = _write(tmp_path, BASE.replace('path = "sc"', 'path = "nowhere"'))
    with pytest.raises(ValidationError, match="nowhere"):
        load_experiment(path)
    path.write_text("[experiment\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="not valid TOML"):
        load_experiment(path)
    with pytest.raises(GridGovError, match="not found"):
        load_experiment(tmp_path / "absent.toml")


def test_bundled_experiment_files_are_valid():
    for name in ("small", "realistic", "sampled"):
        exp = load_experiment(ROOT / "scenarios" / "experiments" / f"{name}.toml")
        assert exp.runs and exp.name == name
    small = load_experiment(ROOT / "scenarios" / "experiments" / "small.toml")
    assert len(small.runs) == 12


def test_cli_dry_run_and_errors(tmp_path, capsys):
    from gridgov.engine.cli import main

    assert main(["batch", str(ROOT / "scenarios" / "experiments" / "realistic.toml"), "--out",
                 str(tmp_path / "o"), "--dry-run"]) == 0
    assert "16 design point(s) × 30 replication(s) = 480 runs" in capsys.readouterr().out
    assert not (tmp_path / "o").exists()
    bad = _write(tmp_path, BASE + "[design.factors]\nstaffing_level = [1]\n")
    assert main(["batch", str(bad), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "unknown factor 'staffing_level'" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exc:  # a bad option value: argparse's usage error, exit 2
        main(["batch", str(bad), "--out", str(tmp_path / "o"), "--workers", "-1"])
    assert exc.value.code == 2
    assert main(["batch", str(bad), "--out", str(tmp_path / "o"), "--workers", "2",
                 "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "cannot be combined" in capsys.readouterr().err


def test_days_default_to_the_scenario_and_a_factor_overrides_them(tmp_path):
    exp = load_experiment(_write(tmp_path, BASE.replace("days = 2\n", "")
                                 + "[design.factors]\n\"simulation.days\" = [7, 14]\n\"staffing.shift_hours\" = [8]\n",
                                 "[scenario]\nname='x'\n[simulation]\ndays = 21\n"))
    assert sorted({r.days for r in exp.runs}) == [7, 14]
    plain = load_experiment(_write(tmp_path, BASE.replace("days = 2\n", ""),
                                   "[scenario]\nname='x'\n[simulation]\ndays = 21\n"))
    assert {r.days for r in plain.runs} == {21}
    other = load_experiment(_write(tmp_path, BASE.replace("days = 2\n", ""),
                                   "[scenario]\nname='x'\n[simulation]\ndays = 10\n"))
    assert {r.run_id for r in other.runs}.isdisjoint({r.run_id for r in plain.runs})


def test_bad_levels_are_caught_before_any_run(tmp_path):
    path = _write(tmp_path, BASE + '[design.factors]\n"workflow.dispatch_policy" = ["own_grid_first", "closest_friend"]\n'
                  '"workflow.handle_median_min" = [30.0, -5.0]\n')
    with pytest.raises(ValidationError) as err:
        load_experiment(path)
    text = str(err.value)
    assert "closest_friend" in text and "dispatch_policy" in text and "handle_median_min" in text
    assert str(path) in text and "design point" in text
