"""Exact location-allocation models solved with ``scipy.optimize.milp`` (HiGHS).

Variables: ``y_j`` (open candidate j, binary) and, where a model assigns demand, ``x_ij``
over the reachable (or covering) pairs only.  Fixed facilities have ``y_j = 1``.  With
capacities ``Q_j`` (staff or workload a site can take) every demand is served by exactly one
facility (single sourcing, binary ``x``) and ``Σ_i w_i x_ij ≤ Q_j y_j``.

* p-median  min Σ w_i c_ij x_ij        Σ_j x_ij = 1, x_ij ≤ y_j, Σ y = p
* p-center  min D                      Σ_j c_ij x_ij ≤ D (uncapacitated: the least radius r
            whose set cover needs ≤ p sites, by bisection over the distinct costs)
* LSCP      min Σ y                    every demand within the radius of an open site
* MCLP      max Σ w_i z_i              z_i ≤ Σ_{j covers i} y_j, Σ y = p
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp


def _solve(c, integrality, lb, ub, rows, time_limit, relax=False):
    A = sp.vstack([r[0] for r in rows]).tocsr()
    lo = np.concatenate([r[1] for r in rows])
    hi = np.concatenate([r[2] for r in rows])
    opts = {"disp": False, "presolve": True}
    if time_limit is not None:
        opts["time_limit"] = float(time_limit)
    res = milp(c, integrality=np.zeros_like(integrality) if relax else integrality, bounds=Bounds(lb, ub),
               constraints=LinearConstraint(A, lo, hi), options=opts)
    return res


def _pairs(cost, radius=None):
    ok = np.isfinite(cost) if radius is None else cost <= radius
    i, j = np.nonzero(ok)
    return i, j


def _y_bounds(m, fixed):
    lb = np.zeros(m)
    lb[fixed] = 1.0
    return lb, np.ones(m)


def _assignment_model(cost, w, p, fixed, capacity, radius, objective):
    """Rows shared by p-median / capacitated models over pairs (i, j) reachable (within radius)."""
    n, m = cost.shape
    i, j = _pairs(cost, radius)
    P = i.size
    nv = m + P
    rows = []
    assign = sp.csr_matrix((np.ones(P), (i, m + np.arange(P))), shape=(n, nv))
    eq = 1.0 if objective != "cover" else 0.0
    rows.append((assign, np.full(n, eq), np.ones(n)))
    link = sp.csr_matrix((np.concatenate([np.ones(P), -np.ones(P)]),
                          (np.concatenate([np.arange(P), np.arange(P)]), np.concatenate([m + np.arange(P), j]))),
                         shape=(P, nv))
    rows.append((link, np.full(P, -np.inf), np.zeros(P)))
    if p is not None:
        rows.append((sp.csr_matrix(np.concatenate([np.ones(m), np.zeros(P)])[None, :]), np.array([p]), np.array([p])))
    if capacity is not None:
        capr = sp.csr_matrix((np.concatenate([w[i], -capacity]), (np.concatenate([j, np.arange(m)]),
                              np.concatenate([m + np.arange(P), np.arange(m)]))), shape=(m, nv))
        rows.append((capr, np.full(m, -np.inf), np.zeros(m)))
    lb, ub = _y_bounds(m, fixed)
    lb = np.concatenate([lb, np.zeros(P)])
    ub = np.concatenate([ub, np.ones(P)])
    integ = np.concatenate([np.ones(m), np.ones(P) if capacity is not None else np.zeros(P)])
    return i, j, rows, lb, ub, integ


def _result(res, m, i=None, j=None, n=0):
    if res.x is None:
        return None
    y = res.x[:m] > 0.5
    assign = np.full(n, -1, np.int64)
    if i is not None and n:
        xs = res.x[m:m + i.size]
        best = np.full(n, -np.inf)
        for a, b, v in zip(i, j, xs):  # the largest share (x is integral at an optimum)
            if v > best[a] + 1e-9 and v > 1e-6:
                best[a], assign[a] = v, b
    return y, assign, float(res.fun), bool(res.status == 0), float(getattr(res, "mip_dual_bound", np.nan) or np.nan)


def p_median(cost, w, p, fixed, capacity=None, time_limit=None, relax=False):
    n, m = cost.shape
    i, j, rows, lb, ub, integ = _assignment_model(cost, w, p, fixed, capacity, None, "median")
    c = np.concatenate([np.zeros(m), w[i] * cost[i, j]])
    return _result(_solve(c, integ, lb, ub, rows, time_limit, relax), m, i, j, n)


def mclp(cost, w, p, radius, fixed, capacity=None, time_limit=None, relax=False):
    n, m = cost.shape
    if capacity is None:
        i, j = _pairs(cost, radius)
        nv = m + n
        cover = sp.csr_matrix((np.concatenate([np.ones(n), -np.ones(i.size)]),
                               (np.concatenate([np.arange(n), i]), np.concatenate([m + np.arange(n), j]))), shape=(n, nv))
        rows = [(cover, np.full(n, -np.inf), np.zeros(n)),
                (sp.csr_matrix(np.concatenate([np.ones(m), np.zeros(n)])[None, :]), np.array([p]), np.array([p]))]
        lb, ub = _y_bounds(m, fixed)
        c = np.concatenate([np.zeros(m), -w])
        integ = np.concatenate([np.ones(m), np.zeros(n)])
        out = _result(_solve(c, integ, np.concatenate([lb, np.zeros(n)]), np.concatenate([ub, np.ones(n)]), rows,
                             time_limit, relax), m)
        if out is None:
            return None
        y, _, fun, ok, bound = out
        covered = (np.isfinite(cost) & (cost <= radius))[:, y].any(axis=1)
        assign = np.where(covered, np.argmin(np.where(y[None, :] & (cost <= radius), cost, np.inf), axis=1), -1)
        return y, assign, -fun, ok, -bound
    i, j, rows, lb, ub, integ = _assignment_model(cost, w, p, fixed, capacity, radius, "cover")
    c = np.concatenate([np.zeros(m), -w[i]])
    out = _result(_solve(c, integ, lb, ub, rows, time_limit, relax), m, i, j, n)
    return None if out is None else (out[0], out[1], -out[2], out[3], -out[4])


def lscp(cost, radius, fixed, w=None, capacity=None, time_limit=None, relax=False):
    n, m = cost.shape
    if capacity is None:
        i, j = _pairs(cost, radius)
        A = sp.csr_matrix((np.ones(i.size), (i, j)), shape=(n, m))
        lb, ub = _y_bounds(m, fixed)
        out = _result(_solve(np.ones(m), np.ones(m), lb, ub, [(A, np.ones(n), np.full(n, np.inf))], time_limit, relax), m)
        if out is None:
            return None
        y = out[0]
        assign = np.argmin(np.where(y[None, :] & (cost <= radius), cost, np.inf), axis=1)
        return y, assign, out[2], out[3], out[4]
    i, j, rows, lb, ub, integ = _assignment_model(cost, w, None, fixed, capacity, radius, "median")
    c = np.concatenate([np.ones(m), np.zeros(i.size)])
    return _result(_solve(c, integ, lb, ub, rows, time_limit, relax), m, i, j, n)


def p_center(cost, w, p, fixed, capacity=None, time_limit=None):
    n, m = cost.shape
    if capacity is None:
        radii = np.unique(cost[np.isfinite(cost)])
        # the optimum is at least the largest "nearest candidate" cost of any demand
        lo = int(np.searchsorted(radii, np.min(cost, axis=1).max()))
        hi = radii.size - 1
        best = None
        while lo <= hi:
            mid = (lo + hi) // 2
            out = lscp(cost, radii[mid], fixed, time_limit=time_limit)
            if out is not None and out[3] and out[0].sum() <= p:
                best, hi = (out, radii[mid]), mid - 1
            else:
                lo = mid + 1
        if best is None:
            return None
        (y, assign, *_), r = best
        extra = p - int(y.sum())
        if extra > 0:  # spare sites: open the cheapest others so that exactly p are open
            y = y.copy()
            y[np.flatnonzero(~y)[:extra]] = True
        assign = np.argmin(np.where(y[None, :], cost, np.inf), axis=1)
        return y, assign, float(r), True, float(r)
    i, j, rows, lb, ub, integ = _assignment_model(cost, w, p, fixed, capacity, None, "median")
    P = i.size
    nv = m + P + 1
    rows = [(sp.hstack([r[0], sp.csr_matrix((r[0].shape[0], 1))]).tocsr(), r[1], r[2]) for r in rows]
    radius_rows = sp.csr_matrix((np.concatenate([cost[i, j], -np.ones(n)]),
                                 (np.concatenate([i, np.arange(n)]), np.concatenate([m + np.arange(P), np.full(n, nv - 1)]))),
                                shape=(n, nv))
    rows.append((radius_rows, np.full(n, -np.inf), np.zeros(n)))
    c = np.zeros(nv)
    c[-1] = 1.0
    out = _result(_solve(c, np.concatenate([integ, [0]]), np.concatenate([lb, [0.0]]),
                         np.concatenate([ub, [np.inf]]), rows, time_limit), m, i, j, n)
    return out
