"""``gridgov validate DIR``: check a scenario folder; "ok" with counts, or every problem and exit 1."""
from __future__ import annotations

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


def run(args) -> int:
    from ..scenario import check_scenario, summary

    scenario, problems = check_scenario(args.scenario)  # parameter values too (engine/params.py schema)
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
