"""Where a search may walk on instead of queueing: the ways on past two-edge nodes.

Road networks are full of nodes with exactly two edges (a way split where another way
starts, a bridge, a change of class) and of dead ends.  A cutoff search gains nothing from
queueing them: from a two-edge node the only way on is the other edge, and from a dead end
the only way is back.  ``continuation`` gives every CSR arc what the search does once it has
lowered the cost of the arc's head:

* ``-1``: the head is a junction (three or more edges): queue it;
* ``-2``: the head is a dead end, or a two-edge node whose other edge is one-way against the
  walk: nothing more to do from it;
* ``a >= 0``: the head has two edges; arc ``a`` leaves it along the other one: carry the cost
  on along ``a`` (adding its weight, exactly as the queue would) without queueing the head.

Costs stay Dijkstra's to the last bit: a chain's nodes get the same sums in the same order
as when each was queued and settled, and a walk stops where a settled search would stop
relaxing (beyond the cutoff, or where the node already has a cost as low).  Seeds are still
queued, so a source inside a chain walks out of it both ways.
"""
from __future__ import annotations

import numpy as np

JUNCTION = -1
STOP = -2


def continuation(indptr: np.ndarray, indices: np.ndarray, arc_edge: np.ndarray) -> np.ndarray:
    """Per CSR arc (``indices`` = heads, ``arc_edge`` = the edge each arc runs along; loops
    carry no arcs): ``JUNCTION``, ``STOP`` or the arc continuing past its head (see above).
    The edges of a node are those any arc from or to it runs along."""
    n = indptr.shape[0] - 1
    tail = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    head = np.asarray(indices, dtype=np.int64)
    edge = np.asarray(arc_edge, dtype=np.int64)
    out = np.full(head.shape[0], JUNCTION, np.int64)
    if head.shape[0] == 0:
        return out
    m = int(edge.max()) + 1
    # (node, edge) incidences, each once (an edge has an arc one way, or both)
    key = np.unique(np.r_[tail * m + edge, head * m + edge])
    node, node_edge = key // m, key % m
    count = np.bincount(node, minlength=n)
    first = np.searchsorted(node, np.arange(n))        # a node's incidences are sorted by edge
    out[count[head] == 1] = STOP                         # a dead end: the only way is back
    two = np.flatnonzero(count[head] == 2)
    u = head[two]
    a, b = node_edge[first[u]], node_edge[first[u] + 1]
    other = np.where(a == edge[two], b, a)
    # the arc from u along its other edge, if that direction is allowed
    arc_key = tail * m + edge                            # unique: one arc per tail and edge
    order = np.argsort(arc_key, kind="stable")
    pos = np.searchsorted(arc_key[order], u * m + other)
    pos = np.minimum(pos, order.shape[0] - 1)
    found = arc_key[order[pos]] == u * m + other
    out[two] = np.where(found, order[pos], STOP)
    return out


def longest_walk(nxt: np.ndarray, weights: np.ndarray) -> float:
    """The largest cost one relaxation can add before its walk queues a junction: the
    largest sum of weights along an arc and its continuations ending at a junction (at least
    the largest weight), an upper bound (rounded up) for sizing bucket queues.  Chains ending
    at a stop queue nothing; a ring of two-edge nodes is never queued."""
    w = np.asarray(weights, dtype=np.float64)
    if w.size == 0:
        return 0.0
    total, ptr = w.copy(), np.asarray(nxt, dtype=np.int64).copy()
    for _ in range(int(np.ceil(np.log2(w.size + 1))) + 1):     # pointer jumping: doubles per pass
        on = np.flatnonzero(ptr >= 0)
        if on.size == 0:
            break
        nxt_on = ptr[on]
        total[on] += total[nxt_on]
        ptr[on] = ptr[nxt_on]
    ends = ptr == JUNCTION
    top = float(total[ends].max()) if ends.any() else 0.0
    return max(top * (1.0 + 1e-9), float(w.max()))


def walks(net, weight: str) -> tuple[np.ndarray, tuple[float, float]]:
    """``(continuation per CSR arc, (smallest weight, largest cost one walk adds))`` of a
    ``Network``'s ``weight`` CSR: what the searches take to walk past two-edge nodes and to
    size their bucket ring (``matrix.dinitz_plan``), cached on the network."""
    cache = net.__dict__.setdefault("_walks", {})
    if "continuation" not in cache:
        cache["continuation"] = continuation(net.indptr, net.indices, net.csr_edge)
    nxt = cache["continuation"]
    if weight not in cache:
        w = net.csr(weight)[2]
        cache[weight] = (float(w.min()), longest_walk(nxt, w)) if w.size else (0.0, 0.0)
    return nxt, cache[weight]
