"""Street-level worker pools: the mobile grid (机动网格) and the 24-hour street duty team.

A pool is an extra worker grid with no units of its own, appended after the scenario's
grids (``grid_row`` −1 mobile, −2 duty team) and added as the last candidate of every grid
of its street, so the dispatch policy reaches it like a neighbour when the grid's own
workers are busy or off duty.  The duty team is based at the street's 综治中心 (the first
``governance_centre`` facility serving a grid of the street); a street without one, and
the mobile grid, are based at the residents-weighted centre of the street's units.
"""
from __future__ import annotations

import numpy as np

GRID_ROW_OF_CLASS = {1: -1, 2: -2}


def street_centres(fac, grids, street_of_grid: np.ndarray) -> dict[str, tuple[float, float]]:
    """``{street: (x, y)}`` of the first 综治中心 of each street (street of the grid it serves)."""
    out: dict[str, tuple[float, float]] = {}
    if fac is None or not len(fac):
        return out
    gstreet = dict(zip(np.asarray(grids.id).tolist(), np.asarray(grids.street).astype(str).tolist()))
    for f in fac.of_type("governance_centre"):
        name = gstreet.get(fac.grid_id[f], "")
        if name and name not in out and np.isfinite(fac.x[f]) and np.isfinite(fac.y[f]):
            out[name] = (float(fac.x[f]), float(fac.y[f]))
    return out


def add_street_pools(units, unit_grid, grid_rows, gw_start, base, cand, street, worker_class, per_street: int,
                     cls: int, centres: dict | None):
    """Append one pool of ``per_street`` workers of class ``cls`` per street of the scenario grids."""
    own = grid_rows >= 0
    G_all = grid_rows.size
    names, sidx = np.unique(street[own], return_inverse=True)
    S = names.size
    w = np.asarray(units.residents, dtype=np.float64) + 1e-9      # + ε: a street with no residents still has a centre
    us = sidx[unit_grid]
    mass = np.bincount(us, weights=w, minlength=S)
    cx = np.bincount(us, weights=w * units.x, minlength=S)
    cy = np.bincount(us, weights=w * units.y, minlength=S)
    ob = base[own]
    centre = np.where((mass > 0)[:, None], np.column_stack([cx, cy]) / np.maximum(mass, 1e-300)[:, None],
                      np.column_stack([np.bincount(sidx, weights=ob[:, 0], minlength=S),
                                       np.bincount(sidx, weights=ob[:, 1], minlength=S)])
                      / np.maximum(np.bincount(sidx, minlength=S), 1)[:, None])
    for i, name in enumerate(names):
        if centres and str(name) in centres:
            centre[i] = centres[str(name)]
    extra = np.full((G_all + S, cand.shape[1] + 1), -1, np.int64)
    extra[:G_all, :-1] = cand
    own_idx = np.flatnonzero(own)
    extra[own_idx, -1] = G_all + sidx
    extra[G_all:, 0] = G_all + np.arange(S)
    gw = np.concatenate([gw_start, gw_start[-1] + per_street * np.arange(1, S + 1)])
    return (np.concatenate([grid_rows, np.full(S, GRID_ROW_OF_CLASS[cls], np.int64)]), gw,
            np.vstack([base, centre]), extra, np.concatenate([street, names]),
            np.concatenate([worker_class, np.full(per_street * S, cls, np.int64)]))
