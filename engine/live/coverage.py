"""Life-circle coverage of the units while facilities are placed, moved and removed.

For each unit and coverage type: the walking minutes to the nearest facility of that type,
exactly as ``engine.circles.compute_circles`` computes them (same snapping, same
``nearest_from`` search); the baseline is read off a ``Circles`` result and an edit re-runs
only the facility type it touched.  A unit's coverage at band *b* is its households × the share
of coverage types reached within *b* minutes; without circles (no network) it is NaN.
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from ..circles import nearest_from
from ..errors import GridGovError
from ..network.snap import snap_points
from ..vocab import FACILITY_TYPES


def default_coverage_types(facilities: dict[str, dict[str, Any]], params: dict | None = None) -> list[str]:
    """The scenario's walking life-circle types ([coverage], engine.coverage_types) present in the layout."""
    from ..coverage_types import coverage_types
    from ..params import defaults

    present = {f["type"] for f in facilities.values()}
    judged = coverage_types(params or defaults())
    return [k for k, t in judged.items() if t.mode == "walk" and k in present]


class Coverage:
    """Per-unit walking times per coverage type and the households they cover per band."""

    def __init__(self, bands: np.ndarray, cov_types: list[str], hh: np.ndarray, network: Any = None,
                 unit_snap: Any = None, snap_max_m: float = float("nan"),
                 times: dict[str, np.ndarray] | None = None, known: set[str] | None = None):
        unknown = [t for t in cov_types if t not in (known or FACILITY_TYPES)]
        if unknown:
            raise GridGovError(f"live statistics: unknown facility type(s) {unknown}")
        self.bands = bands
        self.cov_types = list(cov_types)
        self.hh = hh
        self.network = network
        self.unit_snap = unit_snap
        self.snap_max_m = snap_max_m
        self.times: dict[str, np.ndarray] = dict(times or {})
        self.ucov = self.unit_coverage(np.arange(len(hh)))

    @classmethod
    def from_circles(cls, circles: Any, params: dict, bands: np.ndarray, hh: np.ndarray,
                     facilities: dict[str, dict[str, Any]], coverage_types: Iterable[str] | None) -> "Coverage":
        """Times read off ``circles`` (a type it lacks is searched); NaN coverage without circles."""
        types = list(coverage_types) if coverage_types is not None else default_coverage_types(facilities, params)
        from ..coverage_types import known_facility_types

        allowed = known_facility_types(params)    # the vocabulary plus the scenario's [coverage.types]
        if circles is None:
            return cls(bands, types, hh, known=allowed)
        if len(circles.unit_snap) != len(hh):
            raise GridGovError("live statistics: the circles were computed for other units")
        snap_max_m = float(params["travel"]["snap_max_m"])
        times = {}
        for t in types:
            known = circles.unit_time_min.get(t)
            times[t] = (known.copy() if known is not None
                        else walk_minutes(circles.network, circles.unit_snap, snap_max_m, facilities, t))
        return cls(bands, types, hh, circles.network, circles.unit_snap, snap_max_m, times, allowed)

    @property
    def on(self) -> bool:
        """Is coverage computed (a network and at least one type)?"""
        return self.network is not None and bool(self.cov_types)

    def unit_coverage(self, rows: np.ndarray) -> np.ndarray:
        """Households × share of coverage types reached per band, for the unit ``rows``."""
        if not self.on:
            return np.full((len(rows), 3), np.nan)
        reached = np.zeros((len(rows), 3))
        for t in self.cov_types:
            reached += self.times[t][rows, None] <= self.bands[None, :]
        return self.hh[rows, None] * reached / len(self.cov_types)

    def retime(self, kind: str, facilities: dict[str, dict[str, Any]], added: str | None) -> tuple[np.ndarray, np.ndarray]:
        """Re-time one type after an edit: one bounded search from an ``added`` facility (min
        with the stored times), else a re-run of the type's sources (a move or removal needs
        the second-nearest).  Returns the unit rows whose coverage changed and the change."""
        if not self.on or kind not in self.cov_types:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 3))
        new_t = walk_minutes(self.network, self.unit_snap, self.snap_max_m, facilities, kind, only=added)
        if added is not None:
            new_t = np.minimum(self.times[kind], new_t)
        rows = np.flatnonzero(new_t != self.times[kind])
        self.times[kind] = new_t
        new_cov = self.unit_coverage(rows)
        delta = new_cov - self.ucov[rows]
        self.ucov[rows] = new_cov
        return rows, delta


def walk_minutes(network: Any, unit_snap: Any, snap_max_m: float, facilities: dict[str, dict[str, Any]],
                 kind: str, only: str | None = None) -> np.ndarray:
    """Walking minutes from every unit to its nearest facility of ``kind`` (inf: unreachable);
    ``only``: from that one facility."""
    out = np.full(len(unit_snap), np.inf)
    facs = [f for k, f in facilities.items() if f["type"] == kind and (only is None or k == only)]
    if not facs or not len(out):
        return out
    fsnap = snap_points(network, [f["x"] for f in facs], [f["y"] for f in facs], snap_max_m)
    rows = np.flatnonzero(fsnap.ok)
    if not len(rows):
        return out
    return nearest_from(network, fsnap, rows, unit_snap, "time")[0] / 60.0
