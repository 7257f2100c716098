"""``simulate_scenario``: demand → closed-loop workflow on either engine → metrics."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import Problem, ValidationError
from ..params import DEFAULTS
from ..progress import NULL, Progress
from . import metrics
from .roster import duty_hours_between, on_duty
from .workflow import POLICIES, WorkflowInputs, patrol_finders, run_workflow

ENGINES = DEFAULTS["simulation"]["engine"].choices  # ("numba", "simpy")


@dataclass
class SimulationResult:
    """Per-incident table, summary, per-grid / per-worker / per-street aggregates, backlog."""

    incidents: dict[str, np.ndarray]
    summary: dict[str, Any]
    per_grid: dict[str, np.ndarray]
    per_worker: dict[str, np.ndarray]
    backlog: tuple[np.ndarray, np.ndarray]
    per_street: dict[str, dict[str, Any]] = field(default_factory=dict)
    per_community: dict[str, dict[str, Any]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_parquet(self, path: str | Path) -> Path:
        """Write the per-incident event log as Parquet (atomically)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        from ..atomic import atomic_path

        cols = {}
        for k, v in self.incidents.items():
            arr = np.asarray(v)
            cols[k] = pa.array(arr.astype(str)).dictionary_encode() if arr.dtype == object else pa.array(arr)
        table = pa.table(cols)
        with atomic_path(path) as tmp:
            pq.write_table(table, tmp, compression="zstd")
        return Path(path)


def _options(scenario, days, seed, engine, replication=0) -> tuple[float, int, str]:
    """[simulation] days / seed / engine, each overridable (CLI), checked by the parameter schema,
    and the incident volume those days would draw (the loader checked it for [simulation] days)."""
    from ..param_checks import incident_volume_problem
    from ..params import check

    sim = scenario.params["simulation"]
    chosen = {"days": sim["days"] if days is None else days, "seed": sim["seed"] if seed is None else seed,
              "engine": sim["engine"] if engine is None else engine}
    problems = check({"simulation": chosen}, "scenario.toml", sections=("simulation",))
    if isinstance(replication, bool) or not isinstance(replication, (int, np.integer)) or int(replication) < 0:
        problems.append(Problem(f"replication must be a whole number ≥ 0, got {replication!r}", "options",
                                field="replication"))
    if problems:
        raise ValidationError(problems)
    units = getattr(scenario, "units", None)
    if units is not None:
        residents = float(np.nansum(np.clip(np.asarray(units.residents, dtype=float), 0, None)))
        found = incident_volume_problem(scenario.params, residents, float(chosen["days"]))
        if found:
            raise ValidationError([Problem(found[2], "scenario.toml", found[0], field=found[1])])
    return float(chosen["days"]), int(chosen["seed"]), str(chosen["engine"])


def _located(problem: Problem, scenario) -> Problem:
    """``problem`` with the bare file name "scenario.toml" replaced by the scenario's own path."""
    path = getattr(scenario, "path", None)
    if problem.file != "scenario.toml" or path is None:
        return problem
    return Problem(problem.message, str(Path(path) / "scenario.toml"), problem.layer, problem.fid, problem.field,
                   problem.severity)


def check_model_params(scenario) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) of the duty, responder, escalation, routine-work, micro-grid member and
    site parameters against this scenario's facilities: run by ``simulate_scenario`` and by the
    ``validate`` workflow's dry run, so validate never passes what the simulation refuses."""
    from .emergency import check_emergency_params
    from .escalation import check_escalation_params
    from .micro import check_micro_params
    from .roster import check_roster_params
    from .routine import check_routine_params
    from .sites import check_site_params

    p = scenario.params
    errors, warnings = check_emergency_params(p, scenario.facilities)
    for check in (check_escalation_params, check_routine_params, check_micro_params, check_roster_params,
                  check_site_params):
        errors += check(p)
    return errors, warnings


def check_workflow_params(params: dict) -> None:
    """Every workflow / staffing / travel / demand value the engines rely on (the parameter
    schema), raised as one ``ValidationError`` naming each section and key."""
    from ..params import require

    require(params, ("workflow", "staffing", "travel", "demand"))


def simulate_scenario(scenario, days: float | None = None, seed: int | None = None, engine: str | None = None,
                      travel: Any = None, progress: Progress | None = None, hotspot: np.ndarray | None = None,
                      layout=None, replication: int = 0, stream_key: int | None = None) -> SimulationResult:
    """Simulate ``days`` of incidents and their closed-loop handling on a loaded scenario.

    Defaults for ``days`` / ``seed`` / ``engine`` come from ``[simulation]``.  ``travel`` is
    passed to ``setup.worker_travel_h`` (None = road network when possible); ``hotspot``
    multiplies the residents of each unit in the spatial intensity; ``layout`` reuses a
    ``setup.build_layout`` result (e.g. across seeds).  ``replication`` r draws the r-th
    independent replication of ``seed`` (``streams.replication_seed``): the same (seed, r)
    gives every scenario with the same units the same incidents (common random numbers).
    ``stream_key`` keys the streams by district (``city.simulate_district``).
    """
    from ..demand import build_demand
    from .setup import build_layout
    from .streams import workflow_streams

    progress = progress or NULL
    p = scenario.params
    try:
        days, seed, engine = _options(scenario, days, seed, engine, replication)
        check_workflow_params(p)
    except ValidationError as exc:  # name the scenario: compare and batch load several
        raise ValidationError([_located(q, scenario) for q in exc.problems]) from None
    errors, warnings = check_model_params(scenario)
    if errors:
        raise ValidationError([_located(q, scenario) for q in errors])
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    progress(0.0, "workers and travel times")
    from .canonical import canonical, restore

    scenario, g_order, u_order = canonical(scenario)     # a null edit must change no number
    if hotspot is not None and np.shape(hotspot) == u_order.shape:
        hotspot = np.asarray(hotspot)[u_order]
    lay = layout if layout is not None else build_layout(scenario, travel)
    timings["layout"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    progress(0.3, "drawing incidents")
    history = scenario.incidents if p["demand"].get("fit_history", True) else None
    model = build_demand(p, scenario.units.residents, hotspot=hotspot, history=history,
                         unit_xy=np.column_stack([scenario.units.x, scenario.units.y]))
    from .sites import add_site_demand, with_sites

    n_base = len(scenario.units)
    scenario, site_kinds = with_sites(scenario)
    if site_kinds.size:
        model = add_site_demand(model, p, n_base, site_kinds)
    if lay.travel.shape[0] != len(scenario.units):
        raise GridGovError("layout was built for another scenario (unit count differs): rebuild it")
    s = workflow_streams(model, p, days, seed, replication, stream_key)
    st, wf = p["staffing"], p["workflow"]
    grid = lay.unit_grid[s["unit"]]
    finder = patrol_finders(s["patrol"], s["time_h"], grid, lay.gw_start, lay.rosters)
    dispatch = np.where(finder >= 0, s["time_h"], s["time_h"] + s["delay"])
    inp = WorkflowInputs(s["time_h"], dispatch, s["unit"], grid, s["urgency"], finder, s["handle"],
                         np.ascontiguousarray(lay.travel), lay.gw_start, lay.cand, lay.rosters,
                         bool(st["on_call_urgent"]), int(wf["max_concurrent_cases"]), POLICIES[wf["dispatch_policy"]])
    timings["streams"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    progress(0.4, f"simulating {s['time_h'].size:,} incidents ({engine})")
    worker, start, arrival, end = run_workflow(inp, engine, progress.sub(0.4, 0.9))
    from .emergency import run_emergencies

    s.update(run_emergencies(lay.responders, p["emergency"], s["time_h"], s["unit"], s["type"], model.type_keys,
                             s["emergency_z"], engine))
    from .escalation import run_centres

    s.update(run_centres(lay.centres, list(s["level_keys"]), s["level"], s["unit"], end, s["centre_work"], engine))
    timings["engine"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    progress(0.9, "metrics")
    result = assemble(scenario, lay, model, s, inp, worker, start, arrival, end, days)
    timings["metrics"] = time.perf_counter() - t0
    result.meta.update(demand_sites=int(site_kinds.size), engine=engine, days=days, seed=seed, replication=replication, travel_source=lay.travel_source,
                       n_workers=lay.n_workers, policy=wf["dispatch_policy"], fitted_from=model.fitted_from,
                       timings_s=timings, warnings=[str(w) for w in warnings], **lay.info)
    restore(result, g_order, u_order)
    progress(1.0, "simulation done")
    return result


def assemble(scenario, lay, model, s, inp, worker, start, arrival, end, days) -> SimulationResult:
    """Per-incident table and aggregates from the engine's raw times."""
    p = scenario.params
    t = s["time_h"]
    urg_keys = np.array(model.urgency_keys, dtype=object)
    deadline = incident_deadlines(p["workflow"], model.type_keys, model.urgency_keys, s["type"], s["urgency"])
    response = (arrival - t) * 60.0
    from .micro import first_contact_min

    in_micro = np.asarray(scenario.units.micro_id, dtype=object)[s["unit"]] != ""
    micro_min = first_contact_min(p["micro_member"], t, in_micro, inp.finder < 0, s["micro_u"], s["micro_z"])
    closed_h = end - t + s["centre_wait_h"] + s["centre_work_h"] + s["escalated"] + s["verify"]
    cfac = lay.centres.facility
    grid_row = lay.grid_rows[inp.grid]
    inc = {
        "time_h": t, "type": np.array(model.type_keys, dtype=object)[s["type"]], "urgency": urg_keys[s["urgency"]],
        "unit": s["unit"], "grid": grid_row, "worker": worker, "response_min": response, "closed_h": closed_h,
        "deadline_h": deadline, "on_time": closed_h <= deadline, "level": s["level_keys"][s["level"]],
        "found_on_patrol": inp.finder >= 0, "dispatch_h": inp.dispatch - t,
        "first_response_min": np.fmin(response, micro_min), "micro_member_first": micro_min < response,
        "emergency": s["is_emergency"], "emergency_response_min": (s["emergency_arrival_h"] - t) * 60.0,
        "responder": _facility_ids(scenario, s["responder"]),
        "centre": _facility_ids(scenario, np.where(s["centre"] >= 0, cfac[np.maximum(s["centre"], 0)], -1)
                                if cfac.size else np.full(t.size, -1)),
        "centre_wait_h": s["centre_wait_h"],
        "dispatched_on_duty": patrol_finders(np.ones(t.size, bool), inp.dispatch, inp.grid, inp.gw_start,
                                             inp.rosters) >= 0,
    }
    W = lay.n_workers
    attended = worker >= 0
    busy = np.bincount(worker[attended], weights=(end - start)[attended], minlength=W)
    cases = np.bincount(worker[attended], minlength=W)
    all_w = np.arange(W)
    duty_h = duty_hours_between(np.zeros(W), np.full(W, days * 24.0), all_w, inp.rosters)
    worker_grid = np.repeat(np.arange(lay.grid_rows.size), np.diff(lay.gw_start))
    wstreet = lay.street[worker_grid] if lay.street is not None else \
        np.asarray(scenario.grids.street).astype(str)[lay.grid_rows[worker_grid]]
    on_duty_busy = np.bincount(worker[attended], minlength=W, weights=duty_hours_between(
        start[attended], end[attended], worker[attended], inp.rosters))
    per_worker = {"grid_row": lay.grid_rows[worker_grid], "cases": cases.astype(np.int64), "busy_h": busy,
                  "utilisation": busy / np.maximum(duty_h, 1e-9), "duty_h": duty_h, "patrol_h": np.maximum(duty_h - on_duty_busy, 0.0)}
    times, open_cases = metrics.backlog(t, t + closed_h, days * 24.0)
    from .routine import workload

    rw = workload(p, days, lay, per_worker, scenario.units)
    per_worker.update(routine_h=rw["routine_h"], utilisation_with_routine=rw["utilisation_with_routine"])
    summary = metrics.summarise(inc, per_worker, open_cases)
    own = per_worker["grid_row"] >= 0
    uw = rw["utilisation_with_routine"][own]
    summary.update(utilisation_with_routine_mean=float(uw.mean()) if uw.size else float("nan"),
                   utilisation_with_routine_max=float(uw.max()) if uw.size else float("nan"),
                   routine_h_per_worker_week=float(rw["routine_h"][own].mean() * 7.0 / days) if uw.size else 0.0,
                   workers_needed=int(rw["grid_workers_needed"].sum()),
                   workers_grid=int(own.sum()))
    patrol = per_worker["patrol_h"] / np.maximum(duty_h, 1e-9)
    summary["patrol_share_mean"] = float(patrol.mean()) if W else float("nan")
    summary["patrol_target_met_share"] = float(np.mean(patrol >= float(p["staffing"]["patrol_share"]))) if W \
        else float("nan")

    n_rows = len(scenario.grids)
    g = metrics.group_stats(grid_row, n_rows, inc)
    util = np.full(n_rows, np.nan)
    work = np.zeros(n_rows)
    fixed = per_worker["grid_row"] >= 0                      # street-pool workers belong to no grid
    np.add.at(work, per_worker["grid_row"][fixed], busy[fixed])
    wcount = np.bincount(per_worker["grid_row"][fixed], minlength=n_rows)
    wduty = np.bincount(per_worker["grid_row"][fixed], weights=duty_h[fixed], minlength=n_rows)
    util[wcount > 0] = work[wcount > 0] / np.maximum(wduty[wcount > 0], 1e-9)
    routine_g = np.zeros(n_rows)
    need_g = np.zeros(n_rows, np.int64)
    gown = lay.grid_rows >= 0
    routine_g[lay.grid_rows[gown]] = rw["grid_routine_h"][gown]
    need_g[lay.grid_rows[gown]] = rw["grid_workers_needed"][gown]
    with np.errstate(invalid="ignore", divide="ignore"):
        util_r = np.where(wcount > 0, (work + routine_g) / np.maximum(wduty, 1e-9), np.nan)
    per_grid = {**g, "utilisation": util, "workload_h": work, "workers": wcount.astype(np.int64),
                "routine_h": routine_g, "utilisation_with_routine": util_r, "workers_needed": need_g}
    per_worker["street"] = wstreet
    grids = scenario.grids
    per_street = area_aggregates(grids.street, inc, per_worker["street"], per_worker, "(no street)")
    community = np.asarray(grids.community).astype(str)
    wcomm = np.where(per_worker["grid_row"] >= 0, community[np.maximum(per_worker["grid_row"], 0)], "\x00mobile")
    per_community = area_aggregates(community, inc, wcomm, per_worker, "(no community)")
    return SimulationResult(inc, summary, per_grid, per_worker, (times, open_cases), per_street, per_community)


def incident_deadlines(wf: dict, type_keys, urgency_keys, types: np.ndarray, urgency: np.ndarray) -> np.ndarray:
    """Closure deadline (h) of each incident: the type's deadline (``type_deadline_h``) for
    normal incidents; the urgency's (``deadline_h``) for urgent and complex ones."""
    by_urg = np.array([float(wf["deadline_h"][k]) for k in urgency_keys])[urgency]
    by_type = np.array([float(wf["type_deadline_h"].get(k, np.nan)) for k in type_keys])[types]
    normal = np.array([k == "normal" for k in urgency_keys])[urgency]
    return np.where(normal & np.isfinite(by_type), by_type, by_urg)


def _facility_ids(scenario, rows: np.ndarray) -> np.ndarray:
    """Facility id of each responder row ('' where none)."""
    fac = scenario.facilities
    ids = np.asarray(fac.id, dtype=object) if fac is not None and len(fac) else np.zeros(0, dtype=object)
    return np.where(rows >= 0, ids[np.maximum(rows, 0)] if ids.size else "", "").astype(object)


def area_aggregates(grid_label: np.ndarray, inc: dict[str, np.ndarray], worker_label: np.ndarray,
                    per_worker: dict[str, np.ndarray], missing: str) -> dict[str, dict]:
    """Per area (street 街道 or community 社区): ``metrics.GROUP_KEYS``, workers, load."""
    keys, sidx = np.unique(np.asarray(grid_label).astype(str), return_inverse=True)
    g = metrics.group_stats(sidx[inc["grid"]], keys.size, inc)
    ws = np.searchsorted(keys, worker_label)
    ws[(ws >= keys.size) | (keys[np.minimum(ws, keys.size - 1)] != worker_label)] = -1
    out = {}
    for i, name in enumerate(keys):
        mine = ws == i
        out[str(name) or missing] = {
            **{k: (int if v.dtype.kind == "i" else float)(v[i]) for k, v in g.items()}, "workers": int(mine.sum()),
            "utilisation_mean": float(per_worker["utilisation"][mine].mean()) if mine.any() else float("nan"),
            "workload_gini": metrics.gini(per_worker["busy_h"][mine]),
        }
    return out
