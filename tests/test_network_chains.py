"""Searches walk on past two-edge nodes and dead ends instead of queueing them
(``network.chains``); the costs and reachable intervals stay those of queueing every node,
bit for bit: chains with one-way pieces, sources inside chains, parallel edges, a ring of
two-edge nodes and dead-end spurs, on buckets and on the heap."""
from __future__ import annotations

import numpy as np
import pytest

import gridgov.engine.circles.reach as reach_mod
import gridgov.engine.network.matrix as matrix_mod
from gridgov.engine.circles.reach import reachable
from gridgov.engine.network.chains import JUNCTION, STOP, continuation, longest_walk
from gridgov.engine.network.snap import Snap
from network_toy import as_rows, network_from_edges


def chained_network(seed: int):
    """A random junction graph whose edges are cut into 1-5 pieces (two-edge nodes between
    them), some pieces one-way; plus spurs (dead ends), a parallel pair and a separate ring."""
    rng = np.random.default_rng(seed)
    n0, m0 = 25, 45
    xy = list(rng.uniform(0, 2000, (n0, 2)))
    eu, ev = [], []
    for a, b in zip(rng.integers(0, n0, m0), rng.integers(0, n0, m0)):
        if a == b:
            continue
        pieces = int(rng.integers(1, 6))
        prev = int(a)
        for i in range(1, pieces):
            t = i / pieces
            xy.append((1 - t) * xy[a] + t * xy[b] + rng.normal(0, 20, 2))
            eu.append(prev)
            ev.append(len(xy) - 1)
            prev = len(xy) - 1
        eu.append(prev)
        ev.append(int(b))
    for a in rng.integers(0, len(xy), 6):                 # spurs of one or two edges
        xy.append(xy[a] + rng.normal(0, 80, 2))
        eu.append(int(a))
        ev.append(len(xy) - 1)
        if rng.random() < 0.5:
            xy.append(xy[-1] + rng.normal(0, 80, 2))
            eu.append(len(xy) - 2)
            ev.append(len(xy) - 1)
    xy.append(xy[0] + np.array([30.0, 40.0]))              # a parallel pair: 0 = x = 0
    eu += [0, len(xy) - 1]
    ev += [len(xy) - 1, 0]
    ring = len(xy)                                         # a ring of two-edge nodes only
    for i in range(5):
        xy.append(np.array([5000.0, 5000.0]) + 100 * np.array([np.cos(i), np.sin(i)]))
    eu += [ring + i for i in range(5)]
    ev += [ring + (i + 1) % 5 for i in range(5)]
    xy, eu, ev = np.array(xy), np.array(eu), np.array(ev)
    length = np.hypot(*(xy[eu] - xy[ev]).T) * rng.uniform(1.0, 1.3, eu.size) + 0.5
    return network_from_edges(xy, eu, ev, length, rng, speed=1.3, oneway_share=0.1)


def sources(net, seed: int, k: int = 40) -> Snap:
    rng = np.random.default_rng(seed + 7)
    e = rng.integers(0, net.n_edges, k)
    off = rng.uniform(0, 1, k) * net.edge_length[e]
    off[:4] = 0.0                                          # on nodes, two-edge ones included
    e[-1] = net.n_edges - 1                                # in the ring
    return Snap(e, off, np.zeros(k))


def test_continuation_codes():
    net = chained_network(0)
    nxt = continuation(net.indptr, net.indices, net.csr_edge)
    tail = np.repeat(np.arange(net.n_nodes), np.diff(net.indptr))
    edges_at = [set() for _ in range(net.n_nodes)]
    for t, h, e in zip(tail, net.indices, net.csr_edge):
        edges_at[t].add(e)
        edges_at[h].add(e)
    for a, (h, e) in enumerate(zip(net.indices, net.csr_edge)):
        deg = len(edges_at[h])
        if deg == 1:
            assert nxt[a] == STOP
        elif deg == 2:
            other = (edges_at[h] - {e}).pop()
            out = [b for b in range(net.indptr[h], net.indptr[h + 1]) if net.csr_edge[b] == other]
            assert nxt[a] == (out[0] if out else STOP)
        else:
            assert nxt[a] == JUNCTION
    assert (nxt >= 0).sum() > net.n_edges // 2 and (nxt == STOP).any()
    w = net.csr("time")[2]
    assert longest_walk(nxt, w) >= w.max()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("queue", ["buckets", "heap"])
def test_walking_on_gives_the_bits_of_queueing_every_node(seed, queue, monkeypatch):
    net = chained_network(seed)
    snap = sources(net, seed)
    if queue == "heap":
        monkeypatch.setattr(matrix_mod, "dinitz_fits", lambda *a: False)
    for limits, rings in (([200.0, 600.0, 1500.0], True), ([100000.0], False), ([40.0], False)):
        with monkeypatch.context() as mp:
            w = net.csr("time")[2]
            mp.setattr(reach_mod, "walks", lambda net, weight: (np.full(net.indices.shape[0], JUNCTION),
                                                                (float(w.min()), float(w.max()))))
            queued = reachable(net, snap, limits, rings=rings, threads=1)
        walked = reachable(net, snap, limits, rings=rings, threads=2)
        for a, b in zip(as_rows(walked), as_rows(queued)):
            assert np.array_equal(a, b)
        assert len(walked) > 0


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("queue", ["buckets", "heap"])
def test_travel_matrices_walk_on_with_the_bits_of_queueing_every_node(seed, queue, monkeypatch):
    """``seeded_rows`` with a network's walks (as ``travel.snapped_times`` calls it) = without."""
    from gridgov.engine.network.chains import walks
    from gridgov.engine.network.snap import out_seeds

    net = chained_network(seed)
    if queue == "heap":
        monkeypatch.setattr(matrix_mod, "dinitz_fits", lambda *a: False)
    nodes, cost0 = out_seeds(net, sources(net, seed), "time")
    indptr, indices, w = net.csr("time")
    for cutoff in (40.0, 600.0, np.inf):
        queued = matrix_mod.seeded_rows(indptr, indices, w, nodes, cost0, cutoff, threads=1)
        walked = matrix_mod.seeded_rows(indptr, indices, w, nodes, cost0, cutoff, threads=2,
                                        walks=walks(net, "time"))
        queued.sort_indices()
        walked.sort_indices()
        for f in ("indptr", "indices", "data"):
            assert np.array_equal(getattr(walked, f), getattr(queued, f))
        assert walked.nnz > 0
