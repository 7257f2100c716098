"""Graph building, snapping and partial-edge travel times on hand-made roads."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from gridgov.engine.errors import GridGovError
from gridgov.engine.network import build_graph, roads_table, snap_points, travel_times
from gridgov.engine.network.snap import arrival, out_seeds


def line(*pts):
    return shapely.linestrings(pts)


def net_of(lines, mode="walk", **kw):
    travel = {k: kw.pop(k) for k in list(kw) if k in ("node_tolerance_m", "walk_speed_mps", "drive_speed_factor")}
    return build_graph(roads_table(lines, **kw), mode, travel)


def test_shared_vertex_splits_lines_but_crossing_without_vertex_does_not():
    # a plus sign whose arms share the vertex (50, 0) → 5 nodes, 4 edges, one component
    net = net_of([line((0, 0), (50, 0), (100, 0)), line((50, -50), (50, 0), (50, 50))])
    assert (net.n_nodes, net.n_edges) == (5, 4)
    assert sorted(net.edge_length.tolist()) == [50.0] * 4
    assert set(net.component.tolist()) == {0}
    # a bridge: lines cross at (50, 0) without a common vertex → two components of 2 nodes
    net = net_of([line((0, 0), (100, 0)), line((50, -50), (50, 50))])
    assert (net.n_nodes, net.n_edges) == (4, 2)
    assert np.bincount(net.component).tolist() == [2, 2]


def test_node_tolerance_joins_close_ends():
    lines = [line((0, 0), (100, 0)), line((100.3, 0), (200, 0))]
    assert net_of(lines, node_tolerance_m=0.5).component.max() == 0
    assert net_of(lines, node_tolerance_m=0.1).component.max() == 1


def test_drive_one_way_and_classes():
    lines = [line((0, 0), (100, 0)), line((100, 0), (200, 0)), line((200, 0), (300, 0)), line((0, 0), (0, 100))]
    cls = ["primary", "residential", "footway", "motorway"]
    net = net_of(lines, mode="drive", road_class=cls, oneway=[1, -1, 0, 0], drive_speed_factor=0.5)
    assert net.n_edges == 3                              # the footway is not drivable
    e = int(np.flatnonzero(np.isclose(net.edge_length, 100) & (net.node_y[net.edge_v] == 0)
                           & (net.node_x[net.edge_u] == 0))[0])
    assert net.edge_fwd[e] == pytest.approx(100 / (40 / 3.6 * 0.5)) and np.isinf(net.edge_bwd[e])
    e2 = int(np.flatnonzero(net.node_x[net.edge_u] == 100)[0])
    assert np.isinf(net.edge_fwd[e2]) and net.edge_bwd[e2] == pytest.approx(100 / (20 / 3.6 * 0.5))
    walk = net_of(lines, mode="walk", road_class=cls, oneway=[1, -1, 0, 0])
    assert walk.n_edges == 3 and np.isfinite(walk.edge_bwd).all()   # no motorway, no one-way on foot
    assert walk.speed_mps == 1.0


def test_unknown_mode_and_bad_speed():
    with pytest.raises(GridGovError):
        net_of([line((0, 0), (1, 0))], mode="boat")
    with pytest.raises(GridGovError):
        net_of([line((0, 0), (1, 0))], walk_speed_mps=0.0)


def test_snap_offsets_by_hand():
    net = net_of([line((0, 0), (100, 0), (100, 100))])   # one edge of 200 m
    s = snap_points(net, [100, 50, 400, 0], [40, 10, 400, 0], snap_max_m=100.0)
    assert s.edge.tolist() == [0, 0, -1, 0]
    assert s.offset[:2].tolist() == [140.0, 50.0] and s.offset[3] == 0.0
    assert s.distance[:2].tolist() == [0.0, 10.0] and np.isinf(s.distance[2])
    nodes, cost = out_seeds(net, s)
    u, v = net.edge_u[0], net.edge_v[0]
    assert nodes[0].tolist() == [v, u] and cost[0].tolist() == [60.0, 140.0]
    assert nodes[2].tolist() == [-1, -1]
    c, _ = arrival(net, s, np.where(np.arange(net.n_nodes) == u, 0.0, np.inf))
    assert c.tolist()[:2] == [140.0, 50.0] and np.isinf(c[2]) and c[3] == 0.0


def test_travel_times_partial_edges_by_hand():
    # 0 ---- 100 ---- 200 along x, walking 1 m/s
    net = net_of([line((0, 0), (100, 0)), line((100, 0), (200, 0))])
    a = np.array([[30.0, 5.0], [30.0, -2.0]])
    b = np.array([[170.0, -3.0], [50.0, 1.0], [30.0, 0.0], [1000.0, 0.0]])
    tt = travel_times(net, a, b, snap_max_m=50.0)
    assert tt[0, :3].tolist() == [140.0, 20.0, 0.0]
    assert tt[1, :3].tolist() == [140.0, 20.0, 0.0]
    assert np.isinf(tt[:, 3]).all()                      # beyond the snap distance
    assert travel_times(net, a, b, cutoff=100.0)[0, :3].tolist()[1:] == [20.0, 0.0]
    assert np.isinf(travel_times(net, a, b, cutoff=100.0)[0, 0])
    d = travel_times(net, a, b, weight="length", snap_max_m=50.0)
    assert d[0, 0] == 140.0


def test_travel_times_respect_one_way_on_the_same_edge():
    # a one-way square loop (drive): from x=70 to x=30 on the bottom edge one must go round
    sq = [line((0, 0), (100, 0)), line((100, 0), (100, 100)), line((100, 100), (0, 100)), line((0, 100), (0, 0))]
    net = net_of(sq, mode="drive", road_class=["residential"] * 4, oneway=[1, 1, 1, 1])
    v = 20 / 3.6 * 0.7
    tt = travel_times(net, [[70.0, 0.0], [30.0, 0.0]], [[30.0, 0.0], [70.0, 0.0]])
    assert tt[1, 1] == pytest.approx(40 / v)             # along the direction
    assert tt[0, 0] == pytest.approx(360 / v)            # against it: round the block
    assert tt[0, 1] == 0.0 and tt[1, 0] == 0.0


def test_empty_inputs():
    net = net_of([line((0, 0), (100, 0))])
    assert travel_times(net, np.zeros((0, 2)), [[1.0, 0.0]]).shape == (0, 1)
    assert travel_times(net, [[1.0, 0.0]], np.zeros((0, 2))).shape == (1, 0)
    with pytest.raises(GridGovError):
        build_graph(roads_table(np.array([line((0, 0), (1, 0))]), road_class=["motorway"]), "walk")
