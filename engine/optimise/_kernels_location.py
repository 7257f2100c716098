"""Numba location-allocation heuristics on plain arrays (validation in ``location.py``).

``cost`` is a dense (n demand × m candidates) float64 matrix with unreachable pairs already
replaced by a large finite penalty; ``w`` the demand weights; ``is_open``/``fixed`` boolean
masks over candidates.  The coverage models (MCLP, LSCP) are in ``_kernels_cover.py``.
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _nearest_two(cost, is_open):
    n, m = cost.shape
    d1 = np.full(n, np.inf)
    d2 = np.full(n, np.inf)
    near = np.full(n, -1, np.int64)
    for i in range(n):
        for j in range(m):
            if is_open[j]:
                c = cost[i, j]
                if c < d1[i]:
                    d2[i] = d1[i]
                    d1[i] = c
                    near[i] = j
                elif c < d2[i]:
                    d2[i] = c
    return d1, d2, near


@njit(cache=True)
def median_greedy(cost, w, p, is_open):
    """Open facilities one at a time, each the one that lowers Σ w·cost most (fixed ones first)."""
    n, m = cost.shape
    d1 = np.full(n, np.inf)
    count = 0
    for j in range(m):
        if is_open[j]:
            count += 1
            for i in range(n):
                if cost[i, j] < d1[i]:
                    d1[i] = cost[i, j]
    big = 0.0
    for i in range(n):
        for j in range(m):
            if cost[i, j] > big:
                big = cost[i, j]
    while count < p:
        best, best_j = np.inf, -1
        for j in range(m):
            if is_open[j]:
                continue
            s = 0.0
            for i in range(n):
                c = cost[i, j]
                cur = d1[i] if d1[i] < np.inf else big * 2.0
                if c < cur:
                    s += w[i] * (c - cur)
            if s < best:
                best, best_j = s, j
        is_open[best_j] = True
        count += 1
        for i in range(n):
            if cost[i, best_j] < d1[i]:
                d1[i] = cost[i, best_j]
    return is_open


@njit(cache=True)
def median_swap(cost, w, is_open, fixed, max_passes):
    """Teitz–Bart vertex substitution: best (in, out) swap per pass while it lowers Σ w·cost.

    For a candidate j the change of swapping out r is Σ_i w_i·(min(c_ij, d1_i) − d1_i) plus,
    for the demands whose nearest is r, w_i·(min(c_ij, d2_i) − min(c_ij, d1_i)): one pass over
    the demands per candidate gives the change for every r at once.
    """
    n, m = cost.shape
    extra = np.zeros(m)
    passes = 0
    for _ in range(max_passes):
        passes += 1
        d1, d2, near = _nearest_two(cost, is_open)
        best, bj, br = -1e-9, -1, -1
        for j in range(m):
            if is_open[j]:
                continue
            gain = 0.0
            for r in range(m):
                extra[r] = 0.0
            for i in range(n):
                c = cost[i, j]
                a = c if c < d1[i] else d1[i]
                gain += w[i] * (a - d1[i])
                b = c if c < d2[i] else d2[i]
                extra[near[i]] += w[i] * (b - a)
            for r in range(m):
                if is_open[r] and not fixed[r] and gain + extra[r] < best:
                    best, bj, br = gain + extra[r], j, r
        if bj < 0:
            break
        is_open[bj] = True
        is_open[br] = False
    return passes


@njit(cache=True)
def median_lagrangian(cost, w, p, fixed, iters, upper):
    """Lower bound on the p-median optimum: Lagrangian relaxation of the assignment constraints
    (subgradient with Polyak steps toward the heuristic's ``upper`` value)."""
    n, m = cost.shape
    lam = np.empty(n)
    for i in range(n):  # start at the second-cheapest weighted cost: a good multiplier guess
        a, b = np.inf, np.inf
        for j in range(m):
            c = w[i] * cost[i, j]
            if c < a:
                b = a
                a = c
            elif c < b:
                b = c
        lam[i] = b if b < np.inf else a
    best = -np.inf
    rho = np.empty(m)
    step_scale = 2.0
    stall = 0
    g = np.empty(n)
    for it in range(iters):
        for j in range(m):
            rho[j] = 0.0
        for i in range(n):
            for j in range(m):
                v = w[i] * cost[i, j] - lam[i]
                if v < 0.0:
                    rho[j] += v
        order = np.argsort(rho)
        chosen = np.zeros(m, np.bool_)
        cnt = 0
        for j in range(m):
            if fixed[j]:
                chosen[j] = True
                cnt += 1
        for q in range(m):
            if cnt >= p:
                break
            j = order[q]
            if not chosen[j]:
                chosen[j] = True
                cnt += 1
        val = 0.0
        for i in range(n):
            val += lam[i]
        for j in range(m):
            if chosen[j]:
                val += rho[j]
        if it == 0 or val > best + 1e-12 * abs(best):
            best = val
            stall = 0
        else:
            stall += 1
            if stall > 20:
                step_scale *= 0.5
                stall = 0
        norm = 0.0
        for i in range(n):
            s = 1.0
            for j in range(m):
                if chosen[j] and w[i] * cost[i, j] - lam[i] < 0.0:
                    s -= 1.0
            g[i] = s
            norm += s * s
        if norm == 0.0:
            break
        t = step_scale * (upper - val) / norm
        for i in range(n):
            lam[i] += t * g[i]
    return best


@njit(cache=True)
def capacitated_assign(cost, w, cap, is_open, assign, partial=False):
    """Single-source assignment under capacities, by regret: demands whose best and second-best
    open facilities differ most choose first; an infinite cost is no option.  Returns Σ w·cost
    (inf when some demand fits nowhere, unless ``partial``: then it is left with −1)."""
    n, m = cost.shape
    left = cap.copy()
    regret = np.empty(n)
    for i in range(n):
        a, b = np.inf, np.inf
        for j in range(m):
            if is_open[j]:
                c = cost[i, j]
                if c < a:
                    b = a
                    a = c
                elif c < b:
                    b = c
        regret[i] = (b - a) * w[i] if b < np.inf else 1e300
    order = np.argsort(-regret)
    total = 0.0
    for q in range(n):
        i = order[q]
        bj, bc = -1, np.inf
        for j in range(m):
            if is_open[j] and left[j] >= w[i] and cost[i, j] < bc:
                bj, bc = j, cost[i, j]
        assign[i] = bj
        if bj < 0:
            if partial:
                continue
            for r in range(q + 1, n):
                assign[order[r]] = -1
            return np.inf
        left[bj] -= w[i]
        total += w[i] * bc
    return total


@njit(cache=True)
def capacitated_swap(cost, w, cap, is_open, fixed, max_passes):
    """Vertex substitution with the regret assignment as the evaluator (first improvement)."""
    n, m = cost.shape
    assign = np.empty(n, np.int64)
    cur = capacitated_assign(cost, w, cap, is_open, assign)
    for _ in range(max_passes):
        improved = False
        for j in range(m):
            if is_open[j]:
                continue
            for r in range(m):
                if not is_open[r] or fixed[r]:
                    continue
                is_open[j] = True
                is_open[r] = False
                v = capacitated_assign(cost, w, cap, is_open, assign)
                if v < cur - 1e-9 * abs(cur):
                    cur = v
                    improved = True
                    break
                is_open[j] = False
                is_open[r] = True
        if not improved:
            break
    capacitated_assign(cost, w, cap, is_open, assign)
    return cur, assign
