"""Routine duties: the grid worker's job beyond incidents, as a time budget.

Incidents keep a grid worker busy a few per cent of the shift; most of the job is routine
(DOMAIN §7 time budget: 40 % patrol, 30 % handling, 30 % data/admin [A]).  Per worker grid,
over a horizon of ``days``:

* patrols (一日双巡): ``patrols_per_day`` × the walkable road length inside the grid (km) /
  ``patrol_speed_kmh``, on the grid workers' workdays (share ``len(workdays) / 7``);
* household visits (入户走访): ``visit_h_per_household_year`` × households × days / 365;
* record checks (人房信息核查): ``record_h_per_unit_year`` × residential units × days / 365.

The budget is split evenly over the grid's workers and reported next to the incident
workload (``utilisation`` = incidents only; ``utilisation_with_routine``);
``workers_needed`` is the number of workers each grid needs for incidents + routine at
``max_utilisation`` of their duty hours.  Routine work does not delay incident response in
the engines (a worker interrupts a patrol for a dispatch) [A].
"""
from __future__ import annotations

import numpy as np

from ..errors import Problem


def patrol_km(scenario, grid_rows: np.ndarray) -> np.ndarray:
    """Walkable road length (km) inside each worker grid (0 for street pools, grid_row < 0)."""
    import shapely

    from ..network.graph import NON_WALKABLE_CLASSES

    out = np.zeros(grid_rows.size)
    roads = scenario.roads
    own = np.flatnonzero(grid_rows >= 0)
    if roads is None or len(roads) == 0 or own.size == 0:
        return out
    walk = ~np.isin(np.asarray(roads.road_class).astype(str), list(NON_WALKABLE_CLASSES))
    lines = np.asarray(roads.geometry)[walk]
    polys = np.asarray(scenario.grids.geometry)[grid_rows[own]]
    r_idx, g_idx = shapely.STRtree(lines).query(polys, predicate="intersects")
    if r_idx.size == 0:
        return out
    length = _clipped_lengths(lines[g_idx], polys[r_idx])
    out[own] = np.bincount(r_idx, weights=length, minlength=own.size) / 1000.0
    return out


def _clipped_lengths(lines: np.ndarray, polys: np.ndarray) -> np.ndarray:
    """``length(intersection(lines[i], polys[i]))`` for every pair, in chunks on the network
    thread pool (GEOS releases the GIL; each pair's value is the same however it is chunked)."""
    import shapely

    from ..network.matrix import _pool, default_threads

    threads = default_threads()
    if threads < 2 or lines.size < 2_000:
        return shapely.length(shapely.intersection(lines, polys))
    bounds = np.linspace(0, lines.size, 4 * threads + 1).astype(np.int64)
    parts = _pool(threads).map(lambda ab: shapely.length(shapely.intersection(lines[ab[0]:ab[1]], polys[ab[0]:ab[1]])),
                               zip(bounds[:-1], bounds[1:]))
    return np.concatenate(list(parts))


def routine_hours(params: dict, days: float, patrol_km_g: np.ndarray, households_g: np.ndarray,
                  units_g: np.ndarray) -> np.ndarray:
    """Routine hours of each worker grid over ``days`` (see the module docstring)."""
    ro = params["routine"]
    workday_share = len(params["roster"]["grid"]["workdays"]) / 7.0
    patrol = float(ro["patrols_per_day"]) * patrol_km_g / float(ro["patrol_speed_kmh"]) * days * workday_share
    visits = float(ro["visit_h_per_household_year"]) * households_g * days / 365.0
    records = float(ro["record_h_per_unit_year"]) * units_g * days / 365.0
    return patrol + visits + records


def check_routine_params(params: dict) -> list[Problem]:
    ro, out = params["routine"], []
    for key in ("patrols_per_day", "visit_h_per_household_year", "record_h_per_unit_year"):
        if not (float(ro[key]) >= 0 and np.isfinite(ro[key])):
            out.append(Problem(f"must be ≥ 0, got {ro[key]!r}", "scenario.toml", "routine", field=key))
    if not float(ro["patrol_speed_kmh"]) > 0:
        out.append(Problem("must be > 0", "scenario.toml", "routine", field="patrol_speed_kmh"))
    if not 0 < float(ro["max_utilisation"]) <= 1:
        out.append(Problem("must be in (0, 1]", "scenario.toml", "routine", field="max_utilisation"))
    return out


def workload(params: dict, days: float, lay, per_worker: dict, units) -> dict[str, np.ndarray]:
    """Per worker: routine hours and utilisation with routine; per worker grid: workers needed."""
    G = lay.grid_rows.size
    hh = np.bincount(lay.unit_grid, weights=np.asarray(units.households, dtype=np.float64), minlength=G)
    nu = np.bincount(lay.unit_grid, minlength=G).astype(np.float64)
    rh = routine_hours(params, days, lay.patrol_km, hh, nu)
    wpg = np.diff(lay.gw_start)
    worker_grid = np.repeat(np.arange(G), wpg)
    routine_w = (rh / np.maximum(wpg, 1))[worker_grid]
    duty = per_worker["duty_h"]
    util = (per_worker["busy_h"] + routine_w) / np.maximum(duty, 1e-9)
    grid_work = np.bincount(worker_grid, weights=per_worker["busy_h"], minlength=G) + rh
    grid_duty = np.bincount(worker_grid, weights=duty, minlength=G) / np.maximum(wpg, 1)
    need = np.ceil(grid_work / np.maximum(grid_duty * float(params["routine"]["max_utilisation"]), 1e-9) - 1e-9)
    need = np.where(lay.grid_rows >= 0, np.maximum(need, 1), 0).astype(np.int64)
    return {"routine_h": routine_w, "utilisation_with_routine": util, "grid_routine_h": rh, "grid_workers_needed": need}
