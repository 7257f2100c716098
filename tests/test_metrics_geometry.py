"""Shape, balance and topology measures checked by hand on tiny geometries."""
from __future__ import annotations

import math

import numpy as np
import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from gridgov.engine.score.geometry import gini, hull_ratio, max_over_mean, n_parts, polsby_popper, weighted_quantiles
from gridgov.engine.score.topology import check_nesting, check_units, find_gaps, find_overlaps, topology_report
from score_toy import L_SHAPE, SQUARE, TWO_PARTS, grids, units


def test_polsby_popper_square_l_multipart():
    pp = polsby_popper([SQUARE, L_SHAPE, TWO_PARTS, box(0, 0, 400, 100)])
    assert pp[0] == pytest.approx(math.pi / 4)                       # 4π·10⁴ / 400²
    assert pp[1] == pytest.approx(4 * math.pi * 30000 / 800 ** 2)    # L: area 3·100², perimeter 800
    assert pp[2] == pytest.approx(4 * math.pi * 20000 / 800 ** 2)    # two squares: total area / total perimeter²
    assert pp[3] == pytest.approx(4 * math.pi * 40000 / 1000 ** 2)   # 4:1 rectangle


def test_hull_ratio_square_l_multipart():
    hr = hull_ratio([SQUARE, L_SHAPE, TWO_PARTS])
    assert hr[0] == pytest.approx(1.0)
    assert hr[1] == pytest.approx(30000 / 35000)                     # hull cuts the missing corner diagonally
    assert hr[2] == pytest.approx(20000 / 30000)                     # hull spans 300..600 × 0..100


def test_parts_counts_multipart_and_empty():
    assert n_parts([SQUARE, TWO_PARTS, Polygon()]).tolist() == [1, 2, 0]


def test_degenerate_geometry_gives_nan_not_error():
    assert np.isnan(polsby_popper([Polygon()])[0])
    assert np.isnan(hull_ratio([Polygon()])[0])


def test_gini_and_max_mean_by_hand():
    assert gini([5, 5, 5, 5]) == 0.0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)                 # Σ|xi−xj| = 2·3·4 = 24; 24 / (2·16·1)
    assert gini([1, 2, 3]) == pytest.approx((1 + 2 + 1) * 2 / (2 * 9 * 2))
    assert gini([0, 0]) == 0.0
    assert math.isnan(gini([]))
    with pytest.raises(ValueError):
        gini([-1, 2])
    assert max_over_mean([1, 1, 4]) == pytest.approx(2.0)


def test_weighted_quantiles_step_cdf():
    q = weighted_quantiles([1, 2, 3], [1, 1, 2], [0.25, 0.5, 0.75, 1.0])
    assert q.tolist() == [1, 2, 3, 3]


def test_overlap_pair_area_and_location():
    found = find_overlaps(["A", "B", "C"], [box(0, 0, 10, 10), box(8, 0, 18, 10), box(18, 0, 30, 10)])
    assert len(found) == 1                                            # B–C only touch along a line
    f = found[0]
    assert (f["kind"], f["grid_id"], f["other_id"]) == ("overlap", "A", "B")
    assert f["value"] == pytest.approx(20.0)
    assert 8 <= f["x"] <= 10 and 0 <= f["y"] <= 10


def test_gap_enclosed_by_grids():
    ring = [box(0, 0, 30, 10), box(0, 20, 30, 30), box(0, 10, 10, 20), box(20, 10, 30, 20)]
    gaps = find_gaps(ring)
    assert len(gaps) == 1 and gaps[0]["value"] == pytest.approx(100.0)
    assert 10 < gaps[0]["x"] < 20 and 10 < gaps[0]["y"] < 20
    assert find_gaps([box(0, 0, 10, 10), box(10, 0, 20, 10)]) == []


def test_nesting_micro_outside_parent_and_hierarchy():
    g = grids([
        ("G1", "general", "", "C1", "S1", box(0, 0, 100, 100)),
        ("G2", "general", "", "C1", "S2", box(100, 0, 200, 100)),     # C1 in two streets
        ("M1", "micro", "G1", "C1", "S1", box(0, 0, 50, 50)),         # fine
        ("M2", "micro", "G1", "C1", "S1", box(80, 0, 120, 50)),       # half outside G1
        ("M3", "micro", "GX", "C1", "S1", box(0, 50, 50, 100)),       # unknown parent
        ("M4", "micro", "M1", "C9", "S1", box(0, 0, 10, 10)),         # parent is a micro, other community
    ])
    g.code[2] = "G1001"        # nested under G1's code "G1"
    g.code[3] = "X9001"        # not nested
    kinds = {(f["kind"], f["grid_id"]) for f in check_nesting(g)}
    assert kinds == {("micro_outside_parent", "M2"), ("micro_no_parent", "M3"), ("micro_parent_not_general", "M4"),
                     ("micro_other_community", "M4"), ("community_in_several_streets", "C1"),
                     ("micro_code_not_nested", "M2"), ("micro_code_not_nested", "M4")}   # M1 was re-coded
    out = [f for f in check_nesting(g) if f["kind"] == "micro_outside_parent"][0]
    assert out["value"] == pytest.approx(20 * 50)
    assert 100 <= out["x"] <= 120


def test_same_community_name_in_two_streets_is_fine_when_codes_tell_them_apart():
    # Real divisions repeat names (Chengdu: 永兴社区 in 东湖 and in 簇锦 street); CJ/T 349 codes separate them.
    g = grids([
        ("A", "general", "", "永兴社区", "东湖街道", box(0, 0, 100, 100)),
        ("B", "general", "", "永兴社区", "簇锦街道", box(100, 0, 200, 100)),
    ])
    g.code[0], g.code[1] = "510104018005001", "510107014003001"
    assert [f for f in check_nesting(g) if f["kind"] == "community_in_several_streets"] == []
    g.code[1] = "510104018005002"         # the same community code under two streets is a violation
    assert [f["grid_id"] for f in check_nesting(g) if f["kind"] == "community_in_several_streets"] == ["永兴社区"]


def test_units_outside_their_grid():
    g = grids([("G1", "general", "", "C1", "S1", box(0, 0, 100, 100))])
    u = units([("U1", 10, "G1", "", 50, 50), ("U2", 20, "G1", "", 150, 50), ("U3", 5, "GZ", "", 50, 50)])
    found = {(f["kind"], f["other_id"], f["value"]) for f in check_units(u, g)}
    assert found == {("unit_outside_grid", "U2", 20.0), ("unit_unknown_grid", "U3", 5.0)}


def test_topology_report_checks_micro_grids_per_parent_only():
    g = grids([
        ("G1", "general", "", "C1", "S1", box(0, 0, 100, 100)),
        ("G2", "general", "", "C1", "S1", box(100, 0, 200, 100)),
        ("M1", "micro", "G1", "C1", "S1", box(0, 0, 60, 50)),
        ("M2", "micro", "G1", "C1", "S1", box(50, 0, 100, 50)),       # overlaps M1 by 10×50
    ])
    rep = topology_report(g)
    assert [(f["grid_id"], f["other_id"]) for f in rep["overlaps"]] == [("M1", "M2")]
    assert rep["overlaps"][0]["value"] == pytest.approx(500.0)
    assert rep["gaps"] == [] and rep["nesting"] == []


def test_multipolygon_grid_counts_as_one_in_overlaps():
    mp = MultiPolygon([box(0, 0, 10, 10), box(20, 0, 30, 10)])
    found = find_overlaps(["A", "B"], [mp, box(5, 0, 25, 10)])
    assert len(found) == 1 and found[0]["value"] == pytest.approx(50.0 + 50.0)   # both parts overlap B


def _tiling(n: int, size: float = 10.0, skip=()) -> list:
    """n×n boxes sharing edges vertex for vertex (a valid coverage), without the cells in ``skip``."""
    return [box(i * size, j * size, (i + 1) * size, (j + 1) * size)
            for i in range(n) for j in range(n) if (i, j) not in skip]


def test_overlaps_whose_edges_match_vertex_for_vertex_are_found():
    # a duplicate, and a grid that is the union of two others with their vertices: no edge crosses
    cells = _tiling(3)
    dup = find_overlaps([f"C{k}" for k in range(10)], cells + [cells[4]])
    assert [(f["grid_id"], f["other_id"], f["value"]) for f in dup] == [("C4", "C9", 100.0)]
    whole = Polygon([(0, 0), (10, 0), (20, 0), (20, 10), (10, 10), (0, 10)])
    found = find_overlaps(["W", "L", "R"], [whole, box(0, 0, 10, 10), box(10, 0, 20, 10)])
    assert {(f["grid_id"], f["other_id"], f["value"]) for f in found} == {("W", "L", 100.0), ("W", "R", 100.0)}


def test_gaps_of_a_tiling_with_holes_touching_at_a_corner():
    # two missing cells meet at one point: two gaps of 100 m², as the union's rings have them
    gaps = find_gaps(_tiling(4, skip={(1, 1), (2, 2)}))
    assert [f["value"] for f in gaps] == [100.0, 100.0]
    assert find_gaps(_tiling(4, size=0.5, skip={(1, 1)})) == []            # 0.25 m²: digitising noise
    assert find_gaps(_tiling(4)) == []


def test_micro_grids_overlapping_across_parents_are_not_an_overlap_but_within_one_are():
    g = grids([
        ("G1", "general", "", "C1", "S1", box(0, 0, 100, 100)),
        ("G2", "general", "", "C1", "S1", box(100, 0, 200, 100)),
        ("M1", "micro", "G1", "C1", "S1", box(0, 0, 50, 100)),
        ("M2", "micro", "G1", "C1", "S1", box(50, 0, 100, 100)),
        ("M3", "micro", "G2", "C1", "S1", box(95, 0, 150, 100)),      # overlaps M2, another parent's
        ("M4", "micro", "G2", "C1", "S1", box(150, 0, 200, 100)),
        ("M5", "micro", "G2", "C1", "S1", box(140, 0, 160, 100)),     # overlaps M3 and M4 (same parent)
    ])
    rep = topology_report(g)
    assert [(f["grid_id"], f["other_id"], f["value"]) for f in rep["overlaps"]] == [
        ("M3", "M5", 1000.0), ("M4", "M5", 1000.0)]
    assert [(f["kind"], f["grid_id"], f["value"]) for f in rep["nesting"]] == [("micro_outside_parent", "M3", 500.0)]
