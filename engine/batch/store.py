"""Run results as a Hive-partitioned Parquet dataset: one small file per finished run.

Layout: ``OUT/runs/point=<point_id>/<run_id>.parquet``.  Each file is written to a hidden
temporary (``.<run_id>.*.parquet``, ignored by Parquet readers) and renamed into place, so a
run is either completely present or absent: resuming a killed batch is "list the run ids
that exist and skip them", with no run lost or written twice.  Only the client writes
files, so there is exactly one writer per run.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from ..atomic import atomic_path
from ..errors import GridGovError
from .experiment import RunSpec

RUNS_DIR = "runs"
# Columns describing a run; every other column is a metric (float64).
ID_COLUMNS = ("run_id", "experiment", "scenario", "point", "point_id", "replication", "seed", "days")
TIMING_COLUMNS = ("elapsed_s",)   # varies between executions: never compared, never summarised


def runs_dir(out: str | os.PathLike) -> Path:
    return Path(out) / RUNS_DIR


def finished_run_ids(out: str | os.PathLike) -> set[str]:
    """Run ids whose result file exists (complete by construction)."""
    return {p.stem for p in _result_files(out)}


def _result_files(out: str | os.PathLike) -> list[Path]:
    """Finished result files, sorted; hidden temporaries (``.*``) are never results."""
    root = runs_dir(out)
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("point=*/*.parquet") if not p.name.startswith((".", "_")))


def remove_stale_temporaries(out: str | os.PathLike) -> int:
    """Delete hidden half-written files left by a killed client (never visible as results)."""
    root = runs_dir(out)
    n = 0
    for p in root.glob("point=*/.*.parquet") if root.is_dir() else []:
        p.unlink(missing_ok=True)
        n += 1
    return n


def run_row(spec: RunSpec, metrics: dict[str, Any], elapsed_s: float) -> dict[str, Any]:
    """One result row: identity, factor values (prefixed ``f:``), metrics, timing."""
    row: dict[str, Any] = {
        "run_id": spec.run_id, "experiment": spec.experiment, "scenario": spec.scenario,
        "point": spec.point, "point_id": spec.point_id, "replication": spec.replication,
        "seed": spec.seed, "days": -1 if spec.days is None else spec.days,
    }
    for k, v in spec.factors.items():
        row[f"f:{k}"] = v
    for k, v in metrics.items():
        row[k] = _float(v, k)
    row["elapsed_s"] = float(elapsed_s)
    return row


def write_run(out: str | os.PathLike, spec: RunSpec, metrics: dict[str, Any], elapsed_s: float) -> Path:
    """Write one run's row atomically; return the final path."""
    row = run_row(spec, metrics, elapsed_s)
    table = pa.Table.from_pylist([row], schema=_schema(row))
    target = runs_dir(out) / f"point={spec.point_id}" / f"{spec.run_id}.parquet"
    with atomic_path(target) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return target


def read_runs(out: str | os.PathLike, run_ids: Iterable[str] | None = None):
    """All run rows under ``OUT/runs`` (optionally only ``run_ids``) as a pandas DataFrame.

    Sorted by (scenario, point, replication) so the table is the same whatever order the
    runs finished in.
    """
    import pandas as pd

    root = runs_dir(out)
    files = _result_files(out)
    if run_ids is not None:
        wanted = set(run_ids)
        files = [p for p in files if p.stem in wanted]
    if not files:
        return pd.DataFrame(columns=list(ID_COLUMNS))
    try:
        tables = [pq.read_table(p, partitioning=None) for p in files]
    except (pa.ArrowInvalid, OSError) as exc:
        raise GridGovError(f"cannot read run results under {root}: {exc}") from None
    df = pa.concat_tables(tables, promote_options="permissive").to_pandas()
    return df.sort_values(["scenario", "point", "replication"], kind="stable").reset_index(drop=True)


def _schema(row: dict[str, Any]) -> pa.Schema:
    fields = []
    for k, v in row.items():
        if k in ("point", "replication", "days", "seed"):
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
