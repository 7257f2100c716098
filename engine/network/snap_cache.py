"""Snapped points remembered per network, keyed on each point's exact coordinates.

A run snaps the same units and facilities onto the same roads several times (circles, the
drive times of circles, worker trips, each responder kind), ~3 s per 265,000 points at city
scale.  Snapping is point by point (one nearest-edge query each), so a point's result
depends only on its coordinates, the edge geometries and the maximum snap distance: a
remembered result is exactly the one a new query would give.  The key is the point's
coordinates bit for bit, never the array it came in: a point moved in the GUI is a new key
and is snapped afresh.  Networks built from the same edge geometries (walk and e-bike use
the same roads) share one store (``graph.build_network``).
"""
from __future__ import annotations

import threading

import numpy as np

_MIX = np.uint64(0x9E3779B97F4A7C15)
MAX_POINTS = 4_000_000      # past this many remembered points the store starts over


def point_keys(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A uint64 hash of each point's two coordinates (bit patterns; -0.0 and 0.0 differ)."""
    bx = x.view(np.uint64)
    by = y.view(np.uint64)
    with np.errstate(over="ignore"):
        h = bx * _MIX
        h ^= h >> np.uint64(29)
        h += by
        h *= _MIX
        h ^= h >> np.uint64(32)
    return h


class SnapStore:
    """Remembered ``(edge, offset, distance)`` of snapped points, per maximum snap distance.

    Each table is replaced whole on every addition (never changed in place), so a reader in
    another thread always sees a consistent table; additions happen under one lock.
    """

    def __init__(self) -> None:
        self._tables: dict[float, tuple] = {}
        self._lock = threading.Lock()

    def lookup(self, x: np.ndarray, y: np.ndarray, snap_max_m: float):
        """``(hit, edge, offset, distance)``: ``hit[i]`` says point i is remembered; the other
        arrays hold its results there and an unsnapped point's (-1, 0, inf) elsewhere."""
        table = self._tables.get(float(snap_max_m))
        k = x.shape[0]
        if table is None or k == 0:
            return np.zeros(k, bool), np.full(k, -1, np.int64), np.zeros(k), np.full(k, np.inf)
        keys, kx, ky, edge, offset, dist = table
        h = point_keys(x, y)
        order = np.argsort(h)                   # sorted needles: searchsorted walks forward
        at = np.empty(k, np.int64)
        at[order] = np.minimum(np.searchsorted(keys, h[order]), keys.size - 1)
        # same hash and the same bits: the very point (another point under the same hash,
        # astronomically rare, is simply snapped afresh)
        hit = (keys[at] == h) & (kx[at].view(np.uint64) == x.view(np.uint64)) & \
            (ky[at].view(np.uint64) == y.view(np.uint64))
        return hit, np.where(hit, edge[at], -1), np.where(hit, offset[at], 0.0), np.where(hit, dist[at], np.inf)

    def snap(self, x: np.ndarray, y: np.ndarray, snap_max_m: float, query):
        """``(edge, offset, distance)`` of every point: remembered ones from the store, the
        other finite ones from ``query(x, y) -> (edge, offset, distance)`` (then remembered);
        non-finite points unsnapped.  One query at a time: a thread asking for points another
        is snapping (the circles beside the simulation) waits for them instead of redoing them."""
        hit, edge, offset, dist = self.lookup(x, y, snap_max_m)
        new = np.flatnonzero(~hit & np.isfinite(x) & np.isfinite(y))
        if new.size:
            with self._lock:
                again, e, o, d = self.lookup(x[new], y[new], snap_max_m)
                edge[new], offset[new], dist[new] = e, o, d
                new = new[~again]
                if new.size:
                    e, o, d = query(x[new], y[new])
                    edge[new], offset[new], dist[new] = e, o, d
                    self._add(x[new], y[new], snap_max_m, e, o, d)
        return edge, offset, dist

    def _add(self, x: np.ndarray, y: np.ndarray, snap_max_m: float, edge: np.ndarray, offset: np.ndarray,
             dist: np.ndarray) -> None:
        """Remember freshly snapped points (the caller holds the lock)."""
        keys = point_keys(x, y)
        order = np.argsort(keys, kind="stable")
        new = tuple(c[order] for c in (keys, x, y, edge, offset, dist))
        old = self._tables.get(float(snap_max_m))
        if old is not None and old[0].size + x.shape[0] <= MAX_POINTS:
            at = np.searchsorted(old[0], new[0])     # merged in order: a GUI edit's few points cost O(n) copies
            new = tuple(np.insert(o, at, c) for o, c in zip(old, new))
        self._tables[float(snap_max_m)] = new

    def __getstate__(self) -> dict:          # a network sent to a worker process keeps its points
        return {"tables": self._tables}

    def __setstate__(self, state: dict) -> None:
        self._tables = state["tables"]
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return sum(t[0].size for t in self._tables.values())
