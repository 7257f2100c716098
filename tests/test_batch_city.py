"""``gridgov batch`` over the district-size city with districts as a task dimension (issue 15):
district × design point × replications tasks merged exactly into city-level runs, identical with
2 Dask workers, 1 worker and in-process, and equal to ``simulate_city`` of the same seed."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from gridgov.engine.batch import store
from gridgov.engine.batch.experiment import SUMMARY_METRICS, load_experiment
from gridgov.engine.batch.runner import run_batch

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache"))   # LocalCluster workers inherit it


@pytest.fixture(scope="module")
def city_batch(tmp_path_factory, district_city):
    tmp = tmp_path_factory.mktemp("city_batch")
    path = tmp / "city.toml"
    path.write_text(f"""
[experiment]
name = "city"
seed = 5
replications = 2
days = 1
[[scenario]]
name = "city"
path = "{district_city.as_posix()}"
by_district = true
""", encoding="utf-8")
    exp = load_experiment(path)
    res = run_batch(exp, tmp / "ref", workers=0, progress=False)
    return exp, res, store.read_runs(tmp / "ref")


def _metrics(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["run_id", "replication", "seed", *SUMMARY_METRICS]
    return df[cols].sort_values("run_id").reset_index(drop=True)


def test_in_process_city_batch_is_simulate_city(city_batch, district_city):
    from gridgov.engine.scenario import load_scenario
    from gridgov.engine.simulation.city import simulate_city

    exp, res, ref = city_batch
    assert res["done"] == 2 and res["tasks"] == 4                 # 2 districts × 2 chunks of 1 replication
    assert all(r.by_district for r in exp.runs) and set(ref["n_districts"]) == {2.0}
    spec = exp.runs[1]
    city = simulate_city(load_scenario(district_city), days=spec.days, seed=spec.seed)
    row = ref.set_index("run_id").loc[spec.run_id]
    for k in SUMMARY_METRICS:
        assert row[k] == city.summary[k] or (row[k] != row[k] and city.summary[k] != city.summary[k]), k


@pytest.mark.parametrize("workers", [1, 2])
def test_city_batch_identical_whatever_the_workers(tmp_path, city_batch, workers):
    exp, _, ref = city_batch
    res = run_batch(exp, tmp_path / "out", workers=workers, progress=False, runs_per_task=1)
    assert res["workers"] == workers and res["done"] == 2 and res["tasks"] == 4
    pd.testing.assert_frame_equal(_metrics(store.read_runs(tmp_path / "out")), _metrics(ref))
