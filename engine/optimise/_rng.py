"""A small, fast random generator for the Numba kernels (state: a one-element uint64 array)."""
from __future__ import annotations

import numpy as np
from numba import njit

# xorshift64* in a one-element uint64 array: several times faster than np.random.randint in
# the innermost loops (a Fisher–Yates shuffle per spanning tree).


@njit(cache=True)
def rng_state(seed):
    """A generator state from any integer seed (splitmix64 scrambling; never zero)."""
    z = np.uint64(seed) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    st = np.empty(1, np.uint64)
    st[0] = z if z != np.uint64(0) else np.uint64(1)
    return st


@njit(cache=True, inline="always")
def _next(rs):
    x = rs[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    rs[0] = x
    return x * np.uint64(0x2545F4914F6CDD1D)


@njit(cache=True, inline="always")
def _uniform(rs):
    """Uniform float in [0, 1)."""
    return np.float64(_next(rs) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, inline="always")
def _below(rs, n):
    """Uniform integer in [0, n)."""
    return np.int64(_uniform(rs) * n)
