"""Batch experiments: sweeps × replications on Dask, Parquet results, resumable.

``load_experiment(path) -> Experiment`` (experiment.py), ``run_batch(experiment, out, ...)``
(runner.py; one run: runs.py), ``write_summary(experiment, out)`` (summary.py); the batch use case
(``engine/workflows/batch.py``) wires them for ``gridgov batch``.
"""
from .experiment import Experiment, RunSpec, load_experiment

__all__ = ["Experiment", "RunSpec", "load_experiment", "run_batch", "write_summary"]


def run_batch(*args, **kwargs):
    """See ``runner.run_batch`` (imported lazily: Dask is only needed when running)."""
    from .runner import run_batch as _run

    return _run(*args, **kwargs)


def write_summary(*args, **kwargs):
    """See ``summary.write_summary``."""
    from .summary import write_summary as _write

    return _write(*args, **kwargs)
