"""Escalation: which incidents go up, and the centres that serve them as queues with capacity.

* Probability: the on-the-spot / escalation shares of ``[workflow]`` are the overall
  calibration; each incident's escalation probability is that total × ``type_factor`` ×
  ``urgency_factor``, scaled over the type and urgency mixes so the overall share is
  unchanged (probabilities capped at 1).  The level among escalated incidents keeps the shares' proportions.
* Centres: a ``governance_centre`` facility (综治中心) is a street centre, or a district
  centre when the facilities layer has a ``level`` column saying "district".  Its servers
  are ``max(1, round(staff × on_duty_share))`` (the staff of a 24-hour centre are not all
  on duty at once).  A case escalated to the street goes to its own street's centre, else
  to the nearest street centre; a district case to the nearest district centre.  A level
  with no centre (community cases; district cases without a district centre) is not
  capacity-limited: only its lead time applies.
* Queue: a case joins its centre when the grid worker's on-site work ends; FCFS, the first
  free desk takes it for a lognormal ``work_median_h`` / ``work_p90_h``; then the
  departments' lead time (``workflow.escalated_median_h``) and verification follow.
  ``centre_queue_kernel`` (Numba) and ``reference.centre_queue_reference`` (SimPy) give
  identical starts; tests/test_simulation_escalation.py checks the queue against Erlang C.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import Problem

QUEUED_LEVELS = ("street", "district")


@dataclass
class Centres:
    facility: np.ndarray          # (M,) facility row
    level: np.ndarray             # (M,) "street" | "district"
    servers: np.ndarray           # (M,)
    server_start: np.ndarray      # (M+1,)
    unit_centre: dict             # level → (n_units,) centre index (−1: no centre of that level)


def centre_levels(fac) -> np.ndarray:
    """Level of every facility row as a centre ("street" by default; "district" by the ``level`` column)."""
    lv = np.asarray(fac.attrs.get("level", np.full(len(fac), "", dtype=object)), dtype=object)
    return np.where(np.char.lower(lv.astype(str)) == "district", "district", "street").astype(object)


def build_centres(scenario, unit_grid_street: np.ndarray) -> Centres:
    """Escalation centres of a scenario and the centre each unit's escalated cases go to."""
    esc = scenario.params["escalation"]
    fac, units = scenario.facilities, scenario.units
    rows = fac.of_type("governance_centre") if fac is not None and len(fac) else np.zeros(0, np.int64)
    rows = rows[np.isfinite(fac.x[rows]) & np.isfinite(fac.y[rows])] if rows.size else rows
    level = centre_levels(fac)[rows] if rows.size else np.zeros(0, dtype=object)
    staff = np.asarray(fac.staff, dtype=np.float64)[rows] if rows.size else np.zeros(0)
    servers = np.maximum(1, np.round(np.where(np.isfinite(staff), staff, 0) * float(esc["on_duty_share"])))
    servers = servers.astype(np.int64)
    gstreet = dict(zip(np.asarray(scenario.grids.id).tolist(), np.asarray(scenario.grids.street).astype(str).tolist()))
    cstreet = np.array([gstreet.get(fac.grid_id[f], "") for f in rows], dtype=object)
    uxy = np.column_stack([units.x, units.y])
    unit_centre = {}
    for lv in QUEUED_LEVELS:
        mine = np.flatnonzero(level == lv)
        out = np.full(len(units), -1, np.int64)
        if mine.size:
            out = mine[nearest_points_straight(uxy, np.column_stack([fac.x[rows[mine]], fac.y[rows[mine]]]))]
            if lv == "street":               # own street's centre first (the first centre of the street)
                own = {}
                for j in mine:
                    if cstreet[j] != "":
                        own.setdefault(cstreet[j], j)
                names, inv = np.unique(np.asarray(unit_grid_street).astype(str), return_inverse=True)
                street_centre = np.array([own.get(nm, -1) for nm in names.tolist()], np.int64)[inv.ravel()]
                out = np.where(street_centre >= 0, street_centre, out)
        unit_centre[lv] = out
    return Centres(rows, level, servers, np.concatenate([[0], np.cumsum(servers)]).astype(np.int64), unit_centre)


def nearest_points_straight(pxy: np.ndarray, qxy: np.ndarray) -> np.ndarray:
    """Index of the nearest ``qxy`` point (straight line, first on ties) of every ``pxy`` point:
    ``np.argmin`` of the (P, Q) distance matrix without building it (265,000 units × 281
    centres would be 600 MB)."""
    from ._kernels_emergency import nearest_point_kernel

    out = np.zeros(pxy.shape[0], np.int64)
    if qxy.shape[0] and pxy.shape[0]:
        nearest_point_kernel(*(np.ascontiguousarray(a, dtype=np.float64) for a in (pxy[:, 0], pxy[:, 1], qxy[:, 0],
                                                                                     qxy[:, 1])), out)
    return out


def escalation_probability(params: dict, type_keys, urgency_keys, type_p, urgency_p):
    """(P_escalate[type, urgency], level proportions) keeping the overall share of ``[workflow]``."""
    wf, esc = params["workflow"], params["escalation"]
    share = np.array([float(wf["onspot_share"]), *[float(v) for v in wf["escalation_share"].values()]])
    share = share / share.sum()
    total = 1.0 - share[0]
    ft = np.array([float(esc["type_factor"].get(k, 1.0)) for k in type_keys])
    fu = np.array([float(esc["urgency_factor"].get(k, 1.0)) for k in urgency_keys])
    f = ft[:, None] * fu[None, :]
    w = np.asarray(type_p)[:, None] * np.asarray(urgency_p)[None, :]
    lo, hi = 0.0, 1.0 / max(float(f[w > 0].min(initial=np.inf)), 1e-12) if np.any(f[w > 0] > 0) else 0.0
    for _ in range(100):               # scale s with Σ w · min(1, s f) = total (probabilities cap at 1)
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if float(np.sum(w * np.minimum(1.0, mid * f))) < total else (lo, mid)
    p = np.minimum(1.0, hi * f)
    levels = share[1:] / total if total > 0 else share[1:]
    return p, levels


def draw_levels(p: np.ndarray, levels: np.ndarray, types: np.ndarray, urgency: np.ndarray, u: np.ndarray):
    """Level code per incident (0 = handled by the grid; 1.. = escalation levels) from one uniform."""
    pe = p[types, urgency]
    esc = u < pe
    v = np.where(esc, u / np.maximum(pe, 1e-300), 0.0)
    cum = np.cumsum(levels)
    lv = np.minimum(np.searchsorted(cum / cum[-1], v, side="right"), levels.size - 1) + 1 if levels.size else 0 * v
    return np.where(esc, lv, 0).astype(np.int8)


def run_centres(c: Centres, level_keys, level: np.ndarray, unit: np.ndarray, arrive: np.ndarray, work: np.ndarray,
                engine: str) -> dict[str, np.ndarray]:
    """Per incident ``centre`` (index, −1 = none), ``centre_wait_h`` and ``centre_work_h`` (0 when none)."""
    n = arrive.size
    centre = np.full(n, -1, np.int64)
    for i, name in enumerate(level_keys):
        if name in c.unit_centre:
            hit = level == i
            centre[hit] = c.unit_centre[name][unit[hit]]
    order = np.argsort(arrive, kind="stable").astype(np.int64)
    if engine == "numba":
        from ._kernels_emergency import centre_queue_kernel as fn
    else:
        from .reference_emergency import centre_queue_reference as fn
    start = fn(order, arrive, centre, work, c.server_start)
    queued = centre >= 0
    return {"centre": centre, "centre_wait_h": np.where(queued, start - arrive, 0.0),
            "centre_work_h": np.where(queued, work, 0.0)}


def check_escalation_params(params: dict) -> list[Problem]:
    esc, out = params["escalation"], []
    for key in ("type_factor", "urgency_factor"):
        for k, v in esc[key].items():
            if not (float(v) >= 0 and np.isfinite(v)):
                out.append(Problem(f"must be ≥ 0, got {v!r}", "scenario.toml", "escalation", field=f"{key}.{k}"))
    if not 0 < float(esc["on_duty_share"]) <= 1:
        out.append(Problem("must be in (0, 1]", "scenario.toml", "escalation", field="on_duty_share"))
    for key in ("work_median_h", "work_p90_h"):
        for k, v in esc[key].items():
            if not (float(v) > 0 and np.isfinite(v)):
                out.append(Problem(f"must be > 0, got {v!r}", "scenario.toml", "escalation", field=f"{key}.{k}"))
    return out
