"""Run results as a Hive-partitioned Parquet dataset, written atomically as runs finish.

Layout: ``OUT/runs/point-<point_id>/part-<hash>.parquet``; each file holds the rows of the
runs of one finished Dask task (one or more replications of one design point), with a
``run_id`` column.  Every file carries all its columns (``point``, ``point_id`` too) and the
folder names are not ``key=value``: a Hive-style ``point=<id>`` folder made pyarrow and pandas
add a string/dictionary ``point`` beside the files' int64 one and refuse to read the dataset.  A file is written to a hidden temporary (``.part-*.parquet``, ignored
by Parquet readers) and renamed into place, so every run is either completely present or
absent: resuming a killed batch is "read the run ids present and skip them", with no run
lost or written twice.  Only the client writes, so each run has exactly one writer.
One file per task rather than per run: writing a Parquet file costs about as much as a
Wuhou replication, so per-run files would make the client the bottleneck.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from ..atomic import atomic_path
from ..errors import GridGovError
from .experiment import RunSpec

RUNS_DIR = "runs"
POINT_DIR = "point-"  # + point_id: one folder per design point
# Columns describing a run; every other column is a metric (float64).
ID_COLUMNS = ("run_id", "experiment", "scenario", "point", "point_id", "replication", "seed", "days")
TIMING_COLUMNS = ("elapsed_s",)   # varies between executions: never compared, never summarised


def runs_dir(out: str | os.PathLike) -> Path:
    return Path(out) / RUNS_DIR


def finished_run_ids(out: str | os.PathLike) -> set[str]:
    """Run ids present in finished result files (complete by construction)."""
    ids: set[str] = set()
    for p in _result_files(out):
        ids.update(_read(p, columns=["run_id"]).column("run_id").to_pylist())
    return ids


def _result_files(out: str | os.PathLike) -> list[Path]:
    """Finished result files, sorted; hidden temporaries (``.*``) are never results."""
    root = runs_dir(out)
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob(f"{POINT_DIR}*/*.parquet") if not p.name.startswith((".", "_")))


def _read(path: Path, columns: list[str] | None = None) -> pa.Table:
    try:
        return pq.read_table(path, columns=columns, partitioning=None)
    except (pa.ArrowInvalid, OSError, KeyError) as exc:
        raise GridGovError(f"cannot read run results {path}: {exc} (move the file away and rerun "
                           f"to recompute its runs)") from None


def remove_stale_temporaries(out: str | os.PathLike) -> int:
    """Delete hidden half-written files left by a killed client (never visible as results)."""
    root = runs_dir(out)
    n = 0
    for p in root.glob(f"{POINT_DIR}*/.*.parquet") if root.is_dir() else []:
        p.unlink(missing_ok=True)
        n += 1
    return n


def run_row(spec: RunSpec, metrics: dict[str, Any], elapsed_s: float) -> dict[str, Any]:
    """One result row: identity, factor values (prefixed ``f:``), metrics, timing."""
    row: dict[str, Any] = {
        "run_id": spec.run_id, "experiment": spec.experiment, "scenario": spec.scenario,
        "point": spec.point, "point_id": spec.point_id, "replication": spec.replication,
        "seed": spec.seed, "days": float(spec.days),
    }
    for k, v in spec.factors.items():
        row[f"f:{k}"] = v
    for k, v in metrics.items():
        row[k] = _float(v, k)
    row["elapsed_s"] = float(elapsed_s)
    return row


def write_runs(out: str | os.PathLike, results: list[tuple[RunSpec, dict[str, Any], float]]) -> Path:
    """Write the rows of finished runs of one design point as one file, atomically.

    ``results`` holds ``(spec, metrics, elapsed_s)``; returns the final path.
    """
    if not results:
        raise ValueError("no runs to write")
    points = {spec.point_id for spec, _, _ in results}
    if len(points) != 1:
        raise ValueError(f"runs of several design points in one file: {sorted(points)}")
    rows = [run_row(spec, metrics, elapsed) for spec, metrics, elapsed in results]
    table = pa.Table.from_pylist(rows, schema=_schema(rows[0]))
    ids = ",".join(spec.run_id for spec, _, _ in results)
    name = f"part-{hashlib.sha256(ids.encode()).hexdigest()[:16]}.parquet"
    target = runs_dir(out) / f"{POINT_DIR}{points.pop()}" / name
    with atomic_path(target) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return target


def write_run(out: str | os.PathLike, spec: RunSpec, metrics: dict[str, Any], elapsed_s: float) -> Path:
    """Write one run's row atomically; return the final path."""
    return write_runs(out, [(spec, metrics, elapsed_s)])


def read_runs(out: str | os.PathLike, run_ids: Iterable[str] | None = None):
    """All run rows under ``OUT/runs`` (optionally only ``run_ids``) as a pandas DataFrame.

    Sorted by (scenario, point, replication) so the table is the same whatever order the
    runs finished in and however they were grouped into files.
    """
    import pandas as pd

    files = _result_files(out)
    if not files:
        return pd.DataFrame(columns=list(ID_COLUMNS))
    df = pa.concat_tables([_read(p) for p in files], promote_options="permissive").to_pandas()
    if run_ids is not None:
        df = df[df["run_id"].isin(set(run_ids))]
    return df.sort_values(["scenario", "point", "replication"], kind="stable").reset_index(drop=True)


def _schema(row: dict[str, Any]) -> pa.Schema:
    fields = []
    for k, v in row.items():
        if k in ("point", "replication", "seed"):
            t = pa.int64()
        elif isinstance(v, bool):
            t = pa.bool_()
        elif isinstance(v, str):
            t = pa.string()
        elif isinstance(v, int) and k.startswith("f:"):
            t = pa.int64()
        else:
            t = pa.float64()
        fields.append(pa.field(k, t))
    return pa.schema(fields)


def _float(v: Any, name: str) -> float:
    if v is None:
        return float("nan")
    try:
        return float(v)
    except (TypeError, ValueError):
        raise GridGovError(f"metric '{name}' = {v!r} is not a number") from None
