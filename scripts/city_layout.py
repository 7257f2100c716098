"""The synthetic city's plan: a jittered lattice of plots cut into districts → streets →
communities → general grids → micro-grids by weighted rectangular bisection.

Why a lattice: every level is a union of whole plots, so the hierarchy tiles, nests and stays
contiguous by construction (no slivers, no gaps), and all of it is plain NumPy arrays that scale
to Chengdu's 144,000 grids in seconds.  Plots are ~100 m squares whose corners are jittered, so
neighbouring polygons share their vertices exactly.

Used by ``scripts/make_city.py``; nothing here writes files.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PLOT_M = 100.0  # side of one plot (one micro-grid's land, ~47 households) [A]


@dataclass
class Rect:
    """Plots [i0, i1) × [j0, j1) of the city lattice."""
    i0: int
    i1: int
    j0: int
    j1: int

    @property
    def cells(self) -> int:
        return (self.i1 - self.i0) * (self.j1 - self.j0)


def bisect(rect: Rect, targets: list[float], weight: np.ndarray) -> list[Rect]:
    """Cut ``rect`` into ``len(targets)`` rectangles whose ``weight`` sums follow ``targets``.

    Recursive: the target list is halved, the rectangle is cut across its longer side where the
    cumulative weight best matches the halves' ratio, and each side keeps at least one row.
    ``weight`` is indexed [i, j] over the whole lattice.  Returns rectangles in target order.
    """
    n = len(targets)
    if n == 1:
        return [rect]
    half = n // 2
    a, b = float(sum(targets[:half])), float(sum(targets[half:]))
    w, h = rect.i1 - rect.i0, rect.j1 - rect.j0
    axis = 0 if (w >= h and w > 1) or h == 1 else 1
    block = weight[rect.i0:rect.i1, rect.j0:rect.j1]
    line = block.sum(axis=1 - axis).astype(np.float64)  # weight per column (axis 0) or row (axis 1)
    if line.size < 2:
        raise ValueError(f"rectangle {rect} is too small for {n} parts")
    cum = np.cumsum(line)[:-1]
    total = line.sum()
    share = a / (a + b) if a + b > 0 else 0.5
    # Never leave a side with fewer lines than parts when it can be avoided.
    lo, hi = min(half, line.size - 1), max(1, line.size - (n - half))
    cuts = np.arange(1, line.size)
    ok = (cuts >= min(lo, hi)) & (cuts <= max(lo, hi))
    frac = cum / total if total > 0 else cuts / line.size
    err = np.abs(frac - share) + np.where(ok, 0.0, 10.0)
    cut = int(cuts[np.argmin(err)])
    if axis == 0:
        left, right = Rect(rect.i0, rect.i0 + cut, rect.j0, rect.j1), Rect(rect.i0 + cut, rect.i1, rect.j0, rect.j1)
    else:
        left, right = Rect(rect.i0, rect.i1, rect.j0, rect.j0 + cut), Rect(rect.i0, rect.i1, rect.j0 + cut, rect.j1)
    return bisect(left, targets[:half], weight) + bisect(right, targets[half:], weight)


def lattice_size(n_plots: int, aspect: float = 1.25) -> tuple[int, int]:
    """Columns × rows of a lattice with at least ``n_plots`` plots (wider than tall, like Chengdu's plain)."""
    rows = int(np.ceil(np.sqrt(n_plots / aspect)))
    cols = int(np.ceil(n_plots / rows))
    return cols, rows


def jittered_nodes(cols: int, rows: int, origin: tuple[float, float], jitter: np.ndarray,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Lattice corner coordinates X, Y of shape (cols+1, rows+1).

    ``jitter`` (cols, rows) is the displacement amplitude in metres of each plot's lower-left
    corner (street-grid districts ~5 m, irregular ones ~30 m); below PLOT_M / 3 every plot stays a
    simple quadrilateral.  The outer frame is not moved, so the city is a clean rectangle.
    """
    amp = np.zeros((cols + 1, rows + 1))
    amp[:cols, :rows] = jitter
    amp[0, :] = amp[-1, :] = 0.0
    amp[:, 0] = amp[:, -1] = 0.0
    ii, jj = np.meshgrid(np.arange(cols + 1), np.arange(rows + 1), indexing="ij")
    x = origin[0] + ii * PLOT_M + rng.uniform(-1, 1, ii.shape) * amp
    y = origin[1] + jj * PLOT_M + rng.uniform(-1, 1, jj.shape) * amp
    return x, y


def plot_quads(x: np.ndarray, y: np.ndarray, ii: np.ndarray, jj: np.ndarray) -> np.ndarray:
    """(n, 5, 2) closed rings of plots (ii, jj), counter-clockwise."""
    ring = np.stack([
        np.stack([x[ii, jj], y[ii, jj]], axis=-1),
        np.stack([x[ii + 1, jj], y[ii + 1, jj]], axis=-1),
        np.stack([x[ii + 1, jj + 1], y[ii + 1, jj + 1]], axis=-1),
        np.stack([x[ii, jj + 1], y[ii, jj + 1]], axis=-1),
        np.stack([x[ii, jj], y[ii, jj]], axis=-1),
    ], axis=1)
    return ring


def in_plot(x: np.ndarray, y: np.ndarray, ii: np.ndarray, jj: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Points at local coordinates (u, v) ∈ [0, 1]² of plots (ii, jj), by bilinear interpolation.

    Convex quadrilaterals map [0, 1]² onto themselves, so any (u, v) inside the unit square lands
    inside the plot.
    """
    p00 = np.stack([x[ii, jj], y[ii, jj]], axis=-1)
    p10 = np.stack([x[ii + 1, jj], y[ii + 1, jj]], axis=-1)
    p11 = np.stack([x[ii + 1, jj + 1], y[ii + 1, jj + 1]], axis=-1)
    p01 = np.stack([x[ii, jj + 1], y[ii, jj + 1]], axis=-1)
    u, v = u[..., None], v[..., None]
    return (1 - u) * (1 - v) * p00 + u * (1 - v) * p10 + u * v * p11 + (1 - u) * v * p01
