"""Scenario comparison: deltas and verdicts, report contents, run-folder reuse, CLI errors."""
from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from gridgov.engine.cli import main
from gridgov.engine.report import write_documents
from gridgov.engine.score import REGISTRY, score_scenario
from gridgov.engine.workflows.compare import compare_scenarios, comparison_table
from gridgov.engine.score.sensitivity import ranking_sensitivity
from gridgov.engine.score.registry import GROUPS
import score_toy as toy

ROOT = Path(__file__).resolve().parents[1]
RESTRUCTURED = ROOT / "scenarios" / "chengdu_wuhou_restructured"


def _pair():
    a = toy.basic()
    circ_a = toy.circles({"grid_station": [True, True, False, False, True], "clinic": [False, True, True, True, False]},
                         {"grid_station": [0, 0, 1, 2, 0], "clinic": [1, 0, 0, 0, 3]})
    # B: a third station covers U3/U4 and the busiest worker gets help
    fac = toy.facilities([("F1", "grid_station", 2, 50, 50), ("F2", "grid_station", 1, 350, 50),
                          ("F3", "clinic", 0, 150, 50), ("F4", "grid_station", 1, 150, 60)])
    b = dataclasses.replace(toy.basic(), name="toy_b", facilities=fac)
    circ_b = toy.circles({"grid_station": [True, True, True, True, True], "clinic": [False, True, True, True, False]},
                         {"grid_station": [0, 0, 0, 0, 0], "clinic": [1, 0, 0, 0, 3]})
    sim_b = toy.sim(summary={"response_p90_min": 15.0}, busy_h=(10.0, 10.0, 20.0, 20.0), util=(0.2, 0.2, 0.45, 0.45),
                    rows=(0, 1, 2, 2))
    return [("toy", a, score_scenario(a, circ_a, toy.sim())), ("toy_b", b, score_scenario(b, circ_b, sim_b))]


def test_comparison_table_deltas_and_verdicts():
    entries = _pair()
    names = [n for n, _, _ in entries]
    rows = {r["key"]: r for r in comparison_table(names, [s for _, _, s in entries])}
    assert set(REGISTRY) | {"total"} | {f"group.{g}" for g in GROUPS} == set(rows)
    r = rows["response_p90_min"]
    assert r["values"] == [24.0, 15.0] and r["delta"] == [0.0, -9.0]
    assert r["vs_baseline"] == [0, 1] and r["best"] == "toy_b"             # lower is better
    r = rows["stations"]
    assert r["delta"][1] == 1 and r["vs_baseline"][1] == -1 and r["best"] == "toy"
    assert rows["coverage_5min_tier"]["best"] == "toy_b"
    assert rows["general_size_share"]["best"] == "="                      # same layout
    assert rows["total"]["values"][1] > rows["total"]["values"][0]


def test_compare_report_has_everything(tmp_path):
    entries = _pair()
    pts = np.array([[s.groups[g] for g in GROUPS] for _, _, s in entries])
    sens = ranking_sensitivity(pts, entries[0][2].weights)
    paths = write_documents(tmp_path, entries, lang="en", stem="compare", sensitivity=sens, pdf=False)
    html = paths["report"].read_text(encoding="utf-8")
    for key in REGISTRY:
        assert f'data-metric="{key}"' in html
    assert 'class="better"' in html and 'class="worse"' in html
    assert "How the ranking moves with the weights" in html and "Win share" in html
    assert "toy_b minus toy: coverage at each residential unit" in html          # difference maps
    assert "toy_b minus toy: utilisation at each residential unit" in html
    assert html.count('src="data:image/png;base64,') >= 10
    assert "Per street" in html and "S1" in html


def _run_folder(tmp_path: Path, scenario_dir: Path) -> Path:
    """A 'gridgov run'-like output folder (scores.json with the scenario path), circles only."""
    from gridgov.engine.circles import compute_circles
    from gridgov.engine.scenario import load_scenario
    from gridgov.engine.jsonio import plain

    sc = load_scenario(scenario_dir)
    doc = score_scenario(sc, compute_circles(sc)).to_dict()
    doc["scenario"] = {"name": sc.name, "path": str(scenario_dir.resolve())}
    out = tmp_path / sc.name
    out.mkdir()
    (out / "scores.json").write_text(json.dumps(plain(doc), ensure_ascii=False), encoding="utf-8")
    return out


def test_compare_reuses_run_folders(tmp_path, sample_dir):
    runs = [_run_folder(tmp_path, sample_dir), _run_folder(tmp_path, RESTRUCTURED)]
    res = compare_scenarios(runs, tmp_path / "cmp", lang="zh_CN", pdf=False)
    assert res.names == ["chengdu_wuhou", "chengdu_wuhou_restructured"]
    assert set(res.paths) == {"report", "table", "json"}
    with open(res.paths["table"], encoding="utf-8") as fh:
        table = {r["key"]: r for r in csv.DictReader(fh)}
    assert set(REGISTRY) <= set(table)
    assert float(table["workers"]["delta_chengdu_wuhou_restructured"]) == -1      # 3 merges, 2 splits
    assert table["workers"]["best"] == "chengdu_wuhou_restructured"
    summary = json.loads(res.paths["json"].read_text(encoding="utf-8"))
    assert summary["ranks"] in ([1, 2], [2, 1]) and summary["baseline"] == "chengdu_wuhou"
    html = res.paths["report"].read_text(encoding="utf-8")
    assert "网格化治理方案对比报告" in html and "权重变化对排名的影响" in html


def test_restructured_scenario_is_valid_and_nested(sample_dir):
    from gridgov.engine.scenario import load_scenario

    sc = load_scenario(RESTRUCTURED)
    base = load_scenario(sample_dir)
    s = score_scenario(sc)
    assert s.metric("nesting_violations").value == 0 and s.metric("units_outside_grid").value == 0
    assert s.metric("overlap_count").value == 0
    assert s.metric("contiguous_share").value == score_scenario(base).metric("contiguous_share").value
    assert int(np.sum(sc.grids.level == "general")) == int(np.sum(base.grids.level == "general")) - 1
    moved = np.hypot(sc.facilities.x - base.facilities.x, sc.facilities.y - base.facilities.y)
    assert (moved[sc.facilities.of_type("grid_station")] > 1).all()
    stale = "the sample changed: regenerate with scripts/make_restructured_scenario.py"
    assert sc.units.households.sum() == base.units.households.sum(), stale
    assert np.sum(sc.grids.level == "micro") == np.sum(base.grids.level == "micro"), stale
    assert sc.units.id.tolist() == base.units.id.tolist(), stale


def test_cli_errors_are_messages_not_tracebacks(tmp_path, capsys, sample_dir):
    assert main(["compare", str(sample_dir), "--out", str(tmp_path / "o")]) == 2   # an option error
    assert "at least two" in capsys.readouterr().err
    assert main(["compare", str(sample_dir), str(tmp_path / "nope"), "--out", str(tmp_path / "o"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "neither a scenario folder" in err and "Traceback" not in err
    assert main(["score", str(sample_dir), "--out", str(tmp_path / "s"), "--weight", "speed=2"]) == 2
    assert "GROUP=NUMBER" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:                    # argparse rejects the language
        main(["compare", str(sample_dir), str(sample_dir), "--out", str(tmp_path / "o"), "--lang", "fr"])
    assert exc.value.code == 2


def test_cli_score_no_sim_and_reweight(tmp_path, sample_dir, capsys):
    out1, out2 = tmp_path / "s1", tmp_path / "s2"
    assert main(["score", str(sample_dir), "--out", str(out1), "--no-sim", "--no-pdf", "--quiet", "--lang", "en"]) == 0
    first = json.loads((out1 / "scores.json").read_text(encoding="utf-8"))
    assert first["metrics"]["response_p90_min"]["status"] == "not_computed"
    assert main(["score", str(out1), "--out", str(out2), "--no-pdf", "--quiet",
                 *[f"--weight={g}={1.0 if g == 'size' else 0.0}" for g in GROUPS]]) == 0
    second = json.loads((out2 / "scores.json").read_text(encoding="utf-8"))
    assert second["total"] == pytest.approx(first["groups"]["size"])
    assert (out2 / "report.html").exists()


def test_damaged_run_folder_and_unwritable_out(tmp_path, capsys, sample_dir):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "scores.json").write_text('{"format": "gridgov-scores/1", "scenario": {"path": "%s"}}' % sample_dir,
                                     encoding="utf-8")
    assert main(["compare", str(bad), str(sample_dir), "--out", str(tmp_path / "o"), "--quiet"]) == 1
    assert "damaged" in capsys.readouterr().err
    (bad / "scores.json").write_text("{not json", encoding="utf-8")
    assert main(["score", str(bad), "--out", str(tmp_path / "o"), "--quiet"]) == 1
    assert "cannot read" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["score", str(sample_dir), "--no-sim", "--quiet", "--no-pdf", "--out", str(blocker / "sub")]) == 1
    err = capsys.readouterr().err
    assert ("cannot write" in err or "cannot create" in err) and "Traceback" not in err


def test_problems_new_and_resolved_against_the_baseline(tmp_path):
    entries = _pair()
    paths = write_documents(tmp_path, entries, lang="en", stem="compare", pdf=False)
    html = paths["report"].read_text(encoding="utf-8")
    # B's extra station covers G2's households and gives G3's worker help: two baseline problems resolved
    assert "Resolved compared with the baseline (2):" in html
    resolved = html.split("Resolved compared with the baseline")[1].split("</p>")[0]
    assert "Worker of grid G3 (网格G3) busy 90% of the shift" in resolved
    assert "Grid G2 (网格G2): 600 households miss a life-circle facility" in resolved
    assert "[new]" not in html


def test_scenarios_are_totalled_with_the_baseline_weights(tmp_path, sample_dir):
    runs = [_run_folder(tmp_path, sample_dir), _run_folder(tmp_path, RESTRUCTURED)]
    doc = json.loads((runs[1] / "scores.json").read_text(encoding="utf-8"))
    doc["weights"] = {g: (1.0 if g == "cost" else 0.0) for g in GROUPS}    # the other scenario's own weights
    doc["total"] = doc["groups"]["cost"]
    (runs[1] / "scores.json").write_text(json.dumps(doc), encoding="utf-8")
    res = compare_scenarios(runs, tmp_path / "cmp", lang="en", pdf=False)
    w = res.scores[0].weights
    assert res.scores[1].weights == w
    expect = sum(w[g] * res.scores[1].groups[g] for g in GROUPS if res.scores[1].groups[g] is not None) / \
        sum(w[g] for g in GROUPS if res.scores[1].groups[g] is not None)
    assert res.scores[1].total == pytest.approx(expect)


def test_compare_computes_scenario_folders_and_in_memory_layouts(tmp_path, sample_dir):
    """The plugin compares the layout being edited (a Scenario object) with its saved folder."""
    import dataclasses as dc

    from gridgov.engine.scenario import load_scenario

    edited = load_scenario(sample_dir)
    fac = edited.facilities
    x = fac.x.copy()
    x[fac.of_type("clinic")[0]] += 150.0                    # move one clinic (a 5-minute facility) 150 m east
    edited = dc.replace(edited, name="edited", facilities=dc.replace(fac, x=x))
    res = compare_scenarios([sample_dir, edited], tmp_path / "cmp", lang="en", pdf=False, days=1)
    assert res.names == ["chengdu_wuhou", "edited"]
    base, moved = res.scores
    assert base.metric("response_p90_min").computed and moved.metric("on_time_share").computed
    assert base.metric("coverage_5min_tier").value != moved.metric("coverage_5min_tier").value
    assert base.metric("general_size_share").value == moved.metric("general_size_share").value
    summary = json.loads(res.paths["json"].read_text(encoding="utf-8"))
    assert summary["inputs"][1] == "(in memory) edited"
    # the report says what each scenario is, from its scenario.toml
    html = res.paths["report"].read_text(encoding="utf-8")
    assert "Scenarios compared" in html and edited.meta["title"] in html


@pytest.mark.parametrize("text", ["[1, 2]", '{"scenario": [1]}', '{"scenario": {"path": 5}}'])
def test_scores_json_of_the_wrong_shape_is_a_user_error(tmp_path, text):
    from gridgov.engine.errors import GridGovError
    from gridgov.engine.workflows.compare import load_entry

    (tmp_path / "scores.json").write_text(text, encoding="utf-8")
    with pytest.raises(GridGovError, match="scores.json"):
        load_entry(tmp_path)
