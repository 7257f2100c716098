"""Incremental updates of the per-grid sums: units changing grid and coverage changing.

Each edit moves only what it touches: the units that change grid (by difference of their
households, residents and covered households), and the units whose coverage changed after a
facility edit.  ``recount`` is the from-scratch version the construction uses.
"""
from __future__ import annotations

import numpy as np

from .slots import COLUMN_FIELD, GridSlots
from .units import UnitTable


def recount(slots: GridSlots, units: UnitTable, ucov: np.ndarray) -> None:
    """Every slot's sums from the current memberships."""
    n = len(slots)
    slots.sum_hh[:], slots.sum_res[:], slots.sum_cov[:] = 0.0, 0.0, 0.0      # in place: views of growing buffers
    for col in (0, 1):
        m = units.member[:, col]
        ok = m >= 0
        slots.sum_hh += np.bincount(m[ok], units.hh[ok], minlength=n)
        slots.sum_res += np.bincount(m[ok], units.res[ok], minlength=n)
        for b in range(3):
            slots.sum_cov[:, b] += np.bincount(m[ok], ucov[ok, b], minlength=n)


def move_units(slots: GridSlots, units: UnitTable, ucov: np.ndarray, idx: np.ndarray, col: int,
               new_slots: np.ndarray, touched: set[int]) -> None:
    """Units ``idx`` leave their grid of level column ``col`` for ``new_slots`` (-1: none)."""
    old = units.member[idx, col]
    for member, sign in ((old, -1.0), (new_slots, 1.0)):
        ok = member >= 0
        np.add.at(slots.sum_hh, member[ok], sign * units.hh[idx[ok]])
        np.add.at(slots.sum_res, member[ok], sign * units.res[idx[ok]])
        np.add.at(slots.sum_cov, member[ok], sign * ucov[idx[ok]])
        touched.update(int(s) for s in member[ok])
    units.member[idx, col] = new_slots


def relocate(slots: GridSlots, units: UnitTable, ucov: np.ndarray, col: int, changed: list[int],
             touched: set[int], relocated: dict[str, tuple[str, str]]) -> None:
    """After polygon edits of the ``changed`` slots (one level column): the units they held or
    now cover go to the changed polygon covering them, else to any grid of the level covering
    them (point in polygon on the STRtree of unit points, queried with the changed polygons)."""
    live = [s for s in changed if slots.alive[s]]
    polys = [slots.geom[s] for s in live]
    pairs = units.tree.query(polys, predicate="covers") if polys else np.zeros((2, 0), dtype=int)
    member = units.member[:, col]
    in_changed = np.flatnonzero(np.isin(member, changed))
    covered = np.unique(pairs[1])
    cand = np.union1d(in_changed, covered[member[covered] < 0])
    if not len(cand):
        return
    new = np.full(len(cand), -1, dtype=np.int64)
    pos = {int(u): k for k, u in enumerate(cand)}
    for poly_k, u in zip(pairs[0], pairs[1]):
        k = pos.get(int(u))
        if k is None:
            continue
        s = live[poly_k]
        if new[k] < 0 or s == member[u]:       # a unit on a shared edge stays where it was
            new[k] = s
    for k in np.flatnonzero(new < 0):           # left every changed polygon: an unchanged grid may hold it
        u = cand[k]
        new[k] = slots.slot_at(units.x[u], units.y[u], col)
    moved = new != member[cand]
    idx, new = cand[moved], new[moved]
    move_units(slots, units, ucov, idx, col, new, touched)
    for u, s in zip(idx, new):
        relocated[str(units.ids[u])] = (COLUMN_FIELD[col], slots.ids[s] if s >= 0 else "")


def add_coverage(slots: GridSlots, units: UnitTable, rows: np.ndarray, delta: np.ndarray,
                 touched: set[int]) -> None:
    """Covered households of units ``rows`` changed by ``delta``: carry it to their grids."""
    for col in (0, 1):
        m = units.member[rows, col]
        ok = m >= 0
        np.add.at(slots.sum_cov, m[ok], delta[ok])
        touched.update(int(s) for s in m[ok])
