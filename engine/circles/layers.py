"""The GeoPackage layers of a ``Circles`` result (shared by ``circles.gpkg`` and ``results.gpkg``).

Column sets per unit, grid and facility, each facility's responsibility area on the roads and
the band polygons, built from the searches ``compute_circles`` kept (no new search except for
per-facility bands).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from ..network.snap import Snap, out_seeds
from .areas import band_polygons, dissolve_lines, edge_segments, segment_geometries
from .compute import Circles, band_names, finite_or_nan


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
    facility, all types in one layer; columns facility_id, type, households, length_m)."""
    fac = c.scenario.facilities
    rows, geoms = [], []
    for t in c.types:
        segs = edge_segments(c.network, c.node_time[t], c.node_label[t], _on_edge(c, t))
        lines = segment_geometries(c.network, segs)
        owner = np.array([s[3] for s in segs], dtype=np.int64)
        mine = fac.of_type(t)
        geoms.extend(dissolve_lines(lines, owner, mine))
        rows.extend(mine)
    rows = np.asarray(rows, dtype=np.int64)
    geom = np.asarray(geoms, dtype=object)
    return {"geometry": geom, "geometry_type": "MultiLineString",
            "columns": {"facility_id": np.asarray(fac.id, dtype=object)[rows],
                        "type": np.asarray(fac.type, dtype=object)[rows],
                        "households": c.facility_households[rows],
                        "length_m": shapely.length(geom) if len(geom) else np.zeros(0)}}


def band_layer(c: Circles, per_facility: bool = False) -> dict[str, Any]:
    """Band polygons: reachable road segments (partial edges included) within each band
    limit, buffered by ``band_buffer_m`` and dissolved — per type (default) or per facility.
    Bands are cumulative: the 10-minute polygon contains the 5-minute one.  Columns: type,
    facility_id ("" when dissolved), band (0, 1, 2), minutes."""
    from ..network.matrix import seeded_rows

    limits = [m * 60.0 for m in c.band_minutes]
    fac = c.scenario.facilities
    net = c.network
    groups: list[tuple[str, str, list]] = []        # (type, facility id, segments)
    for t in c.types:
        if per_facility:
            mine = fac.of_type(t)
            mine = mine[c.facility_snap.ok[mine]]
            nodes, cost0 = out_seeds(net, _fsnap(c, mine))
            rows = seeded_rows(net.indptr, net.indices, net.weights, nodes, cost0, limits[-1])
            for k, f in enumerate(mine):
                cost = np.full(net.n_nodes, np.inf)
                lo, hi = rows.indptr[k], rows.indptr[k + 1]
                cost[rows.indices[lo:hi]] = rows.data[lo:hi]
                label = np.where(np.isfinite(cost), f, -1)
                e0 = int(c.facility_snap.edge[f])
                touched = np.flatnonzero(np.isfinite(cost[net.edge_u]) | np.isfinite(cost[net.edge_v]))
                edges = np.union1d(touched, [e0])
                on = {e0: [(float(c.facility_snap.offset[f]), int(f))]}
                groups.append((t, str(fac.id[f]), edge_segments(net, cost, label, on, edges, limits)))
        else:
            groups.append((t, "", edge_segments(net, c.node_time[t], c.node_label[t], _on_edge(c, t),
                                                None, limits)))

    def polygons(group):
        segs = group[2]
        band = np.array([s[4] for s in segs], dtype=np.int64)
        return band_polygons(segment_geometries(net, segs), band, len(c.band_minutes), c.band_buffer_m)

    # GEOS releases the GIL: the unions of different groups run in parallel threads
    from concurrent.futures import ThreadPoolExecutor

    from ..network.matrix import default_threads
    with ThreadPoolExecutor(max_workers=default_threads()) as pool:
        polys = list(pool.map(polygons, groups))
    out_g, c_type, c_fac, c_band, c_min = [], [], [], [], []
    for (t, fid, _), ps in zip(groups, polys):
        for b, minutes in enumerate(c.band_minutes):
            out_g.append(ps[b])
            c_type.append(t)
            c_fac.append(fid)
            c_band.append(b)
            c_min.append(float(minutes))
    return {"geometry": np.asarray(out_g, dtype=object), "geometry_type": "MultiPolygon",
            "columns": {"type": np.asarray(c_type, dtype=object), "facility_id": np.asarray(c_fac, dtype=object),
                        "band": np.asarray(c_band, dtype=np.int64), "minutes": np.asarray(c_min)}}


def _fsnap(c: Circles, rows) -> Snap:
    s = c.facility_snap
    return Snap(s.edge[rows], s.offset[rows], s.distance[rows])


def _on_edge(c: Circles, t: str) -> dict[int, list]:
    on: dict[int, list] = {}
    for f in c.scenario.facilities.of_type(t):
        e = int(c.facility_snap.edge[f])
        if e >= 0:
            on.setdefault(e, []).append((float(c.facility_snap.offset[f]), int(f)))
    return on
