"""The saved layout's statistics, against which the editor shows each grid's change.

Kept as one array row per grid slot (a slot is a grid id for ever), taken in one vectorised
pass at construction and after a save, so rebasing a city of 144,000 grids costs a few
milliseconds instead of a Python loop over every grid.  Read it like a dict:
``baseline[grid_id]`` → ``{stat: value}`` for the grids that existed when it was taken.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterator

import numpy as np

from .slots import GridSlots

STAT_KEYS = ("households", "residents", "workers", "compactness", "parts", "cov_5", "cov_10", "cov_15")
BAND_KEYS = ("cov_5", "cov_10", "cov_15")


def stat_matrix(slots: GridSlots, rows: np.ndarray | None = None) -> np.ndarray:
    """The ``STAT_KEYS`` columns of the slots ``rows`` (default all), as ``LiveStats`` shows them."""
    rows = np.arange(len(slots)) if rows is None else np.asarray(rows, dtype=np.int64)
    hh = slots.sum_hh[rows]
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = np.where(hh[:, None] > 0, slots.sum_cov[rows] / hh[:, None], np.nan)
    return np.column_stack([hh, slots.sum_res[rows], slots.workers[rows], slots.metrics[rows, 2],
                            slots.metrics[rows, 3], cov])


class Baseline(Mapping):
    """Grid id → its statistics in the saved layout (grids that existed then only)."""

    def __init__(self, slots: GridSlots):
        self._slots = slots
        self.values = stat_matrix(slots)
        self.present = slots.alive.copy()

    def _slot(self, grid_id: str) -> int | None:
        s = self._slots.slot_of.get(grid_id)
        return s if s is not None and s < len(self.present) and self.present[s] else None

    def __getitem__(self, grid_id: str) -> dict[str, Any]:
        s = self._slot(grid_id)
        if s is None:
            raise KeyError(grid_id)
        return {k: float(v) for k, v in zip(STAT_KEYS, self.values[s])}

    def __contains__(self, grid_id: object) -> bool:
        return isinstance(grid_id, str) and self._slot(grid_id) is not None

    def __iter__(self) -> Iterator[str]:
        return (self._slots.ids[s] for s in np.flatnonzero(self.present))

    def __len__(self) -> int:
        return int(self.present.sum())
