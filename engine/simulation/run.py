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
from .workflow import POLICIES, WorkflowInputs, patrol_finders, run_workflow, shift_starts

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


def _options(scenario, days, seed, engine) -> tuple[float, int, str]:
    """[simulation] days / seed / engine, each overridable (CLI), checked by the parameter schema,
    and the incident volume those days would draw (the loader checked it for [simulation] days)."""
    from ..param_checks import incident_volume_problem
    from ..params import check

    sim = scenario.params["simulation"]
    chosen = {"days": sim["days"] if days is None else days, "seed": sim["seed"] if seed is None else seed,
              "engine": sim["engine"] if engine is None else engine}
    problems = check({"simulation": chosen}, "scenario.toml", sections=("simulation",))
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


def check_workflow_params(params: dict) -> None:
    """Every workflow / staffing / travel / demand value the engines rely on (the parameter
    schema), raised as one ``ValidationError`` naming each section and key."""
    from ..params import require

    require(params, ("workflow", "staffing", "travel", "demand"))


def simulate_scenario(scenario, days: float | None = None, seed: int | None = None, engine: str | None = None,
                      travel: Any = None, progress: Progress | None = None, hotspot: np.ndarray | None = None,
                      layout=None) -> SimulationResult:
    """Simulate ``days`` of incidents and their closed-loop handling on a loaded scenario.

    Defaults for ``days`` / ``seed`` / ``engine`` come from ``[simulation]``.  ``travel`` is
    passed to ``setup.worker_travel_h`` (None = road network when possible); ``hotspot``
    multiplies the residents of each unit in the spatial intensity; ``layout`` reuses a
    ``setup.build_layout`` result (e.g. across seeds).
    """
    from ..demand import build_demand
    from .setup import build_layout
    from .streams import workflow_streams

    progress = progress or NULL
    p = scenario.params
    try:
        days, seed, engine = _options(scenario, days, seed, engine)
        check_workflow_params(p)
    except ValidationError as exc:  # name the scenario: compare and batch load several
        raise ValidationError([_located(q, scenario) for q in exc.problems]) from None
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    progress(0.0, "workers and travel times")
    lay = layout if layout is not None else build_layout(scenario, travel)
    timings["layout"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    progress(0.3, "drawing incidents")
    history = scenario.incidents if p["demand"].get("fit_history", True) else None
    model = build_demand(p, scenario.units.residents, hotspot=hotspot, history=history)
    s = workflow_streams(model, p, days, seed)
    st, wf = p["staffing"], p["workflow"]
    shift_len = float(st["shift_hours"])
    wpg = np.diff(lay.gw_start)
    sstart = shift_starts(wpg, float(st["shift_start_hour"]), shift_len)
    grid = lay.unit_grid[s["unit"]]
    finder = patrol_finders(s["patrol"], s["time_h"], grid, lay.gw_start, sstart, shift_len)
    dispatch = np.where(finder >= 0, s["time_h"], s["time_h"] + s["delay"])
    inp = WorkflowInputs(s["time_h"], dispatch, s["unit"], grid, s["urgency"], finder, s["handle"],
                         np.ascontiguousarray(lay.travel), lay.gw_start, lay.cand, sstart, shift_len,
                         bool(st["on_call_urgent"]), int(wf["max_concurrent_cases"]), POLICIES[wf["dispatch_policy"]])
    timings["streams"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    progress(0.4, f"simulating {s['time_h'].size:,} incidents ({engine})")
    worker, start, arrival, end = run_workflow(inp, engine, progress.sub(0.4, 0.9))
    timings["engine"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    progress(0.9, "metrics")
    result = assemble(scenario, lay, model, s, inp, worker, start, arrival, end, days)
    timings["metrics"] = time.perf_counter() - t0
    result.meta.update(engine=engine, days=days, seed=seed, travel_source=lay.travel_source,
                       n_workers=lay.n_workers, policy=wf["dispatch_policy"], fitted_from=model.fitted_from,
                       timings_s=timings, **lay.info)
    progress(1.0, "simulation done")
    return result


def assemble(scenario, lay, model, s, inp, worker, start, arrival, end, days) -> SimulationResult:
    """Per-incident table and aggregates from the engine's raw times."""
    p = scenario.params
    t = s["time_h"]
    urg_keys = np.array(model.urgency_keys, dtype=object)
    deadline = np.array([float(p["workflow"]["deadline_h"][k]) for k in model.urgency_keys])[s["urgency"]]
    response = (arrival - t) * 60.0
    closed_h = end - t + s["escalated"] + s["verify"]
    grid_row = lay.grid_rows[inp.grid]
    inc = {
        "time_h": t, "type": np.array(model.type_keys, dtype=object)[s["type"]], "urgency": urg_keys[s["urgency"]],
        "unit": s["unit"], "grid": grid_row, "worker": worker, "response_min": response, "closed_h": closed_h,
        "deadline_h": deadline, "on_time": closed_h <= deadline, "level": s["level_keys"][s["level"]],
        "found_on_patrol": inp.finder >= 0, "dispatch_h": inp.dispatch - t,
        "dispatched_on_duty": patrol_finders(np.ones(t.size, bool), inp.dispatch, inp.grid, inp.gw_start,
                                             inp.shift_start, inp.shift_len) >= 0,
    }
    W = lay.n_workers
    attended = worker >= 0
    busy = np.bincount(worker[attended], weights=(end - start)[attended], minlength=W)
    cases = np.bincount(worker[attended], minlength=W)
    duty_h = days * inp.shift_len
    worker_grid = np.repeat(np.arange(lay.grid_rows.size), np.diff(lay.gw_start))
    wstreet = lay.street[worker_grid] if lay.street is not None else \
        np.asarray(scenario.grids.street).astype(str)[lay.grid_rows[worker_grid]]
    on_duty_busy = np.bincount(worker[attended], minlength=W, weights=metrics.duty_overlap(
        start[attended], end[attended], inp.shift_start[worker[attended]], inp.shift_len))
    per_worker = {"grid_row": lay.grid_rows[worker_grid], "cases": cases.astype(np.int64), "busy_h": busy,
                  "utilisation": busy / duty_h, "patrol_h": np.maximum(duty_h - on_duty_busy, 0.0)}
    times, open_cases = metrics.backlog(t, t + closed_h, days * 24.0)
    summary = metrics.summarise(inc, per_worker, open_cases)
    patrol = per_worker["patrol_h"] / duty_h
    summary["patrol_share_mean"] = float(patrol.mean()) if W else float("nan")
    summary["patrol_target_met_share"] = float(np.mean(patrol >= float(p["staffing"]["patrol_share"]))) if W \
        else float("nan")

    n_rows = len(scenario.grids)
    g = metrics.group_stats(grid_row, n_rows, inc)
    util = np.full(n_rows, np.nan)
    work = np.zeros(n_rows)
    fixed = per_worker["grid_row"] >= 0                      # mobile-pool workers belong to no grid
    np.add.at(work, per_worker["grid_row"][fixed], busy[fixed])
    wcount = np.bincount(per_worker["grid_row"][fixed], minlength=n_rows)
    util[wcount > 0] = work[wcount > 0] / (wcount[wcount > 0] * duty_h)
    per_grid = {**g, "utilisation": util, "workload_h": work, "workers": wcount.astype(np.int64)}
    per_worker["street"] = wstreet
    grids = scenario.grids
    per_street = area_aggregates(grids.street, inc, per_worker["street"], per_worker, "(no street)")
    community = np.asarray(grids.community).astype(str)
    wcomm = np.where(per_worker["grid_row"] >= 0, community[np.maximum(per_worker["grid_row"], 0)], "\x00mobile")
    per_community = area_aggregates(community, inc, wcomm, per_worker, "(no community)")
    return SimulationResult(inc, summary, per_grid, per_worker, (times, open_cases), per_street, per_community)


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
