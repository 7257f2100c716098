"""``gridgov optimise`` on the Wuhou sample: a valid, better layout that 'compare' accepts; bad input."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely

from gridgov.engine.scenario import load_scenario
from gridgov.engine.score.geometry import gini, polsby_popper

ROOT = Path(__file__).resolve().parents[1]
WUHOU = ROOT / "scenarios" / "chengdu_wuhou"
ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen", MPLBACKEND="Agg",
           NUMBA_CACHE_DIR=os.environ.get("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache")))
ENV.pop("GRIDGOV_DEBUG", None)


def gridgov(*args, timeout=900):
    return subprocess.run([sys.executable, "-m", "gridgov", *map(str, args)], capture_output=True, text=True,
                          env=ENV, timeout=timeout)


@pytest.fixture(scope="module")
def source():
    return load_scenario(WUHOU)


@pytest.fixture(scope="module")
def optimised(tmp_path_factory):
    out = tmp_path_factory.mktemp("opt") / "wuhou_grids"
    proc = gridgov("optimise", WUHOU, "--mode", "grids", "--out", out, "--seed", "1")
    assert proc.returncode == 0, proc.stderr
    assert "general grids: 92 →" in proc.stdout and "units moved" in proc.stdout
    return out


def general_households(sc):
    g, u = sc.grids, sc.units
    gen = np.flatnonzero(g.level == "general")
    H = np.array([u.households[u.grid_id == g.id[r]].sum() for r in gen])
    return gen, H


def test_grids_within_norms_contiguous_nested_and_better(optimised, source):
    new = load_scenario(optimised)
    norms = new.params["grids"]["general_households"]
    gen, H = general_households(new)
    assert ((H >= norms["min"]) & (H <= norms["max"])).all()
    assert (shapely.get_num_geometries(new.grids.geometry[gen]) == 1).all()
    assert (shapely.get_num_geometries(new.grids.geometry) == 1).all()      # micro-grids too
    # nesting: every unit stays in its community; micro-grids sit in a general grid of the same community
    comm_of = dict(zip(new.grids.id, new.grids.community))
    assert all(comm_of[gid] == c for gid, c in zip(new.units.grid_id, source.units.attrs["community"]))
    micro = new.grids.level == "micro"
    assert all(comm_of[p] == c for p, c in zip(new.grids.parent_id[micro], new.grids.community[micro]))
    assert set(new.units.micro_id) <= set(new.grids.id[micro])
    src_gen, src_H = general_households(source)
    assert gini(H) < gini(src_H)
    assert np.nanmean(polsby_popper(new.grids.geometry[gen])) > np.nanmean(polsby_popper(source.grids.geometry[src_gen]))
    summary = json.loads((optimised / "optimise.json").read_text(encoding="utf-8"))
    assert summary["grids"]["after"]["out_of_norm"] == 0 and summary["grids"]["changes"][0]["units_moved"] > 0
    assert gridgov("validate", optimised).returncode == 0


def test_compare_against_the_original_works(optimised, tmp_path):
    out = tmp_path / "cmp"
    proc = gridgov("compare", WUHOU, optimised, "--out", out, "--days", "2", "--no-pdf", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert (out / "compare.json").is_file()


def test_lock_file_naming_an_unknown_grid_is_a_located_error(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text("# keep these\n510107001004004\nno-such-grid\n", encoding="utf-8")
    proc = gridgov("optimise", WUHOU, "--out", tmp_path / "o", "--lock", lock, timeout=300)
    assert proc.returncode == 1
    assert "'no-such-grid' is not a grid or facility id" in proc.stderr and "line 3" in proc.stderr
    assert str(lock) in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()


def test_norms_no_partition_can_meet_exit_1(tmp_path):
    sc = tmp_path / "wuhou_big_norms"
    shutil.copytree(WUHOU, sc)
    toml = sc / "scenario.toml"
    toml.write_text(toml.read_text(encoding="utf-8")
                    + "\n[grids]\ngeneral_households = {min = 5000, target = 6000, max = 7000}\n", encoding="utf-8")
    proc = gridgov("optimise", sc, "--out", tmp_path / "o", timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "households: below one grid's minimum 5000" in proc.stderr and "community" in proc.stderr


def test_locked_grid_stays_as_it_is(source, tmp_path):
    from gridgov.engine.workflows.optimise import optimise

    gid = "510107001004004"
    lock = tmp_path / "lock.txt"
    lock.write_text(gid + "\n", encoding="utf-8")
    run = optimise(source, "grids", lock=lock, seed=2, time_limit=5)
    old = source.grids.geometry[source.grids.id == gid][0]
    new = run.scenario.grids.geometry[run.scenario.grids.id == gid][0]
    assert shapely.equals(old, new)
    assert (run.scenario.units.grid_id[source.units.grid_id == gid] == gid).all()
    assert ((run.scenario.units.grid_id == gid) == (source.units.grid_id == gid)).all()


def test_facilities_and_joint_modes_cut_travel(source):
    from gridgov.engine.optimise.stations import relocate_stations
    from gridgov.engine.workflows.optimise import Lock

    moved, summary = relocate_stations(source, seed=0)
    assert summary["mean_travel_s_after"] <= summary["mean_travel_s_before"] + 1e-9
    assert moved.facilities.of_type("grid_station").size == source.facilities.of_type("grid_station").size
    from gridgov.engine.optimise.stations import station_per_grid

    joint, js = station_per_grid(source, source, Lock())
    st = joint.facilities.of_type("grid_station")
    assert set(joint.grids.id[joint.grids.level == "general"]) <= set(joint.facilities.grid_id[st])
    assert js["mean_travel_s_after"] <= js["mean_travel_s_before"]


def test_joint_mode_scores_both_layouts_with_the_simulation(tmp_path):
    from gridgov.engine.workflows.optimise import optimise, summary_lines, write_optimised

    short = load_scenario(WUHOU, overrides={"simulation": {"days": 2}})
    run = optimise(short, "joint", seed=3, time_limit=5)
    scores = run.summary["scores"]
    assert set(scores) == {"before", "after"}
    assert scores["after"]["households_gini"] < scores["before"]["households_gini"]
    assert scores["after"]["response_on_duty_p90_min"] is not None
    assert run.summary["facilities"]["created"] + run.summary["facilities"]["moved"] == \
        int((run.scenario.grids.level == "general").sum())
    assert any(line.startswith("  score after") for line in summary_lines(run.summary))
    out = write_optimised(run, tmp_path / "joint")
    doc = json.loads((out / "optimise.json").read_text(encoding="utf-8"))
    assert doc["scenario"]["name"] == "chengdu_wuhou" and doc["mode"] == "joint"
    assert load_scenario(out).facilities.of_type("grid_station").size >= 92
