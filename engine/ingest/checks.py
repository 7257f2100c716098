"""Warnings a planner can act on: units and facilities out of reach of every road, residential
buildings left without households.  Each names the layer, the feature and what to do."""
from __future__ import annotations

import numpy as np
import shapely

from ..errors import Problem

LIMIT = 20   # features listed one by one per kind of warning; the rest are counted


def far_from_roads(road_geoms: np.ndarray, units: dict, facilities: dict, snap_max_m: float) -> list[Problem]:
    tree = shapely.STRtree(road_geoms)
    out = []
    for label, pts, fids, file, layer, what in (
            ("unit", shapely.points(units["xy"]), units["fid"], units["file"], units["layer"], "residential unit"),
            ("facility", shapely.points(facilities["x"], facilities["y"]), facilities["source"], "", "facilities",
             "facility")):
        if not len(pts):
            continue
        near, _ = tree.query(pts, predicate="dwithin", distance=snap_max_m)
        far = np.setdiff1d(np.arange(len(pts)), near)
        for i in far[:LIMIT]:
            fid = fids[i]
            out.append(Problem(f"{what} lies farther than snap_max_m = {snap_max_m:g} m from every road: it will count "
                               f"as unreachable; add the road or path that serves it (or raise [travel] snap_max_m)",
                               file=file, layer=layer, fid=fid if isinstance(fid, str) else int(fid), severity="warning"))
        if len(far) > LIMIT:
            out.append(Problem(f"{len(far) - LIMIT} more {label}s farther than {snap_max_m:g} m from every road",
                               file=file, layer=layer, severity="warning"))
    return out


def empty_buildings(b, hh, register: bool) -> list[Problem]:
    """Residential buildings with no households after estimation (or not named by the register)."""
    resid = hh.method != "none"
    empty = np.flatnonzero((hh.households == 0) & (resid | register))
    if register:
        empty = np.flatnonzero(hh.households == 0)
        if not len(empty):
            return []
        return [Problem(f"{len(empty)} of {len(b)} buildings got no households from the register (not named by "
                        f"any row): they are left out of the units; add them to the register if people live there",
                        file=b.file, layer=b.layer, fid=int(b.fid[empty[0]]), severity="warning")]
    out = []
    area = shapely.area(b.geometry)
    for i in empty[:LIMIT]:
        out.append(Problem(f"residential building with no households after estimation (footprint {area[i]:.0f} m²): "
                           f"give its households with --map households=FIELD or a --households register, or lower "
                           f"[import] min_footprint_m2", file=b.file, layer=b.layer, fid=int(b.fid[i]), severity="warning"))
    if len(empty) > LIMIT:
        out.append(Problem(f"{len(empty) - LIMIT} more residential buildings with no households",
                           file=b.file, layer=b.layer, severity="warning"))
    return out
