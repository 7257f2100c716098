"""From a loaded scenario to the plain arrays the engines need: workers, bases, travel.

* Worker grids: every general or dedicated grid.  A unit belongs to its ``grid_id``; a unit
  pointing at a micro-grid belongs to that micro-grid's parent.
* Each worker grid gets ``staffing.workers_per_general_grid`` workers based at the grid's
  workstation (a ``grid_station`` facility whose ``grid_id`` is the grid; the loader fills
  an empty ``grid_id`` by location), else at the nearest workstation of the grid's
  community, else at a point inside the grid (``point_on_surface``): ``grid_bases``.
* Candidates: the own grid first, then the ``workflow.neighbour_grids`` nearest other bases.
* Street pools (``pools.py``): the mobile grid (机动网格, ``staffing.mobile_workers_per_street``)
  and the 24-hour street duty team (``roster.street_duty``) based at the street's 综治中心;
  each is a candidate of every grid of its street.  Rosters: ``roster.py``.
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
from ..params import require
from ..staffing import workers_for_grids
from .detour import DETOUR


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
    worker_class: np.ndarray | None = None   # (W,) index into roster.CLASSES
    rosters: Any = None                # roster.Rosters of the workers
    responders: Any = None             # emergency.Responders (police / fire / 120 units)
    centres: Any = None                # escalation.Centres (综治中心 desks)
    patrol_km: Any = None              # (G,) walkable road km inside each worker grid (routine.py)

    @property
    def n_workers(self) -> int:
        return int(self.gw_start[-1])


def straight_line_h(from_xy: np.ndarray, to_xy: np.ndarray, params: dict) -> np.ndarray:
    """Straight-line distance × detour at the worker mode's speed, in hours (pairwise rows)."""
    d = np.hypot(from_xy[:, 0] - to_xy[:, 0], from_xy[:, 1] - to_xy[:, 1]) * DETOUR
    return d / worker_speed_mps(params) / 3600.0


def worker_speed_mps(params: dict) -> float:
    require(params, ("travel",))
    tr = params["travel"]
    return float({"walk": tr["walk_speed_mps"], "elderly": tr["elderly_speed_mps"], "ebike": tr["ebike_speed_kmh"] / 3.6,
                  "drive": 30.0 / 3.6 * tr["drive_speed_factor"]}[tr["worker_mode"]])


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


def network_pair_seconds(net, from_xy: np.ndarray, to_xy: np.ndarray, snap_max_m: float) -> np.ndarray:
    """Network seconds from ``from_xy[i]`` to ``to_xy[i]`` (inf where the network cannot join them).

    Distinct sources and destinations are snapped once; one targeted search per distinct
    source (``network.pairs``) yields just the pairs asked for, never a sources × targets matrix.
    """
    from ..network.pairs import pair_times
    from ..network.travel import snap_xy

    if from_xy.shape[0] == 0:
        return np.full(0, np.inf)
    sources, s_inv = unique_points(from_xy)
    targets, t_inv = unique_points(to_xy)
    src, dst = snap_xy(net, sources, snap_max_m), snap_xy(net, targets, snap_max_m)
    return pair_times(net, src, dst, s_inv, t_inv)


def unique_points(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(points, inverse)``: the distinct rows of ``xy`` (n, 2) and where each row went.

    Each (x, y) as one complex number: a 1-D stable sort (fast on the runs of repeated
    points the pairs come in), ~20× faster than ``np.unique(axis=0)``'s row sort.  (A pair's
    trip time depends only on its two points, never on the others' order, and points that
    compare equal, -0.0 and 0.0, snap alike.)"""
    c = np.ascontiguousarray(xy, dtype=np.float64).reshape(-1, 2).view(np.complex128).ravel()
    order = np.argsort(c, kind="stable")
    s = c[order]
    first = np.r_[True, s[1:] != s[:-1]] if s.size else np.zeros(0, bool)
    inv = np.empty(c.size, np.int64)
    inv[order] = np.cumsum(first) - 1
    u = s[first]
    return np.column_stack([u.real, u.imag]), inv


def build_layout(scenario, travel: Any = None) -> Layout:
    """Worker grids, workers, bases, rosters, candidate grids and trip times of a scenario.

    Rebuilt from the facilities on every call: moving, adding or removing a workstation or a
    综治中心 moves the workers based there.
    """
    from .pools import add_street_pools, street_centres
    from .roster import build_rosters, check_roster_params, raise_if
    from .canonical import canonical
    from .sites import with_sites

    scenario, _, _ = canonical(scenario)   # feature order and grid names change nothing
    scenario, _ = with_sites(scenario)     # schools, hospitals, markets of dedicated grids are units too
    p = scenario.params
    grids, units, fac = scenario.grids, scenario.units, scenario.facilities
    require(p, ("staffing", "workflow"))
    k_nb = p["workflow"]["neighbour_grids"]
    raise_if(check_roster_params(p))
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
    base, where = grid_bases(grids, grid_rows, index, fac)
    cand = candidate_grids(base, int(k_nb))
    street = np.asarray(grids.street).astype(str)[grid_rows]
    mobile = p["staffing"].get("mobile_workers_per_street", 0)
    worker_class = np.zeros(int(gw_start[-1]), np.int64)
    info = {"bases_at_station": int(np.sum(where == "station")),
            "bases_at_community_station": int(np.sum(where == "community")),
            "bases_at_other_station": int(np.sum(where == "elsewhere")),
            "bases_in_grid": int(np.sum(where == "grid"))}
    if int(mobile) > 0:
        grid_rows, gw_start, base, cand, street, worker_class = add_street_pools(
            units, unit_grid, grid_rows, gw_start, base, cand, street, worker_class, int(mobile), 1, None)
    duty = int(p["roster"]["street_duty"]["on_duty"])
    if duty > 0:
        posts = int(np.ceil(24.0 / float(p["roster"]["street_duty"]["hours"]) - 1e-9))
        centres = street_centres(fac, grids, street[:G])
        info["duty_teams_at_centre"] = len(centres)
        grid_rows, gw_start, base, cand, street, worker_class = add_street_pools(
            units, unit_grid, grid_rows, gw_start, base, cand, street, worker_class, duty * posts, 2, centres)
    index_in_grid = np.arange(int(gw_start[-1])) - np.repeat(gw_start[:-1], np.diff(gw_start))
    rosters = build_rosters(worker_class, index_in_grid, p)
    C = cand.shape[1]
    ucand = cand[unit_grid]                                   # (n_units, C)
    ok = ucand >= 0
    uxy = np.column_stack([units.x, units.y]).astype(np.float64)
    rows, cols = np.nonzero(ok)
    hours, source = worker_travel_h(scenario, base[ucand[rows, cols]], uxy[rows], travel)
    tt = np.full((len(units), C), np.inf)
    tt[rows, cols] = hours
    info.update(mobile_workers=int(np.sum(worker_class == 1)), street_duty_workers=int(np.sum(worker_class == 2)))
    from .emergency import build_responders

    resp = build_responders(scenario, straight_line=isinstance(travel, str))
    info.update(responder_units=int(resp.unit_start[-1]), drive_source=resp.source)
    from .escalation import build_centres

    centres = build_centres(scenario, street[unit_grid])
    info.update(escalation_centres=int(centres.facility.size), centre_desks=int(centres.server_start[-1]))
    from .routine import patrol_km

    return Layout(grid_rows, unit_grid, gw_start, base, cand, tt, source, info, street, worker_class, rosters, resp,
                  centres, patrol_km(scenario, grid_rows))


def grid_bases(grids, grid_rows: np.ndarray, index: dict, fac) -> tuple[np.ndarray, np.ndarray]:
    """Base of each worker grid and where it came from ("station" | "community" |
    "elsewhere" | "grid").

    The grid's own workstation (a ``grid_station`` whose ``grid_id`` — filled by location
    when empty — is the grid; the first one wins); else the nearest workstation of the
    grid's community (社区网格工作站); else the nearest workstation of any community; a
    point inside the grid only when the scenario has no workstation at all.
    """
    import shapely

    G = grid_rows.size
    base = np.full((G, 2), np.nan)
    where = np.full(G, "grid", dtype=object)
    st = fac.of_type("grid_station") if fac is not None and len(fac) else np.zeros(0, np.int64)
    st = st[np.isfinite(fac.x[st]) & np.isfinite(fac.y[st])] if st.size else st
    for f in st[::-1]:                 # the first station of a grid wins
        g = index.get(fac.grid_id[f], -1)
        if g >= 0:
            base[g] = fac.x[f], fac.y[f]
            where[g] = "station"
    inside = shapely.point_on_surface(grids.geometry[grid_rows])
    ixy = np.column_stack([shapely.get_x(inside), shapely.get_y(inside)])
    community = np.asarray(grids.community).astype(str)[grid_rows]
    by_comm: dict[str, list] = {}          # community → its stations, in station order
    for f in st:
        if fac.grid_id[f] in index and community[index[fac.grid_id[f]]] != "":
            by_comm.setdefault(community[index[fac.grid_id[f]]], []).append(f)
    by_comm = {c: np.asarray(fs, dtype=st.dtype) for c, fs in by_comm.items()}
    for g in np.flatnonzero(where == "grid"):
        mine = by_comm.get(community[g], st[:0])
        # a community without a workstation reports to the nearest one elsewhere: basing its
        # workers inside their grids would make moving stations away shorten every trip
        near, kind = (mine, "community") if mine.size else (st, "elsewhere")
        if near.size:
            d = np.hypot(fac.x[near] - ixy[g, 0], fac.y[near] - ixy[g, 1])
            f = near[int(np.argmin(d))]
            base[g] = fac.x[f], fac.y[f]
            where[g] = kind
        else:
            base[g] = ixy[g]
    return base, where


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
