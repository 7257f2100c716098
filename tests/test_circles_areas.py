"""Edge envelopes (who reaches each point of an edge first) and sub-segment cutting."""
from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely import ops

from gridgov.engine.network import build_graph, roads_table
from gridgov.engine.circles.areas import band_polygons, edge_envelope, segment_geometries, split_bands


def test_envelope_two_ends_meet_in_the_middle():
    # edge of 100 m, 100 s both ways; node u reached at 10 s by label 0, v at 30 s by label 1
    pieces = edge_envelope(100.0, 100.0, 100.0, 10.0, 0, 30.0, 1)
    assert [(a, b, lab) for a, b, lab, _, _ in pieces] == [(0.0, 60.0, 0), (60.0, 100.0, 1)]
    assert pieces[0][3:] == (10.0, 70.0) and pieces[1][3:] == (70.0, 30.0)


def test_envelope_source_on_the_edge_and_one_way():
    # a source (label 5) at 40 m on a two-way edge beats node u reached at 30 s
    # (pieces are linear: the source's two sides are separate pieces)
    pieces = edge_envelope(100.0, 100.0, 100.0, 30.0, 0, np.inf, -1, [(40.0, 5)])
    assert [(a, b, lab) for a, b, lab, _, _ in pieces] == [(0.0, 5.0, 0), (5.0, 40.0, 5), (40.0, 100.0, 5)]
    assert [p[3:] for p in pieces] == [(30.0, 35.0), (35.0, 0.0), (0.0, 60.0)]
    # one-way u → v: the source only covers what lies downstream of it
    pieces = edge_envelope(100.0, 100.0, np.inf, 30.0, 0, np.inf, -1, [(40.0, 5)])
    assert [(a, b, lab) for a, b, lab, _, _ in pieces] == [(0.0, 40.0, 0), (40.0, 100.0, 5)]
    # unreachable edge
    assert edge_envelope(100.0, 100.0, 100.0, np.inf, -1, np.inf, -1) == []


def test_envelope_ties_go_to_the_lower_label():
    pieces = edge_envelope(100.0, 100.0, 100.0, 0.0, 7, 0.0, 3)
    assert [(a, b, lab) for a, b, lab, _, _ in pieces] == [(0.0, 50.0, 7), (50.0, 100.0, 3)]
    same = edge_envelope(100.0, 100.0, 100.0, 0.0, 7, 100.0, 3)   # v's label only ties at x = 100
    assert [(a, b, lab) for a, b, lab, _, _ in same] == [(0.0, 100.0, 7)]


def test_split_bands_cuts_at_thresholds():
    out = split_bands([(0.0, 100.0, 1, 250.0, 350.0)], [300.0, 600.0, 900.0])
    assert out == [(0.0, 50.0, 1, 0), (50.0, 100.0, 1, 1)]
    assert split_bands([(0.0, 10.0, 1, 950.0, 960.0)], [300.0, 600.0, 900.0]) == [(0.0, 10.0, 1, 3)]


def test_segment_geometries_equal_shapely_substring():
    rng = np.random.default_rng(0)
    lines = [shapely.linestrings(np.cumsum(rng.uniform(-50, 50, (k, 2)), axis=0) + 1000 * i)
             for i, k in enumerate(rng.integers(2, 9, 25))]
    net = build_graph(roads_table(np.array(lines, dtype=object)), "walk")
    segs = []
    for e in range(net.n_edges):
        L = net.edge_length[e]
        a, b = np.sort(rng.uniform(0, L, 2))
        segs += [(e, a, b), (e, 0.0, L), (e, 0.0, a), (e, b, L)]
    got = segment_geometries(net, segs)
    for g, (e, a, b) in zip(got, segs):
        ref = ops.substring(net.edge_geometry[e], a, b)
        assert g.length == pytest.approx(b - a, abs=1e-6)
        assert shapely.hausdorff_distance(g, ref) < 1e-6


def test_band_polygons_are_cumulative():
    lines = np.array([shapely.linestrings([(0, 0), (100, 0)]), shapely.linestrings([(200, 0), (300, 0)]),
                      shapely.linestrings([(400, 0), (500, 0)])], dtype=object)
    polys = band_polygons(lines, np.array([0, 2, 3]), 3, 10.0)
    assert polys[0].area == polys[1].area < polys[2].area
    assert polys[2].contains(polys[0]) and not polys[2].contains(shapely.Point(450, 0))
    assert all(p.geom_type == "MultiPolygon" for p in polys)
