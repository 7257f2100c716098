"""Location-allocation on network travel times: p-median, p-center, LSCP, MCLP (+ capacitated).

Each model takes a dense ``cost`` matrix (n demand points × m candidate sites; ``inf`` =
unreachable, e.g. from ``engine.network.travel_times``), demand weights, and optionally
``fixed`` candidates that stay open (existing facilities) and ``capacity`` per candidate
(staff or workload, in the units of the weights).  ``method="exact"`` solves the MILP with
HiGHS (``location_milp.py``); ``"heuristic"`` runs greedy + vertex substitution (Numba,
``_kernels_location.py``) and reports the gap to a lower bound (Lagrangian for p-median,
the LP relaxation otherwise); ``"auto"`` is exact up to ``EXACT_MAX_PAIRS`` demand-site pairs.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import GridGovError
from . import _kernels_cover as C
from . import _kernels_location as K
from . import location_milp as milp

EXACT_MAX_PAIRS = 20_000
SWAP_PASSES = 200
LAGRANGE_ITERS = 150
ILS_ROUNDS = 3
COVER_LAGRANGE_ITERS = 300
MODELS = ("p_median", "p_center", "lscp", "mclp")


@dataclass
class Allocation:
    model: str
    open: np.ndarray            # int64 indices of the open candidates (sorted)
    assign: np.ndarray          # int64 candidate serving each demand (−1: none / not covered)
    objective: float            # p-median Σ w·cost; p-center max cost; LSCP #sites; MCLP covered weight
    method: str                 # "exact" | "heuristic"
    bound: float | None = None  # best bound known on the optimum (lower; upper for MCLP)
    optimal: bool = False
    seconds: float = 0.0
    info: dict = field(default_factory=dict)

    @property
    def gap(self) -> float | None:
        """Relative distance to the bound (0 = proven optimal)."""
        if self.bound is None or not np.isfinite(self.bound):
            return None
        denom = max(abs(self.objective), 1e-12)
        return max(0.0, abs(self.objective - self.bound) / denom)

    def to_dict(self) -> dict:
        return {"model": self.model, "open": self.open.tolist(), "objective": self.objective, "method": self.method,
                "bound": self.bound, "gap": self.gap, "optimal": self.optimal, "seconds": round(self.seconds, 4),
                **self.info}


def _check(cost, w, p, fixed, capacity, where="location-allocation"):
    cost = np.ascontiguousarray(cost, dtype=np.float64)
    if cost.ndim != 2:
        raise GridGovError(f"{where}: the cost matrix must be 2-D (demand × candidates), got {cost.ndim}-D")
    n, m = cost.shape
    if m == 0:
        raise GridGovError(f"{where}: there are no candidate sites")
    if np.isnan(cost).any() or (cost < 0).any():
        raise GridGovError(f"{where}: travel costs must be ≥ 0 (NaN or negative found)")
    w = np.ones(n) if w is None else np.ascontiguousarray(w, dtype=np.float64)
    if w.shape != (n,) or (w < 0).any() or not np.isfinite(w).all():
        raise GridGovError(f"{where}: demand weights must be {n} finite numbers ≥ 0")
    fixed_mask = np.zeros(m, bool)
    if fixed is not None and len(fixed):
        fx = np.asarray(fixed, dtype=np.int64)
        if fx.min() < 0 or fx.max() >= m:
            raise GridGovError(f"{where}: a fixed facility index lies outside the {m} candidates")
        fixed_mask[fx] = True
    if p is not None:
        if int(p) != p or p < 1:
            raise GridGovError(f"{where}: p = {p} must be a whole number ≥ 1")
        if p > m:
            raise GridGovError(f"{where}: p = {p} is larger than the {m} candidate sites: add candidates or lower p")
        if fixed_mask.sum() > p:
            raise GridGovError(f"{where}: {int(fixed_mask.sum())} facilities are kept fixed but p = {p}: raise p")
    if capacity is not None:
        capacity = np.ascontiguousarray(capacity, dtype=np.float64)
        if capacity.shape != (m,) or (capacity < 0).any():
            raise GridGovError(f"{where}: capacity must be {m} numbers ≥ 0 (one per candidate)")
    return cost, w, None if p is None else int(p), fixed_mask, capacity


def _finite(cost):
    """Unreachable pairs as a penalty larger than any real trip, for the heuristics."""
    fin = cost[np.isfinite(cost)]
    big = (fin.max() if fin.size else 1.0) * 10.0 + 1.0
    return np.where(np.isfinite(cost), cost, big), big


def _coverage(cost, radius):
    return C.coverage_csr(cost, float(radius))


def _exact(model, cost, w, p, fixed, capacity, radius, time_limit):
    if model == "p_median":
        return milp.p_median(cost, w, p, fixed, capacity, time_limit)
    if model == "mclp":
        return milp.mclp(cost, w, p, radius, fixed, capacity, time_limit)
    if model == "lscp":
        return milp.lscp(cost, radius, fixed, w, capacity, time_limit)
    return milp.p_center(cost, w, p, fixed, capacity, time_limit)


def _heuristic(model, cost, w, p, fixed, capacity, radius, bound, seed=0):
    fc = _finite(cost)[0] if model in ("p_median", "p_center") else cost
    is_open = fixed.copy()
    info = {}
    if model == "p_median" and capacity is None:
        K.median_greedy(fc, w, p, is_open)
        info["passes"] = int(K.median_swap(fc, w, is_open, fixed, SWAP_PASSES))
        assign = np.argmin(np.where(is_open[None, :], fc, np.inf), axis=1)
        obj = float((w * fc[np.arange(len(w)), assign]).sum())
        lb = float(K.median_lagrangian(fc, w, p, fixed, LAGRANGE_ITERS, obj)) if bound else None
        return is_open, assign, obj, lb, info
    if model == "p_median":
        K.median_greedy(fc, w, p, is_open)
        obj, assign = K.capacitated_swap(fc, w, capacity, is_open, fixed, SWAP_PASSES)
        lb = _lp_bound(model, cost, w, p, fixed, capacity, radius) if bound else None
        return is_open, assign, float(obj), lb, info
    if model == "mclp":
        cp, ci, dp, di = _coverage(cost, radius)
        C.cover_greedy(cp, ci, w, p, is_open)
        info["passes"] = int(C.cover_swap(cp, ci, dp, di, w, is_open, fixed, SWAP_PASSES))
        lagr = fixed.copy()
        upper, _ = C.cover_lagrangian(cp, ci, w, p, fixed, COVER_LAGRANGE_ITERS, lagr)
        C.cover_swap(cp, ci, dp, di, w, lagr, fixed, SWAP_PASSES)
        if C.covered_weight(cp, ci, w, lagr) > C.covered_weight(cp, ci, w, is_open):
            is_open = lagr
        C.cover_ils(cp, ci, dp, di, w, is_open, fixed, ILS_ROUNDS, max(1, p // 10), seed)
        if capacity is not None:  # capacitated: the covering sites' capacities decide who is served
            obj, assign = _capacitated_cover(cost, w, capacity, is_open, radius)
        else:
            assign = _nearest_open(cost, is_open, radius)
            obj = float(w[assign >= 0].sum())
        ub = (upper if capacity is None else _lp_bound(model, cost, w, p, fixed, capacity, radius)) if bound else None
        return is_open, assign, obj, ub, info
    if model == "lscp":
        cp, ci, _, _ = _coverage(cost, radius)
        if not C.set_cover_greedy(cp, ci, cost.shape[0], is_open):
            raise GridGovError(f"LSCP: some demand points have no candidate within {radius:g}: raise the radius")
        C.drop_redundant(cp, ci, cost.shape[0], is_open, fixed)
        assign = _nearest_open(cost, is_open, radius)
        lb = _lp_bound(model, cost, w, p, fixed, capacity, radius) if bound else None
        return is_open, assign, float(is_open.sum()), (np.ceil(lb - 1e-9) if lb is not None else None), info
    # p-center: the least radius whose greedy set cover needs ≤ p sites
    radii = np.unique(cost[np.isfinite(cost)])
    lo, hi = int(np.searchsorted(radii, np.min(cost, axis=1).max())), radii.size - 1
    best = None
    while lo <= hi:
        mid = (lo + hi) // 2
        trial = fixed.copy()
        cp, ci, _, _ = _coverage(cost, radii[mid])
        if C.set_cover_greedy(cp, ci, cost.shape[0], trial):
            C.drop_redundant(cp, ci, cost.shape[0], trial, fixed)
        if trial.sum() <= p and (np.where(trial[None, :], cost, np.inf).min(axis=1) <= radii[mid]).all():
            best, hi = trial, mid - 1
        else:
            lo = mid + 1
    if best is None:
        raise GridGovError("p-center: no set of p sites reaches every demand point")
    spare = p - int(best.sum())
    if spare > 0:
        K.median_greedy(fc, w, int(best.sum()) + spare, best)
    assign = np.argmin(np.where(best[None, :], fc, np.inf), axis=1)
    return best, assign, float(cost[np.arange(cost.shape[0]), assign].max()), None, info


def _nearest_open(cost, is_open, radius=np.inf):
    """Nearest open site of each demand point within ``radius`` (−1: none)."""
    sub = cost[:, is_open]
    k = np.argmin(sub, axis=1)
    best = sub[np.arange(sub.shape[0]), k]
    return np.where(best <= radius, np.flatnonzero(is_open)[k], -1)


def _capacitated_cover(cost, w, capacity, is_open, radius):
    reach = np.where(cost <= radius, cost, np.inf)
    assign = np.empty(len(w), np.int64)
    K.capacitated_assign(reach, w, capacity, is_open, assign, True)
    return float(w[assign >= 0].sum()), assign


def _lp_bound(model, cost, w, p, fixed, capacity, radius):
    if model == "p_median":
        out = milp.p_median(cost, w, p, fixed, capacity, relax=True)
    elif model == "mclp":
        out = milp.mclp(cost, w, p, radius, fixed, capacity, relax=True)
    else:
        out = milp.lscp(cost, radius, fixed, w, capacity, relax=True)
    return None if out is None else float(out[2])


def locate(model: str, cost, weight=None, p=None, *, radius=None, fixed=None, capacity=None, method: str = "auto",
           time_limit=None, bound: bool = True) -> Allocation:
    """Solve one location-allocation model (see the module docstring).

    Args:
        model: "p_median", "p_center", "lscp" or "mclp".
        cost: (n, m) travel costs; inf = unreachable.  weight: demand weights (default 1).
        p: number of open sites (all models but LSCP).  radius: coverage limit (LSCP, MCLP).
        fixed: candidate indices kept open.  capacity: per-candidate capacity (capacitated variant).
        method: "auto" | "exact" | "heuristic".  time_limit: seconds for HiGHS.
        bound: compute the bound the heuristic's gap is measured against.
    """
    if model not in MODELS:
        raise GridGovError(f"unknown model '{model}' (known: {', '.join(MODELS)})")
    if model in ("lscp", "mclp") and (radius is None or not radius > 0):
        raise GridGovError(f"{model}: a coverage radius > 0 is required")
    if model != "lscp" and p is None:
        raise GridGovError(f"{model}: p (number of sites to open) is required")
    cost, w, p, fixed_mask, capacity = _check(cost, weight, p, fixed, capacity, model)
    if capacity is not None and capacity.sum() < w.sum() and model in ("p_median", "p_center", "lscp"):
        raise GridGovError(f"{model}: the candidates' total capacity {capacity.sum():g} is below the demand "
                           f"{w.sum():g}: no assignment can serve everyone")
    if method not in ("auto", "exact", "heuristic"):
        raise GridGovError(f"unknown method '{method}' (auto, exact, heuristic)")
    if method == "auto":
        method = "exact" if np.isfinite(cost).sum() <= EXACT_MAX_PAIRS else "heuristic"
    t0 = time.perf_counter()
    if method == "exact":
        out = _exact(model, cost, w, p, fixed_mask, capacity, radius, time_limit)
        if out is None:
            raise GridGovError(f"{model}: no feasible solution (check p, the radius, capacities and fixed sites)")
        y, assign, obj, optimal, bound_val = out
        if model == "lscp" or model == "p_center":
            bound_val = obj if optimal else None
        return Allocation(model, np.flatnonzero(y), assign, obj, "exact", bound_val if np.isfinite(bound_val or np.nan)
                          else (obj if optimal else None), optimal, time.perf_counter() - t0)
    y, assign, obj, bnd, info = _heuristic(model, cost, w, p, fixed_mask, capacity, radius, bound)
    return Allocation(model, np.flatnonzero(y), np.asarray(assign, np.int64), float(obj), "heuristic", bnd,
                      bnd is not None and abs(obj - bnd) <= 1e-9 * max(abs(obj), 1), time.perf_counter() - t0, info)
