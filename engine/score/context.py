"""Derived arrays shared by the metrics of one scenario, computed once on first use.

Metrics read ``ctx.scenario``, ``ctx.circles``, ``ctx.sim`` and these cached helpers; a metric
that needs a missing input raises ``NotComputed`` through ``ctx.need``.
"""
from __future__ import annotations

from functools import cached_property

import numpy as np

from ..circles.compute import Circles
from ..coverage_types import coverage_types, required_types
from ..scenario.model import Scenario
from ..simulation.run import SimulationResult
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
    @cached_property
    def cov_types(self):
        """Every facility type the scenario judges (``coverage_types.CoverageType`` by key)."""
        return coverage_types(self.params)

    @cached_property
    def required(self) -> list[str]:
        """Required facility types that have a tier or a drive time (checked when loading)."""
        return [t for t in required_types(self.params) if t in self.cov_types]

    def required_of(self, mode: str, tier: str | None = None) -> list[str]:
        """Required types judged by ``mode`` ("walk" | "drive"), optionally of one tier."""
        self.need("circles")
        return [t for t in self.required if self.cov_types[t].mode == mode
                and (tier is None or self.cov_types[t].tier == tier)]

    @cached_property
    def missing_types(self) -> list[str]:
        """Required types with no facility in the layer (they cover nobody)."""
        present = {str(t) for t in self.scenario.facilities.type}
        return [t for t in self.required if t not in present]

    def unit_within(self, kind: str) -> np.ndarray:
        """Per unit: the type is within its threshold (all False for a type with no facility)."""
        self.need("circles")
        within = self.circles.unit_within_tier.get(kind)
        if within is None:
            return np.zeros(len(self.scenario.units.id), dtype=bool)
        return np.asarray(within, dtype=bool)

    @cached_property
    def unit_missing_tier(self) -> np.ndarray:
        """Per unit: how many required facility types are NOT within their threshold."""
        self.need("circles")
        miss = np.zeros(len(self.scenario.units.id), dtype=np.int64)
        for t in self.required:
            miss += ~self.unit_within(t)
        return miss

    # --- simulation ------------------------------------------------------------------------
    def summary(self, key: str) -> float:
        self.need("sim")
        v = self.sim.summary.get(key)
        if v is None:
            raise NotComputed(f"simulation summary has no '{key}'")
        return float(v)

    def incident_fields(self, *keys: str) -> list[np.ndarray]:
        """Columns of the simulated per-incident table; NotComputed names the fields it lacks."""
        self.need("sim")
        inc = getattr(self.sim, "incidents", None) or {}
        lacking = [k for k in keys if k not in inc]
        if lacking:
            raise NotComputed(f"the simulation has no per-incident field(s) {', '.join(lacking)}")
        return [np.asarray(inc[k]) for k in keys]

    @cached_property
    def ordinary_incidents(self) -> np.ndarray:
        """Per incident: not an emergency (every incident when the simulation flags none)."""
        inc = getattr(self.sim, "incidents", None) or {}
        n = len(self.incident_fields("time_h")[0])
        return ~np.asarray(inc["emergency"], bool) if "emergency" in inc else np.ones(n, bool)

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
