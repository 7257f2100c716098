"""Point-to-point travel times on the network (for the simulation's worker trips)."""
from __future__ import annotations

import numpy as np

from .graph import Network
from .chains import walks
from .matrix import seeded_rows
from .paths import check_cutoff
from .snap import Snap, along, arrival_terms, out_seeds, same_edge_pairs, snap_points

_DENSE_CELLS = 20_000_000  # node-cost cells materialised at once


def snap_xy(net: Network, xy, snap_max_m: float = np.inf) -> Snap:
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    return snap_points(net, xy[:, 0], xy[:, 1], snap_max_m)


def snapped_times(net: Network, src: Snap, dst: Snap, cutoff: float = np.inf, weight: str = "time",
                  threads: int | None = None) -> np.ndarray:
    """Least cost from every ``src`` point to every ``dst`` point, partial edges included.

    Returns float64 ``(len(src), len(dst))``; inf when unsnapped, unreachable or above
    ``cutoff``.  ``weight`` is "time" (seconds) or "length" (metres).
    """
    cutoff = check_cutoff(cutoff)
    indptr, indices, w = net.csr(weight)
    nodes, cost0 = out_seeds(net, src, weight)
    rows = seeded_rows(indptr, indices, w, nodes, cost0, cutoff, threads, walks=walks(net, weight))
    out = np.full((len(src), len(dst)), np.inf)
    if len(dst):
        # reaching a point: through u plus t/L of the forward cost, or through v plus the rest
        # of the backward cost (the same rule as snap.arrival, for all rows at once)
        u, v, add_u, add_v = arrival_terms(net, dst, weight)
        n = net.n_nodes
        step = max(1, _DENSE_CELLS // max(n, 1))
        for a in range(0, len(src), step):
            block = rows[a:a + step]
            dense = np.full((block.shape[0], n), np.inf)
            r = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
            dense[r, block.indices] = block.data
            out[a:a + step] = np.minimum(dense[:, u] + add_u, dense[:, v] + add_v)
        out[:, ~dst.ok] = np.inf
        i, j = same_edge_pairs(src, dst)
        if i.size:
            out[i, j] = np.minimum(out[i, j], along(net, src, i, dst, j, weight))
    out[out > cutoff] = np.inf
    return out


def travel_times(network: Network, from_xy, to_xy, cutoff: float = np.inf, snap_max_m: float = np.inf,
                 weight: str = "time") -> np.ndarray:
    """Travel times in SECONDS from each ``from_xy`` point to each ``to_xy`` point.

    Args:
        network: a ``Network`` (its mode sets the speeds, e.g. ``build_network(s, "ebike")``).
        from_xy, to_xy: arrays (k, 2) of x, y in the network's metric CRS.
        cutoff: seconds; longer trips are inf (and cheaper to compute).
        snap_max_m: points farther than this from every road are inf.
        weight: "time" (seconds) or "length" (metres).

    Returns:
        float64 matrix (len(from_xy), len(to_xy)); inf = unreachable / unsnapped / beyond the
        cutoff.  Points are snapped onto their nearest edge (partial edges count); the walk
        from a point to the road itself is not added.
    """
    src = snap_xy(network, from_xy, snap_max_m)
    dst = snap_xy(network, to_xy, snap_max_m)
    return snapped_times(network, src, dst, cutoff, weight)
