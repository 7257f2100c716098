"""Run the abstract hypercube dispatch model on either engine (used by ``queueing``)."""
from __future__ import annotations

import numpy as np


def run_dispatch(streams: dict[str, np.ndarray], pref: np.ndarray, mu: np.ndarray, infinite: bool,
                 engine: str) -> dict[str, np.ndarray]:
    """Per-call ``unit`` (−1 lost), ``start`` and ``wait`` from the chosen engine."""
    if engine == "numba":
        from ._kernels import dispatch_kernel

        unit, start, wait = dispatch_kernel(streams["arrival"], streams["atom"], streams["work"],
                                            np.ascontiguousarray(pref, dtype=np.int64),
                                            np.ascontiguousarray(mu, dtype=np.float64), bool(infinite))
    else:
        from .reference import dispatch_reference

        unit, start, wait = dispatch_reference(streams["gap"], streams["atom"], streams["work"], pref, mu,
                                               bool(infinite))
    return {"unit": unit, "start": start, "wait": wait}
