"""Turn a run's ``scores.json`` into display rows for the dock (no widgets here).

Shape (``engine.score.scorer.Scores.to_dict``, format gridgov-scores/1): ``{"total": 0–100, "metrics":
{key: {"value", "score" 0–100 or null, "unit", "label", "label_zh", "help", "status",
"reason", ...}}}``; a metric may also be a bare number (a score).  Other keys are ignored.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication


def _tr(text: str) -> str:
    return QCoreApplication.translate("GridGovScores", text)


@dataclass(frozen=True)
class ScoreRow:
    key: str
    label: str
    value_text: str
    score: float | None
    help: str = ""
    is_total: bool = False
    is_group: bool = False      # a weight group of the total (coverage, response, ...)


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return None if math.isnan(float(x)) else float(x)


# units of scores.json, shown in the UI language (others are shown as they are)
UNITS = {"min": QT_TRANSLATE_NOOP("GridGovScores", "min"),
         "households": QT_TRANSLATE_NOOP("GridGovScores", "households"),
         "workers": QT_TRANSLATE_NOOP("GridGovScores", "workers"),
         "stations": QT_TRANSLATE_NOOP("GridGovScores", "stations"),
         "findings": QT_TRANSLATE_NOOP("GridGovScores", "findings"),
         "gaps": QT_TRANSLATE_NOOP("GridGovScores", "gaps"),
         "pairs": QT_TRANSLATE_NOOP("GridGovScores", "pairs"),
         "CNY/year": QT_TRANSLATE_NOOP("GridGovScores", "CNY/year")}


def _fmt(value: Any, unit: str) -> str:
    """Shares as percentages, large numbers without decimals, the unit after the number."""
    v = _num(value)
    if v is None:
        return "—" if value is None else str(value)
    if unit == "share":
        return f"{100 * v:.1f} %"
    text = f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}"
    if not unit or unit == "ratio":
        return text
    return f"{text} {_tr(UNITS[unit]) if unit in UNITS else unit}"


def _ci_text(ci: Any, unit: str) -> str:
    """" [lo, hi]": the 95 % interval over the simulation replications, when the value has one."""
    if not isinstance(ci, (list, tuple)) or len(ci) != 2 or _num(ci[0]) is None or _num(ci[1]) is None:
        return ""
    if unit == "share":
        return f" [{100 * _num(ci[0]):.1f}, {100 * _num(ci[1]):.1f} %]"
    return f" [{_num(ci[0]):,.2f}, {_num(ci[1]):,.2f}]"


def rows_from_scores(doc: dict[str, Any], lang: str = "en") -> list[ScoreRow]:
    """Display rows, total first; raises ValueError when ``doc`` has no metrics."""
    if not isinstance(doc, dict):
        raise ValueError("scores.json must hold a JSON object")
    metrics = doc.get("metrics")
    if not isinstance(metrics, dict) or not metrics:
        raise ValueError("scores.json has no 'metrics' table")
    rows = []
    total = _num(doc.get("total"))
    if total is not None:
        rows.append(ScoreRow("total", _tr("Total score"), _ci_text(doc.get("total_ci"), "").strip(), total,
                             _tr("weighted total (0–100)"), True))
    rows.extend(_group_rows(doc, lang))
    for key, m in metrics.items():
        if isinstance(m, dict):
            en = str(m.get("label") or m.get("label_en") or key)
            zh = str(m.get("label_zh") or "")
            label = en if lang.startswith("en") else (zh or en)
            help_text = str(m.get("help") or m.get("description_en") or "")
            if m.get("status", "ok") != "ok":
                value_text = _tr("not computed")
                help_text = str(m.get("reason") or help_text)
            else:
                value_text = _fmt(m.get("value"), str(m.get("unit") or "")) + _ci_text(m.get("ci"), str(m.get("unit") or ""))
            rows.append(ScoreRow(key, label, value_text, _num(m.get("score")), help_text))
        else:
            rows.append(ScoreRow(key, key, "", _num(m)))
    return rows


def _group_rows(doc: dict[str, Any], lang: str) -> list[ScoreRow]:
    """One row per weight group: its 0–100 score and its weight in the total."""
    from ...engine.report.i18n import TEXT

    groups, weights = doc.get("groups"), doc.get("weights") or {}
    if not isinstance(groups, dict):
        return []
    rows = []
    for key, score in groups.items():
        en, zh = TEXT.get(f"group_{key}", (key, ""))
        label = en if lang.startswith("en") else (zh or en)
        w = _num(weights.get(key))
        rows.append(ScoreRow(f"group:{key}", label, "" if w is None else _tr("weight {0} %").format(f"{100 * w:.0f}"),
                             _num(score), _tr("average of the scored '{0}' metrics").format(key), is_group=True))
    return rows


def read_scores(path: str | Path) -> dict[str, Any]:
    """Parse a scores.json (ValueError with the file name when unreadable)."""
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(_tr("{0}: cannot read scores ({1})").format(path, exc)) from exc


def compare_summary(doc: dict[str, Any], lang: str = "en") -> tuple[list[str], list[list[str]]]:
    """Header and rows (scenario, total, Δ vs baseline, rank) of a ``compare.json``
    (format gridgov-compare/1), for the compare panel's small table."""
    if not isinstance(doc, dict) or doc.get("format") != "gridgov-compare/1":
        raise ValueError("not a GridGov comparison (format gridgov-compare/1 expected)")
    names = list(doc.get("scenarios") or [])
    totals = list(doc.get("totals") or [])
    ranks = list(doc.get("ranks") or [None] * len(names))
    if len(totals) != len(names):
        raise ValueError("compare.json: scenarios and totals differ in length")
    base = _num(totals[0]) if totals else None
    diffs = next((r.get("diff") for r in doc.get("table") or [] if isinstance(r, dict) and r.get("key") == "total"),
                 None) or [None] * len(names)
    rows = []
    for i, name in enumerate(names):
        t = _num(totals[i])
        delta = "" if i == 0 or t is None or base is None else f"{t - base:+.1f}"
        d = diffs[i] if i < len(diffs) and isinstance(diffs[i], dict) else None
        if delta and d and _num(d.get("lo")) is not None and d["hi"] > d["lo"]:     # paired 95 % interval
            delta += f" [{d['lo']:+.1f}, {d['hi']:+.1f}]"
        if delta and d and d.get("significant") is False:
            delta += " " + _tr("(no significant difference)")
        rows.append([_tr("{0} (baseline)").format(name) if i == 0 else name, "—" if t is None else f"{t:.1f}", delta,
                     "" if ranks[i] is None else str(ranks[i])])
    return [_tr("Scenario"), _tr("Total"), _tr("Δ vs baseline"), _tr("Rank")], rows
