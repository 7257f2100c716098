"""Refresh the generated sections of docs/scenario.md from the code (layers, vocabularies, parameters).

The text between ``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->`` is replaced; the rest
of the document is hand-written.  tests/test_scenario.py fails when the document is out of date.
Usage: python scripts/make_scenario_doc.py [--check]
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))
from gridgov.engine.atomic import write_text  # noqa: E402
from gridgov.engine.params import markdown_table  # noqa: E402
from gridgov.engine.scenario.schema import LAYER_SPECS  # noqa: E402
from gridgov.engine.vocab import FACILITY_TYPES, GRID_LEVELS, INCIDENT_TYPES, URGENCIES  # noqa: E402

DOC = ROOT / "docs" / "scenario.md"
KIND = {"str": "text", "int": "integer", "float": "real", "datetime": "date-time", "oneway": "integer or text"}


def layers_table() -> str:
    out = []
    for name, spec in LAYER_SPECS.items():
        need = "required" if spec.required else "optional"
        out.append(f"### `{name}` ({need}; {' / '.join(sorted(spec.geometry))}) — {spec.doc}\n")
        out.append("| field | type | required | meaning |")
        out.append("|---|---|---|---|")
        for fname, fs in spec.fields.items():
            out.append(f"| `{fname}` | {KIND[fs.kind]} | {'yes' if fs.required else 'no'} | {fs.doc} |")
        out.append("")
    return "\n".join(out).rstrip()


def vocab_tables() -> str:
    out = ["**Facility types** (`facilities.type`; coverage = GB 50180-2018 / TD/T 1062-2021 walking tier, or the "
           "drive time of an emergency type; responder = staff travel to incidents). Add types or change them in "
           "`[coverage.types.<key>]` (`label_en`, `label_zh`, `tier` or `mode = \"drive\"` + `drive_min`, "
           "`distance_m`); `[coverage] required` lists the types every household should reach.\n",
           "| key | English | 中文 | coverage | responder |", "|---|---|---|---|---|"]
    for t in FACILITY_TYPES.values():
        cover = t.tier or (f"drive ≤ {t.drive_min:g} min" if t.drive_min is not None else "")
        out.append(f"| `{t.key}` | {t.en} | {t.zh} | {cover} | {'yes' if t.responder else ''} |")
    out += ["", "**Grid levels** (`grids.level`)\n", "| key | English | 中文 |", "|---|---|---|"]
    out += [f"| `{t.key}` | {t.en} | {t.zh} |" for t in GRID_LEVELS.values()]
    out += ["", "**Incident types** (`incidents.type`)\n", "| key | English | 中文 |", "|---|---|---|"]
    out += [f"| `{t.key}` | {t.en} | {t.zh} |" for t in INCIDENT_TYPES.values()]
    out += ["", "**Urgencies**\n", "| key | English | 中文 |", "|---|---|---|"]
    out += [f"| `{t.key}` | {t.en} | {t.zh} |" for t in URGENCIES.values()]
    return "\n".join(out)


SECTIONS = {"layers": layers_table, "vocab": vocab_tables, "params": markdown_table}


def render(text: str) -> str:
    for name, fn in SECTIONS.items():
        pat = re.compile(rf"(<!-- generated:{name} -->\n)(?:.*?\n)?(<!-- /generated:{name} -->)", re.S)
        if not pat.search(text):
            raise SystemExit(f"{DOC}: marker <!-- generated:{name} --> missing")
        text = pat.sub(lambda m: m.group(1) + fn() + "\n" + m.group(2), text)
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when the document is out of date")
    args = ap.parse_args(argv)
    text = DOC.read_text(encoding="utf-8")
    new = render(text)
    if args.check:
        return int(new != text)
    if new != text:
        write_text(DOC, new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
