"""Batch on Dask: replications of the Wuhou sample on an embedded LocalCluster.

Measured in one run:
  * peer: the same simulations in a plain serial loop in this process (no Dask, no files);
  * per-task overhead: no-op runs (``runs.null_run``), one per task, through a warm 2-worker
    cluster, incl. scheduling, result transfer and the task's atomic Parquet file;
  * 1 → 2 worker scaling efficiency on the same runs (T1 / (2·T2)) on warm clusters;
  * the full batch (1,000 replications; ``--quick``: 60) on 2 workers, incl. start-up.
The last line prints the ratios.

``--city`` (issue 15) measures instead a batch over the generated district-size city
(``scripts/make_city.py --scale district``: ~977,000 residents in 2 districts) with districts as
tasks (``by_district = true``): in-process (the peer), then 1 and 2 workers on cold LocalClusters
(each worker builds its districts' layouts), with wall, CPU seconds (client + workers) and peak
memory per worker, results compared for identity, and the 1 → 2 worker scaling efficiency.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache"))
os.environ.setdefault("MPLBACKEND", "Agg")


def _experiment(tmp: Path, name: str, reps: int, days: int) -> Path:
    path = tmp / f"{name}.toml"
    path.write_text(f"""
[experiment]
name = "{name}"
seed = 1
replications = {reps}
days = {days}
[[scenario]]
name = "wuhou"
path = "{(ROOT / 'scenarios' / 'chengdu_wuhou').as_posix()}"
""", encoding="utf-8")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="small sizes (CI)")
    ap.add_argument("--reps", type=int, help="replications of the full batch (default 1000; quick 60)")
    ap.add_argument("--days", type=int, default=28, help="simulated days per run (default 28)")
    ap.add_argument("--city", action="store_true", help="the district-size city, districts as tasks (issue 15)")
    args = ap.parse_args()
    if args.city:
        return city_main(args)
    reps = args.reps or (60 if args.quick else 1000)
    n_serial = 10 if args.quick else 40
    n_scale = 60 if args.quick else 500
    n_null = 200 if args.quick else 2000

    from gridgov.engine.batch.experiment import load_experiment
    from gridgov.engine.batch.runner import run_batch
    from gridgov.engine.batch.runs import null_run, prepared_scenario, simulate_run
    from gridgov.engine.batch.store import read_runs

    tmp = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    try:
        exp = load_experiment(_experiment(tmp, "bench", reps, args.days))
        print(f"Wuhou sample, {args.days} simulated days per run, {os.cpu_count()} CPU(s)")

        # peer: serial loop in this process (warm: scenario loaded, kernels compiled)
        t = time.perf_counter()
        prepared_scenario(exp.runs[0].scenario_path, exp.runs[0].overrides)
        simulate_run(exp.runs[0])
        warm = time.perf_counter() - t
        t = time.perf_counter()
        for spec in exp.runs[:n_serial]:
            simulate_run(spec)
        serial = (time.perf_counter() - t) / n_serial
        n_inc = read_or_none(simulate_run(exp.runs[0]))
        print(f"serial loop (peer): {serial * 1000:.1f} ms/run over {n_serial} runs "
              f"({n_inc} incidents/run; first load + JIT {warm:.1f} s)")

        # per-task overhead of Dask + Parquet with no-op runs, one run per task, warm cluster
        null_exp = load_experiment(_experiment(tmp, "null", n_null, args.days))
        r0 = run_batch(null_exp, tmp / "null0", workers=0, func=null_run, progress=False, runs_per_task=1)
        store_ms = r0["elapsed_s"] / n_null * 1000
        with _cluster(2, exp) as address:
            r = run_batch(null_exp, tmp / "null2", scheduler=address, func=null_run, progress=False,
                          runs_per_task=1)
        overhead_ms = (r["elapsed_s"] - r["startup_s"]) / n_null * 1000
        print(f"per-task overhead: {overhead_ms:.2f} ms/task through Dask (2 workers, {n_null} no-op tasks, "
              f"one run each, incl. {store_ms:.2f} ms for its Parquet file)")

        # 1 → 2 worker scaling on the same runs, warm clusters (scenario loaded, kernels compiled)
        scale_exp = load_experiment(_experiment(tmp, "scale", n_scale, args.days))
        t = {}
        for n in (1, 2):
            with _cluster(n, exp) as address:
                r = run_batch(scale_exp, tmp / f"s{n}", scheduler=address, progress=False)
            t[n] = r["elapsed_s"] - r["startup_s"]
        eff = t[1] / (2 * t[2])
        same = read_runs(tmp / "s1").drop(columns="elapsed_s").equals(read_runs(tmp / "s2").drop(columns="elapsed_s"))
        print(f"scaling (warm): {n_scale} runs 1 worker {t[1]:.2f} s, 2 workers {t[2]:.2f} s → speed-up "
              f"{t[1] / t[2]:.2f}×, efficiency {eff:.0%}; identical results: {same}")

        # the full batch
        r = run_batch(exp, tmp / "full", workers=2, progress=not args.quick)
        per_run = r["elapsed_s"] / reps
        print(f"full batch: {reps} replications on 2 workers in {r['elapsed_s']:.1f} s "
              f"(start-up {r['startup_s']:.1f} s) = {reps / r['elapsed_s']:.1f} runs/s, "
              f"{per_run * 1000:.1f} ms/run wall")
        warm_ratio = serial / (t[2] / n_scale)
        print(f"ratio: dask_2w_vs_serial_loop={serial / per_run:.2f}x (cold, incl. start-up) "
              f"dask_2w_warm_vs_serial_loop={warm_ratio:.2f}x scaling_efficiency_1to2={eff:.2f} "
              f"overhead_ms_per_task={overhead_ms:.2f}")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def _cluster(n: int, exp):
    """A LocalCluster of ``n`` single-threaded workers, each warmed on the experiment's scenario."""
    import logging

    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        client.run(_warm, exp.runs[0])
        yield cluster.scheduler_address


def _warm(spec) -> None:
    from gridgov.engine.batch.runs import simulate_run

    simulate_run(spec)


def city_main(args) -> int:
    """Districts × replications of the district-size city: in-process vs 1 vs 2 workers."""
    import logging
    import resource
    import subprocess

    from distributed import Client, LocalCluster

    from gridgov.engine.batch.experiment import load_experiment
    from gridgov.engine.batch.runner import run_batch
    from gridgov.engine.batch.store import read_runs

    reps = args.reps or (4 if args.quick else 8)
    days = 7 if args.days == 28 and args.quick else args.days
    tmp = Path(tempfile.mkdtemp(prefix="bench_city_batch_"))
    try:
        city = tmp / "city_district"
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_city.py"), "--scale", "district", "--out",
                        str(city)], check=True, capture_output=True)
        path = tmp / "city.toml"
        path.write_text(f'[experiment]\nname = "city"\nseed = 1\nreplications = {reps}\ndays = {days}\n'
                        f'[[scenario]]\nname = "city"\npath = "{city.as_posix()}"\nby_district = true\n',
                        encoding="utf-8")
        exp = load_experiment(path)
        print(f"district-size city, by_district: {reps} replications × {days} days, {os.cpu_count()} CPU(s), "
              f"load average {os.getloadavg()[0]:.1f}")
        runs, rows = {}, {}
        cpu0 = _cpu_s(resource.RUSAGE_SELF)
        r = run_batch(exp, tmp / "w0", workers=0, progress=False)
        runs[0] = {"wall": r["elapsed_s"], "cpu": _cpu_s(resource.RUSAGE_SELF) - cpu0, "tasks": r["tasks"],
                   "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
        rows[0] = read_runs(tmp / "w0")
        for n in (1, 2):
            with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                              dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
                    Client(cluster) as client:
                before = client.run(_worker_usage)
                c0 = _cpu_s(resource.RUSAGE_SELF)
                r = run_batch(exp, tmp / f"w{n}", scheduler=cluster.scheduler_address, progress=False)
                after = client.run(_worker_usage)
                cpu = _cpu_s(resource.RUSAGE_SELF) - c0 + sum(after[w][0] - before[w][0] for w in after)
                runs[n] = {"wall": r["elapsed_s"] - r["startup_s"], "cpu": cpu, "tasks": r["tasks"],
                           "peak_mb": max(a[1] for a in after.values())}
            rows[n] = read_runs(tmp / f"w{n}")
        key = ["run_id", "n_incidents", "response_p50_min", "response_p90_min", "response_p95_min",
               "response_within_15min", "on_time_share", "utilisation_mean", "backlog_max", "n_districts"]
        same = all(rows[n][key].sort_values("run_id").reset_index(drop=True).equals(
            rows[0][key].sort_values("run_id").reset_index(drop=True)) for n in (1, 2))
        for n, m in runs.items():
            label = "in-process (peer)" if n == 0 else f"{n} worker(s)"
            print(f"{label}: {m['wall']:.1f} s wall, {m['cpu']:.1f} CPU s, {m['tasks']} tasks, "
                  f"peak {m['peak_mb']:.0f} MB per {'process' if n == 0 else 'worker'}")
        eff = runs[1]["wall"] / (2 * runs[2]["wall"])
        print(f"identical results (0, 1, 2 workers): {same}; n_incidents/run "
              f"{rows[0]['n_incidents'].mean():.0f}; districts {rows[0]['n_districts'].iloc[0]:.0f}")
        print(f"ratio: dask_2w_vs_in_process={runs[0]['wall'] / runs[2]['wall']:.2f}x "
              f"scaling_efficiency_1to2={eff:.2f} peak_mb_per_worker_2w={runs[2]['peak_mb']:.0f}")
        return 0 if same else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _cpu_s(who) -> float:
    import resource

    u = resource.getrusage(who)
    return u.ru_utime + u.ru_stime


def _worker_usage() -> tuple[float, float]:
    """(CPU seconds so far, peak RSS MB) of this worker process."""
    import resource

    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime, u.ru_maxrss / 1024


def read_or_none(metrics: dict) -> str:
    v = metrics.get("n_incidents")
    return "?" if v is None else f"{v:.0f}"


if __name__ == "__main__":
    sys.exit(main())
