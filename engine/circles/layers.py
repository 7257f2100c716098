"""The GeoPackage layers of a ``Circles`` result (shared by ``circles.gpkg`` and ``results.gpkg``).

Column sets per unit, grid and facility, each facility's responsibility area on the roads and
the band polygons, built from the searches ``compute_circles`` kept (no new search except for
per-facility bands).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from ..network.matrix import _pool, default_threads
from ..network.snap import Snap
from .areas import cut_edges, owner_segments
from .cells import cost_polygons, reach_polygons, subdivision
from .compute import Circles, band_names, finite_or_nan
from .reach import reachable


def unit_columns(c: Circles) -> dict[str, np.ndarray]:
    """Per unit: ``<type>_min``, ``<type>_m``, ``<type>_band``, ``<type>_fac`` (facility
    id, "" none), ``<type>_ok`` (1 within the tier distance); ``component``, ``snap_m``."""
    fac_id = np.asarray(c.scenario.facilities.id, dtype=object)
    cols: dict[str, np.ndarray] = {}
    for t in c.types:
        near = c.unit_nearest[t]
        cols[f"{t}_min"] = finite_or_nan(c.unit_time_min[t])
        cols[f"{t}_m"] = finite_or_nan(c.unit_distance_m[t])
        cols[f"{t}_band"] = c.unit_band[t].astype(np.int64)
        cols[f"{t}_fac"] = np.where(near >= 0, fac_id[np.maximum(near, 0)], "").astype(object)
        cols[f"{t}_ok"] = c.unit_within_tier[t].astype(np.int64)
    cols["component"] = c.unit_component
    cols["snap_m"] = finite_or_nan(c.unit_snap_m)
    return cols


def grid_columns(c: Circles) -> dict[str, np.ndarray]:
    """Per grid row: ``<type>_le5``/``_le10``/``_le15``/``_gt15`` household shares and
    ``<type>_tier`` (share within the tier distance); NaN for grids without households."""
    cols: dict[str, np.ndarray] = {}
    names = band_names(c.band_minutes)
    for t in c.types:
        for b, name in enumerate(names):
            cols[f"{t}_{name}"] = c.grid_band_share[t][:, b]
        cols[f"{t}_tier"] = c.grid_within_tier_share[t]
    for tier, share in c.grid_tier_complete_share.items():
        cols[f"tier{tier}_all"] = share
    return cols


def facility_columns(c: Circles) -> dict[str, np.ndarray]:
    """Per facility: ``households_served``, ``units_served`` (its responsibility area),
    ``component`` (-1 unsnapped) and ``snap_m``."""
    return {"households_served": c.facility_households, "units_served": c.facility_units,
            "component": c.facility_component, "snap_m": finite_or_nan(c.facility_snap_m)}


def responsibility_layer(c: Circles) -> dict[str, Any]:
    """Each facility's non-overlapping service area on the roads (MultiLineString per
    facility, all types in one layer; columns facility_id, type, households, length_m):
    owner pieces of all edges in one Numba pass, one ragged-array build per type."""
    fac = c.scenario.facilities
    s = c.facility_snap
    rows, geoms = [], []
    for t in c.types:
        mine = fac.of_type(t)
        e, x0, x1, owner = owner_segments(c.network, c.node_time[t], c.node_label[t], s.edge[mine], s.offset[mine],
                                          mine)
        rank = np.searchsorted(mine, owner)             # facility rows of the type, sorted
        order = np.argsort(rank, kind="stable")
        geoms.append(cut_edges(c.network, e[order], x0[order], x1[order], rank[order], len(mine)))
        rows.append(mine)
    rows = np.concatenate(rows).astype(np.int64) if rows else np.zeros(0, np.int64)
    geom = np.concatenate(geoms) if geoms else np.empty(0, dtype=object)
    return {"geometry": geom, "geometry_type": "MultiLineString",
            "columns": {"facility_id": np.asarray(fac.id, dtype=object)[rows],
                        "type": np.asarray(fac.type, dtype=object)[rows],
                        "households": c.facility_households[rows],
                        "length_m": shapely.length(geom) if len(geom) else np.zeros(0)}}


def band_layer(c: Circles, per_facility: bool = False) -> dict[str, Any]:
    """Band polygons: the cells (``cells.subdivision``, about ``band_buffer_m`` around the
    roads) of the road reachable within each band limit, partial edges included — per type
    (default) or per facility.  Bands are cumulative: the 10-minute polygon contains the
    5-minute one; a type's polygon is the union of its facilities' ones.  Columns: type,
    facility_id ("" when dissolved), band (0, 1, 2), minutes."""
    limits = [m * 60.0 for m in c.band_minutes]
    fac = c.scenario.facilities
    net = c.network
    nb = len(c.band_minutes)
    polys, c_type, c_fac = [], [], []
    if per_facility:
        for t in c.types:
            mine = fac.of_type(t)
            mine = mine[c.facility_snap.ok[mine]]
            r = reachable(net, _fsnap(c, mine), limits, rings=True)     # threaded itself
            polys.append(reach_polygons(net, r, len(mine), nb, c.band_buffer_m))
            c_fac.extend(np.asarray(fac.id, dtype=object)[mine].astype(str))
            c_type.extend([t] * len(mine))
    elif c.types:
        s = c.facility_snap
        subdivision(net, c.band_buffer_m).ring_args      # built once, before the threads share it

        def dissolved(t):
            mine = fac.of_type(t)
            ok = s.ok[mine]
            return cost_polygons(net, c.node_time[t], s.edge[mine][ok], s.offset[mine][ok], limits,
                                 c.band_buffer_m)[None, :]

        # one type per thread of the engine's pool (cost_polygons never uses the pool itself):
        # the tracing kernel and GEOS release the GIL
        polys = list(_pool(default_threads()).map(dissolved, c.types))
        c_fac, c_type = [""] * len(c.types), list(c.types)
    geom = np.concatenate(polys).ravel() if polys else np.empty(0, dtype=object)
    n = len(c_type)
    return {"geometry": geom, "geometry_type": "MultiPolygon",
            "columns": {"type": np.repeat(np.asarray(c_type, dtype=object), nb),
                        "facility_id": np.repeat(np.asarray(c_fac, dtype=object), nb),
                        "band": np.tile(np.arange(nb, dtype=np.int64), n),
                        "minutes": np.tile(np.asarray(c.band_minutes, dtype=np.float64), n)}}


def _fsnap(c: Circles, rows) -> Snap:
    s = c.facility_snap
    return Snap(s.edge[rows], s.offset[rows], s.distance[rows])
