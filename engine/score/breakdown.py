"""Scores by area: per district (区县) and per street (街道), for the report's drill-down tables.

Every figure is computed over the area's own grids and incidents (never averaged from finer
areas): response p90 per area is the quantile of the area's pooled incidents
(``simulation.metrics.group_stats``), like the city figure over all incidents.  Areas are
grouped with one ``np.unique`` and ``bincount`` passes, not one mask per area (a city has
261 streets over 144,000 grids).

The district of a grid is its layer's ``district`` column when there is one, else the county
part (first 6 digits) of its CJ/T 349 code, else none ("—").
"""
from __future__ import annotations

import numpy as np

from ..simulation.metrics import group_stats

NO_AREA = "—"
SIM_KEYS = ("response_on_duty_p90_min", "response_on_duty_within_15min", "response_p90_min", "closed_24h_share")


def grid_districts(grids) -> np.ndarray:
    """District label of every grid row (str)."""
    n = len(grids.id)
    col = grids.attrs.get("district") if getattr(grids, "attrs", None) else None
    if col is not None and len(col) == n:
        out = np.array(["" if v is None else str(v) for v in col], dtype=object)
        if (out != "").any():
            return out
    codes = np.asarray(grids.code).astype(str)
    if n and all(len(c) >= 15 and c.isdigit() for c in codes):
        return np.array([c[:6] for c in codes], dtype=object)
    return np.full(n, "", dtype=object)


def _group_nanmean(values: np.ndarray, group: np.ndarray, n: int) -> np.ndarray:
    ok = np.isfinite(values)
    cnt = np.bincount(group[ok], minlength=n)
    tot = np.bincount(group[ok], weights=values[ok], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, tot / np.maximum(cnt, 1), np.nan)


def _group_nanmax(values: np.ndarray, group: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, -np.inf)
    ok = np.isfinite(values)
    np.maximum.at(out, group[ok], values[ok])
    return np.where(np.isfinite(out), out, np.nan)


def area_breakdown(ctx, scores, label: np.ndarray, sim_area: dict | None = None) -> dict[str, dict]:
    """Per area label of the grid rows: grids, households, size conformity, uncovered share,
    compactness, incidents, workload, worst utilisation and pooled response figures
    (``sim_area``: the simulation's own per-area records, e.g. ``per_street``, when it has them)."""
    label = np.asarray(label, dtype=object).astype(str)
    names, idx = np.unique(label, return_inverse=True)
    A = names.size
    level = ctx.level
    top, general = level != "micro", level == "general"
    pg, sim = scores.per_grid, scores.grid_sim
    hh_top = np.where(top, np.asarray(pg["households"], float), 0.0)
    n_general = np.bincount(idx[general], minlength=A)
    hh = np.bincount(idx, weights=hh_top, minlength=A)
    cols: dict[str, np.ndarray] = {"general_grids": n_general.astype(float), "households": hh}
    size_ok = np.bincount(idx[general], weights=(np.asarray(pg["size_ok"])[general] == 1).astype(float), minlength=A)
    with np.errstate(invalid="ignore", divide="ignore"):
        cols["general_size_share"] = np.where(n_general > 0, size_ok / np.maximum(n_general, 1), np.nan)
        if "uncovered_households" in pg:
            unc = np.bincount(idx[top], weights=np.asarray(pg["uncovered_households"], float)[top], minlength=A)
            cols["uncovered_share"] = np.where(hh > 0, unc / np.where(hh > 0, hh, 1.0), np.nan)
    cols["polsby_popper_mean"] = _group_nanmean(np.asarray(pg["polsby_popper"], float)[top], idx[top], A)
    for key in ("incidents", "workload_h"):
        if key in sim:
            v = np.asarray(sim[key], float)[top]
            cols[key] = np.bincount(idx[top], weights=np.where(np.isfinite(v), v, 0.0), minlength=A)
    if "utilisation" in sim:
        cols["utilisation_max"] = _group_nanmax(np.asarray(sim["utilisation"], float)[top], idx[top], A)
    if ctx.sim is not None and sim_area is None:   # pooled per area (never an average of grid quantiles)
        inc = ctx.sim.incidents
        g = np.asarray(inc["grid"], np.int64)
        own = g >= 0
        stats = group_stats(idx[g[own]], A, {k: np.asarray(inc[k])[own] for k in
                                             ("closed_h", "found_on_patrol", "response_min", "dispatched_on_duty")})
        for key in SIM_KEYS:
            cols[key] = np.asarray(stats[key], float)
    has_top = np.bincount(idx[top], minlength=A) > 0
    out: dict[str, dict] = {}
    for a, name in enumerate(names):
        rec = {}
        for key, v in cols.items():
            x = float(v[a])
            if key in ("general_size_share", "uncovered_share", "polsby_popper_mean", "utilisation_max") + SIM_KEYS \
                    and not np.isfinite(x):
                x = None
            if key == "polsby_popper_mean" and not has_top[a]:
                x = None
            rec[key] = x
        if sim_area is not None:
            rec.update({k: v for k, v in sim_area.get(str(name) or "(no street)", {}).items() if k in SIM_KEYS})
        out[str(name) or NO_AREA] = rec
    return out


def street_breakdown(ctx, scores) -> dict[str, dict]:
    """Per street (街道), each with the district it lies in (its grids' most common one)."""
    g = ctx.scenario.grids
    street = np.asarray(g.street, dtype=object).astype(str)
    out = area_breakdown(ctx, scores, street, ctx.sim.per_street if ctx.sim is not None else None)
    from collections import Counter

    counts = Counter(zip(street.tolist(), grid_districts(g).astype(str).tolist()))
    best: dict[str, tuple[int, str]] = {}
    for (s, d), c in counts.items():
        if s not in best or c > best[s][0] or (c == best[s][0] and d < best[s][1]):
            best[s] = (c, d)
    for s, rec in out.items():
        key = "" if s == NO_AREA else s
        rec["district"] = best.get(key, (0, ""))[1] or NO_AREA
    return out


def district_breakdown(ctx, scores) -> dict[str, dict]:
    """Per district (区县): the same figures over the district's grids and incidents, plus its streets."""
    g = ctx.scenario.grids
    district = grid_districts(g)
    out = area_breakdown(ctx, scores, district)
    street = np.asarray(g.street, dtype=object).astype(str)
    for d, rec in out.items():
        key = "" if d == NO_AREA else d
        rec["streets"] = float(np.unique(street[(district.astype(str) == key)]).size)
    return out
