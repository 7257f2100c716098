"""Districting: contiguity, norms, nesting, locks, infeasible norms and the never-failing seed."""
from __future__ import annotations

import numpy as np
import pytest

from gridgov.engine.errors import ValidationError
from gridgov.engine.optimise import _kernels
from gridgov.engine.optimise.adjacency import components, unit_graph
from gridgov.engine.optimise.districting import draw_grids, draw_micro_grids, grid_count, partition
from gridgov.engine.optimise.seed import seed_partition

NORMS = {"min": 160, "target": 200, "max": 240}


def lattice(nx=20, ny=15, seed=0, spacing=50.0):
    rng = np.random.default_rng(seed)
    gx, gy = np.meshgrid(np.arange(nx) * spacing, np.arange(ny) * spacing)
    x = gx.ravel() + rng.uniform(-5, 5, gx.size)
    y = gy.ravel() + rng.uniform(-5, 5, gy.size)
    hh = rng.integers(5, 30, x.size)
    return x, y, hh


def check_layout(res, hh, norms, group=None):
    lab = res.labels
    sel = lab >= 0
    H = np.bincount(lab[sel], weights=hh[sel], minlength=res.k)
    assert ((H >= norms["min"]) & (H <= norms["max"])).all(), H
    parts = _kernels.contiguous(res.graph.indptr, res.graph.indices, lab, res.k)
    assert (parts == 1).all()
    if group is not None:
        for d in range(res.k):
            assert np.unique(group[lab == d]).size == 1
    return H


def test_grid_count_follows_target_within_norms():
    assert grid_count(1000, 160, 200, 240) == 5
    assert grid_count(130, 160, 200, 240) == 0
    assert grid_count(250, 160, 200, 240) == 0      # 1 grid too big, 2 grids too small
    assert grid_count(330, 160, 200, 240) == 2


def test_draw_grids_contiguous_within_norms_and_nested():
    x, y, hh = lattice()
    community = np.where(x < 480, "west", "east")
    res = draw_grids(x, y, hh, community, norms=NORMS, seed=3, steps=100_000)
    check_layout(res, hh, NORMS, community)
    for side in ("west", "east"):
        total = hh[community == side].sum()
        assert (res.group == side).sum() == grid_count(total, 160, 200, 240)
    assert res.report["start"]["from"] == "seed"
    after, before = res.report["after"], res.report["before"]
    assert after["perimeter_m"] < before["perimeter_m"]   # annealing made grids more compact


def test_current_layout_is_the_start_and_changes_are_counted():
    x, y, hh = lattice(12, 10)
    current = np.where(x < 300, "A", "B").astype(object)
    current = np.where((x >= 300) & (y < 200), "C", current)
    norms = {"min": 100, "target": float(hh.sum()) / 3, "max": 10_000}
    res = draw_grids(x, y, hh, np.full(x.size, "c"), norms=norms, current=current, seed=1, steps=20_000,
                     weights={"changes": 100.0, "balance": 0.0, "compactness": 0.0, "travel": 0.0})
    assert res.report["start"]["from"] == "current layout"
    assert res.report["units_changed"] == 0          # nothing else to gain: moving costs


def test_locked_units_stay_out():
    x, y, hh = lattice(10, 10)
    locked = x < 100
    res = draw_grids(x, y, hh, np.full(x.size, "c"), norms=NORMS, locked=locked, seed=0, steps=20_000)
    assert (res.labels[locked] == -1).all() and (res.labels[~locked] >= 0).all()
    check_layout(res, hh, NORMS)


def test_community_below_one_grid_is_a_located_problem():
    x, y, hh = lattice(10, 10)
    community = np.where((x < 60) & (y < 60), "Xiaocun", "Dacun")
    hh = hh.copy()
    hh[community == "Xiaocun"] = [30, 30, 40, 30]
    with pytest.raises(ValidationError) as err:
        draw_grids(x, y, hh, community, norms=NORMS, where="scenario/layers.gpkg")
    assert "community Xiaocun has 130 households: below one grid's minimum 160" in str(err.value)
    assert "scenario/layers.gpkg" in str(err.value)


def test_island_unit_is_a_located_problem():
    x, y, hh = lattice(10, 10)
    x = np.append(x, 5000.0)
    y = np.append(y, 5000.0)
    hh = np.append(hh, 50)
    ids = np.array([f"u{i}" for i in range(x.size)])
    with pytest.raises(ValidationError) as err:
        draw_grids(x, y, hh, np.full(x.size, "c"), norms=NORMS, unit_ids=ids)
    assert "u100" in str(err.value) and "island of 50 households" in str(err.value)


def test_no_whole_number_of_grids_is_reported():
    x, y, hh = lattice(5, 5)
    hh = np.full(x.size, 10)  # 250 households, grids of 160..240
    with pytest.raises(ValidationError, match="no whole number of grids"):
        draw_grids(x, y, hh, np.full(x.size, "c"), norms=NORMS)


def test_seed_never_fails_on_delaunay_graph_at_tight_norms():
    rng = np.random.default_rng(7)
    n = 2000
    x, y = rng.uniform(0, 5000, n), rng.uniform(0, 5000, n)
    hh = np.ones(n)
    g = unit_graph(x, y, link_max_m=1e9)
    assert np.unique(components(g)).size == 1
    k = 40
    lo, hi = 50 * 0.95, 50 * 1.05
    for s in range(3):
        labels, rep = seed_partition(g.indptr, g.indices, hh, [(np.arange(n), k)], lo, hi, np.random.default_rng(s))
        H = np.bincount(labels, minlength=k)
        assert labels.min() == 0 and H.size == k
        assert (_kernels.contiguous(g.indptr, g.indices, labels, k) == 1).all()
        assert rep.relaxed == 0 and ((H >= lo) & (H <= hi)).all()


def test_recom_chain_keeps_contiguity_and_norms():
    x, y, hh = lattice(30, 30, seed=2)
    g = unit_graph(x, y)
    res = partition(g, hh, x, y, np.full(x.size, "c"), NORMS, steps=0)
    labels = res.labels.copy()
    stats = np.zeros(4, np.int64)
    _kernels.anneal(g.indptr, g.indices, g.weight, hh.astype(float), x, y, labels, labels.copy(), res.k,
                    200.0, 160.0, 240.0, 1.0, 1.0, 0.0, 0.0, 0.0, 3000, 1.0, np.inf, np.inf, 5, stats)
    assert stats[3] > 0.5 * stats[2]                          # most ReCom proposals find a balanced cut
    assert (labels != res.labels).any()
    H = np.bincount(labels, weights=hh, minlength=res.k)
    assert ((H >= 160) & (H <= 240)).all()
    assert (_kernels.contiguous(g.indptr, g.indices, labels, res.k) == 1).all()


def test_flip_moves_keep_districts_connected():
    x, y, hh = lattice(25, 25, seed=4)
    g = unit_graph(x, y)
    res = partition(g, hh, x, y, np.full(x.size, "c"), NORMS, steps=0)
    labels = res.labels.copy()
    stats = np.zeros(4, np.int64)
    _kernels.anneal(g.indptr, g.indices, g.weight, hh.astype(float), x, y, labels, labels.copy(), res.k,
                    200.0, 160.0, 240.0, 0.0, 0.0, 0.0, 0.0, 0.0, 50_000, 0.0, np.inf, np.inf, 9, stats)
    assert stats[1] > 1000
    assert (_kernels.contiguous(g.indptr, g.indices, labels, res.k) == 1).all()


def test_micro_grids_nest_in_general_grids():
    x, y, hh = lattice()
    res = draw_grids(x, y, hh, np.full(x.size, "c"), norms=NORMS, seed=1, steps=20_000)
    micro = draw_micro_grids(res.graph, res.labels, hh, x, y, {"min": 20, "target": 40, "max": 80}, steps=20_000)
    for m in range(micro.k):
        assert np.unique(res.labels[micro.labels == m]).size == 1
    assert (micro.labels >= 0).all()
    assert (_kernels.contiguous(res.graph.indptr, res.graph.indices, micro.labels, micro.k) == 1).all()
    assert micro.report["after"]["out_of_norm"] <= micro.report["before"]["out_of_norm"]


def test_barrier_links_weigh_less_or_are_forbidden():
    import shapely

    x, y, hh = lattice(10, 4)
    wall = [shapely.LineString([(225, -100), (225, 1000)])]
    g = unit_graph(x, y, barriers=wall)
    assert g.crossing.sum() >= 8
    g2 = unit_graph(x, y, barriers=wall, forbid_crossing=True)
    assert g2.crossing.sum() == 0 and np.unique(components(g2)).size == 2
