"""Scores as plain text for the terminal (``gridgov run`` / ``score`` print it), in the
report's own words and number formats."""
from __future__ import annotations

from ..score.registry import GROUPS
from ..score.scorer import Scores
from .document import fmt, fmt_ci
from .i18n import t


def score_table(scores: Scores, lang: str = "en") -> str:
    """Total, group points with their weights, and every metric (or why it was not computed)."""
    missing = ", ".join(t("group_" + g, lang) for g in scores.missing_groups)
    lines = [f"{t('total', lang)}: {fmt_ci(scores.total, scores.total_ci, 'points', lang)}"
             + (f"  ({t('partial_total', lang, groups=missing)})" if missing else "")]
    for g in GROUPS:
        lines.append(f"  {t('group_' + g, lang):<28} {fmt(scores.groups.get(g), 'points', lang):>8}"
                     f"   {t('weight', lang)} {100 * scores.weights.get(g, 0):.0f}%")
    for m in scores.metrics:
        v = fmt_ci(m.value, m.ci, m.unit, lang) if m.computed else f"({t('not_computed', lang)}: {m.reason})"
        lines.append(f"    {m.key:<26} {v}")
    return "\n".join(lines)
