"""Distribution plots shared by the single report and the comparison (matplotlib, no pyplot state)."""
from __future__ import annotations

import base64
import io

import numpy as np
from matplotlib.figure import Figure

from ..score.registry import GROUPS
from .i18n import t

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def png_base64(fig: Figure) -> str:
    """Embed a figure in HTML as a data URI (the report stays one self-contained file)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def ecdf_plot(entries, key: str, title: str, xlabel: str, lang: str, marks=()) -> Figure | None:
    """Cumulative share of incidents vs time, from the stored percentiles 0..100."""
    have = [(n, s.distributions[key]) for n, _, s in entries if s.distributions.get(key)]
    if not have:
        return None
    fig = Figure(figsize=(5.2, 3.2))
    ax = fig.subplots()
    q = np.linspace(0, 1, 101)
    for i, (name, pct) in enumerate(have):
        ax.step(np.asarray(pct, float), q, where="post", color=COLOURS[i % len(COLOURS)], label=name)
    for m in marks:
        ax.axvline(m, color="#999", linestyle=":", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(t("share_of_incidents", lang))
    ax.set_ylim(0, 1.01)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    ax.set_title(title, fontsize=9)
    return fig


def histogram(entries, key: str, title: str, xlabel: str, ylabel: str, spans=()) -> Figure | None:
    """Overlaid histograms on shared bins; ``spans`` shades the norm interval."""
    have = [(n, np.asarray(s.distributions[key], float)) for n, _, s in entries if s.distributions.get(key)]
    if not have:
        return None
    allv = np.concatenate([v for _, v in have])
    bins = np.histogram_bin_edges(allv[np.isfinite(allv)], bins=20)
    fig = Figure(figsize=(5.2, 3.2))
    ax = fig.subplots()
    for lo, hi in spans:
        ax.axvspan(lo, hi, color="#2ca02c", alpha=0.08)
    for i, (name, v) in enumerate(have):
        ax.hist(v[np.isfinite(v)], bins=bins, histtype="step", linewidth=1.4, color=COLOURS[i % len(COLOURS)],
                label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    ax.set_title(title, fontsize=9)
    return fig


def group_bars(entries, lang: str) -> Figure:
    """Points per weight group, one bar per scenario."""
    fig = Figure(figsize=(6.5, 3.0))
    ax = fig.subplots()
    x = np.arange(len(GROUPS))
    width = 0.8 / max(len(entries), 1)
    for i, (name, _, s) in enumerate(entries):
        vals = [np.nan if s.groups.get(g) is None else s.groups[g] for g in GROUPS]
        ax.bar(x + (i - (len(entries) - 1) / 2) * width, vals, width, label=name, color=COLOURS[i % len(COLOURS)])
    ax.set_xticks(x, [t(f"group_{g}", lang) for g in GROUPS], fontsize=7, rotation=15)
    ax.set_ylim(0, 100)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7)
    ax.set_title(t("plot_groups", lang), fontsize=9)
    return fig
