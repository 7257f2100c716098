"""The report as data: headline, metric tables with deltas, problems, streets, sensitivity, figures.

One builder serves the single-scenario report (one entry) and the comparison (N entries, the
first is the baseline); ``html.py`` and ``pdf.py`` only lay it out.  Entries are
``(name, scenario, scores)``.
"""
from __future__ import annotations

import datetime as _dt
import math


from .. import __version__
from ..score.registry import GROUPS, SECTIONS, better
from .i18n import problem_text, t
from .maps import map_credit
from .problem_map import located_problems, map_anchor


COUNT_UNITS = ("households", "workers", "stations", "pairs", "gaps", "findings", "m²", "types")


def fmt(value, unit: str, lang: str) -> str:
    """A value as an official reads it: shares in %, money in yuan, counts as integers."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    v = float(value)
    if unit == "share":
        return f"{100 * v:.1f}%"
    if unit == "CNY/year":
        return f"¥{v:,.0f}" + ("/年" if lang.startswith("zh") else "/yr")
    if unit in COUNT_UNITS:
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
    if unit in COUNT_UNITS:
        return f"{d:+,.0f}"
    return f"{d:+.1f}" if unit == "points" else f"{d:+.2f}"


CLS = {1: "better", -1: "worse", 0: "same"}


def fmt_ci(value, ci, unit: str, lang: str) -> str:
    """``value`` followed by its 95 % interval in brackets, when it has one."""
    text = fmt(value, unit, lang)
    if ci and ci[0] is not None and value is not None and ci[1] - ci[0] > 0:
        text += f" [{fmt(ci[0], unit, lang)}, {fmt(ci[1], unit, lang)}]"
    return text


def fmt_diff(diff: dict | None, a, b, unit: str, lang: str) -> str:
    """The difference against the baseline with its paired 95 % interval, or "no significant difference"."""
    text = fmt_delta(a, b, unit, lang)
    if not text or diff is None:
        return text
    if diff.get("lo") is not None and diff["hi"] - diff["lo"] > 0:
        text += " [" + _signed(diff["lo"], unit) + ", " + _signed(diff["hi"], unit) + "]"
    if diff.get("significant") is False:
        text += " · " + t("no_significant", lang) if diff.get("mean") else ""
    return text


def _signed(v: float, unit: str) -> str:
    if unit == "share":
        return f"{100 * v:+.1f}"
    if unit in COUNT_UNITS or unit == "CNY/year":
        return f"{v:+,.0f}"
    return f"{v:+.1f}" if unit == "points" else f"{v:+.2f}"


def _cls(diff: dict | None, direction: str, a, b) -> str:
    """better / worse only when the difference is outside the noise."""
    if diff is not None and diff.get("significant") is False:
        return "same"
    return CLS[better(direction, a, b)]


def _problem_key(p: dict) -> tuple:
    """Identity of a problem across scenarios: kind + grid ids, or kind + place for gaps."""
    if p["kind"] == "gap":
        return ("gap", round(p.get("x") or 0, -1), round(p.get("y") or 0, -1))
    return (p["kind"], p.get("grid_id", ""), p.get("other_id", ""))


def unit_label(unit: str, lang: str) -> str:
    zh = {"share": "比例", "min": "分钟", "households": "户", "workers": "人", "stations": "个", "pairs": "对",
          "gaps": "处", "findings": "项", "m²": "平方米", "CNY/year": "元/年", "ratio": "比值", "h": "小时", "types": "类", "": ""}
    return zh.get(unit, unit) if lang.startswith("zh") else unit


def build_document(entries, lang: str, sensitivity: dict | None = None, figures=()) -> dict:
    from ..score.comparison import comparison_table

    names = [n for n, _, _ in entries]
    base = entries[0][2]
    # means, intervals and paired differences (with their own intervals) of every row
    table = {r["key"]: r for r in comparison_table(names, [s for _, _, s in entries])}
    totals = [s.total for _, _, s in entries]
    order = sorted(range(len(entries)), key=lambda i: -(totals[i] if totals[i] is not None else -1e9))
    rank = {i: r + 1 for r, i in enumerate(order)}
    headline = []
    tot = table["total"]
    for i, (name, _, s) in enumerate(entries):
        cls = _cls(tot["diff"][i], "higher", base.total, s.total) if i else ""
        gr = [table[f"group.{g}"] for g in GROUPS]
        headline.append({"name": name, "total": fmt_ci(s.total, s.total_ci, "points", lang), "rank": rank[i],
                         "delta": fmt_diff(tot["diff"][i], base.total, s.total, "points", lang) if i else "",
                         "cls": cls,
                         "groups": [fmt_ci(s.groups.get(g), s.group_ci.get(g), "points", lang) for g in GROUPS],
                         "group_cls": [_cls(r["diff"][i], "higher", base.groups.get(g), s.groups.get(g)) if i else ""
                                       for g, r in zip(GROUPS, gr)],
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
                text = fmt_ci(mm.value, mm.ci, mm.unit, lang) if mm.computed \
                    else f"{t('not_computed', lang)} ({mm.reason})"
                diff = table[m.key]["diff"][i] if m.key in table else None
                c = _cls(diff, m.direction, m.value, mm.value) if i else ""
                cells.append({"text": text, "delta": fmt_diff(diff, m.value, mm.value, m.unit, lang) if i else "",
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
        marks = located_problems(s.problems)     # the numbers of the markers on this scenario's problem map
        for k, p in enumerate(s.problems):
            loc = t("on_map", lang, n=marks[k]) if k in marks else ""
            new = bool(i) and _problem_key(p) not in base_keys
            items.append({"text": problem_text(p, lang), "kind": p["kind"], "grid": p.get("grid_id", ""),
                          "street": p.get("street", ""), "community": p.get("community", ""), "loc": loc,
                          "map": map_anchor(i) if k in marks else "",
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
        "replications": t("replications_note", lang, r=" / ".join(str(s.replications) for _, _, s in entries)),
        # the short names head every column; this says what each scenario is (its title and
        # description from scenario.toml, e.g. which grids a restructuring merges or splits)
        "scenarios": [{"name": n, "title": str(sc.meta.get("title") or ""),
                       "description": str(sc.meta.get("description") or sc.description or ""),
                       "changed": changed_params_text(sc.params, lang)}
                      for n, sc, _ in entries],
        "group_labels": [t(f"group_{g}", lang) for g in GROUPS],
        "weights": [f"{100 * base.weights.get(g, 0):.0f}%" for g in GROUPS],
        "sections": sections, "problems": problems, "streets": streets_table(entries, lang),
        "districts": districts_table(entries, lang),
        "types": types_table(entries, lang),
        "sensitivity": sensitivity_table(sensitivity, names, lang) if sensitivity else None,
        "figures": list(figures), "t": lambda key, **kw: t(key, lang, **kw),
        "figure_ids": {t("map_problems", lang, name=n): map_anchor(i) for i, n in enumerate(names)},
        # map and data credits from each scenario's own [scenario] sources (one line per distinct text)
        "credits": list(dict.fromkeys(map_credit(sc, lang).replace("\n", " ") for _, sc, _ in entries)),
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


def _area_table(entries, attr: str, lang: str) -> tuple[list, list[tuple[str, list[str]]]]:
    """(columns, [(area, cells)]) of ``scores.<attr>`` (by_street / by_district), values of
    every scenario joined by ' / '."""
    areas = sorted({a for _, _, s in entries for a in getattr(s, attr, {})})
    labels = {"general_size_share": t("group_size", lang)}
    cols = [(k, u, labels.get(k) or t(k, lang)) for k, u in STREET_COLS
            if any(k in rec for _, _, s in entries for rec in getattr(s, attr, {}).values())]
    rows = [(a, [" / ".join(fmt(getattr(s, attr, {}).get(a, {}).get(k), u, lang) for _, _, s in entries)
                 for k, u, _ in cols]) for a in areas]
    return [c[2] for c in cols], rows


def streets_table(entries, lang: str) -> dict:
    """Streets, also grouped by district (drill-down): ``groups`` = [{district, rows}] in district order."""
    columns, rows = _area_table(entries, "by_street", lang)
    district = {}
    for _, _, s in entries:
        for st, rec in s.by_street.items():
            district.setdefault(st, str(rec.get("district") or "—"))
    out_rows = [{"street": st, "district": district.get(st, "—"), "cells": cells} for st, cells in rows]
    groups: dict[str, list] = {}
    for r in sorted(out_rows, key=lambda r: (r["district"], r["street"])):
        groups.setdefault(r["district"], []).append(r)
    return {"columns": columns, "rows": out_rows,
            "groups": [{"district": d, "rows": rs} for d, rs in groups.items()]}


def districts_table(entries, lang: str) -> dict:
    """One row per district (区县): the same figures over its own grids and pooled incidents."""
    columns, rows = _area_table(entries, "by_district", lang)
    streets = {}
    for _, _, s in entries:
        for d, rec in getattr(s, "by_district", {}).items():
            streets.setdefault(d, fmt(rec.get("streets"), "households", lang))
    return {"columns": [t("streets_count", lang)] + columns,
            "rows": [{"district": d, "cells": [streets.get(d, "—")] + cells} for d, cells in rows]}


def types_table(entries, lang: str) -> dict:
    """Coverage per required facility type (the baseline's ``[coverage]``): within its walking distance or
    drive time, and by walking band; scenario values joined by ' / '."""
    from ..coverage_types import coverage_types
    from ..vocab import BAND_MINUTES

    def per_type(scores, key):
        try:
            m = scores.metric(key)
        except KeyError:
            return {}
        return m.details.get("per_type", {}) if m.computed else {}

    within = [{} for _ in entries]
    for i, (_, _, s) in enumerate(entries):
        for key in ("coverage_5min_tier", "coverage_10min_tier", "coverage_15min_tier", "emergency_cover_share"):
            within[i].update(per_type(s, key))
    bands = [[per_type(s, f"coverage_le{m}min") for m in BAND_MINUTES] for _, _, s in entries]
    types = coverage_types(entries[0][1].params)
    kinds = [k for k in types if any(k in w for w in within)]
    rows = []
    for k in kinds:
        ct = types[k]
        if ct.mode == "walk":       # "5min" → 5分钟 / 5-minute, with the distance in use
            tier = (t("tier_min", lang, m=ct.tier[:-3]) if ct.tier and ct.tier.endswith("min") else "—")
            tier += f" ({ct.threshold:g} m)"
        else:
            tier = t("drive_within", lang, m=f"{ct.threshold:g}")
        cells = [" / ".join(fmt(w.get(k), "share", lang) for w in within)]
        cells += [" / ".join(fmt(b[j].get(k), "share", lang) for b in bands) for j in range(len(BAND_MINUTES))]
        rows.append({"type": ct.label(lang), "tier": tier, "cells": cells})
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
            "win_share": [(n, f"{100 * w:.1f}%") for n, w in zip(names, sens["win_share"])]
            + ([(t("ties", lang), f"{100 * sens['tie_share']:.1f}%")] if "tie_share" in sens else []),
            "base_ranks": list(zip(names, sens["base_ranks"]))}
