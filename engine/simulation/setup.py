"""From a loaded scenario to the plain arrays the engines need: workers, bases, travel.

* Worker grids: every general or dedicated grid.  A unit belongs to its ``grid_id``; a unit
  pointing at a micro-grid belongs to that micro-grid's parent.
* Each worker grid gets ``staffing.workers_per_general_grid`` workers based at the grid's
  workstation (a ``grid_station`` facility whose ``grid_id`` is the grid), or, when it has
  none, at a point inside the grid (``point_on_surface``).
* Candidates: the own grid first, then the ``workflow.neighbour_grids`` nearest other bases.
* Mobile pool (``staffing.mobile_workers_per_street`` > 0): each street (街道) gets a mobile
  grid (机动网格) with that many workers and no units of its own, based at the
  residents-weighted centre of the street's units; it is the last candidate of every grid
  of the street, so the dispatch policy reaches it like a neighbour.  Its workers have
  ``grid_row`` −1.
* Travel (``worker_travel_h``, the one place that decides it): the road network of the
  worker mode (``gridgov.engine.network``) when it can be built; otherwise, and for pairs the
  network cannot join, straight-line distance × 1.4 (DOMAIN §7 detour factor) at the mode's
  speed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..errors import GridGovError, Problem, ValidationError
from ..staffing import workers_for_grids

DETOUR = 1.4


@dataclass
class Layout:
    grid_rows: np.ndarray     # (G,) scenario grid row of each worker grid (−1: a street's mobile pool)
    unit_grid: np.ndarray     # (n_units,) worker-grid index of each unit
    gw_start: np.ndarray      # (G+1,)
    base_xy: np.ndarray       # (G, 2)
    cand: np.ndarray          # (G, C)
    travel: np.ndarray        # (n_units, C) hours
    travel_source: str        # "network" | "straight_line" | "given"
    info: dict[str, Any] = field(default_factory=dict)
    street: np.ndarray | None = None   # (G,) street name of each worker grid

    @property
    def n_workers(self) -> int:
        return int(self.gw_start[-1])


def straight_line_h(from_xy: np.ndarray, to_xy: np.ndarray, params: dict) -> np.ndarray:
    """Straight-line distance × detour at the worker mode's speed, in hours (pairwise rows)."""
    d = np.hypot(from_xy[:, 0] - to_xy[:, 0], from_xy[:, 1] - to_xy[:, 1]) * DETOUR
    return d / worker_speed_mps(params) / 3600.0


def worker_speed_mps(params: dict) -> float:
    tr = params["travel"]
    mode = tr["worker_mode"]
    speed = {"walk": tr["walk_speed_mps"], "elderly": tr["elderly_speed_mps"], "ebike": tr["ebike_speed_kmh"] / 3.6,
             "drive": 30.0 / 3.6 * tr["drive_speed_factor"]}.get(mode)
    if speed is None or not speed > 0:
        raise ValidationError([Problem(f"worker_mode '{mode}' must be walk, elderly, ebike or drive with a "
                                       "positive speed", "scenario.toml", "travel", field="worker_mode")])
    return float(speed)


def worker_travel_h(scenario, from_xy: np.ndarray, to_xy: np.ndarray, travel: Any = None) -> tuple[np.ndarray, str]:
    """Trip time in hours from ``from_xy[i]`` to ``to_xy[i]`` for every row i.

    ``travel``: None (network if available, else straight line), ``"straight_line"``, a
    ``network.Network`` to reuse, or a callable ``(from_xy, to_xy) -> hours`` (pairwise).
    Returns ``(hours, source)``.
    """
    params = scenario.params
    from_xy = np.asarray(from_xy, dtype=np.float64).reshape(-1, 2)
    to_xy = np.asarray(to_xy, dtype=np.float64).reshape(-1, 2)
    fallback = straight_line_h(from_xy, to_xy, params)
    if isinstance(travel, str):
        if travel != "straight_line":
            raise GridGovError(f"travel must be None, 'straight_line', a Network or a callable, got {travel!r}")
        return fallback, "straight_line"
    if callable(travel):
        h = np.asarray(travel(from_xy, to_xy), dtype=np.float64)
        if h.shape != fallback.shape or np.any(h < 0):
            raise GridGovError(f"travel callable must return {fallback.shape[0]} non-negative hours")
        return np.where(np.isfinite(h), h, fallback), "given"
    net = travel
    if net is None:
        try:
            from ..network.graph import build_network
        except ImportError:
            return fallback, "straight_line"
        if scenario.roads is None or len(scenario.roads) == 0:
            return fallback, "straight_line"
        net = build_network(scenario, params["travel"]["worker_mode"])
    sec = network_pair_seconds(net, from_xy, to_xy, float(params["travel"]["snap_max_m"]))
    return np.where(np.isfinite(sec), sec / 3600.0, fallback), "network"


#: source × destination cells of one ``snapped_times`` call (bounds memory on large scenarios)
PAIR_BLOCK_CELLS = 8_000_000


def network_pair_seconds(net, from_xy: np.ndarray, to_xy: np.ndarray, snap_max_m: float) -> np.ndarray:
    """Network seconds from ``from_xy[i]`` to ``to_xy[i]`` (inf where the network cannot join them).

    Distinct sources and destinations are snapped once and solved as one matrix (in blocks of
    sources of at most ``PAIR_BLOCK_CELLS`` cells), not one shortest-path call per source.
    """
    from ..network.snap import Snap
    from ..network.travel import snap_xy, snapped_times

    out = np.full(from_xy.shape[0], np.inf)
    if from_xy.shape[0] == 0:
        return out
    sources, s_inv = np.unique(from_xy, axis=0, return_inverse=True)
    targets, t_inv = np.unique(to_xy, axis=0, return_inverse=True)
    s_inv, t_inv = s_inv.ravel(), t_inv.ravel()
    src, dst = snap_xy(net, sources, snap_max_m), snap_xy(net, targets, snap_max_m)
    order = np.argsort(s_inv, kind="stable")
    bounds = np.searchsorted(s_inv[order], np.arange(sources.shape[0] + 1))
    step = max(1, PAIR_BLOCK_CELLS // targets.shape[0])
    for a in range(0, sources.shape[0], step):
        b = min(a + step, sources.shape[0])
        block = Snap(src.edge[a:b], src.offset[a:b], src.distance[a:b])
        m = snapped_times(net, block, dst)
        rows = order[bounds[a]:bounds[b]]
        out[rows] = m[s_inv[rows] - a, t_inv[rows]]
    return out


def build_layout(scenario, travel: Any = None) -> Layout:
    """Worker grids, workers, bases, candidate grids and trip times of a scenario."""
    p = scenario.params
    grids, units, fac = scenario.grids, scenario.units, scenario.facilities
    wpg = p["staffing"]["workers_per_general_grid"]
    if isinstance(wpg, bool) or not float(wpg).is_integer() or int(wpg) < 1:
        raise ValidationError([Problem(f"must be a whole number ≥ 1, got {wpg!r}", "scenario.toml", "staffing",
                                       field="workers_per_general_grid")])
    k_nb = p["workflow"]["neighbour_grids"]
    if isinstance(k_nb, bool) or not float(k_nb).is_integer() or int(k_nb) < 0:
        raise ValidationError([Problem(f"must be a whole number ≥ 0, got {k_nb!r}", "scenario.toml", "workflow",
                                       field="neighbour_grids")])
    level = np.asarray(grids.level).astype(str)
    grid_rows = np.flatnonzero(level != "micro")
    if grid_rows.size == 0:
        raise ValidationError([Problem("no general or dedicated grid: nobody to send to incidents",
                                       str(scenario.layers_path), "grids", field="level")])
    index = {gid: i for i, gid in enumerate(grids.id[grid_rows])}
    parent = {gid: par for gid, par, lv in zip(grids.id, grids.parent_id, level) if lv == "micro"}
    unit_grid = np.empty(len(units), np.int64)
    problems = []
    for r, gid in enumerate(units.grid_id):
        g = index.get(gid, index.get(parent.get(gid, ""), -1))
        if g < 0:
            problems.append(Problem(f"grid '{gid}' is not a general or dedicated grid of the grids layer",
                                    str(scenario.layers_path), "units", int(units.fid[r]), "grid_id"))
        unit_grid[r] = g
    if problems:
        raise ValidationError(problems[:50])
    G = grid_rows.size
    gw_start = np.concatenate([[0], np.cumsum(workers_for_grids(level[grid_rows], p).astype(np.int64))])
    base = np.full((G, 2), np.nan)
    st = fac.of_type("grid_station") if fac is not None and len(fac) else np.zeros(0, np.int64)
    for f in st[::-1]:                 # the first station of a grid wins
        g = index.get(fac.grid_id[f], -1)
        if g >= 0 and np.isfinite(fac.x[f]) and np.isfinite(fac.y[f]):
            base[g] = fac.x[f], fac.y[f]
    n_station = int(np.isfinite(base[:, 0]).sum())
    missing = np.flatnonzero(~np.isfinite(base[:, 0]))
    if missing.size:
        import shapely

        pts = shapely.point_on_surface(grids.geometry[grid_rows[missing]])
        base[missing, 0], base[missing, 1] = shapely.get_x(pts), shapely.get_y(pts)
    cand = candidate_grids(base, int(k_nb))
    street = np.asarray(grids.street).astype(str)[grid_rows]
    mobile = p["staffing"].get("mobile_workers_per_street", 0)
    if isinstance(mobile, bool) or not float(mobile).is_integer() or int(mobile) < 0:
        raise ValidationError([Problem(f"must be a whole number ≥ 0, got {mobile!r}", "scenario.toml", "staffing",
                                       field="mobile_workers_per_street")])
    if int(mobile) > 0:
        grid_rows, gw_start, base, cand, street = _add_mobile_pools(units, unit_grid, grid_rows, gw_start, base,
                                                                    cand, street, int(mobile))
    C = cand.shape[1]
    ucand = cand[unit_grid]                                   # (n_units, C)
    ok = ucand >= 0
    uxy = np.column_stack([units.x, units.y]).astype(np.float64)
    rows, cols = np.nonzero(ok)
    hours, source = worker_travel_h(scenario, base[ucand[rows, cols]], uxy[rows], travel)
    tt = np.full((len(units), C), np.inf)
    tt[rows, cols] = hours
    return Layout(grid_rows, unit_grid, gw_start, base, cand, tt, source,
                  {"bases_at_station": n_station, "bases_in_grid": int(missing.size),
                   "mobile_workers": int(gw_start[-1] - gw_start[G])}, street)


def _add_mobile_pools(units, unit_grid, grid_rows, gw_start, base, cand, street, per_street: int):
    """Append one mobile worker-grid per street as the last candidate of the street's grids."""
    G = grid_rows.size
    names, sidx = np.unique(street, return_inverse=True)
    S = names.size
    w = np.asarray(units.residents, dtype=np.float64) + 1e-9      # + ε: a street with no residents still has a centre
    us = sidx[unit_grid]
    mass = np.bincount(us, weights=w, minlength=S)
    cx = np.bincount(us, weights=w * units.x, minlength=S)
    cy = np.bincount(us, weights=w * units.y, minlength=S)
    has = mass > 0
    centre = np.where(has[:, None], np.column_stack([cx, cy]) / np.maximum(mass, 1e-300)[:, None],
                      np.column_stack([np.bincount(sidx, weights=base[:, 0], minlength=S),
                                       np.bincount(sidx, weights=base[:, 1], minlength=S)])
                      / np.maximum(np.bincount(sidx, minlength=S), 1)[:, None])
    extra = np.full((G + S, cand.shape[1] + 1), -1, np.int64)
    extra[:G, :-1] = cand
    extra[:G, -1] = G + sidx
    extra[G:, 0] = G + np.arange(S)
    gw = np.concatenate([gw_start, gw_start[-1] + per_street * np.arange(1, S + 1)])
    return (np.concatenate([grid_rows, np.full(S, -1, np.int64)]), gw, np.vstack([base, centre]), extra,
            np.concatenate([street, names]))


def candidate_grids(base_xy: np.ndarray, k: int) -> np.ndarray:
    """Own grid first, then the k nearest other bases (straight line), −1 padded."""
    from scipy.spatial import cKDTree

    G = base_xy.shape[0]
    k = min(k, G - 1)
    if k == 0:
        return np.arange(G, dtype=np.int64)[:, None]
    _, nn = cKDTree(base_xy).query(base_xy, k=k + 1)
    nn = np.asarray(nn, dtype=np.int64).reshape(G, k + 1)
    out = np.empty((G, k + 1), np.int64)
    out[:, 0] = np.arange(G)
    for g in range(G):                 # drop self wherever the tree put it (co-located bases)
        others = nn[g][nn[g] != g][:k]
        out[g, 1:1 + others.size] = others
        out[g, 1 + others.size:] = -1
    return out


TravelFn = Callable[[np.ndarray, np.ndarray], np.ndarray]
