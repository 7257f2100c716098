"""Metric reference (docs/scores.md) generated from the registry, so docs and code cannot drift.

``python -m gridgov.engine.score.reference > docs/scores.md``
"""
from __future__ import annotations

from . import metrics_coverage, metrics_service, metrics_structure  # noqa: F401  (register the metrics)
from .registry import GROUPS, REGISTRY

INTRO = """# Scores and metrics (generated from engine/score; do not edit by hand)

Each metric is a small function in `engine/score/metrics_*.py`, registered with its labels, unit,
direction, norm and the weight group it feeds.  Its points (0–100) are a straight line between the
`bad` (0) and `good` (100) anchors, clipped; a group's points are the mean of its scored metrics; the
total is the weighted mean of the groups with `[score] weights` from scenario.toml (normalised to
sum 1; groups that could not be computed are left out and the total is marked partial).
Metrics whose inputs are missing (no circles, no simulation) are reported as *not computed*.

Regenerate: `python -m gridgov.engine.score.reference > docs/scores.md`
"""


def markdown_table() -> str:
    from ..params import defaults
    from .norms import figures, fill

    figs = figures(defaults())     # the default figures; a report fills in the scenario's own
    lines = ["| key | metric | 指标 | unit | better | weight group | points | needs | norm / source | 标准/来源 |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for m in REGISTRY.values():
        points = f"{m.bad:g} → 0, {m.good:g} → 100" if m.scored else "not in the total"
        group = m.section if m.section in GROUPS else f"({m.section}: listed, not weighted)"
        lines.append(f"| `{m.key}` | {fill(m.label_en, figs)} | {fill(m.label_zh, figs)} | {m.unit} | {m.direction} | "
                     f"{group} | {points} | {', '.join(m.needs) or '—'} | {fill(m.norm, figs)} | {fill(m.norm_zh, figs)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(INTRO)
    print(markdown_table())
