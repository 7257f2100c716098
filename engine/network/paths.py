"""Validated entry points to the shortest-path kernels (scipy.sparse.csgraph-style names).

``multi_source`` is the public contract: on a CSR graph it gives every node its least cost
from any source and the position of that source.  Whole-number weights (decimetres,
deciseconds) take Dial's bucket queue, anything else a binary heap; both are exact and equal
scipy's ``dijkstra(min_only=True)`` to the last bit (same float64 additions along the same
paths; Dijkstra's fixpoint does not depend on queue order).
"""
from __future__ import annotations

import numpy as np

from . import _kernels

# Largest edge weight for which the bucket queue is used (buckets are allocated per unit).
BUCKET_MAX_WEIGHT = 1 << 20
# Largest (max weight / min weight) for which Dinitz buckets are used (ring size).
DINITZ_MAX_BUCKETS = 4096


def _prepare(indptr, indices, weights) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[float, float, bool]]:
    """Validate a CSR in one compiled pass: ``(indptr, indices, weights, (min_w, max_w, integral))``."""
    indptr = np.asarray(indptr)
    indices = np.asarray(indices)
    weights = np.asarray(weights)
    for name, arr in (("indptr", indptr), ("indices", indices)):
        if arr.ndim != 1 or arr.dtype.kind not in "iu":
            raise ValueError(f"{name} must be a 1-D integer array (got {arr.dtype}, ndim {arr.ndim})")
    if indptr.dtype not in (np.int32, np.int64):
        indptr = indptr.astype(np.int64)
    if indices.dtype not in (np.int32, np.int64):
        indices = indices.astype(np.int64)
    if weights.ndim != 1 or weights.dtype.kind not in "fiub":
        raise ValueError(f"weights must be a 1-D numeric array (got {weights.dtype})")
    indptr = np.ascontiguousarray(indptr)
    indices = np.ascontiguousarray(indices)
    weights = np.ascontiguousarray(weights, dtype=np.float64)
    if indptr.shape[0] < 1:
        raise ValueError("indptr must have n + 1 >= 1 entries")
    n = indptr.shape[0] - 1
    m = indices.shape[0]
    if weights.shape[0] != m:
        raise ValueError(f"weights has {weights.shape[0]} entries but indices has {m}")
    if indptr[0] != 0 or indptr[-1] != m:
        raise ValueError(f"indptr must start at 0 and end at len(indices) = {m}")
    code, pos, minw, maxw, integral = _kernels.csr_scan(indptr, indices, weights)
    if code == 1:
        raise ValueError(f"indptr must be non-decreasing (indptr[{pos + 1}] < indptr[{pos}])")
    if code == 2:
        raise ValueError(f"indices must lie in [0, {n}) (indices[{pos}] = {indices[pos]})")
    if code == 3:
        raise ValueError(f"weights contain NaN (weights[{pos}])")
    if code == 4:
        raise ValueError(f"weights must be non-negative for Dijkstra (weights[{pos}] = {weights[pos]})")
    return indptr, indices, weights, (float(minw) if m else 0.0, float(maxw) if m else 0.0, bool(integral))


def check_csr(indptr, indices, weights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validate a CSR graph; return arrays the kernels accept (no copy when already fine)."""
    return _prepare(indptr, indices, weights)[:3]


def check_sources(sources, n: int) -> np.ndarray:
    """Source node ids as int64; out-of-range or non-integer ids raise ValueError."""
    src = np.asarray(sources)
    if src.size == 0:
        return np.zeros(0, np.int64)
    if src.ndim != 1:
        src = src.ravel()
    if src.dtype.kind not in "iu":
        raise ValueError(f"sources must be integer node ids (got {src.dtype})")
    src = src.astype(np.int64)
    if src.min() < 0 or src.max() >= n:
        bad = src[(src < 0) | (src >= n)][0]
        raise ValueError(f"source node id {bad} out of range [0, {n})")
    return src


def check_cutoff(cutoff) -> float:
    try:
        c = float(cutoff)
    except (TypeError, ValueError):
        raise ValueError(f"cutoff must be a number (got {cutoff!r})") from None
    if np.isnan(c) or c < 0:
        raise ValueError(f"cutoff must be >= 0 (got {cutoff!r})")
    return c


def dinitz_fits(minw: float, maxw: float, spread: float, max_cost: float) -> bool:
    """Whether Dinitz buckets apply: positive weights within a factor ``DINITZ_MAX_BUCKETS``
    and every cost (at most ``max_cost``) a bucket number exactly representable."""
    return bool(minw > 0 and np.isfinite(maxw) and np.isfinite(spread)
                and (maxw + spread) / minw <= DINITZ_MAX_BUCKETS and max_cost / minw < 2.0 ** 52)


def _integral(a: np.ndarray) -> bool:
    return bool(a.size == 0 or np.all(np.floor(a) == a))


def seeded(indptr, indices, weights, nodes, init, labels, cutoff: float = np.inf,
           n_labels: int | None = None, *, stats: tuple[float, float, bool] | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    """Multi-source Dijkstra from seeds ``(node, initial cost, label)`` on a checked CSR.

    Several seeds may share a label (a facility on an edge seeds both end nodes with its
    partial offsets).  Returns ``(cost, label)``; ties go to the lowest label.  ``stats`` =
    ``(min_weight, max_weight, all_whole_numbers)`` when the caller already knows them.

    Queue: Dinitz buckets (width = smallest weight) when all weights are positive and within
    a factor ``DINITZ_MAX_BUCKETS``; else Dial's buckets for whole numbers (zero weights
    allowed); else an indexed 4-ary heap.  All three give the same bits.
    """
    n = indptr.shape[0] - 1
    nodes = np.ascontiguousarray(nodes, dtype=np.int64)
    init = np.ascontiguousarray(init, dtype=np.float64)
    labels = np.ascontiguousarray(labels, dtype=np.int64)
    cost = np.full(n, np.inf)
    label = np.full(n, -1, np.int64)
    if nodes.size == 0 or n == 0:
        return cost, label
    if stats is None:
        stats = (float(weights.min()) if weights.size else 0.0, float(weights.max()) if weights.size else 0.0,
                 _integral(weights))
    minw, maxw, integral = stats
    spread = float(init.max() - init.min())
    done = False
    if dinitz_fits(minw, maxw, spread, min(float(cutoff), n * maxw + float(init.max()))):
        # Dinitz buckets: O(1) queue operations; retried with a bigger entry pool if needed
        nbk = int((maxw + spread) / minw) + 4
        pool = 2 * n + nodes.size + 16
        while True:
            code = _kernels.dijkstra_dinitz(indptr, indices, weights, nodes, init, labels, float(cutoff), minw,
                                            nbk, pool, cost, label)
            if code == 0:
                done = True
                break
            cost.fill(np.inf)
            label.fill(-1)
            if code == 2:
                break      # cost out of the ring: use another queue
            pool *= 2
    if done:
        pass
    elif integral and maxw <= BUCKET_MAX_WEIGHT and _integral(init) and init.min() >= 0 \
            and (maxw + 1.0) * n + init.max() < 2.0 ** 52:
        icut = np.int64(min(np.floor(cutoff), 2.0 ** 62))
        _kernels.dijkstra_bucket(indptr, indices, weights, max(int(maxw), 0), nodes, init, labels, icut, cost, label)
    else:
        _kernels.dijkstra_heap(indptr, indices, weights, nodes, init, labels, float(cutoff), cost, label)
    return cost, label


def multi_source(indptr, indices, weights, sources, cutoff=np.inf) -> tuple[np.ndarray, np.ndarray]:
    """Least cost from the nearest of ``sources`` to every node of a CSR graph.

    Args:
        indptr, indices: CSR structure (int32 or int64); edge ``e`` goes from the row node to
            ``indices[e]``.  Parallel edges are allowed (the cheapest counts).
        weights: non-negative edge costs (float64; whole numbers may take the bucket queue).
        sources: source node ids (any integer dtype, list or array; duplicates allowed).
        cutoff: costs above it are not explored (``cost <= cutoff`` are kept, as scipy's
            ``limit``; ``cutoff=0`` keeps the sources and what they reach at zero cost).

    Returns:
        ``(cost, nearest)``: ``cost[v]`` float64 least cost (inf when unreachable or beyond
        the cutoff); ``nearest[v]`` int64 position in ``sources`` of the source reaching ``v``
        (-1 when none).  Ties between sources at equal cost go to the LOWEST position, so a
        duplicated source always reports its first position.

    Raises:
        ValueError: malformed CSR, negative or NaN weights, out-of-range or non-integer
        sources, negative or NaN cutoff.
    """
    indptr, indices, weights, stats = _prepare(indptr, indices, weights)
    n = indptr.shape[0] - 1
    src = check_sources(sources, n)
    c = check_cutoff(cutoff)
    return seeded(indptr, indices, weights, src, np.zeros(src.size), np.arange(src.size), c, stats=stats)


def k_nearest(indptr, indices, weights, sources, k: int, cutoff=np.inf) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` nearest distinct sources of every node: ``(cost[n, k], nearest[n, k])``.

    Rows are sorted by cost then source position; missing entries are inf / -1.  Duplicated
    sources count once (their first position).
    """
    indptr, indices, weights = check_csr(indptr, indices, weights)
    n = indptr.shape[0] - 1
    src = check_sources(sources, n)
    c = check_cutoff(cutoff)
    if int(k) != k or k < 1:
        raise ValueError(f"k must be a positive integer (got {k!r})")
    kc = np.full((n, int(k)), np.inf)
    kl = np.full((n, int(k)), -1, np.int64)
    if src.size and n:
        # a duplicated source keeps only its first position (a label is settled once per node)
        _, first = np.unique(src, return_index=True)
        first = np.sort(first)
        _kernels.k_nearest_heap(indptr, indices, weights, src[first], np.zeros(first.size), first.astype(np.int64),
                                c, kc, kl)
    return kc, kl
