"""The report as data: headline, metric tables with deltas, problems, streets, sensitivity, figures.

One builder serves the single-scenario report (one entry) and the comparison (N entries, the
first is the baseline); ``html.py`` and ``pdf.py`` only lay it out.  Entries are
``(name, scenario, scores)``.
"""
from __future__ import annotations

import datetime as _dt
import math

import numpy as np

from .. import __version__
from ..score.registry import GROUPS, SECTIONS, better
from .i18n import problem_text, t


def fmt(value, unit: str, lang: str) -> str:
    """A value as an official reads it: shares in %, money in yuan, counts as integers."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    v = float(value)
    if unit == "share":
        return f"{100 * v:.1f}%"
    if unit == "CNY/year":
        return f"¥{v:,.0f}" + ("/年" if lang.startswith("zh") else "/yr")
    if unit in ("households", "workers", "stations", "pairs", "gaps", "findings", "m²"):
        return f"{v:,.0f}"
    if unit in ("min", "points"):
        return f"{v:.1f}"
    return f"{v:.3f}" if abs(v) < 10 else f"{v:,.1f}"


def fmt_delta(a, b, unit: str, lang: str) -> str:
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
        return ""
    d = float(b) - float(a)
    if unit == "share":
        return f"{100 * d:+.1f}" + (" 个百分点" if lang.startswith("zh") else " pp")
    if unit == "CNY/year":
        return f"{d:+,.0f}"
    if unit in ("households", "workers", "stations", "pairs", "gaps", "findings", "m²"):
        return f"{d:+,.0f}"
    return f"{d:+.1f}" if unit == "points" else f"{d:+.2f}"


CLS = {1: "better", -1: "worse", 0: "same"}


def _problem_key(p: dict) -> tuple:
    """Identity of a problem across scenarios: kind + grid ids, or kind + place for gaps."""
    if p["kind"] == "gap":
        return ("gap", round(p.get("x") or 0, -1), round(p.get("y") or 0, -1))
    return (p["kind"], p.get("grid_id", ""), p.get("other_id", ""))


def unit_label(unit: str, lang: str) -> str:
    zh = {"share": "比例", "min": "分钟", "households": "户", "workers": "人", "stations": "个", "pairs": "对",
          "gaps": "处", "findings": "项", "m²": "平方米", "CNY/year": "元/年", "ratio": "比值", "": ""}
    return zh.get(unit, unit) if lang.startswith("zh") else unit


def build_document(entries, lang: str, sensitivity: dict | None = None, figures=()) -> dict:
    names = [n for n, _, _ in entries]
    base = entries[0][2]
    totals = [s.total for _, _, s in entries]
    order = sorted(range(len(entries)), key=lambda i: -(totals[i] if totals[i] is not None else -1e9))
    rank = {i: r + 1 for r, i in enumerate(order)}
    headline = []
    for i, (name, _, s) in enumerate(entries):
        cls = CLS[better("higher", base.total, s.total)] if i else ""
        headline.append({"name": name, "total": fmt(s.total, "points", lang), "rank": rank[i],
                         "delta": fmt_delta(base.total, s.total, "points", lang) if i else "", "cls": cls,
                         "groups": [fmt(s.groups.get(g), "points", lang) for g in GROUPS],
                         "group_cls": [CLS[better("higher", base.groups.get(g), s.groups.get(g))] if i else ""
                                       for g in GROUPS],
                         "partial": t("partial_total", lang, groups=", ".join(t(f"group_{g}", lang)
                                                                          for g in s.missing_groups))
                         if s.missing_groups else ""})
    sections = []
    for sec in SECTIONS:
        rows = []
        for m in base.metrics:
            if m.section != sec:
                continue
            cells = []
            for i, (_, _, s) in enumerate(entries):
                try:
                    mm = s.metric(m.key)
                except KeyError:
                    cells.append({"text": "—", "delta": "", "cls": "", "points": ""})
                    continue
                text = fmt(mm.value, mm.unit, lang) if mm.computed else f"{t('not_computed', lang)} ({mm.reason})"
                c = CLS[better(m.direction, m.value, mm.value)] if i else ""
                cells.append({"text": text, "delta": fmt_delta(m.value, mm.value, m.unit, lang) if i else "",
                              "cls": c, "points": fmt(mm.score, "points", lang) if mm.score is not None else ""})
            rule = t("scoring_rule", lang, good=fmt(m.good, m.unit, lang), bad=fmt(m.bad, m.unit, lang)) \
                if m.good is not None else ""
            rows.append({"key": m.key, "label": m.label(lang), "unit": unit_label(m.unit, lang),
                         "direction": t("higher_better" if m.direction == "higher" else "lower_better", lang),
                         "norm": m.norm_text(lang), "description": m.description_zh if lang.startswith("zh") else m.description_en,
                         "rule": rule, "cells": cells})
        weight = f"{100 * base.weights.get(sec, 0):.0f}%" if sec in GROUPS else "—"
        sections.append({"key": sec, "title": t(f"group_{sec}", lang), "weight": weight, "rows": rows})
    problems = []
    base_keys = {_problem_key(p) for p in base.problems}
    for i, (name, _, s) in enumerate(entries):
        items = []
        for p in s.problems:
            loc = f"{p['x']:.0f}, {p['y']:.0f}" if p.get("x") is not None and np.isfinite(p["x"]) else ""
            new = bool(i) and _problem_key(p) not in base_keys
            items.append({"text": problem_text(p, lang), "kind": p["kind"], "grid": p.get("grid_id", ""),
                          "street": p.get("street", ""), "community": p.get("community", ""), "loc": loc,
                          "cls": "worse" if new else "", "tag": t("new_problem", lang) if new else ""})
        keys = {_problem_key(p) for p in s.problems}
        resolved = [problem_text(p, lang) for p in base.problems if i and _problem_key(p) not in keys]
        problems.append({"scenario": name, "items": items, "resolved": resolved})
    return {
        "lang": lang, "html_lang": "zh-CN" if lang.startswith("zh") else "en",
        "title": t("title_single", lang, name=names[0]) if len(entries) == 1 else t("title_compare", lang),
        "generated": t("generated", lang, when=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"), version=__version__),
        "synthetic": any(bool(sc.meta.get("synthetic")) for _, sc, _ in entries),
        "names": names, "compare": len(entries) > 1, "headline": headline,
        # the short names head every column; this says what each scenario is (its title and
        # description from scenario.toml, e.g. which grids a restructuring merges or splits)
        "scenarios": [{"name": n, "title": str(sc.meta.get("title") or ""),
                       "description": str(sc.meta.get("description") or sc.description or ""),
                       "changed": changed_params_text(sc.params, lang)}
                      for n, sc, _ in entries],
        "group_labels": [t(f"group_{g}", lang) for g in GROUPS],
        "weights": [f"{100 * base.weights.get(g, 0):.0f}%" for g in GROUPS],
        "sections": sections, "problems": problems, "streets": streets_table(entries, lang),
        "types": types_table(entries, lang),
        "sensitivity": sensitivity_table(sensitivity, names, lang) if sensitivity else None,
        "figures": list(figures), "t": lambda key, **kw: t(key, lang, **kw),
    }


def changed_params_text(params: dict, lang: str) -> str:
    """'Event rate 10 (default 8) events; ...': the parameters a scenario changes, labelled by the schema."""
    from ..params import changed

    return "; ".join(f"{c['label']} {c['value']} ({t('default_value', lang, v=c['default'])}){' ' + c['unit'] if c['unit'] else ''}"
                     for c in changed(params, lang))


STREET_COLS = (("general_grids", "households"), ("households", "households"), ("general_size_share", "share"),
               ("uncovered_share", "share"), ("incidents", "households"), ("workload_h", ""),
               ("utilisation_max", "share"), ("response_on_duty_p90_min", "min"),
               ("response_on_duty_within_15min", "share"), ("response_p90_min", "min"), ("closed_24h_share", "share"))


def streets_table(entries, lang: str) -> dict:
    streets = sorted({st for _, _, s in entries for st in s.by_street})
    labels = {"general_size_share": t("group_size", lang)}
    cols = [(k, u, labels.get(k) or t(k, lang)) for k, u in STREET_COLS
            if any(k in rec for _, _, s in entries for rec in s.by_street.values())]
    rows = []
    for st in streets:
        cells = []
        for k, u, _ in cols:
            cells.append(" / ".join(fmt(s.by_street.get(st, {}).get(k), u, lang) for _, _, s in entries))
        rows.append({"street": st, "cells": cells})
    return {"columns": [c[2] for c in cols], "rows": rows}


def types_table(entries, lang: str) -> dict:
    """Coverage per facility type: within the tier distance and by band, scenario values joined by ' / '."""
    from ..vocab import BAND_MINUTES, FACILITY_TYPES

    def per_type(scores, key):
        try:
            m = scores.metric(key)
        except KeyError:
            return {}
        return m.details.get("per_type", {}) if m.computed else {}

    within = [{} for _ in entries]
    for i, (_, _, s) in enumerate(entries):
        for tier in ("5min", "10min", "15min"):
            within[i].update(per_type(s, f"coverage_{tier}_tier"))
    bands = [[per_type(s, f"coverage_le{m}min") for m in BAND_MINUTES] for _, _, s in entries]
    kinds = sorted({k for b in bands for d in b for k in d}, key=lambda k: list(FACILITY_TYPES).index(k)
                   if k in FACILITY_TYPES else 99)
    rows = []
    for k in kinds:
        ft = FACILITY_TYPES.get(k)
        tier = "—"
        if ft and ft.tier:          # "5min" → 5分钟 / 5-minute
            tier = t("tier_min", lang, m=ft.tier[:-3]) if ft.tier.endswith("min") else ft.tier
        cells = [" / ".join(fmt(w.get(k), "share", lang) for w in within)]
        cells += [" / ".join(fmt(b[j].get(k), "share", lang) for b in bands) for j in range(len(BAND_MINUTES))]
        rows.append({"type": ft.label(lang) if ft else k, "tier": tier, "cells": cells})
    cols = [t("within_tier", lang)] + [t("within_min", lang, m=m) for m in BAND_MINUTES]
    return {"columns": cols, "rows": rows}


def sensitivity_table(sens: dict, names: list[str], lang: str) -> dict:
    factors = sorted({f for row in sens["table"].values() for f in row})
    rows = []
    for g in GROUPS:
        row = sens["table"].get(g, {})
        flip = sens["flip"].get(g, {})
        fl = [f for f in (flip.get("down"), flip.get("up")) if f is not None]
        rows.append({"group": t(f"group_{g}", lang),
                     "cells": [names[row[f]["leader"]] if f in row else "—" for f in factors],
                     "flip": "; ".join(t("flip_at", lang, f=f"{f:g}") for f in fl) or t("stable", lang)})
    return {"factors": [t("factor", lang, f=f"{f:g}") for f in factors], "rows": rows,
            "win_share": [(n, f"{100 * w:.1f}%") for n, w in zip(names, sens["win_share"])],
            "base_ranks": list(zip(names, sens["base_ranks"]))}
