"""Sparse cutoff travel matrices, parallel over sources (threads on GIL-free kernels)."""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp

from . import _kernels_matrix as _kernels
from .paths import check_csr, check_cutoff, check_sources, dinitz_fits


def default_threads() -> int:
    try:
        import numba

        return max(1, int(numba.get_num_threads()))
    except Exception:  # pragma: no cover - numba always present in the venv
        return max(1, os.cpu_count() or 1)


_WORK = threading.local()   # per-thread O(n) work arrays, reused across calls


_POOLS: dict[int, ThreadPoolExecutor] = {}


def _pool(threads: int) -> ThreadPoolExecutor:
    """A persistent pool per size, so its threads keep their work arrays between calls."""
    pool = _POOLS.get(threads)
    if pool is None:
        pool = _POOLS[threads] = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="gridgov-matrix")
    return pool


def _work_arrays(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(dist, done)`` of length n for this thread: all +inf / NaN (kernels restore them)."""
    arrays = getattr(_WORK, "arrays", None)
    if arrays is None or arrays[0].shape[0] != n:
        arrays = _WORK.arrays = (np.full(n, np.inf), np.full(n, np.nan))
    return arrays


def dinitz_plan(weights, seed_nodes: np.ndarray, seed_cost: np.ndarray, cutoff: float, n: int,
                weight_range: tuple[float, float] | None = None) -> tuple[float, int, int]:
    """``(bucket width, buckets in the ring, queue entries)`` for cutoff searches from these
    rows of seeds on Dinitz buckets (``bucket_width``), or ``(0.0, 0, entries)`` when a heap
    must do them (``paths.dinitz_fits``).  ``weight_range`` = (smallest weight, largest cost
    one relaxation adds: the largest weight, or ``chains.walks``' longest walk); the ring
    holds one row's seed spread plus that cost.  A search queues its seeds and each arc about
    once per improvement; twice that is the entry pool (on overflow the row is redone on the
    heap)."""
    n_entries = 2 * (weights.shape[0] + seed_nodes.shape[1])
    if weight_range is None:
        weight_range = (float(weights.min()), float(weights.max())) if weights.size else (0.0, 0.0)
    lo, hi = weight_range
    valid = seed_nodes >= 0
    spread = 0.0
    if valid.any():
        smax = np.where(valid, seed_cost, -np.inf).max(axis=1)
        smin = np.where(valid, seed_cost, np.inf).min(axis=1)
        ok = np.isfinite(smax) & np.isfinite(smin)
        spread = float((smax - smin)[ok].max()) if ok.any() else 0.0
    top = float(np.max(np.where(valid, seed_cost, 0.0))) if valid.any() else 0.0
    if not dinitz_fits(lo, hi, spread, min(float(cutoff), n * hi + top)):
        return 0.0, 0, n_entries
    width = bucket_width(weights, lo)
    return width, int((hi + spread) / width) + 4, n_entries


def bucket_width(weights: np.ndarray, smallest: float) -> float:
    """Width of the Dinitz buckets: the lower quartile of the weights (from an even sample of
    at most 4,096), at least the smallest.  Buckets as narrow as the smallest weight settle
    each node once, but a road network has a few very short arcs, so most buckets were empty
    scans; the searches are label-correcting, so a wider bucket stays exact and costs only
    the few nodes it sees again (Helsinki, 800 searches of 1,200 m: 2,290 buckets each at
    the smallest weight, 0.53 m; the quartile, 5.4 m, was 12% faster, and 2 to 32 times
    the smallest weight ranged over 3-15%)."""
    if weights.size == 0:
        return smallest
    step = max(1, weights.shape[0] // 4096)
    return max(smallest, float(np.percentile(weights[::step], 25)))


def seeded_rows(indptr, indices, weights, seed_nodes: np.ndarray, seed_cost: np.ndarray, cutoff: float,
                threads: int | None = None, weight_range: tuple[float, float] | None = None,
                walks: tuple[np.ndarray, tuple[float, float]] | None = None) -> sp.csr_matrix:
    """One cutoff search per row of seeds (``seed_nodes``/``seed_cost`` shaped (rows, k),
    node -1 = unused slot) on a checked CSR.  Returns a (rows, n) CSR matrix of costs; absent
    entries mean beyond the cutoff (a stored 0.0 is a real zero cost); column order within a
    row is not sorted, so call ``sort_indices()`` if sorted columns are needed.

    Rows use Dinitz buckets (width = smallest edge weight, O(1) queue operations) when all
    weights are positive and the largest is at most ``paths.DINITZ_MAX_BUCKETS`` times the
    smallest, else a 4-ary heap; both are exact.  ``weight_range`` = (min, max) weight when
    the caller already knows it.  ``walks`` = ``chains.walks(net, weight)`` when the CSR is a
    ``Network``'s: the searches then walk on past two-edge nodes instead of queueing them
    (the same costs to the bit; a raw CSR has no edges to tell two-edge nodes by)."""
    n = indptr.shape[0] - 1
    rows = seed_nodes.shape[0]
    threads = threads or default_threads()
    seed_nodes = np.ascontiguousarray(seed_nodes, dtype=np.int64)
    seed_cost = np.ascontiguousarray(seed_cost, dtype=np.float64)
    if rows == 0:
        return sp.csr_matrix((0, n))
    nxt = np.empty(0, np.int64)                          # no walks: queue every node
    if walks is not None:
        nxt, weight_range = walks
    # rows run in node order (neighbouring searches share cache lines), in chunks pulled by
    # the threads; each thread keeps its O(n) work arrays for all chunks and calls
    order = np.argsort(np.where(seed_nodes[:, 0] >= 0, seed_nodes[:, 0], n), kind="stable")
    nchunks = min(rows, max(1, threads) * 8)
    bounds = np.linspace(0, rows, nchunks + 1).astype(np.int64)
    delta, nbk, n_entries = dinitz_plan(weights, seed_nodes, seed_cost, cutoff, n, weight_range)

    def work(i: int):
        dist, done = _work_arrays(n)
        take = order[bounds[i]:bounds[i + 1]]
        return _kernels.matrix_rows(indptr, indices, weights, nxt, seed_nodes[take], seed_cost[take], float(cutoff),
                                    delta, nbk, n_entries, dist, done)

    if threads > 1 and nchunks > 1:
        parts = list(_pool(threads).map(work, range(nchunks)))
    else:
        parts = [work(i) for i in range(nchunks)]
    ptrs, cols, vals, offset = [np.zeros(1, np.int64)], [], [], 0
    for rp, c, v in parts:
        ptrs.append(rp[1:] + offset)
        offset += c.shape[0]
        cols.append(c)
        vals.append(v)
    indptr_out = np.concatenate(ptrs)
    mat = sp.csr_matrix((np.concatenate(vals), np.concatenate(cols), indptr_out), shape=(rows, n))
    inverse = np.empty(rows, np.int64)
    inverse[order] = np.arange(rows)
    return mat[inverse]


def sparse_matrix(indptr, indices, weights, sources, cutoff=np.inf, threads: int | None = None) -> sp.csr_matrix:
    """Costs from each source (rows, in the given order) to every node within ``cutoff``.

    Equal to ``scipy.sparse.csgraph.dijkstra(g, indices=sources, limit=cutoff)`` restricted to
    finite entries, but each row costs only what it reaches.  Rows run in ``threads`` threads
    (default: numba's thread count).
    """
    indptr, indices, weights = check_csr(indptr, indices, weights)
    src = check_sources(sources, indptr.shape[0] - 1)
    c = check_cutoff(cutoff)
    return seeded_rows(indptr, indices, weights, src[:, None], np.zeros((src.size, 1)), c, threads)
