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

**Norm texts are the scenario's own.** Labels and norms below show the defaults; a report fills in
the figures of the scenario it describes (e.g. `[grids] general_households = {min = 200, max = 360}`
reads "within 200–360 households", cited as "scenario.toml [grids] general_households"). Every
default cites a section of [docs/sources.md](sources.md), which gives the public source.

**Coverage is over the required types** (`[coverage] required`, default the national 5/10/15-minute
lists plus police and fire cover): a required type with no facility covers 0 % and is listed as a
problem. Walking types use their tier's network distance; emergency types (police, fire) the
driving time from the nearest station (`[coverage] drive_minutes`). Types are added or changed in
`[coverage.types.<key>]` (label_en, label_zh, tier or mode = "drive" + drive_min, distance_m).

**Intervals.** `run`, `compare` and the dock simulate `[simulation] replications` times (default
20, `--replications`) on common random numbers. Every simulated metric, group and the total is the
mean over the replications with a 95 % Student-t interval (`ci` in scores.json, per-replication
values in `replicates`); a metric's points are the mean of its per-replication points. In a
comparison each difference carries its paired interval; one that covers 0 is reported as "no
significant difference", and the random-weights win share counts such leads as ties. Metrics that
need no simulation are exact (no interval). See [docs/model.md](model.md) § Scoring.

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
