"""Roads of the synthetic city: a street grid on every other lattice line, arterials every 4/8/24
plots, a ring road on the frame, rivers with bridges every 16 plots, and irregular districts
where some local streets are missing (superblocks, dead ends) without ever cutting the network.

Used by ``scripts/make_city.py``; returns plain arrays (LineString coordinates and attributes).
"""
from __future__ import annotations

import numpy as np
import shapely

BRIDGE_EVERY = 16   # plots between river crossings (~1.6 km) [A]


def road_lines(n: int) -> np.ndarray:
    """Lattice lines that carry a road: every other line, and the frame."""
    return np.unique(np.r_[np.arange(0, n + 1, 2), n])


def road_class(line: int, n: int) -> str:
    if line in (0, n):
        return "trunk"          # ring road on the city frame
    if line % 24 == 0:
        return "primary"
    if line % 8 == 0:
        return "secondary"
    if line % 4 == 0:
        return "tertiary"
    return "residential"


def build_roads(x: np.ndarray, y: np.ndarray, irregular: np.ndarray, rivers: dict[str, list[int]],
                rng: np.random.Generator, drop_share: float = 0.15) -> dict:
    """Road segments between junctions, as LineStrings through every lattice corner they pass.

    ``irregular`` (cols, rows) bool marks plots of irregular districts, where ``drop_share`` of the
    residential segments are removed.  ``rivers`` = {"x": [lattice columns], "y": [lattice rows]}:
    roads along a river line are removed, and roads crossing it survive only every BRIDGE_EVERY
    plots.  Segments are added back where needed so the network stays one piece.
    """
    cols, rows = x.shape[0] - 1, x.shape[1] - 1
    vx, vy = road_lines(cols), road_lines(rows)
    segs = []   # (coords, class, node_a, node_b, droppable)
    node = lambda i, j: i * (rows + 1) + j  # noqa: E731 - lattice corner id

    def add(fixed: int, a: int, b: int, horizontal: bool):
        along = np.arange(a, b + 1)
        if horizontal:
            xy = np.stack([x[along, fixed], y[along, fixed]], axis=1)
            ends = (node(a, fixed), node(b, fixed))
            mid_i, mid_j = min((a + b) // 2, cols - 1), min(fixed, rows - 1)
            cls = road_class(fixed, rows)
            crossing = a in rivers.get("x", [])   # starts on a river line and leaves it eastwards
            on_river = fixed in rivers.get("y", [])
            bridge_ok = fixed % BRIDGE_EVERY == 0
        else:
            xy = np.stack([x[fixed, along], y[fixed, along]], axis=1)
            ends = (node(fixed, a), node(fixed, b))
            mid_i, mid_j = min(fixed, cols - 1), min((a + b) // 2, rows - 1)
            cls = road_class(fixed, cols)
            crossing = a in rivers.get("y", [])   # starts on a river line and leaves it northwards
            on_river = fixed in rivers.get("x", [])
            bridge_ok = fixed % BRIDGE_EVERY == 0
        if on_river and cls != "trunk":
            return
        if crossing and not bridge_ok and cls != "trunk":
            return
        droppable = cls == "residential" and bool(irregular[mid_i, mid_j])
        segs.append((xy, cls, ends[0], ends[1], droppable))

    for j in vy:
        for a, b in zip(vx[:-1], vx[1:]):
            add(int(j), int(a), int(b), horizontal=True)
    for i in vx:
        for a, b in zip(vy[:-1], vy[1:]):
            add(int(i), int(a), int(b), horizontal=False)

    drop = np.array([s[4] for s in segs]) & (rng.random(len(segs)) < drop_share)
    keep = _reconnect(np.array([s[2] for s in segs]), np.array([s[3] for s in segs]), ~drop)
    kept = [s for s, k in zip(segs, keep) if k]
    lengths = np.array([len(s[0]) for s in kept])
    coords = np.concatenate([s[0] for s in kept]) if kept else np.zeros((0, 2))
    return {"geometry": shapely.linestrings(coords, indices=np.repeat(np.arange(len(kept)), lengths)),
            "class": np.array([s[1] for s in kept], dtype=object),
            "dropped": int((~keep).sum())}


def _reconnect(a: np.ndarray, b: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Add dropped segments back until every node the kept ones touch is one component."""
    parent = {}

    def find(u):
        parent.setdefault(u, u)
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    keep = keep.copy()
    for u, v in zip(a[keep], b[keep]):
        parent[find(u)] = find(v)
    # A dropped segment that joins two components (or reaches a node nobody else reaches) returns.
    for s in np.flatnonzero(~keep):
        ru, rv = find(a[s]), find(b[s])
        if ru != rv:
            parent[ru] = rv
            keep[s] = True
    return keep
