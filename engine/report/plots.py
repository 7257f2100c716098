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
        vals = np.array([np.nan if s.groups.get(g) is None else s.groups[g] for g in GROUPS], float)
        err = _yerr(vals, [s.group_ci.get(g) for g in GROUPS])
        ax.bar(x + (i - (len(entries) - 1) / 2) * width, vals, width, label=name, color=COLOURS[i % len(COLOURS)],
               yerr=err, capsize=2, error_kw={"elinewidth": 0.8, "ecolor": "#222"})
    ax.set_xticks(x, [t(f"group_{g}", lang) for g in GROUPS], fontsize=7, rotation=15)
    ax.set_ylim(0, 100)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7)
    ax.set_title(t("plot_groups", lang), fontsize=9)
    return fig


def _yerr(vals: np.ndarray, cis: list) -> np.ndarray:
    """Asymmetric error bars (2 × n) from 95 % intervals; zero where a value has none."""
    err = np.zeros((2, len(vals)))
    for k, (v, ci) in enumerate(zip(vals, cis)):
        if ci and ci[0] is not None and np.isfinite(v):
            err[:, k] = (max(v - ci[0], 0.0), max(ci[1] - v, 0.0))
    return err


def difference_plot(entries, table: dict, lang: str) -> Figure | None:
    """Total and group points of each scenario minus the baseline, with paired 95 % intervals."""
    if len(entries) < 2:
        return None
    keys = ["total"] + [f"group.{g}" for g in GROUPS]
    labels = [t("total", lang)] + [t(f"group_{g}", lang) for g in GROUPS]
    fig = Figure(figsize=(6.5, 3.4))
    ax = fig.subplots()
    y = np.arange(len(keys))[::-1].astype(float)
    step = 0.8 / max(len(entries) - 1, 1)
    for i in range(1, len(entries)):
        d = [table[k]["diff"][i] for k in keys]
        mean = np.array([np.nan if x is None else x["mean"] for x in d])
        lo = np.array([np.nan if x is None or x["lo"] is None else x["lo"] for x in d])
        hi = np.array([np.nan if x is None or x["hi"] is None else x["hi"] for x in d])
        err = np.vstack([np.nan_to_num(mean - lo), np.nan_to_num(hi - mean)])
        yy = y - (i - 1 - (len(entries) - 2) / 2) * step
        ax.errorbar(mean, yy, xerr=err, fmt="o", color=COLOURS[i % len(COLOURS)], capsize=3, markersize=4,
                    label=f"{entries[i][0]} − {entries[0][0]}")
    ax.axvline(0, color="#555", linewidth=0.8)
    ax.set_yticks(y, labels, fontsize=7)
    ax.set_xlabel(t("diff_points", lang))
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=7)
    ax.set_title(t("plot_differences", lang), fontsize=9)
    return fig
