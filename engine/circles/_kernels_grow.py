"""Growable output buffers for the circles' Numba kernels (doubling, as a list would)."""
from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True, inline="always")
def grow(a, n):
    """``a`` itself when it holds ``n`` items, else a copy with room for max(n, 2·len) (1-D, any dtype)."""
    if n <= a.shape[0]:
        return a
    b = np.empty(max(n, 2 * a.shape[0]), a.dtype)
    b[:a.shape[0]] = a
    return b


@njit(cache=True, nogil=True, inline="always")
def grow_rows(a, n):
    """``grow`` for a 2-D float array: room for ``n`` rows."""
    if n <= a.shape[0]:
        return a
    b = np.empty((max(n, 2 * a.shape[0]), a.shape[1]))
    b[:a.shape[0]] = a
    return b
