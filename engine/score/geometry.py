"""Shape and distribution measures on plain geometries and arrays (no scenario needed).

Each function does one measurement so that the tests can check it by hand on a square, an
L shape or a two-part polygon.  Multipart grids are measured as a whole (total area, total
perimeter), which is what makes a detached piece lower the compactness.
"""
from __future__ import annotations

import math

import numpy as np
import shapely


def polsby_popper(geoms) -> np.ndarray:
    """4πA / P² per geometry (1 for a circle, π/4 for a square); NaN for empty/zero-length."""
    g = np.asarray(geoms, dtype=object)
    area = shapely.area(g)
    perim = shapely.length(g)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = 4.0 * math.pi * area / (perim * perim)
    out[~(perim > 0)] = np.nan
    return out


def hull_ratio(geoms) -> np.ndarray:
    """Area / area of the convex hull (1 for convex shapes, lower for L shapes or scattered parts)."""
    g = np.asarray(geoms, dtype=object)
    area = shapely.area(g)
    hull = shapely.area(shapely.convex_hull(g))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = area / hull
    out[~(hull > 0)] = np.nan
    return out


def n_parts(geoms) -> np.ndarray:
    """Number of polygon parts (1 = contiguous); slivers are counted too: they are real parts."""
    g = np.asarray(geoms, dtype=object)
    n = shapely.get_num_geometries(g).astype(np.int64)
    n[shapely.is_empty(g)] = 0
    return n


def gini(values) -> float:
    """Gini coefficient of non-negative values (0 = equal; (n-1)/n when one holds everything).

    Uses the sorted-rank form Σ(2i − n − 1)·x_i / (n·Σx), identical to the mean absolute
    difference over all pairs divided by twice the mean.
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = x.size
    if n == 0:
        return float("nan")
    if np.any(x < 0):
        raise ValueError("gini needs non-negative values")
    total = x.sum()
    if total == 0:
        return 0.0
    x = np.sort(x)
    ranks = np.arange(1, n + 1, dtype=float)
    return float(np.sum((2.0 * ranks - n - 1.0) * x) / (n * total))


def max_over_mean(values) -> float:
    """Peak load relative to the average (1 = perfectly even)."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if x.size == 0 or x.mean() == 0:
        return float("nan")
    return float(x.max() / x.mean())


def weighted_quantiles(values, weights, qs) -> np.ndarray:
    """Quantiles of ``values`` with ``weights`` (inverted step CDF, as households are units)."""
    v = np.asarray(values, float)
    w = np.asarray(weights, float)
    keep = np.isfinite(v) & (w > 0)
    v, w = v[keep], w[keep]
    if v.size == 0:
        return np.full(len(qs), np.nan)
    order = np.argsort(v, kind="stable")
    v, w = v[order], w[order]
    cdf = np.cumsum(w) / w.sum()
    idx = np.searchsorted(cdf, np.asarray(qs, float) - 1e-12, side="left")
    return v[np.clip(idx, 0, v.size - 1)]
