"""The staffing rule: how many full-time grid workers each grid has.

One function for every consumer (the ``workers`` metric, the simulation's worker layout and the
live statistics of the editing tools): ``staffing.workers_per_general_grid`` workers for each
general *and* dedicated grid (a dedicated grid — a campus, a market — is a worker grid like a
general one, engine/simulation/setup.py), none for micro-grids (they are looked after by their
parent grid's worker and volunteers).
"""
from __future__ import annotations

import numpy as np

WORKER_LEVELS = ("general", "dedicated")


def workers_for_grids(levels: np.ndarray, params: dict) -> np.ndarray:
    """Workers of each grid (float array aligned with ``levels``: general | dedicated | micro)."""
    per = float(params["staffing"]["workers_per_general_grid"])
    staffed = np.isin(np.asarray(levels, dtype=object).astype(str), WORKER_LEVELS)
    return np.where(staffed, per, 0.0)
