"""Pre-drawn random streams shared by the Numba engine and the SimPy reference.

Every random quantity either engine needs is drawn here, up front, from one
``numpy.random.Generator``; the engines themselves draw nothing.  That is what makes their
per-call / per-incident results identical, and it keeps a run reproducible from its seed.
"""
from __future__ import annotations

import numpy as np


def dispatch_streams(arrival_rates: np.ndarray, n_events: int, seed: int) -> dict[str, np.ndarray]:
    """Streams of the abstract hypercube model.

    ``gap`` inter-arrival times (total rate Σλ), ``arrival`` their running sum (sequential,
    exactly as an event clock adds them), ``atom`` of each call (∝ λ_j) and ``work`` a unit
    exponential: a call served by unit i takes ``work / mu_i``.
    """
    lam = np.asarray(arrival_rates, dtype=np.float64)
    rng = np.random.default_rng(seed)
    total = float(lam.sum())
    gap = rng.exponential(1.0 / total, n_events)
    cum = np.cumsum(lam) / total
    atom = np.minimum(np.searchsorted(cum, rng.random(n_events), side="right"), lam.size - 1).astype(np.int64)
    work = rng.exponential(1.0, n_events)
    return {"gap": gap, "arrival": np.add.accumulate(gap), "atom": atom, "work": work}
