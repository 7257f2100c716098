"""Numba districting kernels on plain CSR arrays (no validation here: see ``districting.py``).

Graph: ``indptr``/``indices`` (int64, symmetric) and ``ew`` (float64, the weight of each
adjacency: shared boundary length, so the sum over cut edges is the grids' inner perimeter).
Nodes carry ``hh`` (households, float64) and ``x``/``y`` (metres).  Labels are district
numbers 0..K-1.  Districts are kept as linked lists (``head``/``nxt``/``prv``) so that a
flip is O(1) and a ReCom merge walks only the two districts.

Two moves share one energy (see ``district_energy``):

* **flip**: a boundary unit moves to a neighbouring district when its own stays connected
  (a breadth-first search inside the district, stopped as soon as every former neighbour is
  reached);
* **ReCom**: two adjacent districts are merged, a random spanning tree of the union is drawn
  (Kruskal on random keys) and cut at an edge that leaves both sides within the norms.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from ._rng import _below, _uniform, rng_state  # noqa: F401 - rng_state is part of the kernel API

RECOM_ATTEMPTS = 4   # spanning trees drawn for one merged pair before giving up on it


@njit(cache=True, inline="always")
def _find(parent, a):
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


@njit(cache=True)
def region_edges(indptr, indices, nodes, pos):
    """Edges of the subgraph induced by ``nodes`` in local numbering, each once (``pos``: scratch of
    size n filled with -1, restored on return)."""
    m = nodes.shape[0]
    for i in range(m):
        pos[nodes[i]] = i
    ne = 0
    for i in range(m):
        u = nodes[i]
        for e in range(indptr[u], indptr[u + 1]):
            if pos[indices[e]] > i:
                ne += 1
    ea = np.empty(ne, np.int64)
    eb = np.empty(ne, np.int64)
    ne = 0
    for i in range(m):
        u = nodes[i]
        for e in range(indptr[u], indptr[u + 1]):
            j = pos[indices[e]]
            if j > i:
                ea[ne] = i
                eb[ne] = j
                ne += 1
    for i in range(m):
        pos[nodes[i]] = -1
    return ea, eb


@njit(cache=True)
def tree_split(indptr, indices, nodes, hh, lo, hi, ideal, pick_random, pos, side, rs, attempts=1):
    """Draw random spanning trees of ``nodes`` (up to ``attempts``) and cut one edge so one side
    weighs in ``[lo, hi]``.

    ``pos`` is scratch of size n filled with -1 (restored on return).  On success ``side[i]``
    (local index) is 1 for the nodes of the cut-off part and the return value is its weight;
    ``-1.0`` when no tree edge qualifies.  With ``pick_random`` a qualifying edge is chosen
    uniformly (ReCom); otherwise the one closest to ``ideal`` (seeding).  When nothing
    qualifies, ``side`` still holds the cut closest to the band and the return is ``-2 - weight``
    so the caller can take it as a relaxed cut.
    """
    ea, eb = region_edges(indptr, indices, nodes, pos)
    hl = np.empty(nodes.shape[0])
    for i in range(nodes.shape[0]):
        hl[i] = hh[nodes[i]]
    w = -1.0
    for _ in range(attempts):
        w = _tree_cut(ea, eb, hl, lo, hi, ideal, pick_random, side, rs)
        if w >= 0.0:
            break
    return w


@njit(cache=True)
def _tree_cut(ea, eb, hl, lo, hi, ideal, pick_random, side, rs):
    """One random spanning tree (Kruskal on a random edge order) of a region and its best cut."""
    m = hl.shape[0]
    ne = ea.shape[0]
    order = np.arange(ne)  # a uniformly random edge order (Fisher–Yates) = Kruskal on iid random weights
    for q in range(ne - 1, 0, -1):
        r = _below(rs, q + 1)
        order[q], order[r] = order[r], order[q]
    parent = np.arange(m)
    deg = np.zeros(m + 1, np.int64)
    ta = np.empty(max(m - 1, 0), np.int64)
    tb = np.empty(max(m - 1, 0), np.int64)
    nt = 0
    for q in range(ne):
        e = order[q]
        ra = _find(parent, ea[e])
        rb = _find(parent, eb[e])
        if ra != rb:
            parent[ra] = rb
            ta[nt] = ea[e]
            tb[nt] = eb[e]
            deg[ea[e] + 1] += 1
            deg[eb[e] + 1] += 1
            nt += 1
            if nt == m - 1:
                break
    for i in range(m):
        deg[i + 1] += deg[i]
    fill = deg[:m].copy()
    adj = np.empty(2 * nt, np.int64)
    for t in range(nt):
        adj[fill[ta[t]]] = tb[t]
        fill[ta[t]] += 1
        adj[fill[tb[t]]] = ta[t]
        fill[tb[t]] += 1
    # breadth-first order from local 0, then subtree weights bottom-up
    order_bfs = np.empty(m, np.int64)
    par = np.full(m, -1, np.int64)
    seen = np.zeros(m, np.bool_)
    order_bfs[0] = 0
    seen[0] = True
    head, tail = 0, 1
    while head < tail:
        a = order_bfs[head]
        head += 1
        for q in range(deg[a], deg[a + 1]):
            b = adj[q]
            if not seen[b]:
                seen[b] = True
                par[b] = a
                order_bfs[tail] = b
                tail += 1
    sub = hl.copy()
    for q in range(tail - 1, 0, -1):
        a = order_bfs[q]
        sub[par[a]] += sub[a]
    total = sub[0]
    # candidate cuts: the subtree under a (weight s) or its complement (total - s)
    best, best_comp, best_score = -1, False, np.inf
    near, near_comp, near_score = -1, False, np.inf   # closest to the band when none is in it
    n_ok = 0
    for q in range(1, tail):
        a = order_bfs[q]
        for comp in range(2):
            s = sub[a] if comp == 0 else total - sub[a]
            if lo <= s <= hi:
                n_ok += 1
                if pick_random:
                    if _uniform(rs) * n_ok < 1.0:  # reservoir sampling: uniform among qualifiers
                        best, best_comp = a, comp == 1
                elif abs(s - ideal) < best_score:
                    best, best_comp, best_score = a, comp == 1, abs(s - ideal)
            elif n_ok == 0:
                d = (lo - s if s < lo else s - hi) + abs(s - ideal) * 1e-9
                if d < near_score:
                    near, near_comp, near_score = a, comp == 1, d
    if n_ok == 0:
        best, best_comp = near, near_comp
    if best < 0 or tail < m:
        for i in range(m):
            side[i] = 0
        return -1.0
    # mark the subtree of best (BFS order: a parent precedes its children)
    for i in range(m):
        side[i] = 0
    side[best] = 1
    for q in range(1, tail):
        a = order_bfs[q]
        if a != best and side[par[a]] == 1:
            side[a] = 1
    w = sub[best]
    if best_comp:
        for i in range(m):
            side[i] = 1 - side[i]
        w = total - w
    return w if n_ok > 0 else -2.0 - w


@njit(cache=True)
def build_lists(labels, k):
    n = labels.shape[0]
    head = np.full(k, -1, np.int64)
    nxt = np.full(n, -1, np.int64)
    prv = np.full(n, -1, np.int64)
    size = np.zeros(k, np.int64)
    for u in range(n - 1, -1, -1):
        d = labels[u]
        if d < 0:
            continue
        nxt[u] = head[d]
        if head[d] >= 0:
            prv[head[d]] = u
        head[d] = u
        size[d] += 1
    return head, nxt, prv, size


@njit(cache=True, inline="always")
def _unlink(u, d, head, nxt, prv):
    if prv[u] >= 0:
        nxt[prv[u]] = nxt[u]
    else:
        head[d] = nxt[u]
    if nxt[u] >= 0:
        prv[nxt[u]] = prv[u]
    nxt[u] = -1
    prv[u] = -1


@njit(cache=True, inline="always")
def _link(u, d, head, nxt, prv):
    nxt[u] = head[d]
    prv[u] = -1
    if head[d] >= 0:
        prv[head[d]] = u
    head[d] = u


@njit(cache=True)
def _stays_connected(indptr, indices, labels, u, stamp, tick, queue):
    """Does u's district stay connected without u?  BFS from one same-district neighbour."""
    d = labels[u]
    need = 0
    start = -1
    for e in range(indptr[u], indptr[u + 1]):
        v = indices[e]
        if labels[v] == d and stamp[v] != tick:
            stamp[v] = tick  # mark the distinct same-district neighbours
            need += 1
            start = v
    if need <= 1:
        return need == 1
    visited = tick + 1
    stamp[u] = visited
    stamp[start] = visited
    found = 1
    queue[0] = start
    h, t = 0, 1
    while h < t:
        a = queue[h]
        h += 1
        for e in range(indptr[a], indptr[a + 1]):
            b = indices[e]
            if labels[b] != d or stamp[b] == visited:
                continue
            if stamp[b] == tick:
                found += 1
                if found == need:
                    return True
            stamp[b] = visited
            queue[t] = b
            t += 1
    return False


@njit(cache=True, inline="always")
def _balance(h, target, lo, hi, w_bal, w_pen):
    r = (h - target) / target
    v = 0.0
    if h < lo:
        v = (lo - h) / target
    elif h > hi:
        v = (h - hi) / target
    return w_bal * r * r + w_pen * (v + v * v)


@njit(cache=True, inline="always")
def _inertia(H, Sx, Sy, Sq):
    if H <= 0.0:
        return 0.0
    return Sq - (Sx * Sx + Sy * Sy) / H


@njit(cache=True)
def anneal(indptr, indices, ew, hh, x, y, labels, orig, k, target, lo, hi,
           w_bal, w_pen, w_cut, w_ine, w_chg, n_steps, p_recom, t0, t1, seed, stats):
    """Simulated annealing with flip and ReCom moves; ``labels`` is updated in place.

    Energy = Σ_d w_bal·((H_d − T)/T)² + w_pen·(violation + violation²) + w_cut·(cut weight)
    + w_ine·Σ_d inertia_d + w_chg·#(labels ≠ orig); the caller scales the weights.  The
    temperature falls geometrically from t0 to t1 (t0 = inf: every valid move is taken, a plain
    ReCom chain).  Moves never make an in-norm district leave the norms.  ``stats`` receives
    [flips tried, flips taken, recoms tried, recoms taken].
    """
    rs = rng_state(seed)
    n = labels.shape[0]
    head, nxt, prv, size = build_lists(labels, k)
    H = np.zeros(k)
    Sx = np.zeros(k)
    Sy = np.zeros(k)
    Sq = np.zeros(k)
    for u in range(n):
        d = labels[u]
        if d >= 0:
            H[d] += hh[u]
            Sx[d] += hh[u] * x[u]
            Sy[d] += hh[u] * y[u]
            Sq[d] += hh[u] * (x[u] * x[u] + y[u] * y[u])
    movable = np.empty(n, np.int64)
    nm = 0
    for u in range(n):
        if labels[u] >= 0 and indptr[u + 1] > indptr[u]:
            movable[nm] = u
            nm += 1
    if nm == 0 or k < 2:
        return
    stamp = np.zeros(n, np.int64)
    tick = 1
    queue = np.empty(n, np.int64)
    pos = np.full(n, -1, np.int64)
    region = np.empty(n, np.int64)
    side = np.empty(n, np.int64)
    newlab = np.empty(n, np.int64)
    anneal_on = math.isfinite(t0)
    ratio = (t1 / t0) ** (1.0 / max(n_steps, 1)) if anneal_on else 1.0
    T = t0
    for step in range(n_steps):
        T *= ratio
        u = movable[_below(rs, nm)]
        deg = indptr[u + 1] - indptr[u]
        v = indices[indptr[u] + _below(rs, deg)]
        a = labels[u]
        b = labels[v]
        if b < 0 or b == a:
            continue
        if _uniform(rs) >= p_recom:
            # ---------------------------------------------------------------- flip u: a -> b
            stats[0] += 1
            hu = hh[u]
            if size[a] <= 1:
                continue
            if lo <= H[a] <= hi and H[a] - hu < lo:
                continue
            if lo <= H[b] <= hi and H[b] + hu > hi:
                continue
            dE = (_balance(H[a] - hu, target, lo, hi, w_bal, w_pen) + _balance(H[b] + hu, target, lo, hi, w_bal, w_pen)
                  - _balance(H[a], target, lo, hi, w_bal, w_pen) - _balance(H[b], target, lo, hi, w_bal, w_pen))
            dcut = 0.0
            for e in range(indptr[u], indptr[u + 1]):
                lw = labels[indices[e]]
                if lw == a:
                    dcut += ew[e]
                elif lw == b:
                    dcut -= ew[e]
            dE += w_cut * dcut
            qu = x[u] * x[u] + y[u] * y[u]
            dE += w_ine * (_inertia(H[a] - hu, Sx[a] - hu * x[u], Sy[a] - hu * y[u], Sq[a] - hu * qu)
                           + _inertia(H[b] + hu, Sx[b] + hu * x[u], Sy[b] + hu * y[u], Sq[b] + hu * qu)
                           - _inertia(H[a], Sx[a], Sy[a], Sq[a]) - _inertia(H[b], Sx[b], Sy[b], Sq[b]))
            dE += w_chg * ((1.0 if orig[u] != b else 0.0) - (1.0 if orig[u] != a else 0.0))
            if anneal_on and dE > 0.0 and _uniform(rs) >= math.exp(-dE / T):
                continue
            tick += 2
            if not _stays_connected(indptr, indices, labels, u, stamp, tick, queue):
                continue
            stats[1] += 1
            _unlink(u, a, head, nxt, prv)
            _link(u, b, head, nxt, prv)
            size[a] -= 1
            size[b] += 1
            labels[u] = b
            H[a] -= hu
            H[b] += hu
            Sx[a] -= hu * x[u]
            Sx[b] += hu * x[u]
            Sy[a] -= hu * y[u]
            Sy[b] += hu * y[u]
            Sq[a] -= hu * qu
            Sq[b] += hu * qu
        else:
            # ---------------------------------------------------------------- ReCom of a ∪ b
            stats[2] += 1
            m = 0
            for d in (a, b):
                w = head[d]
                while w >= 0:
                    region[m] = w
                    m += 1
                    w = nxt[w]
            nodes = region[:m]
            tot = H[a] + H[b]
            ideal = tot / 2.0
            slo = max(lo, tot - hi)
            shi = min(hi, tot - lo)
            if slo > shi:
                continue
            wa = tree_split(indptr, indices, nodes, hh, slo, shi, ideal, True, pos, side, rs, RECOM_ATTEMPTS)
            if wa < 0.0:
                continue
            na = np.zeros(5)
            nb = np.zeros(5)
            dchg = 0.0
            for i in range(m):
                w = nodes[i]
                newlab[w] = a if side[i] == 1 else b
                acc = na if side[i] == 1 else nb
                acc[0] += hh[w]
                acc[1] += hh[w] * x[w]
                acc[2] += hh[w] * y[w]
                acc[3] += hh[w] * (x[w] * x[w] + y[w] * y[w])
                dchg += (1.0 if orig[w] != newlab[w] else 0.0) - (1.0 if orig[w] != labels[w] else 0.0)
            dcut = 0.0
            for i in range(m):
                w = nodes[i]
                for e in range(indptr[w], indptr[w + 1]):
                    z = indices[e]
                    lz = labels[z]
                    if (lz == a or lz == b) and z > w:
                        dcut += ew[e] * ((1.0 if newlab[w] != newlab[z] else 0.0) - (1.0 if labels[w] != lz else 0.0))
            dE = (_balance(na[0], target, lo, hi, w_bal, w_pen) + _balance(nb[0], target, lo, hi, w_bal, w_pen)
                  - _balance(H[a], target, lo, hi, w_bal, w_pen) - _balance(H[b], target, lo, hi, w_bal, w_pen))
            dE += w_cut * dcut + w_chg * dchg
            dE += w_ine * (_inertia(na[0], na[1], na[2], na[3]) + _inertia(nb[0], nb[1], nb[2], nb[3])
                           - _inertia(H[a], Sx[a], Sy[a], Sq[a]) - _inertia(H[b], Sx[b], Sy[b], Sq[b]))
            if anneal_on and dE > 0.0 and _uniform(rs) >= math.exp(-dE / T):
                continue
            stats[3] += 1
            head[a] = -1
            head[b] = -1
            size[a] = 0
            size[b] = 0
            for i in range(m):
                w = nodes[i]
                d = newlab[w]
                labels[w] = d
                _link(w, d, head, nxt, prv)
                size[d] += 1
            H[a], Sx[a], Sy[a], Sq[a] = na[0], na[1], na[2], na[3]
            H[b], Sx[b], Sy[b], Sq[b] = nb[0], nb[1], nb[2], nb[3]


@njit(cache=True)
def cut_weight(indptr, indices, ew, labels):
    """Σ of edge weights between different districts (each edge once)."""
    n = labels.shape[0]
    s = 0.0
    for u in range(n):
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if v > u and labels[u] != labels[v]:
                s += ew[e]
    return s


@njit(cache=True)
def contiguous(indptr, indices, labels, k):
    """Number of connected parts of each district (1 = contiguous; 0 = empty)."""
    n = labels.shape[0]
    parts = np.zeros(k, np.int64)
    seen = np.zeros(n, np.bool_)
    queue = np.empty(n, np.int64)
    for s in range(n):
        d = labels[s]
        if d < 0 or seen[s]:
            continue
        parts[d] += 1
        seen[s] = True
        queue[0] = s
        h, t = 0, 1
        while h < t:
            a = queue[h]
            h += 1
            for e in range(indptr[a], indptr[a + 1]):
                b = indices[e]
                if not seen[b] and labels[b] == d:
                    seen[b] = True
                    queue[t] = b
                    t += 1
    return parts

