"""Where the problems are: a numbered map per scenario, so the problem list points to a place
on a map instead of printing bare projected (UTM) coordinates.

``located_problems`` fixes the numbering once; the problem table (``document.py``) and the map
(``problem_map``) both use it, so "No. 7" in the table is the marker 7 on the map.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .i18n import t
from .maps import draw_grids

#: at most this many numbered markers per map (the table lists the same ones)
MAX_MARKERS = 60


def located_problems(problems: list[dict], limit: int = MAX_MARKERS) -> dict[int, int]:
    """Index of each problem with a finite location → its marker number (1, 2, …), first ``limit``."""
    out: dict[int, int] = {}
    for i, p in enumerate(problems):
        x, y = p.get("x"), p.get("y")
        if x is None or y is None or not (np.isfinite(x) and np.isfinite(y)):
            continue
        if len(out) >= limit:
            break
        out[i] = len(out) + 1
    return out


def map_anchor(index: int) -> str:
    """HTML id of the problem map of the ``index``-th scenario."""
    return f"problem-map-{index + 1}"


def problem_map(name: str, scenario, scores, lang: str) -> Figure | None:
    """Grid outlines with one numbered marker per located problem; None when none is located."""
    marks = located_problems(scores.problems)
    if not marks:
        return None
    fig = Figure(figsize=(7.5, 6.5))
    ax = fig.subplots()
    draw_grids(ax, scenario, np.full(len(scenario.grids.id), np.nan), lang=lang)
    for i, n in marks.items():
        p = scores.problems[i]
        ax.plot(p["x"], p["y"], "o", color="#c0392b", markersize=9, markeredgecolor="white", markeredgewidth=0.6,
                zorder=4)
        ax.text(p["x"], p["y"], str(n), color="white", fontsize=5.5, ha="center", va="center", zorder=5,
                fontweight="bold")
    ax.set_title(t("map_problems", lang, name=name), fontsize=9)
    return fig
