"""The residential units of a layout being edited: fixed attributes and their current grids.

``member[u, 0]`` is the slot of unit ``u``'s general/dedicated grid (``grid_id``), ``member[u, 1]``
that of its micro-grid (``micro_id``); -1 when it has none.  Points and the STRtree over them
never change (units are not moved by the editor), so polygon edits query them only.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from .slots import GridSlots


@dataclass(eq=False)
class UnitTable:
    ids: np.ndarray              # object: unit ids
    index: dict[str, int]        # unit id → row
    hh: np.ndarray               # households (float)
    res: np.ndarray              # residents (float)
    x: np.ndarray
    y: np.ndarray
    points: np.ndarray           # shapely points at (x, y)
    tree: shapely.STRtree        # over ``points``
    member: np.ndarray           # (n, 2) int64 slots, -1 = none

    @classmethod
    def from_units(cls, units, slots: GridSlots) -> "UnitTable":
        ids = np.asarray(units.id, dtype=object)
        x, y = np.asarray(units.x, dtype=float), np.asarray(units.y, dtype=float)
        points = shapely.points(x, y)
        member = np.full((len(ids), 2), -1, dtype=np.int64)
        for col, grid_ids in ((0, units.grid_id), (1, units.micro_id)):
            for i, gid in enumerate(grid_ids):
                member[i, col] = slots.slot_of.get(str(gid), -1)
        return cls(ids, {str(u): i for i, u in enumerate(ids)}, np.asarray(units.households, dtype=float),
                   np.asarray(units.residents, dtype=float), x, y, points, shapely.STRtree(points), member)

    def __len__(self) -> int:
        return len(self.ids)

    def membership(self, slot_ids: list[str]) -> dict[str, tuple[str, str]]:
        """Unit id → (grid_id, micro_id) as currently assigned."""
        ids = slot_ids + [""]        # slot -1 → ""
        return {str(u): (ids[g], ids[m]) for u, (g, m) in zip(self.ids, self.member)}
