"""Per design point: mean, standard deviation, n and 95 % confidence interval of each metric.

The interval is the Student-t interval over replications (independent streams), which is
what a researcher reports: mean ± t(0.975, n−1)·s/√n.  Outputs: ``summary.csv``,
``summary.parquet``, one PNG per plotted metric and ``summary.html`` linking them.
"""
from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import atomic_path, write_text
from .experiment import Experiment
from .store import ID_COLUMNS, TIMING_COLUMNS, read_runs

CONFIDENCE = 0.95


def summarise(runs, metrics: list[str]):
    """Long table: one row per (scenario, point, metric) with n, mean, std, CI bounds."""
    import pandas as pd
    from scipy import stats

    factor_cols = [c for c in runs.columns if c.startswith("f:")]
    rows: list[dict[str, Any]] = []
    if runs.empty:
        return pd.DataFrame(columns=["scenario", "point", "point_id", *factor_cols, "metric", "n", "mean",
                                     "std", "ci95_low", "ci95_high", "ci95_half"])
    for (sc, point), g in runs.groupby(["scenario", "point"], sort=True):
        first = g.iloc[0]
        for m in metrics:
            if m not in g.columns:
                continue
            x = g[m].to_numpy(dtype=float)
            x = x[np.isfinite(x)]
            n = len(x)
            mean = float(x.mean()) if n else math.nan
            std = float(x.std(ddof=1)) if n > 1 else math.nan
            half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * std / math.sqrt(n)) if n > 1 else math.nan
            rows.append({"scenario": sc, "point": int(point), "point_id": first["point_id"],
                         **{c: first[c] for c in factor_cols}, "metric": m, "n": n, "mean": mean,
                         "std": std, "ci95_low": mean - half, "ci95_high": mean + half, "ci95_half": half})
    return pd.DataFrame(rows)


def write_summary(experiment: Experiment, out: str | Path) -> dict[str, Path]:
    """Summarise this experiment's finished runs under ``out``; return the written paths."""
    out = Path(out)
    runs = read_runs(out, [r.run_id for r in experiment.runs])
    metric_cols = [c for c in runs.columns
                   if c not in ID_COLUMNS and c not in TIMING_COLUMNS and not c.startswith("f:")]
    metrics = [m for m in experiment.metrics if m in metric_cols] + \
              [m for m in metric_cols if m not in experiment.metrics and m.startswith("circles_")]
    table = summarise(runs, metrics or metric_cols)
    paths: dict[str, Path] = {}
    with atomic_path(out / "summary.csv") as tmp:
        table.to_csv(tmp, index=False)
    paths["csv"] = out / "summary.csv"
    with atomic_path(out / "summary.parquet") as tmp:
        table.to_parquet(tmp, index=False)
    paths["parquet"] = out / "summary.parquet"
    pngs = []
    for m in experiment.plot_metrics:
        sub = table[table["metric"] == m]
        if not sub.empty:
            pngs.append(plot_metric(sub, m, experiment.factor_names, out / f"summary_{m}.png"))
    for p in pngs:
        paths[p.stem] = p
    paths["html"] = write_text(out / "summary.html", _html(experiment, runs, table, pngs))
    return paths


def plot_metric(sub, metric: str, factors: list[str], path: Path) -> Path:
    """Mean ± 95 % CI of one metric: x = first numeric factor, one line per other combination."""
    from ..report import fonts

    fonts.quiet_matplotlib().use("Agg")  # batch plots come from the CLI or a worker, never a GUI
    import matplotlib.pyplot as plt

    plt.rcParams.update(fonts.rc())
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    cols = [f"f:{f}" for f in factors]
    numeric = [c for c in cols if _numeric(sub[c])]
    x_col = numeric[0] if numeric else None
    others = [c for c in cols if c != x_col] + (["scenario"] if sub["scenario"].nunique() > 1 else [])
    groups = sub.groupby(others, sort=True, dropna=False) if others else [((), sub)]
    n_groups = sub.groupby(others).ngroups if others else 1
    for label, g in groups:
        if x_col and n_groups <= 12:
            g = g.sort_values(x_col)
            x = g[x_col].to_numpy(dtype=float)
            ax.errorbar(x, g["mean"], yerr=g["ci95_half"].fillna(0), marker="o", capsize=3,
                        label=_label(others, label) if others else None)
        else:  # sampled designs: every point against the first numeric factor
            x = g[x_col].to_numpy(dtype=float) if x_col else g["point"].to_numpy()
            ax.errorbar(x, g["mean"], yerr=g["ci95_half"].fillna(0), fmt="o", capsize=2, color="C0")
    ax.set_xlabel(x_col[2:] if x_col else "design point")
    ax.set_ylabel(metric)
    ax.set_title(f"{metric}: mean and 95% CI")
    ax.grid(alpha=0.3)
    if others and n_groups <= 12 and x_col:
        ax.legend(fontsize=7)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp)
    plt.close(fig)
    return path


def _numeric(col) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)


def _label(names: list[str], values) -> str:
    values = values if isinstance(values, tuple) else (values,)
    return ", ".join(f"{n.removeprefix('f:')}={v}" for n, v in zip(names, values))


def _html(experiment: Experiment, runs, table, pngs: list[Path]) -> str:
    e = html.escape
    head = (f"<h1>{e(experiment.name)}</h1><p>{e(experiment.description)}</p>"
            f"<p>{len(runs)} of {len(experiment.runs)} runs finished; {experiment.replications} "
            f"replications per design point; 95% confidence intervals (Student t).</p>")
    imgs = "".join(f'<figure><img src="{e(p.name)}" alt="{e(p.stem)}"></figure>' for p in pngs)
    factor_cols = [c for c in table.columns if c.startswith("f:")]
    metrics = list(dict.fromkeys(table["metric"]))
    header = "".join(f"<th>{e(c)}</th>" for c in ["scenario", "point", *(c[2:] for c in factor_cols), "n"])
    header += "".join(f"<th>{e(m)}<br><small>mean ± 95% CI</small></th>" for m in metrics)
    rows = []
    for (sc, point), g in table.groupby(["scenario", "point"], sort=True):
        first = g.iloc[0]
        by_metric = {r["metric"]: r for _, r in g.iterrows()}
        cells = [e(str(sc)), str(point), *(e(str(first[c])) for c in factor_cols), str(int(g["n"].max()))]
        cells += [(f"{_fmt(by_metric[m]['mean'])} ± {_fmt(by_metric[m]['ci95_half'])}" if m in by_metric else "")
                  for m in metrics]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    tbl = f"<div style='overflow-x:auto'><table><tr>{header}</tr>{''.join(rows)}</table></div>"
    style = ("<style>body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em}table{border-collapse:"
             "collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px}img{max-width:700px}</style>")
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(experiment.name)}</title>"
            f"{style}</head><body>{head}{imgs}{tbl}</body></html>")


def _fmt(v) -> str:
    return "—" if v is None or (isinstance(v, float) and not math.isfinite(v)) else f"{v:.4g}"
