"""Numba coverage heuristics (MCLP, LSCP) on CSR coverage lists (validation in ``location.py``).

Coverage is given both ways as CSR: ``cp/ci`` candidate → demands within the radius and
``dp/di`` demand → candidates covering it; ``w`` the demand weights; ``is_open``/``fixed``
boolean masks over candidates.
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._rng import _below, rng_state


@njit(cache=True)
def cover_greedy(cp, ci, w, p, is_open):
    """MCLP greedy: open the facility that covers the most still-uncovered demand weight."""
    m = cp.shape[0] - 1
    n = w.shape[0]
    cnt = np.zeros(n, np.int64)
    count = 0
    for j in range(m):
        if is_open[j]:
            count += 1
            for q in range(cp[j], cp[j + 1]):
                cnt[ci[q]] += 1
    while count < p:
        best, bj = -1.0, -1
        for j in range(m):
            if is_open[j]:
                continue
            s = 0.0
            for q in range(cp[j], cp[j + 1]):
                if cnt[ci[q]] == 0:
                    s += w[ci[q]]
            if s > best:
                best, bj = s, j
        is_open[bj] = True
        count += 1
        for q in range(cp[bj], cp[bj + 1]):
            cnt[ci[q]] += 1
    return is_open


@njit(cache=True)
def cover_swap(cp, ci, dp, di, w, is_open, fixed, max_passes):
    """MCLP vertex substitution: best (in, out) swap per pass while covered weight grows.

    ``sole[i]`` is the open facility covering demand i when exactly one does; losing r costs
    the weight of the demands r covers alone, less those the incoming j also covers.
    """
    m = cp.shape[0] - 1
    n = w.shape[0]
    loss = np.zeros(m)
    corr = np.zeros(m)
    outs = np.empty(m, np.int64)
    passes = 0
    for _ in range(max_passes):
        passes += 1
        cnt = np.zeros(n, np.int64)
        sole = np.full(n, -1, np.int64)
        for j in range(m):
            if is_open[j]:
                for q in range(cp[j], cp[j + 1]):
                    cnt[ci[q]] += 1
                    sole[ci[q]] = j
        for j in range(m):
            loss[j] = 0.0
        for i in range(n):
            if cnt[i] == 1:
                loss[sole[i]] += w[i]
        n_out = 0
        for r in range(m):
            if is_open[r] and not fixed[r]:
                outs[n_out] = r
                n_out += 1
        best, bj, br = 1e-12, -1, -1
        for j in range(m):
            if is_open[j]:
                continue
            gain = 0.0
            for q in range(cp[j], cp[j + 1]):
                i = ci[q]
                if cnt[i] == 0:
                    gain += w[i]
                elif cnt[i] == 1:
                    corr[sole[i]] += w[i]
            for q in range(n_out):
                r = outs[q]
                d = gain - loss[r] + corr[r]
                if d > best:
                    best, bj, br = d, j, r
            for q in range(cp[j], cp[j + 1]):
                i = ci[q]
                if cnt[i] == 1:
                    corr[sole[i]] = 0.0
        if bj < 0:
            break
        is_open[bj] = True
        is_open[br] = False
    return passes


@njit(cache=True)
def set_cover_greedy(cp, ci, n, is_open):
    """LSCP greedy (most newly covered demands per facility), then drop redundant facilities."""
    m = cp.shape[0] - 1
    cnt = np.zeros(n, np.int64)
    uncovered = n
    for j in range(m):
        if is_open[j]:
            for q in range(cp[j], cp[j + 1]):
                if cnt[ci[q]] == 0:
                    uncovered -= 1
                cnt[ci[q]] += 1
    while uncovered > 0:
        best, bj = 0, -1
        for j in range(m):
            if is_open[j]:
                continue
            s = 0
            for q in range(cp[j], cp[j + 1]):
                if cnt[ci[q]] == 0:
                    s += 1
            if s > best:
                best, bj = s, j
        if bj < 0:
            return False
        is_open[bj] = True
        for q in range(cp[bj], cp[bj + 1]):
            if cnt[ci[q]] == 0:
                uncovered -= 1
            cnt[ci[q]] += 1
    return True


@njit(cache=True)
def drop_redundant(cp, ci, n, is_open, fixed):
    """Close open facilities (fewest covered first) whose every demand is covered by another."""
    m = cp.shape[0] - 1
    cnt = np.zeros(n, np.int64)
    for j in range(m):
        if is_open[j]:
            for q in range(cp[j], cp[j + 1]):
                cnt[ci[q]] += 1
    sizes = np.empty(m, np.int64)
    for j in range(m):
        sizes[j] = cp[j + 1] - cp[j]
    for j in np.argsort(sizes):
        if not is_open[j] or fixed[j]:
            continue
        ok = True
        for q in range(cp[j], cp[j + 1]):
            if cnt[ci[q]] < 2:
                ok = False
                break
        if ok:
            is_open[j] = False
            for q in range(cp[j], cp[j + 1]):
                cnt[ci[q]] -= 1


@njit(cache=True)
def coverage_csr(cost, radius):
    """Pairs with cost ≤ radius as CSR both ways: candidate → demands and demand → candidates."""
    n, m = cost.shape
    cc = np.zeros(m + 1, np.int64)
    dc = np.zeros(n + 1, np.int64)
    for i in range(n):
        for j in range(m):
            if cost[i, j] <= radius:
                cc[j + 1] += 1
                dc[i + 1] += 1
    for j in range(m):
        cc[j + 1] += cc[j]
    for i in range(n):
        dc[i + 1] += dc[i]
    ci = np.empty(cc[m], np.int64)
    di = np.empty(dc[n], np.int64)
    fill = cc[:m].copy()
    q = 0
    for i in range(n):
        for j in range(m):
            if cost[i, j] <= radius:
                ci[fill[j]] = i
                fill[j] += 1
                di[q] = j
                q += 1
    return cc, ci, dc, di


@njit(cache=True)
def covered_weight(cp, ci, w, is_open):
    n = w.shape[0]
    hit = np.zeros(n, np.bool_)
    for j in range(cp.shape[0] - 1):
        if is_open[j]:
            for q in range(cp[j], cp[j + 1]):
                hit[ci[q]] = True
    s = 0.0
    for i in range(n):
        if hit[i]:
            s += w[i]
    return s


@njit(cache=True)
def cover_ils(cp, ci, dp, di, w, is_open, fixed, rounds, kick, seed):
    """Iterated local search for MCLP: from the local optimum, swap ``kick`` random open sites for
    random closed ones, search again, keep the result when it covers more."""
    rs = rng_state(seed)
    m = cp.shape[0] - 1
    best = covered_weight(cp, ci, w, is_open)
    trial = is_open.copy()
    for _ in range(rounds):
        trial[:] = is_open
        for _k in range(kick):
            opened = np.flatnonzero(trial & ~fixed)
            closed = np.flatnonzero(~trial)
            if opened.size == 0 or closed.size == 0:
                break
            trial[opened[_below(rs, opened.size)]] = False
            trial[closed[_below(rs, closed.size)]] = True
        cover_swap(cp, ci, dp, di, w, trial, fixed, 200)
        v = covered_weight(cp, ci, w, trial)
        if v > best:
            best = v
            is_open[:] = trial
    return best


@njit(cache=True)
def cover_lagrangian(cp, ci, w, p, fixed, iters, best_open):
    """MCLP by Lagrangian relaxation of ``z_i ≤ Σ_j a_ij y_j`` (multipliers λ_i ≥ 0, subgradient).

    For given λ the relaxed problem opens the p sites with the largest Σ λ over the demands they
    cover; its value is an upper bound on the covered weight.  Each iteration's sites are also a
    feasible solution: the best one is written to ``best_open``.  Returns (upper bound, best
    covered weight).
    """
    m = cp.shape[0] - 1
    n = w.shape[0]
    lam = w.copy()
    gain = np.empty(m)
    cov = np.zeros(n, np.int64)
    chosen = np.zeros(m, np.bool_)
    upper = np.inf
    lower = 0.0
    theta = 2.0
    stall = 0
    n_fixed = 0
    for j in range(m):
        if fixed[j]:
            n_fixed += 1
    for it in range(iters):
        for j in range(m):
            g = 0.0
            for q in range(cp[j], cp[j + 1]):
                g += lam[ci[q]]
            gain[j] = -1e300 if fixed[j] else g
        order = np.argsort(-gain)
        chosen[:] = fixed
        for q in range(p - n_fixed):
            chosen[order[q]] = True
        val = 0.0
        for i in range(n):
            cov[i] = 0
            if w[i] > lam[i]:
                val += w[i] - lam[i]
        for j in range(m):
            if chosen[j]:
                if not fixed[j]:
                    val += gain[j]
                else:
                    for q in range(cp[j], cp[j + 1]):
                        val += lam[ci[q]]
                for q in range(cp[j], cp[j + 1]):
                    cov[ci[q]] += 1
        primal = 0.0
        for i in range(n):
            if cov[i] > 0:
                primal += w[i]
        if primal > lower:
            lower = primal
            best_open[:] = chosen
        if it == 0 or val < upper - 1e-9 * abs(upper):
            upper = val
            stall = 0
        else:
            stall += 1
            if stall >= 30:
                theta *= 0.5
                stall = 0
        norm = 0.0
        for i in range(n):
            z = 1.0 if w[i] > lam[i] else 0.0
            d = z - cov[i]
            norm += d * d
        if norm == 0.0 or upper - lower <= 1e-9 * max(upper, 1.0):
            break
        t = theta * (upper - lower) / norm
        for i in range(n):
            z = 1.0 if w[i] > lam[i] else 0.0
            lam[i] = max(0.0, lam[i] + t * (z - cov[i]))
    return upper, lower
