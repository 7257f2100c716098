"""Derived arrays shared by the metrics of one scenario, computed once on first use.

Metrics read ``ctx.scenario``, ``ctx.circles``, ``ctx.sim`` and these cached helpers; a metric
that needs a missing input raises ``NotComputed`` through ``ctx.need``.
"""
from __future__ import annotations

from functools import cached_property

import numpy as np

from ..circles.compute import Circles
from ..scenario.model import Scenario
from ..simulation.run import SimulationResult
from ..vocab import FACILITY_TYPES
from .registry import NotComputed
from .topology import topology_report


class Context:
    def __init__(self, scenario: Scenario, circles: Circles | None = None, sim: SimulationResult | None = None):
        self.scenario = scenario
        self.circles = circles
        self.sim = sim
        self.params = scenario.params

    def need(self, *what: str) -> None:
        for w in what:
            if getattr(self, w) is None:
                raise NotComputed(f"needs {'service circles' if w == 'circles' else 'the simulation'}")

    # --- grids -----------------------------------------------------------------------------
    @cached_property
    def grid_row(self) -> dict[str, int]:
        return {str(g): i for i, g in enumerate(self.scenario.grids.id)}

    @cached_property
    def level(self) -> np.ndarray:
        return np.asarray(self.scenario.grids.level, dtype=object)

    @cached_property
    def top_rows(self) -> np.ndarray:
        """General and dedicated grids: the ones with a worker and a territory of their own."""
        return np.flatnonzero(self.level != "micro")

    @cached_property
    def unit_grid_row(self) -> np.ndarray:
        return np.array([self.grid_row.get(str(g), -1) for g in self.scenario.units.grid_id], dtype=np.int64)

    @cached_property
    def unit_micro_row(self) -> np.ndarray:
        return np.array([self.grid_row.get(str(g), -1) if g else -1 for g in self.scenario.units.micro_id],
                        dtype=np.int64)

    @cached_property
    def households_per_grid(self) -> np.ndarray:
        """Households per grid row: general/dedicated from ``grid_id``, micro from ``micro_id``."""
        n = len(self.scenario.grids.id)
        hh = np.asarray(self.scenario.units.households, dtype=float)
        out = np.zeros(n)
        for rows in (self.unit_grid_row, self.unit_micro_row):
            ok = rows >= 0
            out += np.bincount(rows[ok], weights=hh[ok], minlength=n)
        return out

    @cached_property
    def households_total(self) -> float:
        return float(np.sum(self.scenario.units.households))

    @cached_property
    def topology(self) -> dict[str, list[dict]]:
        return topology_report(self.scenario.grids, self.scenario.units)

    # --- circles ---------------------------------------------------------------------------
    def tier_types(self, tier: str | None = None) -> list[str]:
        """Facility types present in the circles that belong to a life-circle tier."""
        self.need("circles")
        out = []
        for t in self.circles.types:
            ft = FACILITY_TYPES.get(t)
            if ft is not None and ft.tier and (tier is None or ft.tier == tier):
                out.append(t)
        return out

    @cached_property
    def unit_missing_tier(self) -> np.ndarray:
        """Per unit: how many life-circle facility types are NOT within their tier distance."""
        n = len(self.scenario.units.id)
        miss = np.zeros(n, dtype=np.int64)
        for t in self.tier_types():
            miss += ~np.asarray(self.circles.unit_within_tier[t], dtype=bool)
        return miss

    # --- simulation ------------------------------------------------------------------------
    def summary(self, key: str) -> float:
        self.need("sim")
        v = self.sim.summary.get(key)
        if v is None:
            raise NotComputed(f"simulation summary has no '{key}'")
        return float(v)

    @cached_property
    def worker_busy_h(self) -> np.ndarray:
        self.need("sim")
        pw = self.sim.per_worker
        if "busy_h" not in pw:
            raise NotComputed("simulation has no per-worker workload")
        return np.asarray(pw["busy_h"], dtype=float)

    def hh_share(self, mask: np.ndarray, rows: np.ndarray | None = None) -> float:
        """Household-weighted share of units where ``mask`` holds (optionally within ``rows``)."""
        hh = np.asarray(self.scenario.units.households, dtype=float)
        if rows is not None:
            hh, mask = hh[rows], mask[rows]
        total = hh.sum()
        if total <= 0:
            raise NotComputed("no households")
        return float(hh[mask].sum() / total)
