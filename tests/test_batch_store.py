"""Parquet store (atomic, resumable) and the confidence-interval summary (no simulation)."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from gridgov.engine.batch import store
from gridgov.engine.batch.experiment import load_experiment
from gridgov.engine.batch.runner import BatchRunError, run_batch
from gridgov.engine.batch.runs import null_run
from gridgov.engine.batch.summary import summarise, write_summary
from gridgov.engine.errors import GridGovError


@pytest.fixture
def experiment(tmp_path):
    sc = tmp_path / "sc"
    sc.mkdir()
    (sc / "scenario.toml").write_text("[scenario]\nname = 'x'\n", encoding="utf-8")
    path = tmp_path / "exp.toml"
    path.write_text("""
[experiment]
name = "t"
replications = 4
metrics = ["response_p90_min"]
plot_metrics = ["response_p90_min"]
[[scenario]]
path = "sc"
[design.factors]
incident_rate_multiplier = [1.0, 2.0]
"workflow.dispatch_policy" = ["own_grid_first", "nearest_available"]
""", encoding="utf-8")
    return load_experiment(path)


def fake_run(spec):
    """Deterministic stand-in for the simulation (module level: picklable)."""
    rng = np.random.default_rng(spec.seed)
    rate = spec.factors["incident_rate_multiplier"]
    return {"response_p90_min": float(20 * rate + rng.normal()), "n_incidents": float(rng.poisson(50))}


def test_in_process_batch_writes_every_run_once_and_resumes(tmp_path, experiment):
    out = tmp_path / "out"
    res = run_batch(experiment, out, workers=0, func=fake_run, progress=False, limit=5)
    assert res["done"] == 5 and res["skipped"] == 0 and res["total"] == 16
    assert store.finished_run_ids(out) == {r.run_id for r in experiment.runs[:5]}
    res = run_batch(experiment, out, workers=0, func=fake_run, progress=False, runs_per_task=3)
    assert res["done"] == 11 and res["skipped"] == 5 and res["tasks"] == 5  # 3+3+1+... per point
    files = list((out / "runs").glob("point-*/*.parquet"))
    assert len(files) == 5 + 5 and all(p.parent.name.startswith("point-") for p in files)
    df = store.read_runs(out)
    assert df["run_id"].is_unique and len(df) == 16
    assert list(df["run_id"]) == [r.run_id for r in experiment.runs]  # sorted: point, replication
    assert df["f:workflow.dispatch_policy"].tolist()[:4] == ["own_grid_first"] * 4
    again = run_batch(experiment, out, workers=0, func=fake_run, progress=False)
    assert again["done"] == 0 and again["skipped"] == 16


def test_interrupted_write_leaves_no_visible_file(tmp_path, experiment, monkeypatch):
    out = tmp_path / "out"
    spec = experiment.runs[0]

    def broken(table, where, **kw):
        Path(where).write_bytes(b"PAR1 half")  # a partial file, then the process "dies"
        raise OSError("disk full")

    monkeypatch.setattr(store.pq, "write_table", broken)
    with pytest.raises(OSError):
        store.write_run(out, spec, {"response_p90_min": 1.0}, 0.1)
    assert store.finished_run_ids(out) == set()
    assert not list((out / "runs").rglob("*.parquet"))


def test_stale_temporaries_from_a_killed_client_are_ignored_then_removed(tmp_path, experiment):
    out = tmp_path / "out"
    part = out / "runs" / f"point-{experiment.runs[0].point_id}"
    part.mkdir(parents=True)
    (part / f".{experiment.runs[0].run_id}.abc123.parquet").write_bytes(b"half")
    assert store.finished_run_ids(out) == set()
    assert store.read_runs(out).empty
    run_batch(experiment, out, workers=0, func=fake_run, progress=False)
    assert not list(part.glob(".*"))
    assert len(store.finished_run_ids(out)) == 16


def test_failed_run_names_the_run_and_keeps_finished_ones(tmp_path, experiment):
    out = tmp_path / "out"
    bad = experiment.runs[6]

    def sometimes(spec):
        if spec.run_id == bad.run_id:
            raise ValueError("boom")
        return fake_run(spec)

    with pytest.raises(BatchRunError) as err:
        run_batch(experiment, out, workers=0, func=sometimes, progress=False)
    msg = str(err.value)
    assert bad.run_id in msg and "replication 2" in msg and "ValueError: boom" in msg
    assert "boom" in (out / "errors.log").read_text()
    assert len(store.finished_run_ids(out)) == 6


def test_ci_matches_student_t(tmp_path, experiment):
    out = tmp_path / "out"
    run_batch(experiment, out, workers=0, func=fake_run, progress=False)
    runs = store.read_runs(out)
    table = summarise(runs, ["response_p90_min"])
    assert len(table) == 4
    for _, row in table.iterrows():
        x = runs.loc[runs["point"] == row["point"], "response_p90_min"].to_numpy()
        lo, hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
        assert row["n"] == 4 and row["mean"] == pytest.approx(x.mean())
        assert row["ci95_low"] == pytest.approx(lo) and row["ci95_high"] == pytest.approx(hi)
    paths = write_summary(experiment, out)
    csv = pd.read_csv(paths["csv"])
    assert set(csv["metric"]) == {"response_p90_min"} and len(csv) == 4
    assert pd.read_parquet(paths["parquet"]).shape == csv.shape
    assert paths["summary_response_p90_min"].stat().st_size > 1000
    assert "95% CI" in paths["html"].read_text(encoding="utf-8")


def test_summary_of_single_replication_has_no_interval():
    runs = pd.DataFrame({"scenario": ["x"], "point": [0], "point_id": ["p"], "m": [3.0]})
    row = summarise(runs, ["m"]).iloc[0]
    assert row["n"] == 1 and row["mean"] == 3.0 and math.isnan(row["ci95_half"])


def test_non_numeric_metric_is_a_clear_error(tmp_path, experiment):
    with pytest.raises(GridGovError, match="metric 'x'"):
        store.write_run(tmp_path, experiment.runs[0], {"x": "high"}, 0.0)


def test_second_client_on_same_folder_is_refused(tmp_path, experiment):
    import os

    from gridgov.engine.outputs import output_lock

    out = tmp_path / "out"
    with output_lock(out, "batch"):
        with pytest.raises(GridGovError, match=rf"another gridgov command is writing there \(PID {os.getpid()}, "
                                               r"gridgov batch\)"):
            run_batch(experiment, out, workers=0, func=null_run, progress=False)


def test_runs_are_chunked_per_design_point(experiment):
    from gridgov.engine.batch.runner import auto_runs_per_task, chunk_runs

    chunks = chunk_runs(experiment.runs, 3)
    assert [len(c) for c in chunks] == [3, 1] * 4  # 4 replications per point, never mixed
    assert all(len({r.point for r in c}) == 1 for c in chunks)
    assert [r for c in chunks for r in c] == experiment.runs
    assert auto_runs_per_task(1000, 2) == 32 and auto_runs_per_task(12, 2) == 1
    assert auto_runs_per_task(100, 2) == 7


def test_runs_of_several_points_never_share_a_file(tmp_path, experiment):
    a, b = experiment.runs[0], experiment.runs[4]
    with pytest.raises(ValueError, match="several design points"):
        store.write_runs(tmp_path, [(a, {"m": 1.0}, 0.0), (b, {"m": 1.0}, 0.0)])
    path = store.write_runs(tmp_path, [(a, {"m": 1.0}, 0.0), (experiment.runs[1], {"m": 2.0}, 0.0)])
    assert path.parent.name == f"point-{a.point_id}"
    assert store.read_runs(tmp_path)["m"].tolist() == [1.0, 2.0]


def test_output_path_that_is_a_file_is_a_clear_error(tmp_path, experiment):
    (tmp_path / "file").write_text("x")
    with pytest.raises(GridGovError, match="cannot create the output folder"):
        run_batch(experiment, tmp_path / "file" / "out", workers=0, func=fake_run, progress=False)


def _doc_recipes() -> list[str]:
    """The Python blocks of docs/batch.md that read OUT/runs, as written there."""
    import re

    text = (Path(__file__).resolve().parents[1] / "docs" / "batch.md").read_text(encoding="utf-8")
    return [b for b in re.findall(r"```python\n(.*?)```", text, flags=re.S) if '"OUT/runs"' in b]


@pytest.mark.parametrize("recipe", _doc_recipes())
def test_documented_reading_recipes_work(tmp_path, experiment, monkeypatch, recipe):
    """Every documented way of reading the runs gives every run with the files' column types."""
    out = tmp_path / "OUT"
    run_batch(experiment, out, workers=0, func=fake_run, progress=False, runs_per_task=3)
    monkeypatch.chdir(tmp_path)
    names = {}
    exec(recipe.replace('"wuhou"', f'"{experiment.runs[0].scenario}"'), names)  # noqa: S102 - the doc's code
    runs = names["runs"]
    assert sorted(runs["run_id"]) == sorted(r.run_id for r in experiment.runs)
    assert str(runs["point"].dtype) == "int64" and runs["point_id"].map(type).eq(str).all()
    assert set(runs.columns) == set(store.read_runs(out).columns)


def test_there_are_documented_recipes():
    assert len(_doc_recipes()) >= 2
