"""The grid table of a layout being edited: one slot per grid id, with its running sums.

A slot is never reused: a removed grid keeps a dead slot (``alive`` False), so unit memberships
and baselines stay valid row numbers.  Every per-slot array is created here and grows in
:meth:`GridSlots.add`, so a new grid has all of its sums from the start.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

from ..errors import GridGovError
from ..score.geometry import n_parts, polsby_popper

# general and dedicated grids hold a unit's grid_id, micro-grids its micro_id
LEVEL_COLUMN = {"general": 0, "dedicated": 0, "micro": 1}
COLUMN_FIELD = ("grid_id", "micro_id")


def shape_metrics(geom) -> np.ndarray:
    """area, perimeter, Polsby–Popper compactness, number of parts (engine.score.geometry)."""
    return shape_metrics_of(np.array([geom], dtype=object))[0]


def shape_metrics_of(geoms: np.ndarray) -> np.ndarray:
    """``shape_metrics`` of many geometries at once (None or empty: 0, 0, NaN, 0)."""
    out = np.zeros((len(geoms), 4))
    out[:, 2] = math.nan
    ok = np.flatnonzero(~shapely.is_missing(geoms))
    ok = ok[~shapely.is_empty(geoms[ok])] if len(ok) else ok
    g = geoms[ok]
    if len(g):
        out[ok] = np.column_stack([shapely.area(g), shapely.length(g), polsby_popper(g), n_parts(g)])
    return out


def _enlarged(a: np.ndarray, rows: int) -> np.ndarray:
    out = np.zeros((rows,) + a.shape[1:], dtype=a.dtype)
    out[:len(a)] = a
    return out


class GridSlots:
    """Grid ids, levels, polygons and shape metrics, plus per-slot households, residents,
    covered households per band and workers (kept current by :class:`~.stats.LiveStats`).

    ``slot_at`` finds the grid under a point through an STRtree of the polygons as built;
    slots reshaped or added since (``stale``) are checked one by one, and the tree is rebuilt
    once they are many, so a point lookup never scans the whole layout."""

    REBUILD_AFTER = 2000

    def __init__(self) -> None:
        self.slot_of: dict[str, int] = {}
        self.ids: list[str] = []
        self.levels: list[str] = []
        self.geom: list[Any] = []
        self.cols = np.zeros(0, dtype=np.int64)     # level column of each slot
        self.metrics = np.zeros((0, 4))        # area, perimeter, compactness, parts
        self.alive = np.zeros(0, dtype=bool)
        self.sum_hh = np.zeros(0)
        self.sum_res = np.zeros(0)
        self.sum_cov = np.zeros((0, 3))
        self.workers = np.zeros(0)
        # per level column: bumped whenever one of its polygons changes (findings cache key)
        self.version = [0, 0]
        self._tree: shapely.STRtree | None = None
        self._tree_slots = np.zeros(0, dtype=np.int64)
        self.stale: set[int] = set()
        # the per-slot arrays are views of the first len(self) rows of buffers that grow by
        # doubling, so adding a grid to a city's 144,000 copies no array
        self._buffers: dict[str, np.ndarray] = {}
        self._capacity = 0

    @classmethod
    def from_grids(cls, grids) -> "GridSlots":
        slots = cls()
        ids = [str(g) for g in grids.id]
        levels = [str(lv) or "general" for lv in grids.level]
        bad = [(g, lv) for g, lv in zip(ids, levels) if lv not in LEVEL_COLUMN]
        if bad:
            raise GridGovError(f"grid '{bad[0][0]}': unknown level '{bad[0][1]}' (general, micro, dedicated)")
        geoms = np.asarray(grids.geometry, dtype=object)
        n = len(ids)
        slots.slot_of = {g: i for i, g in enumerate(ids)}
        if len(slots.slot_of) != n:
            dup = next(g for i, g in enumerate(ids) if slots.slot_of[g] != i)
            raise GridGovError(f"grid id '{dup}' is used by more than one grid")
        slots.ids, slots.levels, slots.geom = ids, levels, list(geoms)
        slots.cols = np.array([LEVEL_COLUMN[lv] for lv in levels], dtype=np.int64)
        slots.metrics = shape_metrics_of(geoms)
        slots.alive = ~shapely.is_missing(geoms) if n else np.zeros(0, dtype=bool)
        slots.sum_hh, slots.sum_res, slots.workers = np.zeros(n), np.zeros(n), np.zeros(n)
        slots.sum_cov = np.zeros((n, 3))
        slots.rebuild_tree()
        return slots

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, gid: str, level: str, geom) -> int:
        if level not in LEVEL_COLUMN:
            raise GridGovError(f"grid '{gid}': unknown level '{level}' (general, micro, dedicated)")
        slot = len(self.ids)
        self._grow(slot + 1)
        self.slot_of[gid] = slot
        self.ids.append(gid)
        self.levels.append(level)
        self.geom.append(geom)
        self.cols[slot] = LEVEL_COLUMN[level]
        self.metrics[slot] = shape_metrics(geom)
        self.alive[slot] = geom is not None
        self.sum_hh[slot] = self.sum_res[slot] = self.workers[slot] = 0.0
        self.sum_cov[slot] = 0.0
        self._mark(slot)
        return slot

    def _grow(self, n: int) -> None:
        """Make every per-slot array ``n`` rows long (views of buffers with spare room)."""
        if n > self._capacity:
            self._capacity = cap = max(2 * n, 16)
            self._buffers = {"cols": _enlarged(self.cols, cap), "metrics": _enlarged(self.metrics, cap),
                             "alive": _enlarged(self.alive, cap), "sum_hh": _enlarged(self.sum_hh, cap),
                             "sum_res": _enlarged(self.sum_res, cap), "sum_cov": _enlarged(self.sum_cov, cap),
                             "workers": _enlarged(self.workers, cap)}
        b = self._buffers
        self.cols, self.metrics, self.alive = b["cols"][:n], b["metrics"][:n], b["alive"][:n]
        self.sum_hh, self.sum_res, self.sum_cov, self.workers = b["sum_hh"][:n], b["sum_res"][:n], \
            b["sum_cov"][:n], b["workers"][:n]

    def reshape(self, slot: int, geom) -> None:
        """A new polygon for a slot (None removes the grid)."""
        self.geom[slot] = geom
        self.alive[slot] = geom is not None
        self.metrics[slot] = shape_metrics(geom)
        self._mark(slot)

    def column(self, slot: int) -> int:
        return int(self.cols[slot])

    def columns(self) -> np.ndarray:
        return self.cols

    def live_slots(self, col: int | None = None) -> list[int]:
        """Slots of grids that exist, of one level column or all."""
        keep = self.alive if col is None else self.alive & (self.cols == col)
        return np.flatnonzero(keep).tolist()

    def slot_at(self, x: float, y: float, col: int) -> int:
        """First live grid (lowest slot) of the level column covering the point (-1: in no grid)."""
        point = shapely.Point(x, y)
        cand = self._tree_slots[self._tree.query(point)] if self._tree is not None else np.zeros(0, dtype=np.int64)
        cand = [int(s) for s in cand if s not in self.stale] + sorted(self.stale)
        cand = [s for s in cand if self.alive[s] and self.cols[s] == col]
        hits = [s for s in cand if shapely.covers(self.geom[s], point)]
        return min(hits) if hits else -1

    def _mark(self, slot: int) -> None:
        self.stale.add(slot)
        if len(self.stale) > self.REBUILD_AFTER:
            self.rebuild_tree()

    def rebuild_tree(self) -> None:
        """The STRtree over every live polygon as it is now (nothing stale)."""
        self._tree_slots = np.flatnonzero(self.alive)
        geoms = np.array(self.geom, dtype=object)[self._tree_slots] if len(self._tree_slots) else []
        self._tree = shapely.STRtree(geoms) if len(self._tree_slots) else None
        self.stale = set()
