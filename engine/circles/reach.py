"""Per-facility reachable road segments for many facilities at once.

One Numba kernel per chunk of facilities (``network._kernels_reach``, threaded): a cutoff
search seeded at the facility's partial-edge offsets, then one pass writing the exact
reachable sub-intervals of every reached edge for each band limit: the same intervals as
``areas.edge_envelope`` + ``areas.split_bands`` for a single source, one-way edges respected.
The result stays compact: edge references grouped by facility, with offsets only for the rows
that are part of their edge; every row's ``(x0, x1)``, coordinates or geometries are cut from
the edges only on demand (``Reach.x0``/``x1``, ``Reach.coordinates``, ``Reach.lines``).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..network import _kernels_reach
from ..network.chains import walks
from ..network.graph import Network
from ..network.matrix import _pool, _work_arrays, default_threads, dinitz_plan
from ..network.snap import Snap, edge_costs, out_seeds


FIRST_ROWS = 1 << 22         # rows a chunk's first buffers hold at most (~25 MB, mostly unwritten)
FIRST_CUTS = 1 << 19         # part-edge rows likewise (~12 MB)
SPARE_BYTES = 64 << 20       # pages that chunk buffers kept between calls have written, at most


class _Spares:
    """Chunk buffers of earlier calls, kept for the next: their pages are mapped already, and
    mapping fresh ones (a fault per 4 kB written) took 5% of 800 dense service areas' time.
    Kept while the pages they have written stay within ``SPARE_BYTES`` in all; thread-safe,
    each buffer used by one chunk at a time."""

    def __init__(self):
        self._lock = threading.Lock()
        self._kept: list[tuple[object, tuple, int]] = []      # (kind, arrays, bytes written)

    def take(self, kind, n: int, new) -> tuple[tuple, int]:
        """Kept arrays of ``kind`` holding at least ``n`` rows and the bytes written into
        them, else ``(new(n), 0)``."""
        with self._lock:
            for i, (k, arrays, written) in enumerate(self._kept):
                if k == kind and arrays[0].shape[0] >= n:
                    return self._kept.pop(i)[1:]
        return new(n), 0

    def give(self, kind, arrays: tuple, written: int) -> None:
        with self._lock:
            if sum(w for _, _, w in self._kept) + written <= SPARE_BYTES:
                self._kept.append((kind, arrays, written))


_SPARES = _Spares()


def _written(arrays: tuple, n: int) -> int:
    """Bytes of ``n`` rows of ``arrays``."""
    return sum(a[:n].nbytes for a in arrays)


def _grown(bufs: tuple, out: tuple, used: int) -> tuple:
    for a, b in zip(bufs, out):
        b[:used] = a[:used]       # (a one-limit band column stays one element)
    return out


@dataclass
class Reach:
    """Reachable intervals grouped by source: rows ``ptr[k]:ptr[k+1]`` belong to source ``k``
    (position in the facility rows given); per row ``edge`` and ``band`` (limit index).

    A row is the whole edge unless it is one of ``cut`` (sorted row positions), whose interval
    is ``cut_x0 < cut_x1`` metres from the edge's digitised start: in a service area nearly
    every reached edge is reached whole (98% on the Helsinki benchmark), so storing offsets
    only for the rest makes the result a quarter of the size.  ``x0``/``x1`` give every row's
    interval (built on first use from ``length``, the network's edge lengths)."""

    ptr: np.ndarray
    edge: np.ndarray
    band: np.ndarray
    cut: np.ndarray
    cut_x0: np.ndarray
    cut_x1: np.ndarray
    length: np.ndarray

    @classmethod
    def of_intervals(cls, ptr, edge, band, x0, x1, length) -> "Reach":
        """The reach of explicit rows (``x0``/``x1`` per row; whole edges found exactly)."""
        edge = np.asarray(edge, np.int32)
        cut = np.flatnonzero((x0 != 0.0) | (x1 != length[edge]))
        return cls(np.asarray(ptr, np.int64), edge, np.asarray(band, np.int16), cut, np.asarray(x0)[cut],
                   np.asarray(x1)[cut], length)

    def __len__(self) -> int:
        return int(self.edge.shape[0])

    @property
    def source(self) -> np.ndarray:
        """The source of every row (sorted)."""
        return np.repeat(np.arange(self.ptr.shape[0] - 1), np.diff(self.ptr))

    @cached_property
    def x0(self) -> np.ndarray:
        """Every row's start, metres along its edge."""
        x = np.zeros(len(self))
        x[self.cut] = self.cut_x0
        return x

    @cached_property
    def x1(self) -> np.ndarray:
        """Every row's end, metres along its edge."""
        x = self.length[self.edge]
        x[self.cut] = self.cut_x1
        return x

    def coordinates(self, net: Network, threads: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(xy, offsets)``: the rows' pieces of the edge geometries as one coordinate array
        (``areas.cut_coordinates``; with ``ptr`` the GeoArrow MultiLineString layout)."""
        from .areas import cut_coordinates

        return cut_coordinates(net, self.edge, self.x0, self.x1, threads)

    def lines(self, net: Network, band: int | None = None) -> np.ndarray:
        """One shapely MultiLineString per source (of the rows of ``band`` only, if given),
        built in one call from the coordinate arrays."""
        import shapely

        r = self
        if band is not None:
            keep = self.band == band
            ptr = np.zeros_like(self.ptr)
            np.cumsum(np.bincount(self.source[keep], minlength=self.ptr.shape[0] - 1), out=ptr[1:])
            r = Reach.of_intervals(ptr, self.edge[keep], self.band[keep], self.x0[keep], self.x1[keep], self.length)
        xy, parts = r.coordinates(net)
        return shapely.from_ragged_array(shapely.GeometryType.MULTILINESTRING, xy, (parts, r.ptr))


def incidence(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """``(ptr, edge)``: the edges touching each node (``edge[ptr[v]:ptr[v+1]]``; a loop once),
    cached on the network."""
    cache = net.__dict__.setdefault("_reach_cache", {})
    if "incidence" not in cache:
        m = net.n_edges
        e = np.r_[np.arange(m), np.flatnonzero(net.edge_u != net.edge_v)]
        node = np.r_[net.edge_u, net.edge_v[e[m:]]]
        order = np.lexsort((e, node))
        ptr = np.searchsorted(node[order], np.arange(net.n_nodes + 1))
        cache["incidence"] = (ptr.astype(np.int64), e[order].astype(np.int64))
    return cache["incidence"]


def reachable(net: Network, snap: Snap, limits, weight: str = "time", rings: bool = False,
              threads: int | None = None) -> Reach:
    """Exact reachable sub-intervals of the edges within each of ``limits`` (increasing costs:
    seconds for ``weight="time"``, metres for ``"length"``) from every snapped point of
    ``snap`` separately.  Unsnapped points reach nothing.  With ``rings`` band ``b`` holds
    only what limit ``b - 1`` does not reach; else each band holds everything within its limit
    (band ``len(limits) - 1`` = the whole service area, as QGIS's service area lines)."""
    limits = np.ascontiguousarray(limits, dtype=np.float64)
    if limits.ndim != 1 or limits.size == 0 or np.any(np.diff(limits) <= 0) or not limits[0] >= 0:
        raise ValueError(f"limits must be increasing non-negative costs (got {limits.tolist()})")
    k = len(snap)
    if k == 0 or net.n_edges == 0:
        return Reach(np.zeros(k + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int16), np.zeros(0, np.int64),
                     np.zeros(0), np.zeros(0), net.edge_length)
    if limits.size > np.iinfo(np.int16).max:
        raise ValueError(f"at most {np.iinfo(np.int16).max} limits (got {limits.size})")
    nodes, cost0 = out_seeds(net, snap, weight)
    indptr, indices, w = net.csr(weight)
    fwd, bwd = edge_costs(net, weight)
    inc_ptr, inc_edge = incidence(net)
    nxt, walk_range = walks(net, weight)
    own_edge = np.ascontiguousarray(snap.edge, dtype=np.int64)
    own_off = np.ascontiguousarray(np.where(snap.ok, snap.offset, -1.0), dtype=np.float64)
    # the ring spans the longest walk past two-edge nodes (chains.walks), not just one weight
    delta, n_buckets, n_entries = dinitz_plan(w, nodes, cost0, float(limits[-1]), net.n_nodes, walk_range)
    threads = threads or default_threads()
    nchunks = min(k, max(1, threads) * 4)
    bounds = np.linspace(0, k, nchunks + 1).astype(np.int64)

    counts = np.zeros(k, np.int64)
    nb = limits.size
    bound = int(_kernels_reach.row_bound(limits.size, inc_edge.shape[0]))

    row_kind = ("rows", nb > 1)          # (one limit: a band column of one element)

    def new_rows(n: int):
        return _kernels_reach.empty_rows(n, nb)

    def new_cuts(n: int):
        return _kernels_reach.empty_cuts(n)

    def work(i: int):
        lo, hi = int(bounds[i]), int(bounds[i + 1])
        dist, done = _work_arrays(net.n_nodes)
        # room for every row's most, up to a few million rows (pages never written cost
        # nothing), then grown to the chunk's projected total
        cap = min((hi - lo) * bound, max(2 * bound, FIRST_ROWS))
        ccap = min((hi - lo) * bound, max(2 * bound, FIRST_CUTS))
        (rows, rw), (cuts, cw) = _SPARES.take(row_kind, cap, new_rows), _SPARES.take("cuts", ccap, new_cuts)
        cap, ccap = rows[0].shape[0], cuts[0].shape[0]
        row, pos, cpos = lo, 0, 0
        while True:
            row, pos, cpos = _kernels_reach.search_reach_rows(
                indptr, indices, w, nxt, nodes, cost0, row, hi, delta, n_buckets, n_entries, inc_ptr, inc_edge,
                net.edge_u, net.edge_v, net.edge_length, fwd, bwd, own_edge, own_off, limits, rings, dist, done,
                counts, *rows, pos, *cuts, cpos)
            if row == hi:
                kept = (row_kind, rows, max(rw, _written(rows, pos))), ("cuts", cuts, max(cw, _written(cuts, cpos)))
                return [b[:pos] for b in rows], [b[:cpos] for b in cuts], kept
            if pos + bound > cap:
                cap = max(2 * cap, pos + bound, int(1.1 * pos * (hi - lo) / max(1, row - lo)))
                rows, rw = _grown(rows, new_rows(cap), pos), 0
            if cpos + bound > ccap:
                ccap = max(2 * ccap, cpos + bound, int(1.1 * cpos * (hi - lo) / max(1, row - lo)))
                cuts, cw = _grown(cuts, new_cuts(ccap), cpos), 0

    pool = _pool(threads) if threads > 1 and nchunks > 1 else None
    parts = list(pool.map(work, range(nchunks))) if pool else [work(i) for i in range(nchunks)]
    ptr = np.zeros(k + 1, np.int64)
    np.cumsum(counts, out=ptr[1:])
    cut_ptr = np.zeros(nchunks + 1, np.int64)
    np.cumsum([c[0].shape[0] for _, c, _ in parts], out=cut_ptr[1:])
    # the chunks' rows copied into place by the threads (a serial concatenate of these
    # arrays, tens of MB for a dense service area, took as long as a third of the searches)
    rows = _kernels_reach.empty_rows(int(ptr[-1]), nb)
    if nb == 1:
        # every row is band 0: zeros from calloc cost nothing until read
        rows = (rows[0], np.zeros(int(ptr[-1]), np.int16))
    cuts = _kernels_reach.empty_cuts(int(cut_ptr[-1]))
    start = ptr[bounds]

    def place(i: int):
        (edge, band), (crow, cx0, cx1), _ = parts[i]
        rows[0][start[i]:start[i + 1]] = edge
        if nb > 1:
            rows[1][start[i]:start[i + 1]] = band
        c0, c1 = cut_ptr[i], cut_ptr[i + 1]
        np.add(crow, start[i], out=cuts[0][c0:c1])      # chunk positions -> result positions
        cuts[1][c0:c1] = cx0
        cuts[2][c0:c1] = cx1

    list(pool.map(place, range(nchunks))) if pool else [place(i) for i in range(nchunks)]
    for _, _, kept in parts:
        for kept_one in kept:
            _SPARES.give(*kept_one)
    return Reach(ptr, *rows, *cuts, net.edge_length)
