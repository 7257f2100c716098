"""Life-circle coverage of the units while facilities are placed, moved and removed.

For each unit and coverage type: the walking minutes to the nearest facility of that type,
exactly as ``engine.circles.compute_circles`` computes them (same snapping, same
``nearest_from`` search), kept per type by a :class:`~.nearest.NearestField` on the circles'
network, so an edit re-times only the catchments of the facility it touched.  A unit's
coverage at band *b* is its households × the share of coverage types reached within *b*
minutes; without circles (no network) it is NaN.
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from ..errors import GridGovError
from ..vocab import FACILITY_TYPES
from .nearest import NearestField, UnitsOnEdges


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
                 facilities: dict[str, dict[str, Any]] | None = None, known: set[str] | None = None):
        unknown = [t for t in cov_types if t not in (known or FACILITY_TYPES)]
        if unknown:
            raise GridGovError(f"live statistics: unknown facility type(s) {unknown}")
        self.bands = bands
        self.cov_types = list(cov_types)
        self.hh = hh
        self.network = network
        self.unit_snap = unit_snap
        self.snap_max_m = snap_max_m
        self.fields: dict[str, NearestField] = {}
        if network is not None:
            on_edges = UnitsOnEdges(network, unit_snap)
            for t in self.cov_types:
                mine = [(k, f) for k, f in (facilities or {}).items() if f["type"] == t]
                self.fields[t] = NearestField(on_edges, snap_max_m, [k for k, _ in mine],
                                              [f["x"] for _, f in mine], [f["y"] for _, f in mine])
        self.times: dict[str, np.ndarray] = {t: f.minutes() for t, f in self.fields.items()}
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
        return cls(bands, types, hh, circles.network, circles.unit_snap, snap_max_m, facilities, allowed)

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

    def place(self, kind: str, fac_id: str, x: float, y: float) -> tuple[np.ndarray, np.ndarray]:
        """A facility of ``kind`` placed or moved to (x, y): the unit rows whose coverage
        changed and the change."""
        if not self.on or kind not in self.fields:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 3))
        return self._changed(kind, self.fields[kind].place(fac_id, x, y))

    def remove(self, kind: str, fac_id: str) -> tuple[np.ndarray, np.ndarray]:
        """A facility of ``kind`` removed: as :meth:`place`."""
        if not self.on or kind not in self.fields:
            return np.zeros(0, dtype=np.int64), np.zeros((0, 3))
        return self._changed(kind, self.fields[kind].remove(fac_id))

    def _changed(self, kind: str, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.times[kind][rows] = self.fields[kind].ucost[rows] / 60.0
        new_cov = self.unit_coverage(rows)
        delta = new_cov - self.ucov[rows]
        self.ucov[rows] = new_cov
        return rows, delta
