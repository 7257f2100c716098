"""``LiveStats``: the statistics of a layout being edited, kept current edit by edit.

Built once from a scenario (and its life circles), it keeps running per-grid sums that an edit
updates by differences (see ``updates``): a polygon edit relocates only the units of the
changed grids, painting moves the painted units, a facility edit re-times only its type (see
``coverage``).  Statistics are compared with the *saved* layout captured at construction (or
at :meth:`LiveStats.rebase` after a save).

Membership rule: a unit's ``grid_id`` (general/dedicated level) and ``micro_id`` (micro level)
are the truth; painting sets them directly, polygon edits relocate by point in polygon.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from ..errors import GridGovError
from ..scenario.model import Facilities, Grids, Scenario, Units
from ..params import defaults
from ..staffing import workers_for_grids
from ..vocab import BAND_MINUTES, FACILITY_TYPES
from . import updates
from .baseline import BAND_KEYS, STAT_KEYS, Baseline
from .coverage import Coverage
from .findings import Finding, FindingsJob, take_snapshot
from .slots import LEVEL_COLUMN, GridSlots
from .units import UnitTable


@dataclass
class LiveUpdate:
    """What one edit changed: touched grids, units that changed grid, their new statistics."""

    touched: set[str] = field(default_factory=set)
    relocated: dict[str, tuple[str, str]] = field(default_factory=dict)  # unit id → (column, new grid id)
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)


def facility_table(facilities: Facilities) -> dict[str, dict[str, Any]]:
    """Facility id → type, location, staff and grid (the editable form)."""
    return {str(facilities.id[i]): dict(type=str(facilities.type[i]), x=float(facilities.x[i]),
                                        y=float(facilities.y[i]), staff=int(facilities.staff[i]),
                                        grid_id=str(facilities.grid_id[i]))
            for i in range(len(facilities))}


class LiveStats:
    """Incremental per-grid statistics of a layout being edited (see module docstring).

    State: ``grids`` (:class:`GridSlots`: polygons and per-grid sums), ``units``
    (:class:`UnitTable`: attributes and memberships), ``fac`` (facility id → attributes),
    ``coverage`` (:class:`Coverage`), ``baseline`` / ``base_totals`` (the saved layout)."""

    def __init__(self, grids: Grids, units: Units, facilities: Facilities,
                 params: dict | None = None, circles: Any = None,
                 coverage_types: Iterable[str] | None = None):
        self.params = params or defaults()
        bands = np.asarray(self.params["circles"].get("band_minutes", BAND_MINUTES), dtype=float)
        if len(bands) != 3:
            raise GridGovError("live statistics need exactly three life-circle bands (5/10/15 min)")
        self.circles = circles
        self.grids = GridSlots.from_grids(grids)
        self.units = UnitTable.from_units(units, self.grids)
        self.fac = facility_table(facilities)
        self.coverage = Coverage.from_circles(circles, self.params, bands, self.units.hh, self.fac, coverage_types)
        # polygon checks of the findings, per (level column, area tolerance), until a polygon changes
        self.layout_cache: dict[tuple[int, float], list[Finding]] = {}
        updates.recount(self.grids, self.units, self.coverage.ucov)
        self._count_workers()
        self.baseline: Baseline
        self.base_totals: dict[str, float] = {}
        self.rebase()

    @classmethod
    def from_scenario(cls, scenario: Scenario, circles: Any = None, compute: bool = True, **kw) -> "LiveStats":
        """From a loaded scenario; its circles are computed unless given (or ``compute=False``)."""
        if circles is None and compute:
            from ..circles import compute_circles

            circles = compute_circles(scenario)
        return cls(scenario.grids, scenario.units, scenario.facilities, scenario.params, circles, **kw)

    @property
    def cov_types(self) -> list[str]:
        return self.coverage.cov_types

    @property
    def times(self) -> dict[str, np.ndarray]:
        return self.coverage.times

    def _count_workers(self, slots: list[int] | None = None) -> None:
        """Workers of the ``slots`` (default every grid) from their level and existence."""
        g = self.grids
        rows = np.arange(len(g)) if slots is None else np.asarray(sorted(set(slots)), dtype=np.int64)
        if len(rows):
            levels = np.array([g.levels[s] for s in rows], dtype=object)
            g.workers[rows] = workers_for_grids(levels, self.params) * g.alive[rows]

    # ------------------------------------------------------------------ edits
    def set_grids(self, geoms: dict[str, Any], levels: dict[str, str] | None = None,
                  relocate: bool = True) -> LiveUpdate:
        """New polygons for some grids (``None`` removes a grid); relocates their units."""
        levels = levels or {}
        slots = self.grids
        touched: set[int] = set()
        changed: list[int] = []
        for gid, geom in geoms.items():
            if geom is not None and (geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon")):
                raise GridGovError(f"grid '{gid}': geometry must be a non-empty polygon, not {geom.geom_type}")
            slot = slots.slot_of.get(gid)
            if slot is None:
                if geom is None:
                    continue
                slot = slots.add(gid, levels.get(gid, "general"), geom)
            else:
                slots.reshape(slot, geom)
            changed.append(slot)
            touched.add(slot)
        for col in {slots.column(s) for s in changed}:
            slots.version[col] += 1
            for key in [k for k in self.layout_cache if k[0] == col]:
                del self.layout_cache[key]
        relocated: dict[str, tuple[str, str]] = {}
        if relocate and changed:
            for col in (0, 1):
                mine = [s for s in changed if slots.column(s) == col]
                if mine:
                    updates.relocate(slots, self.units, self.coverage.ucov, col, mine, touched, relocated)
        self._count_workers(changed)
        return self._update(touched, relocated)

    def assign_units(self, mapping: dict[str, str], field: str = "grid_id") -> LiveUpdate:
        """Paint: put units into grids.  The target grid's level picks the column; ``""``
        unassigns the ``field`` column (``grid_id`` or ``micro_id``)."""
        if field not in ("grid_id", "micro_id"):
            raise GridGovError(f"field must be grid_id or micro_id, not '{field}'")
        touched: set[int] = set()
        by_col: dict[int, tuple[list[int], list[int]]] = {0: ([], []), 1: ([], [])}
        for uid, gid in mapping.items():
            u = self.units.index.get(str(uid))
            if u is None:
                raise GridGovError(f"unit '{uid}' is not in the scenario")
            if not gid:
                col = 0 if field == "grid_id" else 1
                by_col[col][0].append(u)
                by_col[col][1].append(-1)
                continue
            s = self.grids.slot_of.get(str(gid))
            if s is None or not self.grids.alive[s]:
                raise GridGovError(f"grid '{gid}' does not exist")
            col = self.grids.column(s)
            by_col[col][0].append(u)
            by_col[col][1].append(s)
        for col, (idx, slots) in by_col.items():
            if idx:
                updates.move_units(self.grids, self.units, self.coverage.ucov, np.asarray(idx), col,
                                   np.asarray(slots, dtype=np.int64), touched)
        return self._update(touched, {})

    def set_facility(self, fac_id: str, kind: str | None = None, x: float | None = None,
                     y: float | None = None, staff: int | None = None, grid_id: str | None = None) -> LiveUpdate:
        """Place or move a facility; unspecified fields keep their value (new: 1 staff, by location)."""
        old = self.fac.get(fac_id)
        if kind is None and old is None:
            raise GridGovError(f"facility '{fac_id}' does not exist: give its type to place it")
        kind = kind or old["type"]
        if kind not in FACILITY_TYPES:
            raise GridGovError(f"facility '{fac_id}': unknown type '{kind}'")
        if x is None or y is None or not (math.isfinite(x) and math.isfinite(y)):
            raise GridGovError(f"facility '{fac_id}': a finite location is required")
        if staff is None:
            staff = old["staff"] if old else 1
        if grid_id is None:
            grid_id = old["grid_id"] if old else ""
        self.fac[fac_id] = dict(type=kind, x=float(x), y=float(y), staff=int(staff), grid_id=str(grid_id))
        touched: set[int] = set()
        if old is not None and old["type"] != kind:
            self._add_coverage(self.coverage.remove(old["type"], fac_id), touched)
        self._add_coverage(self.coverage.place(kind, fac_id, float(x), float(y)), touched)
        return self._update(touched, {})

    def remove_facility(self, fac_id: str) -> LiveUpdate:
        old = self.fac.pop(fac_id, None)
        if old is None:
            raise GridGovError(f"facility '{fac_id}' does not exist")
        touched: set[int] = set()
        self._add_coverage(self.coverage.remove(old["type"], fac_id), touched)
        return self._update(touched, {})

    def _add_coverage(self, change: tuple[np.ndarray, np.ndarray], touched: set[int]) -> None:
        updates.add_coverage(self.grids, self.units, change[0], change[1], touched)

    def _update(self, touched: set[int], relocated: dict) -> LiveUpdate:
        ids = {self.grids.ids[s] for s in touched}
        return LiveUpdate(ids, relocated, self.stats(sorted(ids)))

    # ------------------------------------------------------------------ results
    def _row(self, s: int) -> dict[str, Any]:
        g = self.grids
        level = g.levels[s]
        hh = float(g.sum_hh[s])
        cov = g.sum_cov[s] / hh if hh > 0 else np.full(3, np.nan)
        norm = self.params["grids"].get(f"{level}_households")
        workers = float(g.workers[s])
        row = {"grid_id": g.ids[s], "level": level, "households": hh,
               "residents": float(g.sum_res[s]), "workers": workers,
               "households_per_worker": hh / workers if workers > 0 else math.nan,
               "compactness": float(g.metrics[s, 2]), "parts": int(g.metrics[s, 3]),
               "contiguous": int(g.metrics[s, 3]) == 1, "area_m2": float(g.metrics[s, 0]),
               "norm_min": norm["min"] if norm else None, "norm_max": norm["max"] if norm else None,
               "norm_ok": (norm["min"] <= hh <= norm["max"]) if norm else True}
        for b, c in zip(BAND_KEYS, cov):
            row[b] = float(c)
        return row

    def stats(self, grid_ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """Per-grid statistics, each with ``delta`` against the saved layout (None = new grid)."""
        if grid_ids is None:
            slots = self.grids.live_slots()
        else:
            slots = [self.grids.slot_of[g] for g in grid_ids if g in self.grids.slot_of]
        out = {}
        for s in slots:
            row = self._row(s)
            if not self.grids.alive[s]:
                row["removed"] = True
            b = self.baseline.get(row["grid_id"])
            row["delta"] = {k: (row[k] - b[k]) if b is not None else None for k in STAT_KEYS}
            out[row["grid_id"]] = row
        return out

    def _current_totals(self) -> dict[str, float]:
        g = self.grids
        top = (g.columns() == LEVEL_COLUMN["general"]) & g.alive
        hh, res, cov = g.sum_hh[top].sum(), g.sum_res[top].sum(), g.sum_cov[top].sum(axis=0)
        t = {"households": float(hh), "residents": float(res)}
        for b, c in zip(BAND_KEYS, cov):
            t[b] = float(c / hh) if hh > 0 else math.nan
        return t

    def totals(self) -> dict[str, Any]:
        """Whole-layout totals (coverage over all assigned households) with deltas."""
        now: dict[str, Any] = self._current_totals()
        now["delta"] = {k: now[k] - self.base_totals[k] for k in self.base_totals}
        return now

    def rebase(self) -> None:
        """The current layout becomes the saved one (at construction and after "Save as scenario")."""
        self.baseline = Baseline(self.grids)
        self.base_totals = self._current_totals()

    def membership(self) -> dict[str, tuple[str, str]]:
        """Unit id → (grid_id, micro_id) as currently assigned (for saving a scenario)."""
        return self.units.membership(self.grids.ids)

    # ------------------------------------------------------------------ validation
    def findings(self, area_tol_m2: float = 1.0) -> list[Finding]:
        """Gaps, overlaps, multipart grids, grids outside the norms, unassigned and misplaced units."""
        job = self.findings_job(area_tol_m2)
        out = job.run()
        self.adopt(job)
        return out

    def findings_job(self, area_tol_m2: float = 1.0) -> FindingsJob:
        """``findings()`` split for a worker thread: this call (owner thread, a few ms) takes an
        immutable snapshot and does the cheap checks; ``job.run()`` does the polygon overlay and
        point-in-polygon work on the snapshot only; ``adopt(job)`` (owner thread) keeps its
        polygon checks in the cache if the layout has not changed since."""
        return take_snapshot(self.grids, self.units, self.norm_failures(), self.layout_cache, area_tol_m2)

    def norm_failures(self) -> list[dict[str, Any]]:
        """The statistics rows of the grids outside their level's household norm (one
        vectorised pass over the layout; rows are built for the failing grids only)."""
        g = self.grids
        levels = np.array(g.levels, dtype=object)
        bad = np.zeros(len(g), dtype=bool)
        for level in LEVEL_COLUMN:
            norm = self.params["grids"].get(f"{level}_households")
            if norm:
                bad |= (levels == level) & ((g.sum_hh < norm["min"]) | (g.sum_hh > norm["max"]))
        return [self._row(int(s)) for s in np.flatnonzero(bad & g.alive)]

    def adopt(self, job: FindingsJob) -> None:
        """Cache the polygon checks a finished job computed, unless a polygon changed since."""
        for col, found in job.computed.items():
            if self.grids.version[col] == job.versions[col]:
                self.layout_cache[(col, job.area_tol_m2)] = found
