"""Where the features lie: every layer over the roads, every unit and facility within reach of a road.

Without these checks a layer in degrees labelled as metres, or one feature typed 50 km off,
loads without complaint and comes out as "not served": coverage quietly 0.  Each feature is
named; a layer mostly off the roads is an error pointing at its CRS; a feature outside the
area the roads cover at all is an error (nothing can reach it); a few features in gaps of the
road network are warnings (they are reported as not served).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

from .checks import Collector

FAR_M = 1000.0          # beyond the roads' extent by more than this (and snap_max_m): not in the study area
LARGE_SHARE = 0.2       # this share of a layer off the roads is a CRS or coordinate mistake, not gaps
LARGE_MIN = 3           # … when at least this many features are affected (tiny layers: one is no pattern)
LISTED = 20             # features named one by one; the rest in one line


def check_placement(data: dict[str, Any], params: dict[str, dict[str, Any]], crs: str, file: str,
                    col: Collector) -> None:
    """Add the placement problems of the checked layers in ``data`` (working CRS, metres)."""
    roads = data.get("roads")
    if roads is None or not len(roads):
        return
    snap = _snap_max(params)
    box = shapely.total_bounds(roads.geometry)
    reach = max(snap, FAR_M)
    area = shapely.box(*box).buffer(reach, join_style="mitre")
    off_extent = set()
    for name in ("grids", "units", "facilities", "incidents"):
        layer = data.get(name)
        geoms = _geometries(name, layer)
        if geoms is None or not len(geoms):
            continue
        lbox = shapely.total_bounds(geoms)
        if np.all(np.isfinite(lbox)) and not shapely.intersects(shapely.box(*lbox), area):
            col.error(f"the layer's extent ({_box(lbox)}) is nowhere near the roads' ({_box(box)}, {crs}): "
                      "check the layer's CRS (e.g. degrees labelled as metres) or its coordinates",
                      file=file, layer=name, field="geometry")
            off_extent.add(name)
    tree = shapely.STRtree(roads.geometry)
    for name in ("units", "facilities"):
        layer = data.get(name)
        if layer is None or not len(layer) or name in off_extent:
            continue
        _check_reach(name, layer, tree, area, snap, reach, file, col)


def _snap_max(params) -> float:
    try:
        value = float(params["travel"]["snap_max_m"])
    except (KeyError, TypeError, ValueError):
        return 300.0
    return value if math.isfinite(value) and value >= 0 else 300.0  # a bad value is reported by its own check


def _geometries(name: str, layer) -> np.ndarray | None:
    if layer is None:
        return None
    if name in ("grids", "units"):
        return np.asarray(layer.geometry, dtype=object)
    return shapely.points(np.asarray(layer.x, float), np.asarray(layer.y, float))


def _check_reach(name: str, layer, tree, area, snap: float, reach: float, file: str, col: Collector) -> None:
    pts = shapely.points(np.asarray(layer.x, float), np.asarray(layer.y, float))
    _, dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    far = np.flatnonzero(dist > snap)
    if not len(far):
        return
    outside = ~shapely.intersects(pts, area)
    share = len(far) / len(pts)
    large = len(far) >= LARGE_MIN and share >= LARGE_SHARE
    what = "units" if name == "units" else "facilities"
    if large:
        col.error(f"{len(far)} of {len(pts)} {what} ({100 * share:.0f}%) are farther than snap_max_m = {snap:g} m "
                  "from every road: check the layer's CRS (or the roads layer's extent) before anything else",
                  file=file, layer=name, field="geometry")
    for k, i in enumerate(far):
        error = large or bool(outside[i])
        if k == LISTED:
            rest = far[LISTED:]
            fids = ", ".join(str(int(f)) for f in layer.fid[rest][:200]) + (" …" if len(rest) > 200 else "")
            severe = large or bool(outside[rest].any())
            (col.error if severe else col.warning)(
                f"{len(rest)} more {what} farther than snap_max_m = {snap:g} m from every road: features {fids}",
                file=file, layer=name, field="geometry")
            break
        d = dist[i]
        far_text = f"{d / 1000:.1f} km" if d >= 1000 else f"{d:.0f} m"
        if outside[i]:
            message = (f"{far_text} from the nearest road, outside the area the roads cover: wrong coordinates "
                       "or CRS? Move it, or extend the roads layer to reach it")
        else:
            message = (f"{far_text} from the nearest road (snap_max_m = {snap:g} m): it is not served; move it "
                       "next to its road, add the missing road, or raise [travel] snap_max_m")
        (col.error if error else col.warning)(message, file=file, layer=name, fid=int(layer.fid[i]), field="geometry")


def _box(b) -> str:
    return f"x {b[0]:.0f}…{b[2]:.0f}, y {b[1]:.0f}…{b[3]:.0f}"
