"""Plain-array inputs of the closed-loop workflow and the switch between the two engines.

Conventions (documented once, implemented identically by ``_kernels.workflow_kernel`` and
``reference.WorkflowModel``):

* A worker is on duty when its roster says so (``roster.Rosters``: weekly-periodic
  daily shifts on a periodic set of days; grid workers on a 5-day week with holiday duty, the street duty team
  around the clock).  Off duty, a worker takes only urgent cases (when ``on_call``).
* A worker holds open cases (on site + queued) and works them one at a time, urgent first,
  then first come first served; every trip starts from the worker's base (Larson's
  convention), the trip back is not counted.
* Dispatch (``policy`` 0 = own_grid_first): the available own worker with the fewest open
  cases; if none, the nearest available worker of the ``cand`` neighbouring grids; if none,
  the queue of the own worker with the fewest open cases.  ``policy`` 1 = nearest_available:
  the nearest available candidate, own grid included.  Available = on duty and fewer than
  ``cap`` open cases: the cap decides when the centre looks beyond the grid.
* An incident found on patrol (``finder ≥ 0``) belongs to the own-grid worker who found it
  (the first one on duty at the report time): response 0, no trip, no dispatch delay.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .roster import Rosters, on_duty, uniform_rosters

POLICIES = {"own_grid_first": 0, "nearest_available": 1}


@dataclass
class WorkflowInputs:
    report: np.ndarray       # (n,) report time, h from start (Monday 00:00)
    dispatch: np.ndarray     # (n,) time the centre dispatches (= report for patrol finds)
    unit: np.ndarray         # (n,) unit row
    grid: np.ndarray         # (n,) worker-grid index of the unit
    urg: np.ndarray          # (n,) urgency code (0 = urgent: own priority queue)
    finder: np.ndarray       # (n,) worker who found it on patrol, −1 = reported
    handle: np.ndarray       # (n,) on-site work, h
    travel: np.ndarray       # (n_units, C) trip from the base of cand[grid, c] to the unit, h
    gw_start: np.ndarray     # (G+1,) workers of grid g: gw_start[g] .. gw_start[g+1]-1
    cand: np.ndarray         # (G, C) candidate grids, own first, −1 padded
    rosters: Rosters         # on-duty pattern of each worker
    on_call: bool
    cap: int
    policy: int


def shift_starts(workers_per_grid: np.ndarray, first_hour: float, shift_len: float) -> np.ndarray:
    """Shift start of each worker: the i-th worker of a grid starts i shifts after the first."""
    i = np.concatenate([np.arange(c) for c in workers_per_grid]) if len(workers_per_grid) else np.zeros(0)
    return (first_hour + i * shift_len) % 24.0


def daily_rosters(workers_per_grid: np.ndarray, first_hour: float, shift_len: float) -> Rosters:
    """Every worker on a staggered daily shift, seven days a week (tests and benchmarks)."""
    ss = shift_starts(np.asarray(workers_per_grid), first_hour, shift_len)
    return uniform_rosters(ss.size, ss, shift_len)


def patrol_finders(patrol: np.ndarray, report: np.ndarray, grid: np.ndarray, gw_start: np.ndarray,
                   rosters: Rosters) -> np.ndarray:
    """First own worker on duty when a patrol-found incident appears (−1: nobody → reported)."""
    finder = np.full(report.size, -1, np.int64)
    size = np.diff(gw_start)
    for i in range(int(size.max()) if size.size else 0):
        w = gw_start[grid] + i
        ok = patrol & (finder < 0) & (i < size[grid])
        ws = np.where(ok, w, 0)
        hit = ok & on_duty(report, ws, rosters) if rosters.n_workers else ok & False
        finder[hit] = w[hit]
    return finder


def run_workflow(inp: WorkflowInputs, engine: str, progress=None) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                                          np.ndarray]:
    """Per incident (worker, start, arrival, end) from the Numba kernel or the SimPy model.

    ``progress`` (``engine.progress.Progress``) is reported to, and can cancel, the SimPy
    run; the Numba kernel is one call of about a second per 2 M incidents.
    """
    if engine == "numba":
        from ._kernels import workflow_kernel

        order = np.argsort(inp.dispatch, kind="stable").astype(np.int64)
        r = inp.rosters
        return workflow_kernel(order, inp.dispatch, inp.report, inp.unit, inp.grid, inp.urg, inp.finder >= 0,
                               inp.finder, inp.handle, inp.travel, inp.gw_start, inp.cand, r.shift_start, r.shift_len,
                               r.day_mask, int(r.days), bool(inp.on_call), int(inp.cap), int(inp.policy))
    from .reference import WorkflowModel

    return WorkflowModel(inp, progress).run()
