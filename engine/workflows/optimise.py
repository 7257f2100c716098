"""The ``optimise`` use case: propose a new layout of a scenario and write it as a new scenario.

Modes:
  * ``grids``: redraw the general grids (``optimise.districting.draw_grids``) and their
    micro-grids; planner-locked grids, their micro-grids and dedicated grids stay as they are.
  * ``facilities``: move the grid workstations (``grid_station``) to the road nodes that
    minimise household-weighted worker travel time (p-median, p = their number; capacitated by
    staff when they have staff; locked stations stay and count toward p).
  * ``joint``: redraw the grids, then give every general grid a workstation at the road node
    of the grid that minimises its households' travel time (its 1-median), so the worker starts
    where the grid's response time is least; the proposal is scored with the simulation.
Outputs: ``write_optimised`` writes the new scenario folder (ready for ``gridgov run`` and
``gridgov compare``) with ``optimise.json`` = the change summary.
"""
from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import GridGovError, Problem, ValidationError
from ..progress import NULL, Progress
from ..scenario.model import Scenario

MODES = ("grids", "facilities", "joint")
SUMMARY = "optimise.json"


@dataclass
class Lock:
    grids: set = field(default_factory=set)
    facilities: set = field(default_factory=set)


@dataclass
class OptimiseRun:
    source: Scenario
    scenario: Scenario
    mode: str
    summary: dict[str, Any]


def read_lock(path: str | os.PathLike, scenario: Scenario) -> Lock:
    """Ids of grids (and facilities) that must not change: one per line (``#`` starts a
    comment), or JSON ``{"grids": [...], "facilities": [...]}``.  Unknown ids are Problems."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise GridGovError(f"{p}: cannot read the lock file: {exc.strerror or exc}") from None
    entries: list[tuple[str, str, str]] = []   # (id, kind hint, where)
    if text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError([Problem(f"not valid JSON: {exc.msg}", str(p), field=f"line {exc.lineno}")]) from None
        for kind in ("grids", "facilities"):
            entries += [(str(v), kind, kind) for v in doc.get(kind, [])]
        unknown_keys = set(doc) - {"grids", "facilities"}
        if unknown_keys:
            raise ValidationError([Problem(f"unknown key(s) {sorted(unknown_keys)}: use 'grids' and 'facilities'", str(p))])
    else:
        for n, line in enumerate(text.splitlines(), 1):
            item = line.split("#", 1)[0].strip()
            if item:
                entries.append((item, "", f"line {n}"))
    grid_ids, fac_ids = set(scenario.grids.id.astype(str)), set(scenario.facilities.id.astype(str))
    lock, problems = Lock(), []
    for item, kind, where in entries:
        if kind != "facilities" and item in grid_ids:
            lock.grids.add(item)
        elif kind != "grids" and item in fac_ids:
            lock.facilities.add(item)
        else:
            what = {"grids": "grid", "facilities": "facility"}.get(kind, "grid or facility")
            problems.append(Problem(f"'{item}' is not a {what} id of the scenario (layer "
                                    f"'{'facilities' if kind == 'facilities' else 'grids'}', field 'id')", str(p),
                                    field=where))
    if problems:
        raise ValidationError(problems)
    return lock


def optimise(scenario: Scenario | str | os.PathLike, mode: str = "grids", *, lock: str | os.PathLike | None = None,
             seed: int = 0, time_limit: float | None = None, score: bool | None = None,
             progress: Progress = NULL) -> OptimiseRun:
    """A proposal for ``scenario`` (folder or loaded) in one of ``MODES``; ``score`` (default:
    joint mode only) runs the simulation on both layouts and adds their key scores to the summary."""
    from ..scenario.load import load_scenario

    if mode not in MODES:
        raise GridGovError(f"unknown mode '{mode}' (known: {', '.join(MODES)})")
    if not isinstance(scenario, Scenario):
        progress(0.0, f"loading {Path(scenario).name}")
        scenario = load_scenario(scenario)
    locks = read_lock(lock, scenario) if lock else Lock()
    summary: dict[str, Any] = {"mode": mode, "seed": seed, "time_limit_s": time_limit,
                               "locked": {"grids": sorted(locks.grids), "facilities": sorted(locks.facilities)}}
    proposal = scenario
    if mode in ("grids", "joint"):
        from ..optimise.redraw import redraw_grids

        proposal, summary["grids"] = redraw_grids(proposal, locks.grids, seed=seed, time_limit=time_limit,
                                                  progress=progress.sub(0.05, 0.6 if mode == "joint" else 0.95))
    if mode == "facilities":
        from ..optimise.stations import relocate_stations

        proposal, summary["facilities"] = relocate_stations(proposal, locks.facilities, seed=seed,
                                                            time_limit=time_limit, progress=progress.sub(0.05, 0.95))
    if mode == "joint":
        from ..optimise.stations import station_per_grid

        proposal, summary["facilities"] = station_per_grid(proposal, scenario, locks, progress=progress.sub(0.6, 0.8))
    if score if score is not None else mode == "joint":
        summary["scores"] = _score_both(scenario, proposal, progress.sub(0.8, 1.0))
    progress(1.0, "done")
    return OptimiseRun(scenario, proposal, mode, summary)


def _score_both(before: Scenario, after: Scenario, progress: Progress) -> dict:
    """Key simulated scores of both layouts (same seed and horizon: the scenario's own)."""
    from .run import compute_stages

    keys = ("response_on_duty_p90_min", "response_on_duty_within_15min", "workload_gini", "households_gini",
            "polsby_popper_mean")
    out = {}
    for name, sc, sub in (("before", before, progress.sub(0, 0.5)), ("after", after, progress.sub(0.5, 1.0))):
        doc = compute_stages(sc, progress=sub).scores.to_dict()
        metrics = doc.get("metrics", {})
        out[name] = {k: (metrics.get(k) or {}).get("value") for k in keys}
        out[name]["total"] = doc.get("total")
    return out


def write_optimised(run: OptimiseRun, out_dir: str | os.PathLike, overwrite: bool = False) -> Path:
    """The proposal as a scenario folder (``save_scenario``) plus ``optimise.json``."""
    from ..jsonio import write_json
    from ..scenario.save import save_scenario

    out = Path(out_dir)
    src = run.source
    meta = {"name": out.name, "title": f"{src.meta.get('title', src.name)} ({run.mode} optimised)",
            "description": f"GridGov optimise --mode {run.mode} of '{src.name}' (seed {run.summary['seed']}). "
                           + str(src.meta.get("description", ""))}
    save_scenario(run.scenario, out, overwrite=overwrite, meta=meta)
    from .documents import scenario_block

    write_json(out / SUMMARY, {"scenario": scenario_block(src), **run.summary})
    return out


def summary_lines(summary: dict) -> list[str]:
    """The change summary as short lines for the terminal."""
    lines = []
    for level in summary.get("grids", {}).get("changes", []):
        lines.append(f"{level['level']:>8} grids: {level['grids_before']} → {level['grids_after']}, "
                     f"{level['units_moved']} units moved, {len(level['grids_created'])} created, "
                     f"{len(level['grids_removed'])} removed (merged)")
    g = summary.get("grids", {})
    if "before" in g:
        b, a = g["before"], g["after"]
        lines.append(f"  balance: households Gini {b['households_gini']} → {a['households_gini']}; "
                     f"out of norm {b['out_of_norm']} → {a['out_of_norm']}; compactness (Polsby–Popper mean) "
                     f"{b.get('polsby_popper_mean')} → {a.get('polsby_popper_mean')}")
    f = summary.get("facilities")
    if f:
        lines.append(f"facilities: {f['moved']} moved, {f.get('created', 0)} created; mean household travel "
                     f"{f['mean_travel_s_before']:.0f} s → {f['mean_travel_s_after']:.0f} s")
    for name, vals in summary.get("scores", {}).items():
        lines.append(f"  score {name}: " + ", ".join(f"{k} {v:.3g}" if isinstance(v, (int, float)) else f"{k} {v}"
                                                     for k, v in vals.items()))
    return lines
