"""The snap store: remembered points give exactly a fresh query's results; moved points are new."""
from __future__ import annotations

import numpy as np
import shapely

from gridgov.engine.network import build_graph, roads_table, snap_points
from gridgov.engine.network.snap import _query


def grid_roads(n=12, step=100.0, seed=0):
    """A street grid with a few diagonal lines (equal distances to two edges included)."""
    rng = np.random.default_rng(seed)
    lines = [shapely.linestrings([(0, i * step), (n * step, i * step)]) for i in range(n + 1)]
    lines += [shapely.linestrings([(i * step, 0), (i * step, n * step)]) for i in range(n + 1)]
    lines += [shapely.linestrings(rng.uniform(0, n * step, (3, 2))) for _ in range(5)]
    return roads_table(lines)


def bits(a):
    return a.view(np.uint64) if a.dtype == np.float64 else a


def same(s, e, o, d):
    return all(np.array_equal(bits(p), bits(q)) for p, q in ((s.edge, e), (s.offset, o), (s.distance, d)))


def test_remembered_points_are_bit_identical_and_moved_points_are_snapped_afresh():
    net = build_graph(grid_roads(), "walk")
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-200, 1400, 3000), rng.uniform(-200, 1400, 3000)
    x[:50] = np.round(x[:50] / 100) * 100 + 50            # midway between two streets: ties
    first = snap_points(net, x, y, 120.0)
    assert same(first, *_query(net, x, y, 120.0))
    assert len(net.snaps) == 3000 and (first.edge == -1).any()   # some beyond the 120 m
    again = snap_points(net, x[::-1], y[::-1], 120.0)             # any order, any array
    assert same(again, first.edge[::-1], first.offset[::-1], first.distance[::-1])
    assert len(net.snaps) == 3000
    x2 = x.copy()
    x2[:100] += 7.0                                                # a GUI edit moved 100 points
    x2[100:110] = np.nan
    moved = snap_points(net, x2, y, 120.0)
    f = np.isfinite(x2)
    assert same(moved, *(np.r_[a[:100], np.full(10, fill), a[100:]]
                         for a, fill in zip(_query(net, x2[f], y[f], 120.0), (-1, 0.0, np.inf))))
    assert not np.array_equal(moved.offset[:100], first.offset[:100])
    other = snap_points(net, x, y, 60.0)                           # another maximum: its own table
    assert same(other, *_query(net, x, y, 60.0))
    assert (other.edge == -1).sum() > (first.edge == -1).sum()


def test_results_are_fresh_arrays():
    net = build_graph(grid_roads(), "walk")
    a = snap_points(net, [50.0, 420.0], [10.0, 330.0], 100.0)
    a.edge[:] = -7
    a.offset[:] = -1.0
    b = snap_points(net, [50.0, 420.0], [10.0, 330.0], 100.0)
    assert (b.edge >= 0).all() and (b.offset >= 0).all()


def test_modes_on_the_same_roads_share_one_store(tmp_path):
    from gridgov.engine.network.graph import build_network

    class Scenario:                      # what build_network reads of a scenario
        roads = grid_roads()
        params = {"travel": {}, "circles": {"mode": "walk"}}
        layers_path = tmp_path / "layers.gpkg"
        path = tmp_path

    from gridgov.engine.params import defaults

    Scenario.params = {"travel": defaults()["travel"], "circles": {"mode": "walk"}}
    walk, ebike, drive = (build_network(Scenario, m) for m in ("walk", "ebike", "drive"))
    assert walk.snaps is ebike.snaps is drive.snaps and walk.tree is drive.tree
    Scenario.roads = roads_table(list(grid_roads().geometry[:-1]))    # other roads: another store
    assert build_network(Scenario, "walk").snaps is not walk.snaps


def test_a_pickled_network_keeps_its_points():
    import pickle

    net = build_graph(grid_roads(), "walk")
    a = snap_points(net, [50.0, 420.0], [10.0, 330.0], 100.0)
    copy = pickle.loads(pickle.dumps(net))
    assert len(copy.snaps) == 2
    assert same(snap_points(copy, [50.0, 420.0], [10.0, 330.0], 100.0), a.edge, a.offset, a.distance)
