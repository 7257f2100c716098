"""The walking time from every unit to its nearest facility of one type, kept current as
facilities of that type are placed, moved and removed, without searching the whole city.

State: the node field of the network (cost and nearest facility of every node, as
``engine.circles.nearest_from`` computes it) and each unit's time and nearest facility.
Placing a facility is a Dijkstra from it alone that only goes where it is nearer than the
present field (the new facility's own catchment); removing one clears its catchment (the
nodes it was nearest to) and refills it from the catchment's border and the other
facilities seeded inside it.  Only the units on edges that touch changed nodes, or on the
facility's own edge, are re-timed.  Every time equals a full ``nearest_from`` bit for bit:
both take the minimum over paths of the same left-to-right sums.
"""
from __future__ import annotations

import numpy as np

from ..circles import nearest_from
from ..network import _kernels
from ..network.snap import Snap, along, arrival, out_seeds, snap_points


def _csr_ranges(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows sorted by ``keys`` (-1 left out) and the start of each key 0..n in that order."""
    rows = np.flatnonzero(keys >= 0)
    rows = rows[np.argsort(keys[rows], kind="stable")]
    return rows, np.searchsorted(keys[rows], np.arange(n + 1))


class UnitsOnEdges:
    """The units snapped to each edge (shared by every facility type's field)."""

    def __init__(self, net, usnap: Snap):
        self.net, self.usnap = net, usnap
        self.rows, self.start = _csr_ranges(usnap.edge, net.n_edges)
        self.entry_src = np.repeat(np.arange(net.n_nodes), np.diff(net.indptr))   # CSR entry → its tail node

    def on_edges(self, edges: np.ndarray) -> np.ndarray:
        lo, hi = self.start[edges], self.start[edges + 1]
        cnt = hi - lo
        if not cnt.sum():
            return np.zeros(0, dtype=np.int64)
        k = np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        return self.rows[np.repeat(lo, cnt) + k]

    def near_nodes(self, changed: np.ndarray) -> np.ndarray:
        """Units on the edges touching the nodes flagged in ``changed`` (bool per node)."""
        net = self.net
        return self.on_edges(np.flatnonzero(changed[net.edge_u] | changed[net.edge_v]))


class NearestField:
    """Nearest facility of one type for every unit (see the module docstring).

    Facilities are identified by their ids; a facility keeps its label (slot) for life."""

    def __init__(self, units: UnitsOnEdges, snap_max_m: float, fac_ids: list[str], xs, ys):
        self.units = units
        self.net = units.net
        self.snap_max_m = snap_max_m
        self.slot_of: dict[str, int] = {}
        self.edge = np.zeros(0, dtype=np.int64)
        self.offset = np.zeros(0)
        self.dist = np.zeros(0)
        self.seed_node = np.zeros((0, 2), dtype=np.int64)
        self.seed_cost = np.zeros((0, 2))
        for fid in fac_ids:
            self._new_slot(fid)
        if len(fac_ids):
            self._snap(np.arange(len(fac_ids)), xs, ys)
        fsnap = self._fsnap()
        rows = np.flatnonzero(fsnap.ok)
        self.ucost, self.ulabel, self.ncost, self.nlabel = nearest_from(self.net, fsnap, rows, units.usnap, "time")
        self.ncost, self.nlabel = np.array(self.ncost, dtype=float), np.array(self.nlabel, dtype=np.int64)

    # ------------------------------------------------------------------ facilities
    def _new_slot(self, fid: str) -> int:
        slot = len(self.slot_of)
        self.slot_of[fid] = slot
        self.edge = np.append(self.edge, -1)
        self.offset = np.append(self.offset, 0.0)
        self.dist = np.append(self.dist, np.inf)
        self.seed_node = np.vstack([self.seed_node, [[-1, -1]]])
        self.seed_cost = np.vstack([self.seed_cost, [[np.inf, np.inf]]])
        return slot

    def _fsnap(self, slots: np.ndarray | None = None) -> Snap:
        s = slice(None) if slots is None else slots
        return Snap(self.edge[s], self.offset[s], self.dist[s])

    def _snap(self, slots: np.ndarray, xs, ys) -> None:
        sn = snap_points(self.net, xs, ys, self.snap_max_m)
        self.edge[slots], self.offset[slots], self.dist[slots] = sn.edge, sn.offset, sn.distance
        nodes, cost = out_seeds(self.net, sn, "time")
        self.seed_node[slots], self.seed_cost[slots] = nodes, cost

    def _unset(self, slot: int) -> None:
        self.edge[slot], self.offset[slot], self.dist[slot] = -1, 0.0, np.inf
        self.seed_node[slot], self.seed_cost[slot] = -1, np.inf

    def place(self, fid: str, x: float, y: float) -> np.ndarray:
        """Place (or move) facility ``fid`` at (x, y); returns the unit rows whose time changed."""
        slot = self.slot_of.get(fid)
        cand = [self._clear(slot)] if slot is not None else []
        slot = self._new_slot(fid) if slot is None else slot
        self._snap(np.array([slot]), [x], [y])
        keep = self.seed_node[slot] >= 0
        if keep.any():
            before = self.ncost.copy(), self.nlabel.copy()
            self._search(self.seed_node[slot][keep], self.seed_cost[slot][keep], np.full(int(keep.sum()), slot))
            cand.append(self.units.near_nodes((self.ncost != before[0]) | (self.nlabel != before[1])))
        if self.edge[slot] >= 0:
            cand.append(self.units.on_edges(np.array([self.edge[slot]])))
        return self._retime(np.unique(np.concatenate(cand)) if cand else np.zeros(0, dtype=np.int64))

    def remove(self, fid: str) -> np.ndarray:
        """Take facility ``fid`` away; returns the unit rows whose time changed."""
        slot = self.slot_of.get(fid)
        return self._retime(self._clear(slot)) if slot is not None else np.zeros(0, dtype=np.int64)

    def _clear(self, slot: int) -> np.ndarray:
        """Unset a facility and refill its catchment; returns the unit rows to re-time."""
        own = np.flatnonzero(self.ulabel == slot)
        self._unset(slot)
        cell = self.nlabel == slot
        if not cell.any():
            return own
        self.ncost[cell], self.nlabel[cell] = np.inf, -1
        net, src = self.net, self.units.entry_src
        # refill the catchment from its border and from the other facilities seeded inside it
        border = cell[net.indices] & ~cell[src] & (self.nlabel[src] >= 0)
        inside = (self.seed_node >= 0) & cell[np.maximum(self.seed_node, 0)]
        fs, side = np.nonzero(inside)
        self._search(np.concatenate([net.indices[border], self.seed_node[fs, side]]),
                     np.concatenate([self.ncost[src[border]] + net.weights[border], self.seed_cost[fs, side]]),
                     np.concatenate([self.nlabel[src[border]], fs]))
        return np.union1d(own, self.units.near_nodes(cell))

    def _search(self, nodes, costs, labels) -> None:
        """Dijkstra from the seeds over the present field, entering only where it improves it."""
        net = self.net
        _kernels.dijkstra_heap(net.indptr, net.indices, net.weights, np.ascontiguousarray(nodes, dtype=np.int64),
                               np.ascontiguousarray(costs, dtype=np.float64),
                               np.ascontiguousarray(labels, dtype=np.int64), np.inf, self.ncost, self.nlabel)

    # ------------------------------------------------------------------ units
    def _retime(self, rows: np.ndarray) -> np.ndarray:
        """Recompute the units ``rows`` from the node field and facilities on their edges;
        returns the rows whose time changed."""
        if not len(rows):
            return rows
        us = self.units.usnap
        sub = Snap(us.edge[rows], us.offset[rows], us.distance[rows])
        cost, label = arrival(self.net, sub, self.ncost, self.nlabel, "time")
        on_edge = np.flatnonzero(self.edge >= 0)
        fe = self.edge[on_edge]
        hit = np.isin(sub.edge, fe) & (sub.edge >= 0)
        for j in np.flatnonzero(hit):           # few: facilities sharing an edge with the unit
            fs = on_edge[fe == sub.edge[j]]
            direct = along(self.net, self._fsnap(fs), np.arange(len(fs)), sub, np.full(len(fs), j), "time")
            for f, c in zip(fs, direct):
                if c < cost[j] or (c == cost[j] and np.isfinite(c) and (label[j] < 0 or f < label[j])):
                    cost[j], label[j] = c, f
        changed = cost != self.ucost[rows]
        self.ucost[rows], self.ulabel[rows] = cost, label
        return rows[changed]

    def minutes(self) -> np.ndarray:
        return self.ucost / 60.0
