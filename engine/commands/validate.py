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


def _ok_line(s: dict) -> str:
    types = ", ".join(f"{n} {t}" for t, n in sorted(s["facility_types"].items()))
    line = (f"ok: {s['roads']} roads, {s['grids']} grids ({s['general']} general, {s['micro']} micro, "
            f"{s['dedicated']} dedicated), {s['units']} units ({s['households']} households, "
            f"{s['residents']} residents), {s['facilities']} facilities" + (f" ({types})" if types else ""))
    if s["incidents"]:
        line += f", {s['incidents']} incidents"
    return line


def run(args) -> int:
    from ..scenario.load import summary
    from ..workflows.validate import validate

    result = validate(args.scenario)
    if args.json:
        print(json.dumps(result.document(), ensure_ascii=False, indent=2))
        return 0 if result.ok else 1
    if result.scenario is None:
        print(f"{len(result.errors)} problem(s) in {args.scenario}:", file=sys.stderr)
        for p in result.problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print(_ok_line(summary(result.scenario)))
    for w in result.problems:
        print(f"  - {w}")
    return 0
