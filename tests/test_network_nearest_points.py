"""k_nearest_points against a stable sort of the full snapped_times matrix (ties, one-ways, same edges)."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from gridgov.engine.network import build_graph, roads_table, snap_points
from gridgov.engine.network.nearest_points import k_nearest_points
from gridgov.engine.network.travel import snapped_times


def city(seed):
    """A 10 × 10 street grid of 100 m blocks, some one-way, and a detached stub."""
    rng = np.random.default_rng(seed)
    lines = [shapely.linestrings([(0, i * 100.0), (1000.0, i * 100.0)]) for i in range(11)]
    lines += [shapely.linestrings([(i * 100.0, 0), (i * 100.0, 1000.0)]) for i in range(11)]
    lines.append(shapely.linestrings([(2000.0, 0), (2100.0, 0)]))
    oneway = rng.choice([0, 0, 1, -1], len(lines))
    return build_graph(roads_table(lines, oneway=oneway), "drive")


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [1, 3, 6])
def test_k_nearest_points_is_the_sorted_matrix(seed, k):
    net = city(seed)
    rng = np.random.default_rng(seed + 10)
    # sources and targets on the 50 m grid: many equal costs, shared edges and duplicate points
    src_xy = np.round(rng.uniform(-20, 1020, (25, 2)) / 50) * 50
    dst_xy = np.vstack([np.round(rng.uniform(-20, 1020, (400, 2)) / 50) * 50, src_xy[:5], [[2050.0, 3.0]],
                        [[5000.0, 5000.0]]])
    src = snap_points(net, src_xy[:, 0], src_xy[:, 1], 60.0)
    dst = snap_points(net, dst_xy[:, 0], dst_xy[:, 1], 60.0)
    cost, label = k_nearest_points(net, src, dst, k)
    full = snapped_times(net, src, dst).T                      # (targets, sources)
    order = np.argsort(full, axis=1, kind="stable")[:, :k]
    want = np.take_along_axis(full, order, axis=1)
    want_label = np.where(np.isfinite(want), order, -1)
    assert np.array_equal(cost.view(np.uint64), want.view(np.uint64))
    assert np.array_equal(label, want_label)
    assert (label[-2:] == -1).all() and label[:, 0].min() == -1 < label[:, 0].max()
