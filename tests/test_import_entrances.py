"""Entrance units: large buildings cut into slices of equal area and households (engine/ingest/entrances.py)."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from gridgov.engine.ingest.entrances import entrance_counts, share_out, slice_footprints, split_large


def test_counts_and_shares_sum_to_the_building():
    k = entrance_counts(np.array([0, 50, 100, 101, 250, 1000]), 100)
    assert k.tolist() == [1, 1, 1, 2, 3, 10]
    parts = share_out(np.array([0, 50, 100, 101, 250, 1000]), k)
    owner = np.repeat(np.arange(6), k)
    assert np.bincount(owner, weights=parts).tolist() == [0, 50, 100, 101, 250, 1000]
    assert parts.max() <= 100 and (np.ptp(parts[owner == 4]) <= 1)
    assert entrance_counts(np.array([5000]), 0).tolist() == [1]      # 0 = never split


@pytest.mark.parametrize("k", [2, 3, 7])
def test_slices_tile_the_footprint_with_equal_areas(k):
    rotated = shapely.affinity.rotate(shapely.box(0, 0, 80, 12), 33, origin=(0, 0))
    ell = shapely.Polygon([(0, 0), (60, 0), (60, 10), (10, 10), (10, 50), (0, 50)])   # concave
    for fp in (rotated, ell):
        pieces = slice_footprints(np.array([fp], dtype=object), np.array([k]))
        assert len(pieces) == k
        areas = shapely.area(pieces)
        assert areas == pytest.approx(np.full(k, fp.area / k), rel=1e-6)
        assert shapely.union_all(pieces).symmetric_difference(fp).area < 1e-6 * fp.area
        assert shapely.area(shapely.intersection(pieces[0], pieces[-1])) < 1e-9


def test_split_large_keeps_source_ids_and_moves_points_apart():
    fps = np.array([shapely.box(0, 0, 10, 10), shapely.box(100, 0, 160, 15)], dtype=object)
    units = {"fid": np.array([7, 8]), "id": np.array(["a", "b"], dtype=object), "geometry": fps,
             "households": np.array([40, 330]), "residents": np.array([100, 864]),
             "method": np.array(["estimate", "register"], dtype=object),
             "xy": shapely.get_coordinates(shapely.point_on_surface(fps)), "name": np.array(["", "t"], dtype=object),
             "file": "f.gpkg", "layer": "buildings"}
    out, split, pieces = split_large(units, 100)
    assert (split, pieces) == (1, 4)
    assert out["id"].tolist() == ["a", "b/1", "b/2", "b/3", "b/4"]
    assert out["fid"].tolist() == [7, 8, 8, 8, 8] and out["households"].tolist() == [40, 83, 83, 82, 82]
    assert out["residents"].sum() == 964 and out["method"][1] == "register+entrances"
    assert len(np.unique(np.round(out["xy"], 2), axis=0)) == 5
    assert shapely.contains(out["geometry"][1:], shapely.points(out["xy"][1:])).all()
    # register points (no footprint) are spread around the point, 2 m apart from it
    pts = {**units, "geometry": shapely.points(units["xy"])}
    out, _, _ = split_large(pts, 100)
    d = np.hypot(*(out["xy"][1:] - units["xy"][1]).T)
    assert d == pytest.approx(2.0) and len(np.unique(np.round(out["xy"], 2), axis=0)) == 5
    assert (shapely.get_coordinates(out["geometry"]) == out["xy"]).all()
