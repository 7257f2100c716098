"""Live statistics for the editing tools: what each edit does to the touched grids.

The plugin's map tools change a grid polygon, reassign units or move a facility; redoing the
whole pipeline for that would take seconds.  ``LiveStats`` is built once from a scenario and
keeps running per-grid sums (households, residents, covered households per band) that an edit
updates by differences: only the units that change grid, the grids whose polygon changed and
the facility type that moved are recomputed.  Statistics are compared with the *saved*
layout captured at construction (or at ``rebase()`` after a save).

Membership rule: a unit's ``grid_id`` (general/dedicated level) and ``micro_id`` (micro level)
are the truth.  Painting sets them directly; a polygon edit (split, merge, vertex move)
relocates only the units of the changed grids, by point-in-polygon against the changed
polygons (STRtree over the unit points, queried with the changed polygons only).

Coverage: for each unit and facility type, the walking time to the nearest facility of that
type, exactly as ``engine.circles.compute_circles`` computes it (same snapping, same
``nearest_from`` search); the baseline is read off a ``Circles`` result, and an edit re-runs
only the facility type it touched.  The coverage of a grid at band *b* minutes is the
household-weighted share of (unit, type) pairs reached within *b* minutes over the life-circle
facility types present (= the cumulative ``Circles.grid_band_share`` averaged over those types).
Without circles, coverage is NaN.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import shapely

from .errors import GridGovError
from .scenario.model import Facilities, Grids, Scenario, Units
from .circles import nearest_from
from .network.snap import snap_points
from .params import defaults
from .score.geometry import n_parts, polsby_popper
from .score.topology import find_gaps, find_overlaps
from .vocab import BAND_MINUTES, FACILITY_TYPES

LEVEL_COLUMN = {"general": 0, "dedicated": 0, "micro": 1}
STAT_KEYS = ("households", "residents", "workers", "compactness", "parts",
             "cov_5", "cov_10", "cov_15")


@dataclass
class Finding:
    """One entry of the validation list, with a place to zoom to."""

    kind: str            # gap | overlap | multipart | norm | unassigned | outside
    grid_ids: tuple[str, ...]
    x: float
    y: float
    message: str
    bbox: tuple[float, float, float, float] = (math.nan,) * 4
    # the message's variable parts, so a UI can word it in its own language: gap/overlap
    # (area m²,), multipart (parts,), norm (level, households, min, max), unassigned
    # (unit id, households), outside (unit id,)
    args: tuple = ()


@dataclass
class LiveUpdate:
    """What one edit changed: touched grids, units that changed grid, their new statistics."""

    touched: set[str] = field(default_factory=set)
    relocated: dict[str, tuple[str, str]] = field(default_factory=dict)  # unit id → (column, new grid id)
    stats: dict[str, dict[str, Any]] = field(default_factory=dict)


class LiveStats:
    """Incremental per-grid statistics of a layout being edited (see module docstring)."""

    def __init__(self, grids: Grids, units: Units, facilities: Facilities,
                 params: dict | None = None, circles: Any = None,
                 coverage_types: Iterable[str] | None = None):
        self.params = params or defaults()
        self.bands = np.asarray(self.params["circles"].get("band_minutes", BAND_MINUTES), dtype=float)
        if len(self.bands) != 3:
            raise GridGovError("live statistics need exactly three life-circle bands (5/10/15 min)")
        self.circles = circles
        self.network = circles.network if circles is not None else None
        # --- grids: slots (a slot is never reused; removed grids keep a dead slot) ---
        self.slot_of: dict[str, int] = {}
        self.slot_id: list[str] = []
        self.slot_level: list[str] = []
        self.geom: list[Any] = []
        self.metrics = np.zeros((0, 4))   # area, perimeter, compactness, parts
        self.alive = np.zeros(0, dtype=bool)
        self._layout_cache: dict[tuple[int, float], list] = {}
        self._layout_version = [0, 0]      # per level column: bumped when one of its polygons changes
        for gid, level, geom in zip(grids.id, grids.level, grids.geometry):
            self._new_slot(str(gid), str(level) or "general", geom)
        # --- units ---
        self.unit_ids = np.asarray(units.id, dtype=object)
        self.unit_index = {str(u): i for i, u in enumerate(self.unit_ids)}
        self.hh = np.asarray(units.households, dtype=float)
        self.res = np.asarray(units.residents, dtype=float)
        self.ux = np.asarray(units.x, dtype=float)
        self.uy = np.asarray(units.y, dtype=float)
        self.upoints = shapely.points(self.ux, self.uy)
        self.utree = shapely.STRtree(self.upoints)
        self.member = np.full((len(self.hh), 2), -1, dtype=np.int64)
        for col, ids in ((0, units.grid_id), (1, units.micro_id)):
            for i, gid in enumerate(ids):
                self.member[i, col] = self.slot_of.get(str(gid), -1)
        # --- facilities ---
        self.fac: dict[str, dict[str, Any]] = {}
        for i in range(len(facilities)):
            self.fac[str(facilities.id[i])] = dict(
                type=str(facilities.type[i]), x=float(facilities.x[i]), y=float(facilities.y[i]),
                staff=int(facilities.staff[i]), grid_id=str(facilities.grid_id[i]))
        present = {f["type"] for f in self.fac.values()}
        if coverage_types is None:
            coverage_types = [k for k, t in FACILITY_TYPES.items() if t.tier and k in present]
        self.cov_types = [t for t in coverage_types]
        unknown = [t for t in self.cov_types if t not in FACILITY_TYPES]
        if unknown:
            raise GridGovError(f"live statistics: unknown facility type(s) {unknown}")
        # --- network snapping and per-unit times (minutes) per coverage type ---
        self.times: dict[str, np.ndarray] = {}
        if circles is not None:
            if len(circles.unit_snap) != len(self.hh):
                raise GridGovError("live statistics: the circles were computed for other units")
            self.usnap = circles.unit_snap
            self.snap_max = float(self.params["travel"]["snap_max_m"])
            for t in self.cov_types:
                known = circles.unit_time_min.get(t)
                self.times[t] = known.copy() if known is not None else self._type_times(t)
        self.ucov = self._unit_coverage()
        # --- running sums per slot ---
        self._recount()
        self.baseline = self.stats()
        self.totals()

    @classmethod
    def from_scenario(cls, scenario: Scenario, circles: Any = None, compute: bool = True, **kw) -> "LiveStats":
        """From a loaded scenario; its circles are computed unless given (or ``compute=False``)."""
        if circles is None and compute:
            from .circles import compute_circles

            circles = compute_circles(scenario)
        return cls(scenario.grids, scenario.units, scenario.facilities, scenario.params, circles, **kw)

    # ------------------------------------------------------------------ internals
    def _new_slot(self, gid: str, level: str, geom) -> int:
        if level not in LEVEL_COLUMN:
            raise GridGovError(f"grid '{gid}': unknown level '{level}' (general, micro, dedicated)")
        slot = len(self.slot_id)
        self.slot_of[gid] = slot
        self.slot_id.append(gid)
        self.slot_level.append(level)
        self.geom.append(geom)
        self.metrics = np.vstack([self.metrics, _shape_metrics(geom)])
        self.alive = np.append(self.alive, geom is not None)
        for name in ("sum_hh", "sum_res", "workers"):
            if hasattr(self, name):
                setattr(self, name, np.append(getattr(self, name), 0.0))
        if hasattr(self, "sum_cov"):
            self.sum_cov = np.vstack([self.sum_cov, np.zeros((1, 3))])
        return slot

    def _type_times(self, kind: str, only: str | None = None) -> np.ndarray:
        """Walking minutes from every unit to its nearest facility of ``kind`` (inf: unreachable).

        ``only``: from that one facility (an addition is then combined with the stored times by min).
        """
        out = np.full(len(self.hh), np.inf)
        facs = [f for k, f in self.fac.items() if f["type"] == kind and (only is None or k == only)]
        if not facs or not len(out):
            return out
        fsnap = snap_points(self.network, [f["x"] for f in facs], [f["y"] for f in facs], self.snap_max)
        rows = np.flatnonzero(fsnap.ok)
        if not len(rows):
            return out
        return nearest_from(self.network, fsnap, rows, self.usnap, "time")[0] / 60.0

    def _unit_coverage(self) -> np.ndarray:
        """Per unit and band: households × share of coverage types reached (NaN without network)."""
        if self.network is None or not self.cov_types:
            return np.full((len(self.hh), 3), np.nan)
        reached = np.zeros((len(self.hh), 3))
        for t in self.cov_types:
            reached += self.times[t][:, None] <= self.bands[None, :]
        return self.hh[:, None] * reached / len(self.cov_types)

    def _recount(self) -> None:
        n = len(self.slot_id)
        self.sum_hh = np.zeros(n)
        self.sum_res = np.zeros(n)
        self.sum_cov = np.zeros((n, 3))
        for col in (0, 1):
            m = self.member[:, col]
            ok = m >= 0
            self.sum_hh += np.bincount(m[ok], self.hh[ok], minlength=n)
            self.sum_res += np.bincount(m[ok], self.res[ok], minlength=n)
            for b in range(3):
                self.sum_cov[:, b] += np.bincount(m[ok], self.ucov[ok, b], minlength=n)
        self._count_workers()

    def _count_workers(self) -> None:
        """Grid workers as the simulation staffs them: ``workers_per_general_grid`` per general or
        dedicated grid (engine/simulation/setup.py), none for micro-grids."""
        per = float(self.params["staffing"]["workers_per_general_grid"])
        self.workers = np.where([lv != "micro" for lv in self.slot_level], per, 0.0) * self.alive

    def _slot_at(self, x: float, y: float, col: int) -> int:
        """First live grid of the level column covering the point (-1: in no grid)."""
        slots = np.flatnonzero(self.alive & (np.array([LEVEL_COLUMN[lv] for lv in self.slot_level]) == col))
        if not len(slots):
            return -1
        hit = shapely.covers(np.array([self.geom[s] for s in slots], dtype=object), shapely.Point(x, y))
        return int(slots[np.argmax(hit)]) if hit.any() else -1

    def _move_units(self, idx: np.ndarray, col: int, new_slots: np.ndarray, touched: set[int]) -> None:
        old = self.member[idx, col]
        for slots, sign in ((old, -1.0), (new_slots, 1.0)):
            ok = slots >= 0
            np.add.at(self.sum_hh, slots[ok], sign * self.hh[idx[ok]])
            np.add.at(self.sum_res, slots[ok], sign * self.res[idx[ok]])
            np.add.at(self.sum_cov, slots[ok], sign * self.ucov[idx[ok]])
            touched.update(int(s) for s in slots[ok])
        self.member[idx, col] = new_slots

    # ------------------------------------------------------------------ edits
    def set_grids(self, geoms: dict[str, Any], levels: dict[str, str] | None = None,
                  relocate: bool = True) -> LiveUpdate:
        """New polygons for some grids (``None`` removes a grid); relocates their units."""
        levels = levels or {}
        touched: set[int] = set()
        changed: list[int] = []
        for gid, geom in geoms.items():
            if geom is not None and (geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon")):
                raise GridGovError(f"grid '{gid}': geometry must be a non-empty polygon, not {geom.geom_type}")
            slot = self.slot_of.get(gid)
            if slot is None:
                if geom is None:
                    continue
                slot = self._new_slot(gid, levels.get(gid, "general"), geom)
            else:
                self.geom[slot] = geom
                self.alive[slot] = geom is not None
                self.metrics[slot] = _shape_metrics(geom)
            changed.append(slot)
            touched.add(slot)
        for slot in changed:
            col = LEVEL_COLUMN[self.slot_level[slot]]
            self._layout_version[col] += 1
            for key in [k for k in self._layout_cache if k[0] == col]:
                del self._layout_cache[key]
        relocated: dict[str, tuple[str, str]] = {}
        if relocate and changed:
            for col in (0, 1):
                mine = [s for s in changed if LEVEL_COLUMN[self.slot_level[s]] == col]
                if mine:
                    self._relocate(col, mine, touched, relocated)
        self._count_workers()
        return self._update(touched, relocated)

    def _relocate(self, col: int, slots: list[int], touched: set[int], relocated: dict) -> None:
        live = [s for s in slots if self.alive[s]]
        polys = [self.geom[s] for s in live]
        pairs = self.utree.query(polys, predicate="covers") if polys else np.zeros((2, 0), dtype=int)
        member = self.member[:, col]
        in_changed = np.flatnonzero(np.isin(member, slots))
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
            if new[k] < 0 or s == member[u]:
                new[k] = s
        for k in np.flatnonzero(new < 0):  # left every changed polygon: an unchanged grid may hold it
            u = cand[k]
            new[k] = self._slot_at(self.ux[u], self.uy[u], col)
        moved = new != member[cand]
        idx, new = cand[moved], new[moved]
        self._move_units(idx, col, new, touched)
        name = "grid_id" if col == 0 else "micro_id"
        for u, s in zip(idx, new):
            relocated[str(self.unit_ids[u])] = (name, self.slot_id[s] if s >= 0 else "")

    def assign_units(self, mapping: dict[str, str], field: str = "grid_id") -> LiveUpdate:
        """Paint: put units into grids.  The target grid's level picks the column; ``""``
        unassigns the ``field`` column (``grid_id`` or ``micro_id``)."""
        if field not in ("grid_id", "micro_id"):
            raise GridGovError(f"field must be grid_id or micro_id, not '{field}'")
        touched: set[int] = set()
        by_col: dict[int, tuple[list[int], list[int]]] = {0: ([], []), 1: ([], [])}
        for uid, gid in mapping.items():
            u = self.unit_index.get(str(uid))
            if u is None:
                raise GridGovError(f"unit '{uid}' is not in the scenario")
            if not gid:
                col = 0 if field == "grid_id" else 1
                by_col[col][0].append(u)
                by_col[col][1].append(-1)
                continue
            s = self.slot_of.get(str(gid))
            if s is None or not self.alive[s]:
                raise GridGovError(f"grid '{gid}' does not exist")
            col = LEVEL_COLUMN[self.slot_level[s]]
            by_col[col][0].append(u)
            by_col[col][1].append(s)
        for col, (idx, slots) in by_col.items():
            if idx:
                self._move_units(np.asarray(idx), col, np.asarray(slots, dtype=np.int64), touched)
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
        kinds = {kind} | ({old["type"]} if old else set())
        return self._facilities_changed(kinds, added=fac_id if old is None else None)

    def remove_facility(self, fac_id: str) -> LiveUpdate:
        old = self.fac.pop(fac_id, None)
        if old is None:
            raise GridGovError(f"facility '{fac_id}' does not exist")
        return self._facilities_changed({old["type"]}, added=None)

    def _facilities_changed(self, kinds: set[str], added: str | None) -> LiveUpdate:
        """Re-time the changed types: one bounded search from an added facility (min with the
        stored times); a move or removal re-runs that type's sources only (second-nearest)."""
        touched: set[int] = set()
        if self.network is not None:
            for t in kinds & set(self.cov_types):
                if added is not None:
                    new_t = np.minimum(self.times[t], self._type_times(t, only=added))
                else:
                    new_t = self._type_times(t)
                diff = np.flatnonzero(new_t != self.times[t])
                self.times[t] = new_t
                if len(diff):
                    reached = np.zeros((len(diff), 3))
                    for k in self.cov_types:
                        reached += self.times[k][diff, None] <= self.bands[None, :]
                    new_cov = self.hh[diff, None] * reached / len(self.cov_types)
                    delta = new_cov - self.ucov[diff]
                    self.ucov[diff] = new_cov
                    for col in (0, 1):
                        m = self.member[diff, col]
                        ok = m >= 0
                        np.add.at(self.sum_cov, m[ok], delta[ok])
                        touched.update(int(s) for s in m[ok])
        return self._update(touched, {})

    # ------------------------------------------------------------------ results
    def _row(self, s: int) -> dict[str, Any]:
        level = self.slot_level[s]
        hh = float(self.sum_hh[s])
        cov = self.sum_cov[s] / hh if hh > 0 else np.full(3, np.nan)
        norm = self.params["grids"].get(f"{level}_households")
        workers = float(self.workers[s])
        row = {"grid_id": self.slot_id[s], "level": level, "households": hh,
               "residents": float(self.sum_res[s]), "workers": workers,
               "households_per_worker": hh / workers if workers > 0 else math.nan,
               "compactness": float(self.metrics[s, 2]), "parts": int(self.metrics[s, 3]),
               "contiguous": int(self.metrics[s, 3]) == 1, "area_m2": float(self.metrics[s, 0]),
               "norm_min": norm["min"] if norm else None, "norm_max": norm["max"] if norm else None,
               "norm_ok": (norm["min"] <= hh <= norm["max"]) if norm else True}
        for b, c in zip(("cov_5", "cov_10", "cov_15"), cov):
            row[b] = float(c)
        return row

    def stats(self, grid_ids: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
        """Per-grid statistics, each with ``delta`` against the saved layout (None = new grid)."""
        if grid_ids is None:
            slots = [s for s in range(len(self.slot_id)) if self.alive[s]]
        else:
            slots = [self.slot_of[g] for g in grid_ids if g in self.slot_of]
        base = getattr(self, "baseline", {})
        out = {}
        for s in slots:
            row = self._row(s)
            if not self.alive[s]:
                row["removed"] = True
            b = base.get(row["grid_id"])
            row["delta"] = {k: (row[k] - b[k]) if b is not None else None for k in STAT_KEYS}
            out[row["grid_id"]] = row
        return out

    def totals(self) -> dict[str, Any]:
        """Whole-layout totals (coverage over all assigned households) with deltas."""
        def total(sum_hh, sum_res, sum_cov) -> dict[str, float]:
            t = {"households": float(sum_hh), "residents": float(sum_res)}
            for b, c in zip(("cov_5", "cov_10", "cov_15"), sum_cov):
                t[b] = float(c / sum_hh) if sum_hh > 0 else math.nan
            return t
        gen = np.array([LEVEL_COLUMN[lv] == 0 for lv in self.slot_level]) & self.alive
        now = total(self.sum_hh[gen].sum(), self.sum_res[gen].sum(), self.sum_cov[gen].sum(axis=0))
        if not hasattr(self, "_base_totals"):
            self._base_totals = dict(now)
        now["delta"] = {k: now[k] - self._base_totals[k] for k in self._base_totals}
        return now

    def _update(self, touched: set[int], relocated: dict) -> LiveUpdate:
        ids = {self.slot_id[s] for s in touched}
        return LiveUpdate(ids, relocated, self.stats(sorted(ids)))

    def rebase(self) -> None:
        """The current layout becomes the saved one (after "Save as scenario")."""
        self.baseline = {}
        self.baseline = self.stats()
        if hasattr(self, "_base_totals"):
            del self._base_totals
        self.totals()

    def membership(self) -> dict[str, tuple[str, str]]:
        """Unit id → (grid_id, micro_id) as currently assigned (for saving a scenario)."""
        ids = self.slot_id + [""]
        return {str(u): (ids[g], ids[m]) for u, (g, m) in zip(self.unit_ids, self.member)}

    # ------------------------------------------------------------------ validation
    def findings(self, area_tol_m2: float = 1.0) -> list[Finding]:
        """Gaps, overlaps, multipart grids, grids outside the norms, unassigned and misplaced units."""
        job = self.findings_job(area_tol_m2)
        out = job.run()
        self.adopt(job)
        return out

    def findings_job(self, area_tol_m2: float = 1.0) -> "FindingsJob":
        """``findings()`` split for a worker thread: this call (owner thread, a few ms) takes an
        immutable snapshot and does the cheap checks; ``job.run()`` does the polygon overlay and
        point-in-polygon work on the snapshot only, so edits may continue meanwhile; ``adopt(job)``
        (owner thread) keeps its polygon checks in the cache if the layout has not changed since."""
        layouts: list = []
        for col in (0, 1):      # polygon checks are cached per level until a polygon of it changes
            key = (col, area_tol_m2)
            if key in self._layout_cache:
                layouts.append(self._layout_cache[key])
            else:
                slots = [s for s in range(len(self.slot_id))
                         if self.alive[s] and LEVEL_COLUMN[self.slot_level[s]] == col]
                layouts.append(([self.slot_id[s] for s in slots],
                                np.array([self.geom[s] for s in slots], dtype=object)))
        head: list[Finding] = []
        for gid, r in self.stats().items():
            if not r["norm_ok"]:
                g = self.geom[self.slot_of[gid]]
                p = g.representative_point()
                head.append(Finding("norm", (gid,), p.x, p.y,
                                    f"{r['level']} grid {gid}: {r['households']:.0f} households, "
                                    f"norm {r['norm_min']}–{r['norm_max']}", g.bounds,
                                    (r["level"], float(r["households"]), r["norm_min"], r["norm_max"])))
        for u in np.flatnonzero(self.member[:, 0] < 0):
            head.append(Finding("unassigned", (), self.ux[u], self.uy[u],
                                f"unit {self.unit_ids[u]} ({self.hh[u]:.0f} households) is in no grid",
                                args=(str(self.unit_ids[u]), float(self.hh[u]))))
        geoms = np.array(self.geom + [None], dtype=object)
        members = []
        for col in (0, 1):
            idx = np.flatnonzero(self.member[:, col] >= 0)
            slots = self.member[idx, col]
            members.append((idx, geoms[slots], self.upoints[idx], [self.slot_id[s] for s in slots]))
        return FindingsJob(area_tol_m2, tuple(self._layout_version), layouts, head, members,
                           np.array(self.ux, dtype=float), np.array(self.uy, dtype=float),
                           [str(u) for u in self.unit_ids])

    def adopt(self, job: "FindingsJob") -> None:
        """Cache the polygon checks a finished job computed, unless a polygon changed since."""
        for col, found in job.computed.items():
            if self._layout_version[col] == job.versions[col]:
                self._layout_cache[(col, job.area_tol_m2)] = found


@dataclass
class FindingsJob:
    """A snapshot of the layout for :meth:`LiveStats.findings` (shapely geometries are
    immutable and every array here is a copy, so ``run`` reads nothing the editor changes)."""

    area_tol_m2: float
    versions: tuple[int, int]
    layouts: list            # per level: cached findings, or (ids, geometries) still to check
    head: list[Finding]      # norm and unassigned findings (computed at the snapshot)
    members: list            # per level: (unit rows, their grid polygons, unit points, grid ids)
    ux: np.ndarray
    uy: np.ndarray
    unit_ids: list[str]
    computed: dict[int, list[Finding]] = field(default_factory=dict)

    def run(self) -> list[Finding]:
        out: list[Finding] = []
        for col, layout in enumerate(self.layouts):
            if isinstance(layout, tuple):
                self.computed[col] = layout_findings(*layout, self.area_tol_m2)
                layout = self.computed[col]
            out += layout
        out += self.head
        for idx, polys, points, grid_ids in self.members:
            outside = np.flatnonzero(~shapely.covers(polys, points))
            for k in outside:
                u = idx[k]
                out.append(Finding("outside", (grid_ids[k],), self.ux[u], self.uy[u],
                                   f"unit {self.unit_ids[u]} lies outside its grid {grid_ids[k]}",
                                   args=(self.unit_ids[u],)))
        return out


# ---------------------------------------------------------------------- geometry helpers
def _shape_metrics(geom) -> np.ndarray:
    """area, perimeter, Polsby–Popper compactness, number of parts (engine.score.geometry)."""
    if geom is None or geom.is_empty:
        return np.array([0.0, 0.0, math.nan, 0.0])
    g = np.array([geom], dtype=object)
    return np.array([geom.area, geom.length, polsby_popper(g)[0], n_parts(g)[0]], dtype=float)


def _finding(d: dict, ids: list[str], tree, geoms: np.ndarray, what: str) -> Finding:
    """engine.score.topology's dict → a Finding naming every grid that touches the place."""
    if d["grid_id"]:
        near = tuple(g for g in (d["grid_id"], d["other_id"]) if g)
    else:
        p = shapely.Point(d["x"], d["y"]).buffer(max(math.sqrt(d["value"]), 1.0))
        near = tuple(ids[k] for k in sorted(tree.query(p, predicate="intersects")))
    r = math.sqrt(max(d["value"], 1.0))
    return Finding(d["kind"], near, d["x"], d["y"], f"{what} of {d['value']:.0f} m²: grids {', '.join(near)}",
                   (d["x"] - r, d["y"] - r, d["x"] + r, d["y"] + r), (float(d["value"]),))


def layout_findings(ids: list[str], geoms: np.ndarray, area_tol_m2: float = 1.0) -> list[Finding]:
    """Overlaps, gaps and multipart grids among the grids of one level."""
    if not len(geoms):
        return []
    tree = shapely.STRtree(geoms)
    out = [_finding(d, ids, tree, geoms, "overlap") for d in find_overlaps(ids, geoms, area_tol_m2)]
    out += [_finding(d, ids, tree, geoms, "gap") for d in find_gaps(geoms, area_tol_m2)]
    for gid, g, k in zip(ids, geoms, n_parts(geoms)):
        if k > 1:
            small = min(g.geoms, key=lambda q: q.area)
            p = small.representative_point()
            out.append(Finding("multipart", (gid,), p.x, p.y, f"grid {gid} has {k} separate parts", small.bounds,
                               (int(k),)))
    return out
