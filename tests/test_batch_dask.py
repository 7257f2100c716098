"""Batch runs of the Wuhou sample on Dask: a small sweep, 1 vs 2 workers, a real
``dask scheduler`` + ``dask worker`` pair, and a batch killed (SIGKILL) mid-run then resumed.

Every Dask result is compared with the same runs done in-process (``workers=0``): the
per-run seeds make the results independent of the workers and of the finishing order.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from gridgov.engine.batch import store
from gridgov.engine.batch.experiment import SUMMARY_METRICS, load_experiment
from gridgov.engine.batch.runner import BatchRunError, run_batch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {**os.environ, "NUMBA_CACHE_DIR": os.environ.get("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache")),
       "PYTHONUNBUFFERED": "1"}
os.environ.setdefault("NUMBA_CACHE_DIR", ENV["NUMBA_CACHE_DIR"])  # LocalCluster workers inherit it


def _experiment(tmp_path: Path, sample_dir: Path, name: str, reps: int, factors: str, days: int = 2) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(f"""
[experiment]
name = "{name}"
seed = 11
replications = {reps}
days = {days}
[[scenario]]
name = "wuhou"
path = "{sample_dir.as_posix()}"
[design.factors]
{factors}
""", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sweep(tmp_path_factory, sample_dir):
    """2 incident rates × 2 staffing levels × 2 replications, and its in-process reference."""
    tmp = tmp_path_factory.mktemp("sweep")
    exp = load_experiment(_experiment(tmp, sample_dir, "sweep", 2, 'incident_rate_multiplier = [1.0, 2.0]\n'
                                      '"staffing.workers_per_general_grid" = [1, 2]'))
    run_batch(exp, tmp / "ref", workers=0, progress=False)
    return exp, store.read_runs(tmp / "ref")


def _metrics(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["run_id", "point", "replication", "seed", *SUMMARY_METRICS]
    return df[cols].reset_index(drop=True)


def test_small_sweep_on_wuhou_reacts_to_its_factors(sweep):
    exp, ref = sweep
    assert len(ref) == 8 and set(ref["run_id"]) == {r.run_id for r in exp.runs}
    assert (ref["n_incidents"] > 0).all()
    by = ref.groupby("f:incident_rate_multiplier")["n_incidents"].mean()
    assert by[2.0] > 1.5 * by[1.0]  # doubling the rate doubles the incidents (± noise)
    util = ref.groupby("f:staffing.workers_per_general_grid")["utilisation_mean"].mean()
    assert util[2] < util[1]       # twice the workers: each one is less busy


@pytest.mark.parametrize("workers, runs_per_task", [(1, None), (2, 2)])
def test_local_cluster_gives_identical_results_whatever_the_workers(tmp_path, sweep, workers, runs_per_task):
    exp, ref = sweep
    res = run_batch(exp, tmp_path / "out", workers=workers, progress=False, runs_per_task=runs_per_task)
    assert res["workers"] == workers and res["done"] == 8
    assert res["tasks"] == (8 if runs_per_task is None else 4)
    pd.testing.assert_frame_equal(_metrics(store.read_runs(tmp_path / "out")), _metrics(ref))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def test_real_dask_scheduler_and_worker_processes(tmp_path, sweep):
    exp, ref = sweep
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    log = open(tmp_path / "dask.log", "w")
    procs = []
    try:
        procs.append(subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                       "--no-dashboard"], stdout=log, stderr=log, env=ENV, start_new_session=True))
        procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--nworkers", "1",
                                       "--host", "127.0.0.1", "--no-dashboard"],
                                      stdout=log, stderr=log, env=ENV, start_new_session=True))
        res = run_batch(exp, tmp_path / "out", scheduler=address, progress=False)
        assert res["done"] == 8 and res["workers"] == 1
        pd.testing.assert_frame_equal(_metrics(store.read_runs(tmp_path / "out")), _metrics(ref))
    finally:
        for p in reversed(procs):
            _stop(p)
        log.close()


def test_unreachable_scheduler_is_a_clear_cli_error(tmp_path, sample_dir):
    exp = _experiment(tmp_path, sample_dir, "x", 1, "incident_rate_multiplier = [1.0]")
    proc = subprocess.run([sys.executable, "-m", "gridgov", "batch", str(exp), "--out", str(tmp_path / "o"),
                           "--scheduler", f"tcp://127.0.0.1:{_free_port()}", "--connect-timeout", "2", "--no-progress"],
                          capture_output=True, text=True, env=ENV, timeout=120)
    assert proc.returncode == 1
    assert "cannot connect to the Dask scheduler" in proc.stderr and "Traceback" not in proc.stderr


def test_killed_batch_resumes_without_losing_or_duplicating_runs(tmp_path, sample_dir):
    reps = 120  # 28-day runs, one per task: the batch lasts long enough to be killed mid-run
    path = _experiment(tmp_path, sample_dir, "kill", reps, 'incident_rate_multiplier = [1.0]', days=28)
    exp = load_experiment(path)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "gridgov", "batch", str(path), "--out", str(out), "--no-progress"]
    proc = subprocess.Popen([*cmd, "--workers", "1", "--runs-per-task", "1"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=ENV, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while len(store.finished_run_ids(out)) < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGKILL)  # the client and its LocalCluster workers
        proc.wait(10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    before = store.finished_run_ids(out)
    assert 3 <= len(before) < reps, proc.stderr.read().decode()[-2000:]
    assert not (out / "summary.csv").exists()

    done = subprocess.run([*cmd, "--workers", "2"], capture_output=True, text=True, env=ENV, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{len(before)} already finished" in done.stdout
    resumed = store.read_runs(out)
    assert sorted(resumed["run_id"]) == sorted(r.run_id for r in exp.runs)  # none lost, none twice
    run_batch(exp, tmp_path / "ref", workers=0, progress=False)
    pd.testing.assert_frame_equal(_metrics(resumed), _metrics(store.read_runs(tmp_path / "ref")))
    summary = pd.read_csv(out / "summary.csv")
    assert (summary["n"] == reps).all()


def test_failing_run_is_reported_with_the_run_named(tmp_path, sample_dir, sample_copy):
    (sample_copy / "layers.gpkg").write_bytes(b"not a geopackage")
    path = tmp_path / "broken.toml"
    path.write_text(f"""
[experiment]
name = "broken"
days = 1
[[scenario]]
name = "good"
path = "{sample_dir.as_posix()}"
[[scenario]]
name = "broken"
path = "{sample_copy.as_posix()}"
""", encoding="utf-8")
    exp = load_experiment(path)  # the folder's scenario.toml is fine: only loading its layers fails
    with pytest.raises(BatchRunError) as err:
        run_batch(exp, tmp_path / "out", workers=0, progress=False)
    msg = str(err.value)
    assert exp.runs[1].run_id in msg and "scenario 'broken'" in msg and "layers.gpkg" in msg
    assert store.finished_run_ids(tmp_path / "out") == {exp.runs[0].run_id}


def test_circles_metrics_follow_walking_speed(tmp_path, sample_dir):
    path = _experiment(tmp_path, sample_dir, "walk", 2, '"travel.walk_speed_mps" = [0.8, 1.2]', days=1)
    path.write_text(path.read_text(encoding="utf-8").replace("days = 1", "days = 1\ncircles = true"),
                    encoding="utf-8")
    exp = load_experiment(path)
    run_batch(exp, tmp_path / "out", workers=0, progress=False)
    runs = store.read_runs(tmp_path / "out")
    slow, fast = (runs[runs["f:travel.walk_speed_mps"] == v] for v in (0.8, 1.2))
    col = "circles_school_within_15min"
    assert 0 < slow[col].iloc[0] < fast[col].iloc[0] <= 1  # faster walkers reach more schools in 15 min
    assert slow[col].nunique() == 1  # coverage does not depend on the replication's seed
    from gridgov.engine.batch.summary import write_summary

    summary = pd.read_csv(write_summary(exp, tmp_path / "out")["csv"])
    assert col in set(summary["metric"]) and "response_p90_min" in set(summary["metric"])


def test_replications_are_independent_and_common_random_numbers_pair_them(tmp_path, sample_dir):
    factors = '"staffing.workers_per_general_grid" = [1, 2]'
    path = _experiment(tmp_path, sample_dir, "crn", 4, factors, days=3)
    indep = load_experiment(path)
    path.write_text(path.read_text(encoding="utf-8").replace("days = 3", "days = 3\ncommon_random_numbers = true"),
                    encoding="utf-8")
    crn = load_experiment(path)
    for exp, out in ((indep, tmp_path / "indep"), (crn, tmp_path / "crn")):
        run_batch(exp, out, workers=0, progress=False)
    a, b = store.read_runs(tmp_path / "indep"), store.read_runs(tmp_path / "crn")
    one, two = (b[b["f:staffing.workers_per_general_grid"] == k] for k in (1, 2))
    # same streams at both staffing levels: the same incidents, handled differently
    assert one["n_incidents"].tolist() == two["n_incidents"].tolist()
    assert one["utilisation_mean"].tolist() != two["utilisation_mean"].tolist()
    # independent streams: replications differ, and the two points do not share them
    assert a.groupby("point")["n_incidents"].nunique().min() > 1
    one, two = (a[a["f:staffing.workers_per_general_grid"] == k] for k in (1, 2))
    assert one["n_incidents"].tolist() != two["n_incidents"].tolist()
