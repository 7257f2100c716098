"""The end-to-end run (`gridgov run`) on the bundled sample, and its all-or-nothing outputs."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from osgeo import ogr

from gridgov.engine.workflows.run import run_scenario
from gridgov.engine.errors import GridGovError


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory, sample_dir):
    out = tmp_path_factory.mktemp("run")
    result = run_scenario(sample_dir, out, days=3, pdf=False, lang="en")
    return out, result


def test_run_writes_scores_results_and_report(sample_run):
    out, result = sample_run
    assert {p.name for p in out.iterdir()} == {"scores.json", "results.gpkg", "report.html"}
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert scores["scenario"]["synthetic"] is True
    assert 0.0 <= scores["total"] <= 100.0
    assert scores["metrics"]["response_p90_min"]["status"] == "ok"
    ds = ogr.Open(str(out / "results.gpkg"))
    layers = {ds.GetLayer(i).GetName(): ds.GetLayer(i).GetFeatureCount() for i in range(ds.GetLayerCount())}
    assert layers["units"] == len(result.scenario.units)
    assert layers["grids"] == len(result.scenario.grids)
    assert layers["facilities"] == len(result.scenario.facilities)
    assert layers["service_areas"] > 0 and layers["bands"] > 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "OpenStreetMap" in html


def test_band_polygons_follow_the_road_length_limit(tmp_path, sample_dir):
    """Above [circles] band_polygons_max_km (here 0: never) the run writes no bands layer and
    says why in ``RunResult.notes``, naming the network's length."""
    out = tmp_path / "out"
    result = run_scenario(sample_dir, out, days=1, replications=1, pdf=False, lang="en",
                          overrides={"circles": {"band_polygons_max_km": 0.0}})
    ds = ogr.Open(str(out / "results.gpkg"))
    names = {ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())}
    assert "bands" not in names and {"units", "grids", "service_areas"} <= names
    km = result.circles.network.edge_length.sum() / 1000.0
    assert len(result.notes) == 1 and "band_polygons_max_km" in result.notes[0]
    assert f"{km:,.0f} km" in result.notes[0]


def test_sample_run_writes_band_polygons_without_a_note(sample_run):
    out, result = sample_run
    assert result.notes == []
    assert result.circles.network.edge_length.sum() / 1000.0 <= 1000.0   # the default limit


def test_results_units_carry_bands_and_nearest_facility(sample_run):
    out, result = sample_run
    ds = ogr.Open(str(out / "results.gpkg"))
    layer = ds.GetLayerByName("units")
    names = [layer.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(layer.GetLayerDefn().GetFieldCount())]
    assert any("band" in n for n in names), names
    assert any("nearest" in n for n in names), names
    assert layer.GetSpatialRef() is not None


def test_failed_run_leaves_previous_outputs_untouched(tmp_path, sample_dir, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "scores.json").write_text('{"old": true}')
    (out / "results.gpkg").write_bytes(b"old results")

    def broken_report(*args, **kwargs):
        raise GridGovError("report writer failed on purpose")

    import gridgov.engine.report as report

    monkeypatch.setattr(report, "write_documents", broken_report)
    with pytest.raises(GridGovError):
        run_scenario(sample_dir, out, days=1, pdf=False)
    assert (out / "scores.json").read_text() == '{"old": true}'
    assert (out / "results.gpkg").read_bytes() == b"old results"
    assert sorted(p.name for p in out.iterdir()) == ["results.gpkg", "scores.json"]  # no staging left


def test_cli_run_reports_bad_scenario_without_traceback(tmp_path):
    bad = tmp_path / "empty"
    bad.mkdir()
    proc = subprocess.run([sys.executable, "-m", "gridgov", "run", str(bad), "--out", str(tmp_path / "o"), "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "scenario.toml" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_run_times_every_stage_and_its_wall(sample_run):
    """Each stage's own seconds, and the wall time they overlap within (circles beside the
    simulation, results.gpkg beside the report)."""
    from gridgov.engine.commands.run import STAGES

    _, result = sample_run
    t = result.timings_s
    assert all(t[key] > 0 for key, _ in STAGES)
    stage_sum = sum(t[key] for key, _ in STAGES)
    assert 0 < t["wall"] <= stage_sum + 0.05


def test_stage_table_shares_are_of_the_wall_and_say_when_stages_overlap():
    from gridgov.engine.commands.run import stage_table

    serial = stage_table({"load": 1, "network": 1, "circles": 1, "simulation": 1, "score": 1, "report": 1,
                          "write": 4, "wall": 10})
    assert "40.0%" in serial and "overlap" not in serial
    side_by_side = stage_table({"load": 1, "network": 1, "circles": 4, "simulation": 4, "score": 1, "report": 4,
                                "write": 4, "wall": 12})
    assert "33.3%" in side_by_side and "add up to 19.00" in side_by_side
