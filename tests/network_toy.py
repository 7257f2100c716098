"""Small random networks and the canonical row order of a ``Reach``, shared by the
service-area tests (``test_circles_reach``, ``test_network_chains``)."""
from __future__ import annotations

import numpy as np
import shapely

from gridgov.engine.network.graph import _assemble


def network_from_edges(xy, eu, ev, length, rng, speed: float, oneway_share: float):
    """A drive network of straight edges ``eu[i] → ev[i]`` between the points ``xy``, of
    ``length`` metres at ``speed`` m/s; ``oneway_share`` of the edges one-way forward and as
    many backward (drawn from ``rng``)."""
    m = eu.shape[0]
    fwd = length / speed
    bwd = fwd.copy()
    one = rng.random(m)
    fwd[one < oneway_share] = np.inf
    bwd[(one >= oneway_share) & (one < 2 * oneway_share)] = np.inf
    geom = shapely.linestrings(np.stack([xy[eu], xy[ev]], axis=1))
    return _assemble("drive", xy, eu, ev, length, fwd, bwd, geom, np.arange(m), [])


def as_rows(r):
    """The rows of a ``Reach`` in one canonical order (the kernels' order is theirs)."""
    o = np.lexsort((r.x1, r.x0, r.band, r.edge, r.source))
    return [np.asarray(a)[o] for a in (r.source, r.edge, r.band, r.x0, r.x1)]
