"""Road centrelines for the scenario: OSM highway classes normalised, one-way and speed tags
read, lines split at every junction (a vertex shared with another line), pieces reported.

Splitting is vectorised: all vertices of all lines in one coordinate array, junction vertices
found with one ``np.unique`` on rounded coordinates, cuts made by index arithmetic.
"""
from __future__ import annotations

import re

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..errors import Problem
from ..vocab import ROAD_CLASS_SPEED_KMH
from .sources import Table, column

# OSM highway values that are walkable or drivable ways, and the GridGov class each becomes.
OSM_HIGHWAY_CLASS = {
    **{k: k for k in ROAD_CLASS_SPEED_KMH},
    **{f"{k}_link": k for k in ("motorway", "trunk", "primary", "secondary", "tertiary")},
    "steps": "steps", "road": "unclassified", "bridleway": "path", "trail": "path", "corridor": "footway",
    "busway": "service", "bus_guideway": "service",
}
_MPH = 1.609344


def parse_speed(values: np.ndarray) -> np.ndarray:
    """maxspeed tags → km/h (``30``, ``30 mph``, ``50;30`` → first); anything else (``walk``,
    ``RU:urban``) → NaN = the class default."""
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if v is None or v == "":
            continue
        if isinstance(v, (int, float, np.integer, np.floating)):
            out[i] = float(v) if v > 0 else np.nan
            continue
        m = re.match(r"\s*(\d+(?:\.\d+)?)\s*(mph)?", str(v))
        if m:
            out[i] = float(m.group(1)) * (_MPH if m.group(2) else 1.0)
    out[out <= 0] = np.nan
    return out


def parse_oneway(values: np.ndarray, junction: np.ndarray | None = None) -> np.ndarray:
    out = np.zeros(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        s = str(v).strip().lower() if v is not None else ""
        if s in ("yes", "true", "1", "forward", "t"):
            out[i] = 1
        elif s in ("-1", "reverse", "backward"):
            out[i] = -1
    if junction is not None:  # roundabouts are one-way by definition in OSM
        out[(out == 0) & np.isin(junction.astype(str), ["roundabout", "circular"])] = 1
    return out


def from_osm(lines: Table) -> Table:
    """The walkable/drivable ways of the OSM ``lines`` layer (areas and non-road highways dropped)."""
    hw = np.array([str(v) if v is not None else "" for v in lines.columns["highway"]], dtype=object)
    area = lines.columns.get("area")
    keep = np.isin(hw, list(OSM_HIGHWAY_CLASS))
    if area is not None:
        keep &= ~np.isin(area.astype(str), ["yes"])
    t = lines.subset(keep)
    cls = np.array([OSM_HIGHWAY_CLASS[h] for h in hw[keep]], dtype=object)
    cols = {"class": cls,
            "oneway": parse_oneway(t.columns.get("oneway", np.full(len(t), None)), t.columns.get("junction")),
            "speed_kmh": parse_speed(t.columns.get("maxspeed", np.full(len(t), None))),
            "name": _text(t.columns.get("name"), len(t)),
            "osm_id": _text(t.columns.get("osm_id"), len(t))}
    return Table(t.file, t.layer, t.fid, t.geometry, cols, t.crs)


def from_layer(t: Table, mapping: dict[str, str]) -> Table:
    """A planner's road layer: class/oneway/speed/name found through --map or usual names."""
    cls = column(t, "class", mapping)
    cls = (np.array([OSM_HIGHWAY_CLASS.get(str(c), str(c)) if c is not None else "residential" for c in cls],
                    dtype=object) if cls is not None else np.full(len(t), "residential", dtype=object))
    ow = column(t, "oneway", mapping)
    sp = column(t, "speed", mapping)
    cols = {"class": cls,
            "oneway": parse_oneway(ow) if ow is not None else np.zeros(len(t), dtype=np.int64),
            "speed_kmh": parse_speed(sp) if sp is not None else np.full(len(t), np.nan),
            "name": _text(column(t, "name", mapping), len(t))}
    return Table(t.file, t.layer, t.fid, t.geometry, cols, t.crs)


def _text(values, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, "", dtype=object)
    return np.array(["" if v is None else str(v) for v in values], dtype=object)


def split_at_junctions(roads: Table, tolerance: float = 0.01) -> Table:
    """Cut every line at each inner vertex that another line (or the same line) also uses.

    Rows of the result keep the source feature id (``fid``), so messages still name the user's
    feature.  Pieces shorter than ``tolerance`` metres are dropped (the validator refuses them)."""
    parts, src = shapely.get_parts(roads.geometry, return_index=True)
    single = shapely.get_type_id(parts) == 1
    parts, src = parts[single], src[single]
    xy, owner = shapely.get_coordinates(parts, return_index=True)
    if not len(xy):
        return roads.subset(np.zeros(len(roads), bool))
    key = np.round(xy / tolerance).astype(np.int64)
    _, inv, counts = np.unique(key, axis=0, return_inverse=True, return_counts=True)
    start = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
    end = np.r_[start[1:], len(xy)]
    shared = counts[inv.ravel()] > 1
    cut = shared.copy()
    cut[start] = True            # every line starts a piece ...
    cut[end - 1] = False         # ... and its last vertex never starts one
    piece_start = np.flatnonzero(cut)
    # A piece runs from its start vertex to the next cut vertex of the same line (inclusive).
    line_end = end[np.searchsorted(start, piece_start, side="right") - 1]
    nxt = np.r_[piece_start[1:], len(xy)]
    piece_end = np.minimum(nxt + 1, line_end)      # exclusive end index
    counts_v = piece_end - piece_start
    idx = np.repeat(piece_start, counts_v) + (np.arange(counts_v.sum()) - np.repeat(np.cumsum(counts_v) - counts_v, counts_v))
    pieces = shapely.linestrings(xy[idx], indices=np.repeat(np.arange(len(piece_start)), counts_v))
    row = src[owner[piece_start]]
    ok = shapely.length(pieces) >= tolerance
    pieces, row = pieces[ok], row[ok]
    return Table(roads.file, roads.layer, roads.fid[row], pieces, {k: v[row] for k, v in roads.columns.items()},
                 roads.crs)


def network_pieces(roads: Table, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """(component of each road, node xy) of the road graph (nodes = line ends within tolerance)."""
    ends = np.column_stack([shapely.get_coordinates(shapely.get_point(roads.geometry, 0)),
                            shapely.get_coordinates(shapely.get_point(roads.geometry, -1))]).reshape(-1, 2)
    key = np.round(ends / max(tolerance, 1e-6)).astype(np.int64)
    _, node = np.unique(key, axis=0, return_inverse=True)
    node = node.ravel().reshape(-1, 2)
    n = int(node.max()) + 1 if len(node) else 0
    graph = coo_matrix((np.ones(len(node)), (node[:, 0], node[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    return label[node[:, 0]], ends


def piece_problems(roads: Table, tolerance: float, to_lonlat, limit: int = 20) -> list[Problem]:
    """One warning per road network piece other than the largest: its size and where it is."""
    if not len(roads):
        return []
    comp, _ = network_pieces(roads, tolerance)
    length = np.bincount(comp, weights=shapely.length(roads.geometry))
    order = np.argsort(-length)
    if len(order) <= 1:
        return []
    out = []
    main_km = length[order[0]] / 1000
    for c in order[1:limit + 1]:
        rows = np.flatnonzero(comp == c)
        centre = shapely.centroid(shapely.union_all(roads.geometry[rows[:50]]))
        lon, lat = to_lonlat(centre.x, centre.y)
        out.append(Problem(
            f"road network piece of {len(rows)} road(s), {length[c]:.0f} m long, near lon {lon:.5f}, lat {lat:.5f} "
            f"is not connected to the main network ({main_km:.1f} km): units and facilities there can only reach "
            f"each other; connect it (add the missing link) or remove it", file=roads.file, layer=roads.layer,
            fid=int(roads.fid[rows[0]]), severity="warning"))
    if len(order) - 1 > limit:
        out.append(Problem(f"{len(order) - 1 - limit} more disconnected road pieces not listed",
                           file=roads.file, layer=roads.layer, severity="warning"))
    return out
