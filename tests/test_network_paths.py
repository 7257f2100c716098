"""Exactness of the shortest-path kernels against scipy.sparse.csgraph and networkx."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from gridgov.engine.network import k_nearest, multi_source, sparse_matrix


def random_csr(n, m, seed, integer=True, zero_share=0.0, dtype=np.int32):
    """A random directed graph without duplicate entries (scipy would sum them)."""
    rng = np.random.default_rng(seed)
    r = rng.integers(0, n, m)
    c = rng.integers(0, n, m)
    w = rng.integers(1, 50, m).astype(float) if integer else rng.uniform(0.1, 50.0, m)
    w[rng.random(m) < zero_share] = 0.0
    key = r * n + c
    _, first = np.unique(key, return_index=True)
    r, c, w = r[first], c[first], w[first]
    order = np.lexsort((c, r))
    r, c, w = r[order], c[order], w[order]
    indptr = np.zeros(n + 1, np.int64)
    np.add.at(indptr, r + 1, 1)
    indptr = np.cumsum(indptr)
    return indptr.astype(dtype), c.astype(dtype), w


def scipy_graph(indptr, indices, weights):
    """scipy view of a CSR without zero weights (zero-weight graphs are checked with networkx)."""
    assert (weights > 0).all()
    n = len(indptr) - 1
    return sp.csr_matrix((weights, indices, indptr), shape=(n, n))


def oracle_nearest(indptr, indices, weights, sources, cost):
    """Lowest source position reaching each node at exactly ``cost`` (per-source runs)."""
    n = len(indptr) - 1
    g = sp.csr_matrix((weights, indices, indptr), shape=(n, n))
    full = dijkstra(g, indices=np.asarray(sources))
    full = np.atleast_2d(full)
    hit = full == cost[None, :]
    hit &= np.isfinite(cost)[None, :]
    first = np.where(hit.any(axis=0), hit.argmax(axis=0), -1)
    return first


@pytest.mark.parametrize("integer", [True, False])
@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_graphs_equal_scipy(integer, dtype, seed):
    indptr, indices, w = random_csr(300, 1500, seed, integer=integer, dtype=dtype)
    g = scipy_graph(indptr, indices, w)
    rng = np.random.default_rng(seed + 10)
    src = rng.integers(0, 300, 7)
    src[3] = src[1]  # a duplicate
    for cutoff in (np.inf, 40.0, 37.5):
        cost, near = multi_source(indptr, indices, w, src, cutoff=cutoff)
        d, _, s = dijkstra(g, indices=src, min_only=True, return_predecessors=True, limit=cutoff)
        assert np.array_equal(cost, d)
        assert np.array_equal(near >= 0, s >= 0)
        # the reported source reaches the node at exactly that cost, and is the lowest such
        assert np.array_equal(near, oracle_nearest(indptr, indices, w, src, cost))
        assert near.dtype == np.int64 and cost.dtype == np.float64


def test_ties_lowest_position_and_duplicates():
    # path 0 - 1 - 2 with unit weights both ways; sources at both ends tie at node 1
    indptr = np.array([0, 1, 3, 4])
    indices = np.array([1, 0, 2, 1])
    w = np.ones(4)
    cost, near = multi_source(indptr, indices, w, [2, 0])
    assert cost.tolist() == [0, 1, 0] and near.tolist() == [1, 0, 0]
    cost, near = multi_source(indptr, indices, w, np.array([0, 0, 2], np.uint8))
    assert near.tolist() == [0, 0, 2]
    # non-integer weights take the heap path: same rule
    cost, near = multi_source(indptr, indices, w * 0.5, [2, 0])
    assert near.tolist() == [1, 0, 0]


def test_zero_weight_edges_against_networkx():
    rng = np.random.default_rng(5)
    for integer in (True, False):
        indptr, indices, w = random_csr(200, 900, 7, integer=integer, zero_share=0.3)
        src = rng.integers(0, 200, 6)
        cost, near = multi_source(indptr, indices, w, src)
        G = nx.DiGraph()
        G.add_nodes_from(range(200))
        for v in range(200):
            for e in range(indptr[v], indptr[v + 1]):
                G.add_edge(v, int(indices[e]), weight=float(w[e]))
        ref = nx.multi_source_dijkstra_path_length(G, {int(s) for s in src})
        expect = np.full(200, np.inf)
        for k, val in ref.items():
            expect[k] = val
        assert np.array_equal(cost, expect)
        # lowest-position rule on ties through zero-weight chains
        per = [nx.single_source_dijkstra_path_length(G, int(s)) for s in src]
        for v in range(200):
            if np.isfinite(cost[v]):
                best = min(i for i, d in enumerate(per) if d.get(v, np.inf) == cost[v])
                assert near[v] == best


def test_edge_cases():
    indptr = np.array([0, 1, 2, 2, 2])
    indices = np.array([1, 0])
    w = np.array([3.0, 3.0])
    cost, near = multi_source(indptr, indices, w, [])
    assert np.isinf(cost).all() and (near == -1).all()
    cost, near = multi_source(indptr, indices, w, [0], cutoff=0)
    assert cost.tolist()[:2] == [0, np.inf] and near.tolist() == [0, -1, -1, -1]
    cost, near = multi_source(indptr, indices, w, [0], cutoff=3)   # cutoff is inclusive
    assert cost.tolist() == [0, 3, np.inf, np.inf] and near.tolist() == [0, 0, -1, -1]
    cost, near = multi_source(indptr, indices, np.array([1e300, 1e300]), [0])
    assert cost[1] == 1e300
    cost, near = multi_source(indptr, indices, np.array([1.7e308, 1.7e308]), [0, 1])
    assert cost.tolist()[:2] == [0, 0]
    # disconnected nodes 2, 3 stay inf / -1
    assert near[2] == -1 and np.isinf(cost[3])


@pytest.mark.parametrize("bad", [
    dict(weights=np.array([-1.0, 1.0])),
    dict(weights=np.array([np.nan, 1.0])),
    dict(sources=[5]),
    dict(sources=[-1]),
    dict(sources=[0.5]),
    dict(cutoff=-1),
    dict(cutoff=float("nan")),
    dict(indices=np.array([1, 7])),
    dict(indptr=np.array([0, 1, 2, 1, 2])),
])
def test_bad_inputs_raise_value_error(bad):
    args = dict(indptr=np.array([0, 1, 2, 2, 2]), indices=np.array([1, 0]), weights=np.array([1.0, 1.0]),
                sources=[0], cutoff=np.inf)
    args.update(bad)
    with pytest.raises(ValueError):
        multi_source(args["indptr"], args["indices"], args["weights"], args["sources"], cutoff=args["cutoff"])


def test_k_nearest_against_per_source_runs():
    indptr, indices, w = random_csr(250, 1200, 3, integer=False)
    src = np.array([4, 9, 100, 9, 200, 17])
    kc, kl = k_nearest(indptr, indices, w, src, 3, cutoff=60.0)
    g = sp.csr_matrix((w, indices, indptr), shape=(250, 250))
    full = dijkstra(g, indices=src, limit=60.0)
    full[3] = np.inf  # duplicate of position 1
    for v in range(250):
        order = sorted((full[i, v], i) for i in range(len(src)) if np.isfinite(full[i, v]))[:3]
        got = [(kc[v, j], kl[v, j]) for j in range(3) if kl[v, j] >= 0]
        assert got == order


def test_sparse_matrix_equals_scipy_limit():
    indptr, indices, w = random_csr(400, 2000, 4, integer=False)
    g = sp.csr_matrix((w, indices, indptr), shape=(400, 400))
    src = np.arange(0, 400, 7)
    mat = sparse_matrix(indptr, indices, w, src, cutoff=30.0, threads=2)
    ref = dijkstra(g, indices=src, limit=30.0)
    dense = np.full(ref.shape, np.inf)
    coo = mat.tocoo()
    dense[coo.row, coo.col] = coo.data
    assert np.array_equal(dense, ref)
    assert mat.shape == (len(src), 400)


def test_queue_choice_dinitz_dial_heap(monkeypatch):
    from gridgov.engine.network import _kernels, paths

    indptr, indices, w = random_csr(300, 1500, 11, integer=True)
    calls = []
    for name in ("dijkstra_heap", "dijkstra_bucket", "dijkstra_dinitz"):
        real = getattr(_kernels, name)
        monkeypatch.setattr(paths._kernels, name, lambda *a, _r=real, _n=name: calls.append(_n) or _r(*a))
    zero = np.where(np.arange(w.size) % 5 == 0, 0.0, w)
    g = sp.csr_matrix((w, indices, indptr), shape=(300, 300))
    for weights, kind in ((w * 1000, "dijkstra_dinitz"),           # positive, narrow spread
                          (w + 0.25, "dijkstra_dinitz"),
                          (zero, "dijkstra_bucket"),               # whole numbers with zeros
                          (zero + 0.25 * (zero > 0), "dijkstra_heap"),
                          (np.where(w > 40, w * 1e6, w), "dijkstra_heap")):   # spread too wide
        calls.clear()
        cost, near = multi_source(indptr, indices, weights, [1, 2, 2, 250], cutoff=5e3)
        assert calls == [kind]
        if kind == "dijkstra_dinitz":
            gw = sp.csr_matrix((weights, indices, indptr), shape=(300, 300))
            d, _, s = dijkstra(gw, indices=[1, 2, 2, 250], min_only=True, return_predecessors=True, limit=5e3)
            assert np.array_equal(cost, d)
            assert np.array_equal(near, oracle_nearest(indptr, indices, weights, [1, 2, 2, 250], cost))
    assert g.nnz == w.size


def test_zero_weights_on_every_queue_against_networkx():
    """Whole-number and fractional zero-weight graphs: exact costs and lowest-position ties."""
    rng = np.random.default_rng(9)
    for integer in (True, False):
        indptr, indices, w = random_csr(150, 700, 13, integer=integer, zero_share=0.4)
        src = rng.integers(0, 150, 5)
        cost, near = multi_source(indptr, indices, w, src, cutoff=30.0)
        G = nx.DiGraph()
        G.add_nodes_from(range(150))
        for v in range(150):
            for e in range(indptr[v], indptr[v + 1]):
                G.add_edge(v, int(indices[e]), weight=float(w[e]))
        per = [nx.single_source_dijkstra_path_length(G, int(s), cutoff=30.0) for s in src]
        for v in range(150):
            best = min((d.get(v, np.inf), i) for i, d in enumerate(per))
            assert cost[v] == best[0] and near[v] == (best[1] if np.isfinite(best[0]) else -1)


@pytest.mark.parametrize("integer", [True, False])
def test_sparse_matrix_both_queues_equal_scipy(integer):
    indptr, indices, w = random_csr(500, 2500, 12, integer=integer)
    g = sp.csr_matrix((w, indices, indptr), shape=(500, 500))
    src = np.array([3, 3, 77, 499, 0])
    for cutoff in (25.0, 25.5, np.inf):
        mat = sparse_matrix(indptr, indices, w, src, cutoff=cutoff, threads=1)
        ref = dijkstra(g, indices=src, limit=cutoff)
        dense = np.full(ref.shape, np.inf)
        coo = mat.tocoo()
        dense[coo.row, coo.col] = coo.data
        assert np.array_equal(dense, ref)
        assert mat.nnz == np.isfinite(ref).sum()


def test_sparse_matrix_dinitz_and_heap_paths(monkeypatch):
    from gridgov.engine.network import _kernels_matrix as _kernels
    from gridgov.engine.network import matrix

    calls = []
    real = _kernels.matrix_rows

    def spy(*a):                                        # a[7] = the bucket width (0: the heap)
        calls.append("dinitz" if a[7] > 0 else "heap")
        return real(*a)

    monkeypatch.setattr(matrix._kernels, "matrix_rows", spy)
    indptr, indices, w = random_csr(300, 1500, 21, integer=False)
    src = np.array([0, 5, 5, 299])
    for weights, kind in ((w, "dinitz"), (np.where(np.arange(w.size) % 7 == 0, 1e-4, w), "heap")):
        calls.clear()
        g = sp.csr_matrix((weights, indices, indptr), shape=(300, 300))
        for cutoff in (20.0, np.inf):
            mat = sparse_matrix(indptr, indices, weights, src, cutoff=cutoff, threads=2)
            ref = dijkstra(g, indices=src, limit=cutoff)
            dense = np.full(ref.shape, np.inf)
            coo = mat.tocoo()
            dense[coo.row, coo.col] = coo.data
            assert np.array_equal(dense, ref)
        assert set(calls) == {kind}


def test_sparse_matrix_zero_weights_against_networkx():
    indptr, indices, w = random_csr(200, 900, 8, integer=False, zero_share=0.3)
    src = np.array([1, 50, 50, 199])
    mat = sparse_matrix(indptr, indices, w, src, cutoff=15.0).tocsr()
    G = nx.DiGraph()
    G.add_nodes_from(range(200))
    for v in range(200):
        for e in range(indptr[v], indptr[v + 1]):
            G.add_edge(v, int(indices[e]), weight=float(w[e]))
    for r, s in enumerate(src):
        ref = nx.single_source_dijkstra_path_length(G, int(s), cutoff=15.0)
        row = mat.getrow(r)
        assert dict(zip(row.indices.tolist(), row.data.tolist())) == ref


def test_dinitz_reports_a_full_pool_and_the_retry_is_exact():
    from gridgov.engine.network import _kernels

    indptr, indices, w = random_csr(300, 1500, 14, integer=False)
    src = np.array([0, 9], np.int64)
    args = (indptr, indices, w, src, np.zeros(2), np.arange(2, dtype=np.int64), np.inf, float(w.min()),
            int(w.max() / w.min()) + 4)
    cost, label = np.full(300, np.inf), np.full(300, -1, np.int64)
    assert _kernels.dijkstra_dinitz(*args, 4, cost, label) == 1         # pool of 4 entries: too small
    cost, label = np.full(300, np.inf), np.full(300, -1, np.int64)
    assert _kernels.dijkstra_dinitz(*args, 10_000, cost, label) == 0
    ref, nearest = multi_source(indptr, indices, w, src)
    assert np.array_equal(cost, ref) and np.array_equal(label, nearest)
