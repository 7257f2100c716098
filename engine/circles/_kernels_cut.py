"""Numba kernel of edge pieces as coordinate arrays (no validation: see ``areas.cut_coordinates``).

Piece ``i`` of edge ``e`` between ``a ≤ b`` metres: the point at ``a``, the edge's vertices
strictly after ``a`` and before ``b``, the point at ``b`` (the layout ``shapely``'s
``from_ragged_array`` and GeoArrow use: one coordinate array plus offsets).
"""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True, inline="always")
def _span(e, a, b, offset, cum):
    """Vertex indices ``(i0, i1)``: the pieces ending at ``a`` and at ``b`` (as
    ``searchsorted`` right/left over the edge's cumulative lengths, clipped to the edge)."""
    first, last = offset[e] + 1, offset[e + 1] - 1
    i0 = first
    while i0 < last and cum[i0] <= a:
        i0 += 1
    i1 = i0
    while i1 < last and cum[i1] < b:
        i1 += 1
    return i0, i1


@njit(cache=True, nogil=True, inline="always")
def _point(i, x, xy, cum, out, k):
    c0, c1 = cum[i - 1], cum[i]
    t = (x - c0) / (c1 - c0) if c1 > c0 else 0.0
    t = min(max(t, 0.0), 1.0)
    out[k, 0] = xy[i - 1, 0] * (1.0 - t) + xy[i, 0] * t
    out[k, 1] = xy[i - 1, 1] * (1.0 - t) + xy[i, 1] * t


@njit(cache=True, nogil=True)
def count_points(edge, x0, x1, lo, hi, offset, cum, npts):
    """``npts[i]`` for pieces ``[lo, hi)``."""
    for i in range(lo, hi):
        a, b = min(x0[i], x1[i]), max(x0[i], x1[i])
        i0, i1 = _span(edge[i], a, b, offset, cum)
        npts[i] = i1 - i0 + 2


@njit(cache=True, nogil=True)
def fill_points(edge, x0, x1, lo, hi, offset, cum, xy, pos, out):
    """Coordinates of pieces ``[lo, hi)`` into ``out[pos[i]:pos[i+1]]``."""
    for i in range(lo, hi):
        a, b = min(x0[i], x1[i]), max(x0[i], x1[i])
        i0, i1 = _span(edge[i], a, b, offset, cum)
        k = pos[i]
        _point(i0, a, xy, cum, out, k)
        for j in range(i0, i1):
            k += 1
            out[k, 0] = xy[j, 0]
            out[k, 1] = xy[j, 1]
        _point(i1, b, xy, cum, out, k + 1)
