"""Balanced, contiguous partition of weighted points: the import's grid drawer until the
districting engine (engine/optimise, issue 13) is available; ``grids.draw_partition`` is the one
call site to swap.

Method ("Hilbert chunking with contiguity repair"), per group (a community, or a general grid
when drawing micro-grids), never across groups:

1. ``k`` parts: households ÷ target, clamped so that the mean size lies within min..max when
   any whole number of parts allows it.
2. Points are ordered along a Hilbert curve and the order is cut into ``k`` runs of equal
   cumulative weight (a run's weight is off by at most one point's weight).
3. Adjacency is the Delaunay triangulation of the group's points (connected by construction);
   a run that falls apart on it keeps its heaviest piece and its other pieces join the
   neighbouring part they touch.
4. Parts above max are split again (steps 2-3 on the part); parts below min merge into the
   lightest neighbouring part when the sum stays within max.  A single point heavier than max
   stays alone (reported by the caller).

Everything per point is vectorised (NumPy, scipy.sparse.csgraph); Python loops run over parts.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay, QhullError


def part_count(total: float, target: float, lo: float, hi: float) -> int:
    """Parts for ``total`` households: nearest to target size, inside [lo, hi] when possible."""
    if total <= 0:
        return 1
    k = max(1, round(total / target))
    k_min = max(1, math.ceil(total / hi)) if hi > 0 else k
    k_max = max(1, math.floor(total / lo)) if lo > 0 else k
    if k_min <= k_max:
        k = min(max(k, k_min), k_max)
    else:
        k = k_min
    return int(k)


def hilbert_index(xy: np.ndarray, bits: int = 16, lo: np.ndarray | None = None,
                  span: np.ndarray | float | None = None) -> np.ndarray:
    """Position of each point along a Hilbert curve over the points' bounding square (or over
    per-point squares ``lo`` (n, 2) / ``span`` (n,): one curve per group in one call)."""
    n = 1 << bits
    if lo is None:
        lo = xy.min(axis=0)
        span = float(max((xy.max(axis=0) - lo).max(), 1e-9))
    lo = np.broadcast_to(lo, xy.shape)
    x = np.minimum(((xy[:, 0] - lo[:, 0]) / span * (n - 1)).astype(np.int64), n - 1)
    y = np.minimum(((xy[:, 1] - lo[:, 1]) / span * (n - 1)).astype(np.int64), n - 1)
    d = np.zeros(len(xy), dtype=np.int64)
    s = n >> 1
    while s > 0:
        rx = (x & s) > 0
        ry = (y & s) > 0
        d += s * s * ((3 * rx) ^ ry)
        # rotate the quadrant (vectorised form of the classic xy2d loop)
        flip = ~ry
        swap_x = np.where(flip & rx, s - 1 - x, x)
        swap_y = np.where(flip & rx, s - 1 - y, y)
        x = np.where(flip, swap_y, swap_x)
        y = np.where(flip, swap_x, swap_y)
        s >>= 1
    return d


def delaunay_edges(xy: np.ndarray) -> np.ndarray:
    """(m, 2) undirected edges of the Delaunay graph; a chain for < 3 or collinear points."""
    n = len(xy)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    chain = np.lexsort((xy[:, 1], xy[:, 0]))
    chain_edges = np.column_stack([chain[:-1], chain[1:]])
    if n < 3:
        return chain_edges
    try:
        tri = Delaunay(xy)
    except QhullError:
        return chain_edges
    s = tri.simplices
    e = np.vstack([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]])
    e = _unique_edges(e, n)
    if len(np.unique(e)) < n:  # Qhull skipped coplanar points: tie them in along the chain
        e = _unique_edges(np.vstack([e, chain_edges]), n)
    return e


def _unique_edges(e: np.ndarray, n: int) -> np.ndarray:
    """Distinct undirected edges (one int64 key per edge: far faster than unique(axis=0))."""
    lo, hi = np.minimum(e[:, 0], e[:, 1]).astype(np.int64), np.maximum(e[:, 0], e[:, 1]).astype(np.int64)
    key = np.unique(lo * n + hi)
    return np.column_stack([key // n, key % n])


def _connected(edges: np.ndarray, n: int) -> bool:
    if n <= 1:
        return True
    g = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    return connected_components(g, directed=False)[0] == 1


class Subgraphs:
    """The members and the internal edges of every group of a graph, in local indices, found
    with one sort (no per-group scan of all points or edges)."""

    def __init__(self, group: np.ndarray, edges: np.ndarray):
        self.order = np.argsort(group, kind="stable")
        sorted_groups = group[self.order]
        self.ngroups = int(group.max()) + 1 if len(group) else 0
        self.start = np.searchsorted(sorted_groups, np.arange(self.ngroups + 1))
        self.pos = np.empty(len(group), dtype=np.int64)
        self.pos[self.order] = np.arange(len(group)) - self.start[sorted_groups]
        inner = edges[group[edges[:, 0]] == group[edges[:, 1]]]
        eg = group[inner[:, 0]]
        eo = np.argsort(eg, kind="stable")
        self.edges = self.pos[inner[eo]]
        self.estart = np.searchsorted(eg[eo], np.arange(self.ngroups + 1))

    def members(self, g: int) -> np.ndarray:
        return self.order[self.start[g]:self.start[g + 1]]

    def local_edges(self, g: int) -> np.ndarray:
        return self.edges[self.estart[g]:self.estart[g + 1]]


def _chunks(order_w: np.ndarray, k: int) -> np.ndarray:
    """Run label of each point in order: cuts at equal shares of the cumulative weight."""
    cum = np.cumsum(order_w) - order_w / 2.0          # weight up to the point's middle
    total = order_w.sum()
    if total <= 0:
        return (np.arange(len(order_w)) * k // max(len(order_w), 1)).astype(np.int64)
    return np.minimum((cum / total * k).astype(np.int64), k - 1)


def _repair_contiguity(labels: np.ndarray, w: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Each label keeps its heaviest connected piece; other pieces join a touching label."""
    n = len(labels)
    for _ in range(n + 1):
        same = labels[edges[:, 0]] == labels[edges[:, 1]]
        e = edges[same]
        g = coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
        _, comp = connected_components(g, directed=False)
        comp_w = np.bincount(comp, weights=w + 1e-9)
        # heaviest component of each label
        best = np.full(labels.max() + 1, -1, dtype=np.int64)
        comp_label = np.zeros(comp.max() + 1, dtype=np.int64)
        comp_label[comp] = labels
        order = np.lexsort((-comp_w, comp_label))
        firsts = order[np.r_[0, np.flatnonzero(np.diff(comp_label[order])) + 1]]
        best[comp_label[firsts]] = firsts
        orphan = best[labels] != comp
        if not orphan.any():
            return labels
        # orphan points next to a kept point of another label take that label (lowest label id wins)
        a, b = edges[:, 0], edges[:, 1]
        cand = np.full(n, np.iinfo(np.int64).max)
        m1 = orphan[a] & ~orphan[b]
        m2 = orphan[b] & ~orphan[a]
        np.minimum.at(cand, a[m1], labels[b[m1]])
        np.minimum.at(cand, b[m2], labels[a[m2]])
        # whole orphan components move together: the label found by any of their points
        comp_cand = np.full(comp.max() + 1, np.iinfo(np.int64).max)
        np.minimum.at(comp_cand, comp, cand)
        move = orphan & (comp_cand[comp] != np.iinfo(np.int64).max)
        if not move.any():
            return labels
        labels = labels.copy()
        labels[move] = comp_cand[comp[move]]
    return labels


def _neighbours(labels: np.ndarray, edges: np.ndarray) -> dict[int, set[int]]:
    la, lb = labels[edges[:, 0]], labels[edges[:, 1]]
    diff = la != lb
    pairs = np.unique(np.column_stack([la[diff], lb[diff]]), axis=0)
    out: dict[int, set[int]] = {}
    for a, b in pairs:
        out.setdefault(int(a), set()).add(int(b))
        out.setdefault(int(b), set()).add(int(a))
    return out


def _split(idx: np.ndarray, xy, w, k: int, edges_all, pos) -> np.ndarray:
    """Labels 0..k-1 of the points ``idx`` (Hilbert runs + contiguity repair on their subgraph)."""
    order = np.argsort(hilbert_index(xy[idx]), kind="stable")
    lab = np.empty(len(idx), dtype=np.int64)
    lab[order] = _chunks(w[idx][order], k)
    local = np.full(len(xy), -1, dtype=np.int64)
    local[idx] = np.arange(len(idx))
    e = local[edges_all]
    e = e[(e >= 0).all(axis=1)]
    return _repair_contiguity(lab, w[idx], e)


def _connected_without(labels: np.ndarray, edges: np.ndarray, lab: int, drop: int) -> bool:
    members = np.flatnonzero(labels == lab)
    members = members[members != drop]
    if len(members) <= 1:
        return len(members) == 1
    local = np.full(len(labels), -1, dtype=np.int64)
    local[members] = np.arange(len(members))
    e = local[edges]
    e = e[(e >= 0).all(axis=1)]
    g = coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(len(members), len(members)))
    return connected_components(g, directed=False)[0] == 1


def _grow_small(labels, xy, w, edges, lo, hi, max_moves: int = 200) -> bool:
    """Parts still below min take boundary points from neighbours that can spare them
    (the neighbour stays ≥ min and connected); in place, True when anything moved."""
    moved = False
    sizes = np.bincount(labels, weights=w)
    for lab in np.flatnonzero((sizes < lo) & (sizes > 0)):
        for _ in range(max_moves):
            if sizes[lab] >= lo:
                break
            a, b = edges[:, 0], edges[:, 1]
            cand = np.unique(np.r_[b[(labels[a] == lab) & (labels[b] != lab)], a[(labels[b] == lab) & (labels[a] != lab)]])
            cand = cand[(sizes[labels[cand]] - w[cand] >= lo) & (sizes[lab] + w[cand] <= hi)]
            if not len(cand):
                break
            centre = xy[labels == lab].mean(axis=0)
            cand = cand[np.argsort(np.hypot(*(xy[cand] - centre).T))]
            for c in cand[:10]:
                donor = labels[c]
                if _connected_without(labels, edges, donor, c):
                    labels[c] = lab
                    sizes[donor] -= w[c]
                    sizes[lab] += w[c]
                    moved = True
                    break
            else:
                break
    return moved


def partition(xy: np.ndarray, w: np.ndarray, target: float, lo: float, hi: float,
              max_rounds: int = 20, edges: np.ndarray | None = None) -> np.ndarray:
    """Label (0..k-1) of each point: contiguous on the adjacency graph, sizes within [lo, hi]
    wherever whole points allow it.  ``edges`` (local indices): the adjacency, e.g. a larger
    Delaunay graph restricted to these points (default, or when that is not connected: the
    points' own Delaunay graph)."""
    n = len(xy)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    w = np.asarray(w, dtype=np.float64)
    if edges is None or not _connected(edges, n):
        edges = delaunay_edges(xy) if edges is None else _unique_edges(np.vstack([edges, delaunay_edges(xy)]), n)
    idx = np.arange(n)
    labels = _split(idx, xy, w, part_count(w.sum(), target, lo, hi), edges, None)
    for _ in range(max_rounds):
        sizes = np.bincount(labels, weights=w)
        changed = False
        next_label = labels.max() + 1
        for lab in np.flatnonzero(sizes > hi):
            members = np.flatnonzero(labels == lab)
            if len(members) < 2:
                continue
            k = max(2, part_count(sizes[lab], target, lo, hi))
            sub = _split(members, xy, w, k, edges, None)
            labels[members] = np.where(sub == 0, lab, next_label + sub - 1)
            next_label += k - 1
            changed = True
        sizes = np.bincount(labels, weights=w, minlength=next_label)
        nbrs = _neighbours(labels, edges)
        merged: set[int] = set()
        for lab in np.argsort(sizes):
            if sizes[lab] >= lo or sizes[lab] == 0 or lab in merged:
                continue
            options = [b for b in nbrs.get(int(lab), ()) if b not in merged and sizes[b] + sizes[lab] <= hi]
            if not options:
                continue
            into = min(options, key=lambda b: sizes[b])
            labels[labels == lab] = into
            sizes[into] += sizes[lab]
            sizes[lab] = 0
            merged.update({int(lab), int(into)})
            changed = True
        labels = _repair_contiguity(labels, w, edges)
        changed |= _grow_small(labels, xy, w, edges, lo, hi)
        if not changed:
            break
    _, labels = np.unique(labels, return_inverse=True)
    return labels.astype(np.int64)


def _merge_small(labels: np.ndarray, w: np.ndarray, edges: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """One vectorised round: each part below ``lo`` joins its lightest touching part when the sum
    stays ≤ ``hi`` (parts that absorb others do not move themselves in the same round)."""
    sizes = np.bincount(labels, weights=w)
    la, lb = labels[edges[:, 0]], labels[edges[:, 1]]
    diff = la != lb
    src = np.r_[la[diff], lb[diff]]
    dst = np.r_[lb[diff], la[diff]]
    ok = (sizes[src] < lo) & (sizes[src] > 0) & (sizes[src] + sizes[dst] <= hi)
    src, dst = src[ok], dst[ok]
    if not len(src):
        return labels
    order = np.lexsort((sizes[dst], src))
    src, dst = src[order], dst[order]
    first = np.r_[True, src[1:] != src[:-1]]
    src, dst = src[first], dst[first]
    keep = ~np.isin(dst, src)                    # a target does not move in the same round
    into = np.arange(len(sizes))
    into[src[keep]] = dst[keep]
    return into[labels]


def partition_groups(xy: np.ndarray, w: np.ndarray, group: np.ndarray, target: float, lo: float, hi: float,
                     edges: np.ndarray) -> np.ndarray:
    """``partition`` of every group at once (labels unique across groups, parts never cross a
    group): steps 1-3 run vectorised over all groups in one pass; only groups that still
    have a part outside [lo, hi] go through the iterative ``partition``.  ``edges``: global
    adjacency (any; only edges inside a group are used)."""
    n = len(xy)
    labels = np.zeros(n, dtype=np.int64)
    if n == 0:
        return labels
    w = np.asarray(w, dtype=np.float64)
    order = np.argsort(group, kind="stable")
    g_sorted = group[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g_sorted)) + 1]
    gid = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))      # dense group index, sorted order
    xs = xy[order]
    mins = np.column_stack([np.minimum.reduceat(xs[:, 0], starts), np.minimum.reduceat(xs[:, 1], starts)])
    maxs = np.column_stack([np.maximum.reduceat(xs[:, 0], starts), np.maximum.reduceat(xs[:, 1], starts)])
    span = np.maximum((maxs - mins).max(axis=1), 1e-9)
    key = hilbert_index(xs, lo=mins[gid], span=span[gid])
    inner = np.lexsort((key, gid))                # by group, then along the group's curve
    pos = order[inner]                            # original index of each position
    wp = w[pos]
    total = np.add.reduceat(wp, starts)
    k = np.array([part_count(t, target, lo, hi) for t in total], dtype=np.int64)
    offset = np.r_[0, np.cumsum(k)[:-1]]
    cum = np.cumsum(wp)
    cum -= np.repeat(cum[starts] - wp[starts], np.diff(np.r_[starts, n]))  # restart at each group
    mid = cum - wp / 2.0
    safe_total = np.where(total > 0, total, 1.0)
    local = np.minimum((mid / safe_total[gid] * k[gid]).astype(np.int64), k[gid] - 1)
    labels[pos] = offset[gid] + local
    dense_group = np.empty(n, dtype=np.int64)
    dense_group[pos] = gid
    same = dense_group[edges[:, 0]] == dense_group[edges[:, 1]]
    inner_edges = edges[same]
    labels = _repair_contiguity(labels, w, inner_edges)
    for _ in range(3):
        labels = _merge_small(labels, w, inner_edges, lo, hi)
    # groups with a part still outside the norm (or split in pieces): the full method, group by group
    sizes = np.bincount(labels, weights=w, minlength=int(labels.max()) + 1)
    members = np.bincount(labels, minlength=len(sizes))
    parts_of_group = np.bincount(dense_group[np.unique(labels, return_index=True)[1]], minlength=len(starts))
    bad_part = ((sizes > hi) & (members > 1)) | ((sizes < lo) & (members > 0))
    bad_groups = np.unique(dense_group[bad_part[labels]])
    bad_groups = bad_groups[(parts_of_group[bad_groups] > 1) | (total[bad_groups] > hi)]
    if len(bad_groups):
        sub = Subgraphs(dense_group, edges)
        next_label = int(labels.max()) + 1
        for g in bad_groups:
            idx = sub.members(int(g))
            lab = partition(xy[idx], w[idx], target, lo, hi, edges=sub.local_edges(int(g)))
            labels[idx] = next_label + lab
            next_label += int(lab.max()) + 1
    _, labels = np.unique(labels, return_inverse=True)
    return labels.astype(np.int64)
