"""``gridgov validate DIR``: check a scenario folder; "ok" with counts, or every problem and exit 1."""
from __future__ import annotations

import dataclasses
import json
import sys

NAME = "validate"
HELP = "check a scenario folder (scenario.toml + layers.gpkg) and list every problem"
DESCRIPTION = ("Check a scenario folder. Prints 'ok' with counts (and any warnings) and exits 0, "
               "or lists every problem (file, layer, feature id, field, what is wrong) and exits 1.")


def add_arguments(parser) -> None:
    parser.add_argument("scenario", metavar="DIR", help="scenario folder (scenario.toml + layers.gpkg)")
    parser.add_argument("--json", action="store_true", help="print a JSON document instead of text")


def _problem_dict(p) -> dict:
    return {"severity": p.severity, "file": p.file, "layer": p.layer, "fid": p.fid, "field": p.field,
            "message": p.message}


def _ok_line(s: dict) -> str:
    types = ", ".join(f"{n} {t}" for t, n in sorted(s["facility_types"].items()))
    line = (f"ok: {s['roads']} roads, {s['grids']} grids ({s['general']} general, {s['micro']} micro, "
            f"{s['dedicated']} dedicated), {s['units']} units ({s['households']} households, "
            f"{s['residents']} residents), {s['facilities']} facilities" + (f" ({types})" if types else ""))
    if s["incidents"]:
        line += f", {s['incidents']} incidents"
    return line


def _value_problems(scenario) -> list:
    """The life circles' and the simulation's own value checks (travel, circles, days, seed, engine,
    workflow, staffing), so that 'validate' says no when 'run' would: parameter types alone do
    not catch ``days = -2`` or ``walk_speed_mps = 0``."""
    from ..circles import check_circle_params
    from ..errors import ValidationError
    from ..simulation.run import _options, check_workflow_params

    toml = str(scenario.path / "scenario.toml")
    found = check_circle_params(scenario.params, toml)
    for check in (lambda: _options(scenario, None, None, None), lambda: check_workflow_params(scenario.params)):
        try:
            check()
        except ValidationError as exc:
            found += [dataclasses.replace(p, file=toml if p.file == "scenario.toml" else p.file) for p in exc.problems]
    return found


def run(args) -> int:
    from ..scenario import check_scenario, summary

    scenario, problems = check_scenario(args.scenario)
    if scenario is not None:
        bad_values = _value_problems(scenario)
        if bad_values:
            scenario, problems = None, problems + bad_values
    if scenario is None:
        n_err = sum(p.severity == "error" for p in problems)
        if args.json:
            print(json.dumps({"ok": False, "errors": n_err, "problems": [_problem_dict(p) for p in problems]},
                             ensure_ascii=False, indent=2))
        else:
            print(f"{n_err} problem(s) in {args.scenario}:", file=sys.stderr)
            for p in problems:
                print(f"  - {p}", file=sys.stderr)
        return 1
    s = summary(scenario)
    if args.json:
        print(json.dumps({"ok": True, "summary": s, "problems": [_problem_dict(p) for p in problems]},
                         ensure_ascii=False, indent=2))
    else:
        print(_ok_line(s))
        for w in problems:
            print(f"  - {w}")
    return 0
