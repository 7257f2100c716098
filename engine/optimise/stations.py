"""Place grid workstations on the road network (the ``facilities`` and ``joint`` steps of optimise).

Travel is the grid workers' (``[travel] worker_mode``) network time from a station to the
residential units, weighted by households.  Candidate sites are road nodes of the largest
connected part of the network (thinned to ``MAX_CANDIDATES``) plus the stations' current
positions, so that staying put is always an option.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..errors import GridGovError
from ..progress import NULL, Progress
from ..scenario.model import Scenario
from .location import locate

MAX_CANDIDATES = 1500
STATION = "grid_station"


def _network(scenario: Scenario):
    from ..network.graph import build_network

    return build_network(scenario, scenario.params["travel"]["worker_mode"])


def _road_nodes(net, rng, limit=MAX_CANDIDATES) -> np.ndarray:
    nodes = np.flatnonzero(net.component == 0)
    if nodes.size > limit:
        nodes = np.sort(rng.choice(nodes, limit, replace=False))
    return np.column_stack([net.node_x[nodes], net.node_y[nodes]])


def _times(net, scenario, from_xy, to_xy) -> np.ndarray:
    """Seconds from each ``from_xy`` to each ``to_xy`` (inf = unreachable)."""
    from ..network.travel import travel_times

    return travel_times(net, from_xy, to_xy, snap_max_m=scenario.params["travel"]["snap_max_m"])


def relocate_stations(scenario: Scenario, locked_ids=(), *, seed: int = 0, time_limit: float | None = None,
                      progress: Progress = NULL) -> tuple[Scenario, dict]:
    """Move the unlocked grid workstations to the p-median sites of household travel time."""
    fac, u = scenario.facilities, scenario.units
    rows = fac.of_type(STATION)
    if rows.size == 0:
        raise GridGovError(f"{scenario.layers_path}: layer 'facilities' has no '{STATION}' to place "
                           f"(add the workstations, or use --mode joint to give each grid one)")
    progress(0.0, "travel times to candidate sites")
    net = _network(scenario)
    cand = np.vstack([np.column_stack([fac.x[rows], fac.y[rows]]), _road_nodes(net, np.random.default_rng(seed))])
    unit_xy = np.column_stack([u.x, u.y])
    cost = _times(net, scenario, cand, unit_xy).T
    hh = np.asarray(u.households, float)
    reachable = np.isfinite(cost).any(axis=1)
    locked = np.array([str(i) in set(map(str, locked_ids)) for i in fac.id[rows]])
    progress(0.5, "p-median")
    res = locate("p_median", cost[reachable], hh[reachable], int(rows.size), fixed=np.flatnonzero(locked),
                 method="auto", time_limit=time_limit)
    new_sites = [j for j in res.open if j >= rows.size or not locked[j]]
    movers = np.flatnonzero(~locked)
    from scipy.optimize import linear_sum_assignment

    xy = cand[new_sites]
    d = np.hypot(*(np.column_stack([fac.x[rows[movers]], fac.y[rows[movers]]])[:, None, :] - xy[None]).transpose(2, 0, 1))
    r_idx, c_idx = linear_sum_assignment(d)
    x, y = fac.x.copy(), fac.y.copy()
    x[rows[movers[r_idx]]], y[rows[movers[r_idx]]] = xy[c_idx, 0], xy[c_idx, 1]
    before = _mean_nearest(cost[reachable][:, :rows.size], hh[reachable])
    after = res.objective / max(hh[reachable].sum(), 1e-9)
    moved = int((d[r_idx, c_idx] > 1.0).sum())
    summary = {"moved": moved, "created": 0, "model": res.to_dict() | {"open": None},
               "candidates": int(cand.shape[0]), "unreachable_units": int((~reachable).sum()),
               "mean_travel_s_before": float(before), "mean_travel_s_after": float(after),
               "moved_m": {str(fac.id[rows[movers[a]]]): round(float(d[a, b]), 1) for a, b in zip(r_idx, c_idx)}}
    return dataclasses.replace(scenario, facilities=dataclasses.replace(fac, x=x, y=y)), summary


def _mean_nearest(cost, w) -> float:
    best = cost.min(axis=1)
    ok = np.isfinite(best)
    return float((best[ok] * w[ok]).sum() / max(w[ok].sum(), 1e-9))


def station_per_grid(proposal: Scenario, source: Scenario, locks, progress: Progress = NULL) -> tuple[Scenario, dict]:
    """Give each unlocked general grid a workstation at its 1-median road node (exact: every
    node in the grid is tried); a grid's existing station is moved there, others are created."""
    import shapely

    g, u, fac = proposal.grids, proposal.units, proposal.facilities
    net = _network(proposal)
    nodes_xy = np.column_stack([net.node_x, net.node_y])[net.component == 0]
    tree = shapely.STRtree(shapely.points(nodes_xy))
    workers = int(proposal.params["staffing"]["workers_per_general_grid"])
    station_of = {str(fac.grid_id[r]): r for r in fac.of_type(STATION)[::-1] if str(fac.grid_id[r])}
    hh = np.asarray(u.households, float)
    grids = [r for r in np.flatnonzero(g.level == "general") if str(g.id[r]) not in locks.grids]
    moves, new_rows = {}, []
    t_before = t_after = w_total = 0.0
    for n_done, r in enumerate(grids):
        mine = np.flatnonzero(u.grid_id.astype(str) == str(g.id[r]))
        if mine.size == 0:
            continue
        inside = tree.query(g.geometry[r], predicate="intersects")
        base = shapely.point_on_surface(g.geometry[r])
        cand = nodes_xy[inside] if inside.size else np.array([[shapely.get_x(base), shapely.get_y(base)]])
        cand = np.vstack([[shapely.get_x(base), shapely.get_y(base)], cand])   # row 0: where the worker is now
        t = _times(net, proposal, cand, np.column_stack([u.x[mine], u.y[mine]]))
        t = np.where(np.isfinite(t), t, 1e7)
        total = t @ hh[mine]
        best = int(np.argmin(total))
        t_before += total[0]
        t_after += total[best]
        w_total += hh[mine].sum()
        gid = str(g.id[r])
        if gid in station_of:
            moves[station_of[gid]] = cand[best]
        else:
            new_rows.append((gid, str(g.name[r]), cand[best]))
        progress((n_done + 1) / max(len(grids), 1), "workstations")
    x, y = fac.x.copy(), fac.y.copy()
    for row, xy in moves.items():
        x[row], y[row] = xy
    k = len(new_rows)
    attrs = {key: np.concatenate([np.asarray(v, dtype=object), np.full(k, "", dtype=object)]) for key, v in fac.attrs.items()}
    new_fac = dataclasses.replace(
        fac, fid=np.concatenate([fac.fid, (fac.fid.max() + 1 if len(fac) else 1) + np.arange(k)]),
        id=np.concatenate([fac.id, np.array([f"WS-{gid}" for gid, _, _ in new_rows], dtype=object)]),
        type=np.concatenate([fac.type, np.full(k, STATION, dtype=object)]),
        name=np.concatenate([fac.name, np.array([f"{name}工作站" for _, name, _ in new_rows], dtype=object)]),
        capacity=np.concatenate([fac.capacity, np.full(k, np.nan)]),
        staff=np.concatenate([fac.staff, np.full(k, workers, np.int64)]),
        grid_id=np.concatenate([fac.grid_id, np.array([gid for gid, _, _ in new_rows], dtype=object)]),
        x=np.concatenate([x, np.array([xy[0] for _, _, xy in new_rows])]),
        y=np.concatenate([y, np.array([xy[1] for _, _, xy in new_rows])]), attrs=attrs)
    summary = {"moved": len(moves), "created": k, "model": "1-median per grid (exact over the grid's road nodes)",
               "mean_travel_s_before": t_before / max(w_total, 1e-9), "mean_travel_s_after": t_after / max(w_total, 1e-9)}
    return dataclasses.replace(proposal, facilities=new_fac), summary
