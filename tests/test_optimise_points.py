"""partition_points: the districting engine behind engine/ingest's draw_partition signature."""
from __future__ import annotations

import numpy as np

from gridgov.engine.ingest.partition import delaunay_edges, partition_groups
from gridgov.engine.optimise import _kernels
from gridgov.engine.optimise.points import graph_from_edges, partition_points
from gridgov.engine.score.geometry import gini


def test_parts_nest_in_groups_are_contiguous_and_balanced_at_least_as_well_as_the_import_drawer():
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 3000, (1500, 2))
    w = rng.integers(5, 60, 1500).astype(float)
    group = (xy[:, 0] > 1500).astype(np.int64) + 2 * (xy[:, 1] > 1800)
    edges = delaunay_edges(xy)
    labels = partition_points(xy, w, group, 400.0, 160.0, 500.0, edges, seed=1)
    k = labels.max() + 1
    assert (labels >= 0).all() and np.unique(labels).size == k
    for part in range(k):
        assert np.unique(group[labels == part]).size == 1
    g = graph_from_edges(xy, edges).within(group)
    assert (_kernels.contiguous(g.indptr, g.indices, labels, k) == 1).all()
    H = np.bincount(labels, weights=w)
    assert ((H >= 160) & (H <= 500)).all()
    theirs = partition_groups(xy, w, group, 400.0, 160.0, 500.0, edges)
    assert gini(H) <= gini(np.bincount(theirs, weights=w)) + 1e-9


def test_a_group_too_small_for_the_norms_is_one_part():
    xy = np.array([[0.0, 0.0], [10.0, 0.0], [20.0, 0.0]])
    labels = partition_points(xy, np.array([10.0, 10.0, 10.0]), np.zeros(3, np.int64), 400.0, 160.0, 500.0,
                              np.array([[0, 1], [1, 2]]))
    assert (labels == 0).all()
