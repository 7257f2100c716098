"""``gridgov params``: every scenario parameter from the schema (engine/params.py): default, unit,
allowed values, labels and source, as Markdown (docs/scenario.md) or JSON."""
from __future__ import annotations

import json

NAME = "params"
HELP = "list scenario parameters: defaults, units, allowed values and their sources (Markdown or --json)"


def add_arguments(parser) -> None:
    parser.add_argument("--json", action="store_true", help="print the schema as JSON instead of a Markdown table")


def schema_document() -> dict:
    """The schema as plain values: {section: {key: {default, unit, kind, allowed, ...}}}."""
    from ..params import DEFAULTS, describe_range

    doc: dict = {}
    for sec, items in DEFAULTS.items():
        doc[sec] = {}
        for key, p in items.items():
            lo, hi, lo_open, hi_open = p.bounds
            doc[sec][key] = {
                "default": p.default, "unit": p.unit, "kind": p.kind, "item": p.item or None,
                "allowed": describe_range(p), "min": lo, "max": hi, "min_exclusive": lo_open,
                "max_exclusive": hi_open, "finite": p.finite, "choices": list(p.choices), "keys":
                list(p.keys) if p.keys is not None else None, "sum_to_1": p.sum_to_1, "length": p.length,
                "label_en": p.label("en"), "label_zh": p.label("zh"), "doc": p.doc, "source": p.source,
                "key_labels": {k: {"en": en, "zh": zh} for k, (en, zh) in p.key_labels.items()}}
    return doc


def run(args) -> int:
    from ..params import markdown_table

    if args.json:
        print(json.dumps(schema_document(), ensure_ascii=False, indent=2))
    else:
        print(markdown_table())
    return 0
