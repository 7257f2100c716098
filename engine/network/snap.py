"""Snapping points onto the nearest road edge, with their offset along it (partial edges).

A point at offset ``t`` along edge ``u → v`` (length ``L``) leaves the network through
``v`` after ``(L - t) / L`` of the forward cost and through ``u`` after ``t / L`` of the
backward cost; it is reached the same way in reverse.  Points farther than the maximum snap
distance from every edge are not snapped (``edge == -1``) and are reported by the caller.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from ..errors import GridGovError
from .graph import Network


@dataclass
class Snap:
    edge: np.ndarray       # int64[k], -1 = beyond the maximum snap distance
    offset: np.ndarray     # float64[k] metres from edge_u along the edge geometry
    distance: np.ndarray   # float64[k] metres from the point to the edge (inf when unsnapped)

    def __len__(self) -> int:
        return int(self.edge.shape[0])

    @property
    def ok(self) -> np.ndarray:
        return self.edge >= 0


def snap_points(net: Network, x, y, snap_max_m: float = np.inf) -> Snap:
    """Project points onto their nearest edge (ties → lowest edge index).

    Points this network (or one with the same edge geometries) has snapped before at the
    same maximum distance come from its store (``snap_cache``): the same results, bit for bit.
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape:
        raise GridGovError("snap_points: x and y differ in length")
    k = x.shape[0]
    if k == 0 or net.n_edges == 0:
        return Snap(np.full(k, -1, np.int64), np.zeros(k), np.full(k, np.inf))
    if not snap_max_m >= 0:
        raise GridGovError(f"maximum snap distance must be >= 0 (got {snap_max_m!r})")
    return Snap(*net.snaps.snap(x, y, snap_max_m, lambda qx, qy: _query(net, qx, qy, snap_max_m)))


def _query(net: Network, x: np.ndarray, y: np.ndarray, snap_max_m: float
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(edge, offset, distance)`` of finite points from the edge index (the uncached path)."""
    k = x.shape[0]
    edge = np.full(k, -1, np.int64)
    offset = np.zeros(k)
    dist = np.full(k, np.inf)
    pts = shapely.points(x, y)
    md = None if not np.isfinite(snap_max_m) else float(snap_max_m)
    (pi, ei), d = net.tree.query_nearest(pts, max_distance=md, return_distance=True, all_matches=True)
    if pi.size:
        order = np.lexsort((ei, pi))          # per point, lowest edge index first
        pi, ei, d = pi[order], ei[order], d[order]
        first = np.r_[True, pi[1:] != pi[:-1]]
        pi, ei, d = pi[first], ei[first], d[first]
        edge[pi] = ei
        dist[pi] = d
        offset[pi] = np.clip(shapely.line_locate_point(net.edge_geometry[ei], pts[pi]), 0.0, net.edge_length[ei])
    return edge, offset, dist


def edge_costs(net: Network, weight: str = "time") -> tuple[np.ndarray, np.ndarray]:
    """Full forward/backward cost of every edge in seconds ("time") or metres ("length")."""
    if weight == "time":
        return net.edge_fwd, net.edge_bwd
    return (np.where(np.isfinite(net.edge_fwd), net.edge_length, np.inf),
            np.where(np.isfinite(net.edge_bwd), net.edge_length, np.inf))


def _fractions(net: Network, snap: Snap) -> tuple[np.ndarray, np.ndarray]:
    e = np.where(snap.ok, snap.edge, 0)
    L = net.edge_length[e]
    Ls = np.where(L > 0, L, 1.0)
    before = np.where(L > 0, snap.offset / Ls, 0.0)
    after = np.where(L > 0, (L - snap.offset) / Ls, 1.0)    # not 1 - before: exact for round numbers
    return before, after


def arrival_terms(net: Network, snap: Snap, weight: str = "time"
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(u, v, add_u, add_v)`` per point: a point on edge u → v is reached through u plus
    ``t / L`` of the forward cost or through v plus ``(L - t) / L`` of the backward cost (inf
    where that direction is closed); the same rule as ``arrival``, for callers that hold
    several costs per node (matrices, k-nearest fields)."""
    fwd, bwd = edge_costs(net, weight)
    e = np.where(snap.ok, snap.edge, 0)
    before, after = _fractions(net, snap)
    with np.errstate(invalid="ignore"):
        add_u = np.where(np.isfinite(fwd[e]), before * fwd[e], np.inf)
        add_v = np.where(np.isfinite(bwd[e]), after * bwd[e], np.inf)
    return net.edge_u[e], net.edge_v[e], add_u, add_v


def out_seeds(net: Network, snap: Snap, weight: str = "time") -> tuple[np.ndarray, np.ndarray]:
    """Seeds to start a search at each point: ``(nodes[k, 2], cost[k, 2])`` (node -1 = none)."""
    fwd, bwd = edge_costs(net, weight)
    e = np.where(snap.ok, snap.edge, 0)
    before, after = _fractions(net, snap)
    nodes = np.full((len(snap), 2), -1, np.int64)
    cost = np.full((len(snap), 2), np.inf)
    ok_v = snap.ok & np.isfinite(fwd[e])
    ok_u = snap.ok & np.isfinite(bwd[e])
    nodes[ok_v, 0] = net.edge_v[e[ok_v]]
    cost[ok_v, 0] = after[ok_v] * fwd[e[ok_v]]
    nodes[ok_u, 1] = net.edge_u[e[ok_u]]
    cost[ok_u, 1] = before[ok_u] * bwd[e[ok_u]]
    return nodes, cost


def arrival(net: Network, snap: Snap, node_cost: np.ndarray, node_label: np.ndarray | None = None,
            weight: str = "time") -> tuple[np.ndarray, np.ndarray]:
    """Cost (and label) of reaching each snapped point from a node-cost field.

    Through ``u`` it adds ``t / L`` of the forward cost, through ``v`` ``(L - t) / L`` of the
    backward cost; the cheaper wins, ties to the lower label.  Unsnapped points get inf / -1.
    """
    fwd, bwd = edge_costs(net, weight)
    e = np.where(snap.ok, snap.edge, 0)
    before, after = _fractions(net, snap)
    u = net.edge_u[e]
    v = net.edge_v[e]
    with np.errstate(invalid="ignore"):
        cu = np.where(np.isfinite(fwd[e]), node_cost[u] + before * fwd[e], np.inf)
        cv = np.where(np.isfinite(bwd[e]), node_cost[v] + after * bwd[e], np.inf)
    cu = np.where(np.isnan(cu), np.inf, cu)
    cv = np.where(np.isnan(cv), np.inf, cv)
    if node_label is None:
        lab_u = lab_v = np.full(len(snap), -1, np.int64)
    else:
        lab_u, lab_v = node_label[u], node_label[v]
    take_v = (cv < cu) | ((cv == cu) & (lab_v >= 0) & ((lab_u < 0) | (lab_v < lab_u)))
    cost = np.where(take_v, cv, cu)
    label = np.where(take_v, lab_v, lab_u)
    cost[~snap.ok] = np.inf
    label = np.where(np.isfinite(cost), label, -1)
    return cost, label.astype(np.int64)


def along(net: Network, src: Snap, i: np.ndarray, dst: Snap, j: np.ndarray, weight: str = "time") -> np.ndarray:
    """Direct cost from snapped point ``src[i]`` to ``dst[j]`` along their shared edge (inf
    when on different edges or against a one-way direction)."""
    fwd, bwd = edge_costs(net, weight)
    ei = src.edge[i]
    same = (ei >= 0) & (ei == dst.edge[j])
    e = np.where(same, ei, 0)
    L = net.edge_length[e]
    Ls = np.where(L > 0, L, 1.0)
    dt = (dst.offset[j] - src.offset[i]) / Ls
    with np.errstate(invalid="ignore"):
        c = np.where(dt >= 0, dt * fwd[e], -dt * bwd[e])
    c = np.where(np.isnan(c), np.inf, c)
    c = np.where(dt == 0, 0.0, c)
    return np.where(same, c, np.inf)


def same_edge_pairs(src: Snap, dst: Snap) -> tuple[np.ndarray, np.ndarray]:
    """All index pairs ``(i, j)`` with ``src[i]`` and ``dst[j]`` snapped to the same edge."""
    order = np.argsort(src.edge, kind="stable")
    se = src.edge[order]
    lo = np.searchsorted(se, dst.edge, "left")
    hi = np.searchsorted(se, dst.edge, "right")
    cnt = np.where(dst.edge >= 0, hi - lo, 0)
    j = np.repeat(np.arange(len(dst)), cnt)
    start = np.repeat(lo, cnt)
    within = np.arange(j.size) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    return order[start + within], j
