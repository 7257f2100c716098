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
    if geom is None or geom.is_empty:
        return np.array([0.0, 0.0, math.nan, 0.0])
    g = np.array([geom], dtype=object)
    return np.array([geom.area, geom.length, polsby_popper(g)[0], n_parts(g)[0]], dtype=float)


class GridSlots:
    """Grid ids, levels, polygons and shape metrics, plus per-slot households, residents,
    covered households per band and workers (kept current by :class:`~.stats.LiveStats`)."""

    def __init__(self) -> None:
        self.slot_of: dict[str, int] = {}
        self.ids: list[str] = []
        self.levels: list[str] = []
        self.geom: list[Any] = []
        self.metrics = np.zeros((0, 4))        # area, perimeter, compactness, parts
        self.alive = np.zeros(0, dtype=bool)
        self.sum_hh = np.zeros(0)
        self.sum_res = np.zeros(0)
        self.sum_cov = np.zeros((0, 3))
        self.workers = np.zeros(0)
        # per level column: bumped whenever one of its polygons changes (findings cache key)
        self.version = [0, 0]

    @classmethod
    def from_grids(cls, grids) -> "GridSlots":
        slots = cls()
        for gid, level, geom in zip(grids.id, grids.level, grids.geometry):
            slots.add(str(gid), str(level) or "general", geom)
        return slots

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, gid: str, level: str, geom) -> int:
        if level not in LEVEL_COLUMN:
            raise GridGovError(f"grid '{gid}': unknown level '{level}' (general, micro, dedicated)")
        slot = len(self.ids)
        self.slot_of[gid] = slot
        self.ids.append(gid)
        self.levels.append(level)
        self.geom.append(geom)
        self.metrics = np.vstack([self.metrics, shape_metrics(geom)])
        self.alive = np.append(self.alive, geom is not None)
        self.sum_hh = np.append(self.sum_hh, 0.0)
        self.sum_res = np.append(self.sum_res, 0.0)
        self.sum_cov = np.vstack([self.sum_cov, np.zeros((1, 3))])
        self.workers = np.append(self.workers, 0.0)
        return slot

    def reshape(self, slot: int, geom) -> None:
        """A new polygon for a slot (None removes the grid)."""
        self.geom[slot] = geom
        self.alive[slot] = geom is not None
        self.metrics[slot] = shape_metrics(geom)

    def column(self, slot: int) -> int:
        return LEVEL_COLUMN[self.levels[slot]]

    def columns(self) -> np.ndarray:
        return np.array([LEVEL_COLUMN[lv] for lv in self.levels], dtype=np.int64)

    def live_slots(self, col: int | None = None) -> list[int]:
        """Slots of grids that exist, of one level column or all."""
        return [s for s in range(len(self.ids)) if self.alive[s] and (col is None or self.column(s) == col)]

    def slot_at(self, x: float, y: float, col: int) -> int:
        """First live grid of the level column covering the point (-1: in no grid)."""
        slots = np.flatnonzero(self.alive & (self.columns() == col))
        if not len(slots):
            return -1
        hit = shapely.covers(np.array([self.geom[s] for s in slots], dtype=object), shapely.Point(x, y))
        return int(slots[np.argmax(hit)]) if hit.any() else -1
