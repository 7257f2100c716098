"""Numba kernel of responsibility pieces: who reaches each point of every edge first
(the lower envelope of ``areas.edge_envelope``, for all edges in one pass; no validation).

Along an edge every way in is linear in the position: from the tail node, from the head node
and, for a source standing on the edge, one piece on each of its sides.  The owner of a
sub-interval between consecutive breakpoints (piece ends and pairwise crossings) is the
cheapest way in at its middle (ties: the lower label).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from ._kernels_grow import grow

EPS = 1e-9      # pieces this short (metres) are dropped, as ``areas.edge_envelope`` does


@njit(cache=True, nogil=True)
def owner_pieces(node_cost, node_label, eu, ev, length, fwd, bwd, src_ptr, src_off, src_label):
    """``(edge, x0, x1, label)`` of every owned piece of every edge (adjacent pieces of one
    label merged); ``src_off[src_ptr[e]:src_ptr[e+1]]`` are sources standing on edge ``e``."""
    cap = 2 * eu.shape[0] + 16
    o_e = np.empty(cap, np.int64)
    o_lab = np.empty(cap, np.int64)
    o_x0 = np.empty(cap)
    o_x1 = np.empty(cap)
    n = 0
    lo = np.empty(8)
    hi = np.empty(8)
    c0 = np.empty(8)
    sl = np.empty(8)
    lab = np.empty(8, np.int64)
    xs = np.empty(64)
    for e in range(eu.shape[0]):
        L = length[e]
        if L <= 0:
            continue
        k = 2 + 2 * (src_ptr[e + 1] - src_ptr[e])
        if k > lo.shape[0]:
            lo, hi, c0, sl = np.empty(k), np.empty(k), np.empty(k), np.empty(k)
            lab = np.empty(k, np.int64)
        kf = fwd[e] / L if np.isfinite(fwd[e]) else np.inf
        kb = bwd[e] / L if np.isfinite(bwd[e]) else np.inf
        m = 0
        cu, cv = node_cost[eu[e]], node_cost[ev[e]]
        if np.isfinite(cu) and np.isfinite(kf):
            lo[m], hi[m], c0[m], sl[m], lab[m] = 0.0, L, cu, kf, node_label[eu[e]]
            m += 1
        if np.isfinite(cv) and np.isfinite(kb):
            lo[m], hi[m], c0[m], sl[m], lab[m] = 0.0, L, cv + bwd[e], -kb, node_label[ev[e]]
            m += 1
        for q in range(src_ptr[e], src_ptr[e + 1]):
            t = src_off[q]
            if np.isfinite(kf):
                lo[m], hi[m], c0[m], sl[m], lab[m] = t, L, 0.0, kf, src_label[q]
                m += 1
            if np.isfinite(kb):
                lo[m], hi[m], c0[m], sl[m], lab[m] = 0.0, t, t * kb, -kb, src_label[q]
                m += 1
        if m == 0:
            continue
        nx = 0
        xs = grow(xs, 2 + 2 * m + m * m)
        xs[0], xs[1] = 0.0, L
        nx = 2
        for i in range(m):
            xs[nx], xs[nx + 1] = lo[i], hi[i]
            nx += 2
            for j in range(i + 1, m):
                if sl[i] != sl[j]:
                    x = (c0[j] - c0[i] + sl[i] * lo[i] - sl[j] * lo[j]) / (sl[i] - sl[j])
                    if 0.0 < x < L:
                        xs[nx] = x
                        nx += 1
        cuts = np.sort(xs[:nx])
        start = n
        for i in range(nx - 1):
            a, b = cuts[i], cuts[i + 1]
            if b - a <= EPS:
                continue
            mid = 0.5 * (a + b)
            best, who = np.inf, -1
            for j in range(m):
                if lo[j] - EPS <= mid <= hi[j] + EPS:
                    val = c0[j] + sl[j] * (mid - lo[j])
                    if val < best - 1e-12 or (abs(val - best) <= 1e-12 and lab[j] < lab[who]):
                        best, who = val, j
            if who < 0:
                continue
            if n > start and o_lab[n - 1] == lab[who] and abs(o_x1[n - 1] - a) <= EPS:
                o_x1[n - 1] = b
                continue
            if n >= o_e.shape[0]:
                o_e, o_lab, o_x0, o_x1 = grow(o_e, n + 1), grow(o_lab, n + 1), grow(o_x0, n + 1), grow(o_x1, n + 1)
            o_e[n], o_x0[n], o_x1[n], o_lab[n] = e, a, b, lab[who]
            n += 1
    return o_e[:n].copy(), o_x0[:n].copy(), o_x1[:n].copy(), o_lab[:n].copy()
