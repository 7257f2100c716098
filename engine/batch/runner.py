"""Run an experiment's runs on Dask and store each finished run as it arrives.

By default an embedded ``LocalCluster`` (processes, one thread each) is started; with
``scheduler="tcp://host:port"`` the runs go to an existing cluster.  ``workers=0`` runs in
this process without Dask (debugging, and the serial reference of the benchmark).
Workers only compute; the client writes every result file (``store.write_runs``), so each
run is written exactly once, atomically, and a killed batch resumes by skipping the run ids
already on disk.  Seeds are fixed per run in the experiment, so results do not depend on
the number of workers or the order in which runs finish.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any, Callable

from ..atomic import write_text
from ..errors import GridGovError
from .experiment import Experiment, RunSpec
from .runs import simulate_run
from .store import finished_run_ids, remove_stale_temporaries, write_runs

RunFunction = Callable[[RunSpec], dict[str, float]]   # what one run computes: see runs.py


class BatchRunError(GridGovError):
    """A run failed on a worker; carries a plain message (pickles cleanly)."""


# ------------------------------------------------------------------ worker side


def execute(func: RunFunction, spec: RunSpec, district: str | None = None) -> dict[str, Any]:
    """Worker entry point: run ``func(spec)`` and return its metrics, or the error as data.
    With ``district`` (a ``by_district`` city): that district's part (``districts.district_run``).

    Errors travel back as strings, not exceptions: the client reports them with the run's
    context and user errors never arrive as unpicklable exception objects.
    """
    t = time.perf_counter()
    try:
        if district is None:
            metrics = func(spec)
        else:
            from .districts import district_run

            metrics = district_run(spec, district)
        return {"run_id": spec.run_id, "metrics": metrics, "elapsed_s": time.perf_counter() - t}
    except GridGovError as exc:
        return {"run_id": spec.run_id, "error": str(exc), "traceback": ""}
    except Exception as exc:  # a bug somewhere downstream: keep the traceback for errors.log
        return {"run_id": spec.run_id, "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc()}


def execute_many(func: RunFunction, specs: list[RunSpec], district: str | None = None) -> list[dict[str, Any]]:
    """Several runs in one Dask task: amortises the per-task overhead over cheap runs."""
    return [execute(func, spec, district) for spec in specs]



# ------------------------------------------------------------------ client side


def run_batch(experiment: Experiment, out: str | os.PathLike, *, scheduler: str | None = None,
              workers: int | None = None, func: RunFunction = simulate_run, progress: bool = True,
              limit: int | None = None, runs_per_task: int | None = None,
              connect_timeout_s: float = 15.0) -> dict[str, Any]:
    """Run every unfinished run of ``experiment`` and write it under ``out``.

    Returns ``{"total", "skipped", "done", "elapsed_s", "startup_s", "workers", "tasks", "out"}``
    (``startup_s``: starting/connecting to the cluster until a worker is ready; ``tasks``:
    Dask tasks, each of ``runs_per_task`` runs of one design point, default automatic).
    ``limit`` stops after that many new runs (tests, smoke runs).  Raises ``BatchRunError``
    on the first failed run (finished runs stay on disk: fix the cause, rerun, it resumes).
    """
    if runs_per_task is not None and runs_per_task < 1:
        raise GridGovError(f"runs per task must be ≥ 1 (got {runs_per_task})")
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GridGovError(f"cannot create the output folder {out}: {exc.strerror or exc}") from None
    with _exclusive(out):
        return _run_locked(experiment, out, scheduler, workers, func, progress, limit,
                           {"runs_per_task": runs_per_task, "connect_timeout_s": connect_timeout_s})


def _run_locked(experiment: Experiment, out: Path, scheduler, workers, func, progress, limit,
                opts: dict[str, Any]) -> dict[str, Any]:
    write_manifest(experiment, out)
    remove_stale_temporaries(out)  # one client per OUT folder: leftovers are from a killed run
    done = finished_run_ids(out)
    todo = [r for r in experiment.runs if r.run_id not in done]
    skipped = len(experiment.runs) - len(todo)
    if limit is not None:
        todo = todo[:limit]
    t0 = time.perf_counter()
    bar = _bar(len(experiment.runs), skipped, progress, experiment.name)
    info = {"workers": 0, "startup_s": 0.0, "tasks": len(todo)}
    from .districts import CityRuns, city_districts

    city = CityRuns({p: experiment.districts.get(p) or city_districts(p)
                     for p in dict.fromkeys(r.scenario_path for r in todo if r.by_district)})
    try:
        if not todo:
            pass
        elif workers == 0 and scheduler is None:
            tasks = district_tasks(chunk_runs(todo, opts["runs_per_task"] or auto_runs_per_task(len(todo), 1)), city)
            info["tasks"] = len(tasks)
            for chunk, district in tasks:
                bar.update(_store(out, chunk, execute_many(func, chunk, district), district, city))
        else:
            _run_dask(todo, out, func, bar, scheduler, workers, opts, info, city)
    finally:
        bar.close()
    return {"total": len(experiment.runs), "skipped": skipped, "done": len(todo),
            "elapsed_s": time.perf_counter() - t0, **info, "out": str(out)}


def _run_dask(todo: list[RunSpec], out: Path, func: RunFunction, bar, scheduler: str | None,
              workers: int | None, opts: dict[str, Any], info: dict[str, Any], city) -> None:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise GridGovError("gridgov batch needs Dask: pip install 'dask[distributed]'") from None

    cluster = None
    t0 = time.perf_counter()
    try:
        if scheduler:
            try:
                client = Client(scheduler, timeout=f"{opts['connect_timeout_s']}s")
            except ValueError as exc:  # e.g. no port: distributed parses the address before connecting
                raise GridGovError(f"--scheduler {scheduler!r} is not a Dask scheduler address ({exc}); "
                                   "expected e.g. tcp://10.0.0.5:8786") from None
            except (OSError, TimeoutError) as exc:
                raise GridGovError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from None
        else:
            n = workers or os.cpu_count() or 1
            if n < 1:
                raise GridGovError(f"--workers must be ≥ 1 (got {n})")
            try:
                cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=logging.ERROR)
            except (RuntimeError, OSError, TimeoutError) as exc:
                raise GridGovError(f"could not start {n} local Dask worker(s): {exc}") from None
            client = Client(cluster)
        with client:
            try:
                client.wait_for_workers(1, timeout=60)
            except TimeoutError:
                raise GridGovError(f"no Dask worker joined the scheduler {scheduler or ''} within 60 s") from None
            info["workers"] = len(client.scheduler_info()["workers"])
            info["startup_s"] = time.perf_counter() - t0
            size = opts["runs_per_task"] or auto_runs_per_task(len(todo), info["workers"])
            tasks = district_tasks(chunk_runs(todo, size), city)
            keys = [f"gridgov-runs-{c[0].run_id}-{len(c)}-{d or ''}" for c, d in tasks]
            by_key = dict(zip(keys, tasks))
            futures = client.map(execute_many, [func] * len(tasks), [c for c, _ in tasks], [d for _, d in tasks],
                                 key=keys, pure=False)
            info["tasks"] = len(tasks)
            try:
                for fut in as_completed(futures):
                    chunk, district = by_key[fut.key]
                    if fut.status != "finished":
                        exc = fut.exception()
                        spec = chunk[0]
                        raise BatchRunError(
                            f"runs {spec.run_id}… (scenario '{spec.scenario}', point {spec.point}) failed on "
                            f"the cluster: {type(exc).__name__}: {exc} — is GridGov installed on every worker?")
                    bar.update(_store(out, chunk, fut.result(), district, city))
                    fut.release()
            finally:
                client.cancel([f for f in futures if not f.done()])
    finally:
        if cluster is not None:
            cluster.close()


def auto_runs_per_task(n_runs: int, n_workers: int) -> int:
    """Runs per Dask task: ~8 tasks per worker for load balance, at most 32 runs each.

    A Wuhou replication takes a few milliseconds once its scenario is prepared, about the
    cost of scheduling one task, so single-run tasks would spend half the time in Dask.
    """
    return max(1, min(32, -(-n_runs // (8 * max(1, n_workers)))))


def chunk_runs(runs: list[RunSpec], size: int) -> list[list[RunSpec]]:
    """Consecutive runs of the same scenario and design point, ``size`` at a time."""
    chunks: list[list[RunSpec]] = []
    for spec in runs:
        last = chunks[-1] if chunks else None
        if last and len(last) < size and (last[0].scenario, last[0].point) == (spec.scenario, spec.point):
            last.append(spec)
        else:
            chunks.append([spec])
    return chunks


def district_tasks(chunks: list[list[RunSpec]], city) -> list[tuple[list[RunSpec], str | None]]:
    """(runs, district) tasks: a ``by_district`` chunk once per district of its city, others once.
    Ordered design point by point, then district by district, so a worker reuses a district's
    layout across the point's chunks and the client holds the parts of one point at a time."""
    tasks = [(c, d) for c in chunks for d in (city.districts_of[c[0].scenario_path] if c[0].by_district else [None])]
    order = {c[0].run_id: i for i, c in enumerate(chunks)}
    first = {}
    for c, _ in tasks:
        first.setdefault((c[0].scenario, c[0].point), order[c[0].run_id])
    return sorted(tasks, key=lambda t: (first[(t[0][0].scenario, t[0][0].point)], t[1] or "", order[t[0][0].run_id]))


def _exclusive(out: Path):
    """One writer per output folder, the same lock as every other command (engine/outputs.py):
    a second batch, or a run, into OUT stops at once naming the holder's PID."""
    from ..outputs import output_lock

    return output_lock(out, "batch")


def _store(out: Path, chunk: list[RunSpec], results: list[dict[str, Any]], district: str | None = None,
           city=None) -> int:
    """Write a task's finished runs (one file); raise for its first failed run, if any.  A district
    task's runs are written once their city has every district (``districts.CityRuns``)."""
    good = []
    failed = None
    for spec, result in zip(chunk, results):
        if "error" in result:
            failed = (spec, result)
            break
        if district is None:
            good.append((spec, result["metrics"], result["elapsed_s"]))
            continue
        merged = city.add(spec, district, result["metrics"], result["elapsed_s"])
        if merged is not None:
            good.append((spec, merged, city.pop_elapsed(spec.run_id)))
    if good:
        try:
            write_runs(out, good)
        except OSError as exc:
            raise GridGovError(f"cannot write results under {out}: {exc.strerror or exc}") from None
    if failed:
        spec, result = failed
        if result.get("traceback"):
            _append_log(out / "errors.log", f"run {spec.run_id}\n{result['traceback']}\n")
        raise BatchRunError(
            f"run {spec.run_id} failed (scenario '{spec.scenario}'{f', district {district}' if district else ''}, "
            f"point {spec.point} "
            f"{spec.factors}, replication {spec.replication}, seed {spec.seed}): {result['error']}"
            + (f" (traceback in {out / 'errors.log'})" if result.get("traceback") else ""))
    return len(good)


def _append_log(path: Path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


def write_manifest(experiment: Experiment, out: Path) -> Path:
    """OUT/experiment.json: what this folder holds (file, seed, factors, run count)."""
    manifest = {"name": experiment.name, "file": str(experiment.path), "seed": experiment.seed,
                "replications": experiment.replications, "days": experiment.days,
                "factors": experiment.factor_names, "points": experiment.n_points,
                "runs": len(experiment.runs), "common_random_numbers": experiment.common_random_numbers,
                "run_ids": [r.run_id for r in experiment.runs]}
    return write_text(out / "experiment.json", json.dumps(manifest, ensure_ascii=False, indent=1))


def _bar(total: int, initial: int, enabled: bool, name: str):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, desc=f"batch {name}", unit="run", file=sys.stderr,
                disable=not enabled, dynamic_ncols=True, smoothing=0.1)
