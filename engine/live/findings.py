"""The editor's validation list: gaps, overlaps, multipart grids, grids outside the norms,
unassigned units and units outside their grid, each with a place to zoom to.

The polygon overlay takes up to a few hundred ms on a city, so the work is split for a worker
thread: :func:`take_snapshot` (owner thread, a few ms) copies what the checks read and does the
cheap ones; :meth:`FindingsJob.run` does the overlay on the snapshot only, so edits may go on.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from ..score.geometry import n_parts
from ..score.topology import find_gaps, find_overlaps
from .slots import GridSlots
from .units import UnitTable


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
class FindingsJob:
    """A snapshot of the layout (shapely geometries are immutable and every array here is a
    copy, so ``run`` reads nothing the editor changes)."""

    area_tol_m2: float
    versions: tuple[int, int]
    layouts: list            # per level: cached findings, or (ids, geometries) still to check
    head: list[Finding]      # norm and unassigned findings (computed at the snapshot)
    members: list            # per level: (unit rows, their grid slots)
    geoms: np.ndarray        # polygon of each slot (None: removed)
    slot_ids: list[str]      # grid id of each slot
    points: np.ndarray       # unit points, ids and coordinates: never edited, so shared, not copied
    ux: np.ndarray
    uy: np.ndarray
    unit_ids: np.ndarray
    computed: dict[int, list[Finding]] = field(default_factory=dict)

    def run(self) -> list[Finding]:
        out: list[Finding] = []
        for col, layout in enumerate(self.layouts):
            if isinstance(layout, tuple):
                self.computed[col] = layout_findings(*layout, self.area_tol_m2)
                layout = self.computed[col]
            out += layout
        out += self.head
        for idx, member in self.members:
            outside = np.flatnonzero(~shapely.covers(self.geoms[member], self.points[idx]))
            for k in outside:
                u, gid = idx[k], self.slot_ids[member[k]]
                out.append(Finding("outside", (gid,), self.ux[u], self.uy[u],
                                   f"unit {self.unit_ids[u]} lies outside its grid {gid}",
                                   args=(str(self.unit_ids[u]),)))
        return out


def take_snapshot(slots: GridSlots, units: UnitTable, rows: list[dict[str, Any]],
                  cache: dict[tuple[int, float], list[Finding]], area_tol_m2: float) -> FindingsJob:
    """The job for the current layout; ``rows`` are the live statistics of the grids outside their norm,
    ``cache`` the polygon checks of levels unchanged since they were computed."""
    geoms = np.array(slots.geom + [None], dtype=object)
    layouts: list = []
    for col in (0, 1):
        key = (col, area_tol_m2)
        if key in cache:
            layouts.append(cache[key])
        else:
            live = slots.live_slots(col)
            layouts.append(([slots.ids[s] for s in live], geoms[live] if live else np.zeros(0, dtype=object)))
    head: list[Finding] = []
    for r in rows:
        if not r["norm_ok"]:
            gid = r["grid_id"]
            g = slots.geom[slots.slot_of[gid]]
            p = g.representative_point()
            head.append(Finding("norm", (gid,), p.x, p.y,
                                f"{r['level']} grid {gid}: {r['households']:.0f} households, "
                                f"norm {r['norm_min']}–{r['norm_max']}", g.bounds,
                                (r["level"], float(r["households"]), r["norm_min"], r["norm_max"])))
    for u in np.flatnonzero(units.member[:, 0] < 0):
        head.append(Finding("unassigned", (), units.x[u], units.y[u],
                            f"unit {units.ids[u]} ({units.hh[u]:.0f} households) is in no grid",
                            args=(str(units.ids[u]), float(units.hh[u]))))
    members = []
    for col in (0, 1):
        idx = np.flatnonzero(units.member[:, col] >= 0)
        members.append((idx, units.member[idx, col]))
    return FindingsJob(area_tol_m2, (slots.version[0], slots.version[1]), layouts, head, members, geoms,
                       list(slots.ids), units.points, units.x, units.y, units.ids)


def _finding(d: dict, ids: list[str], tree, what: str) -> Finding:
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
    out = [_finding(d, ids, tree, "overlap") for d in find_overlaps(ids, geoms, area_tol_m2)]
    out += [_finding(d, ids, tree, "gap") for d in find_gaps(geoms, area_tol_m2)]
    for gid, g, k in zip(ids, geoms, n_parts(geoms)):
        if k > 1:
            small = min(g.geoms, key=lambda q: q.area)
            p = small.representative_point()
            out.append(Finding("multipart", (gid,), p.x, p.y, f"grid {gid} has {k} separate parts", small.bounds,
                               (int(k),)))
    return out
