"""How the ranking of scenarios moves when the score weights move.

Input is the matrix of group points (scenarios × weight groups, NaN = not computed) and the
weights.  Totals are formed exactly as ``scorer.weighted_total`` does (weights renormalised over
the groups a scenario has), so the base ranking here is the ranking of the reports.
"""
from __future__ import annotations

import numpy as np

from .registry import GROUPS

FACTORS = (0.0, 0.5, 1.5, 2.0)


def totals(points: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Totals for weight vector(s) ``w`` (…, n_groups) → (…, n_scenarios)."""
    have = np.isfinite(points)
    p = np.where(have, points, 0.0)
    num = np.einsum("...g,sg->...s", w, p)
    den = np.einsum("...g,sg->...s", w, have.astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def ranks(t: np.ndarray) -> np.ndarray:
    """1 = highest total; ties share the better rank; NaN totals rank last."""
    t = np.where(np.isfinite(t), t, -np.inf)
    return np.array([1 + int(np.sum(t > v + 1e-9)) for v in t])


def ranking_sensitivity(points: np.ndarray, weights: dict[str, float], factors=FACTORS,
                        n_samples: int = 5000, seed: int = 0, replicates: np.ndarray | None = None) -> dict:
    """Leaders under each one-weight change, the factor where the leader first changes, win shares.

    ``replicates`` (scenarios × replications × groups, common random numbers) lets the win share
    treat a lead inside the noise as a tie: under a weight vector a scenario wins only when its
    total beats every other's by more than the 95 % interval of their paired difference.
    Returns ``{"base_totals", "base_ranks", "table": {group: {factor: {"ranks", "leader"}}},
    "flip": {group: {"down": f or None, "up": f or None}}, "win_share": [...], "tie_share": x}``.
    """
    points = np.asarray(points, float)
    w0 = np.array([weights.get(g, 0.0) for g in GROUPS], float)
    w0 = w0 / w0.sum()
    base = totals(points, w0)
    out = {"base_totals": base.tolist(), "base_ranks": ranks(base).tolist(), "table": {}, "flip": {}}
    leader0 = int(np.nanargmax(np.where(np.isfinite(base), base, -np.inf)))
    sweep = np.round(np.linspace(0.0, 3.0, 61), 2)
    for gi, g in enumerate(GROUPS):
        row = {}
        for f in factors:
            w = w0.copy()
            w[gi] *= f
            if w.sum() <= 0:
                continue
            tt = totals(points, w / w.sum())
            rk = ranks(tt)
            row[f] = {"ranks": rk.tolist(), "leader": int(np.argmin(rk))}
        out["table"][g] = row
        leaders = []
        for f in sweep:
            w = w0.copy()
            w[gi] *= f
            tt = totals(points, w / w.sum()) if w.sum() > 0 else base
            leaders.append(int(np.argmin(ranks(tt))))
        leaders = np.array(leaders)
        i1 = int(np.argmin(np.abs(sweep - 1.0)))
        down = [sweep[i] for i in range(i1, -1, -1) if leaders[i] != leader0]
        up = [sweep[i] for i in range(i1, len(sweep)) if leaders[i] != leader0]
        out["flip"][g] = {"down": float(down[0]) if down else None, "up": float(up[0]) if up else None}
    rng = np.random.default_rng(seed)
    ws = rng.dirichlet(np.ones(len(GROUPS)), size=n_samples)
    wins, ties = win_shares(points, ws, replicates)
    out["win_share"] = wins.tolist()
    out["tie_share"] = float(ties)
    return out


def win_shares(points: np.ndarray, ws: np.ndarray, replicates: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Share of weight vectors ``ws`` each scenario wins outright, and the share that are ties.

    A tie: the runner-up's total is within 1e-9 of the leader's, or (with replicates) the paired
    95 % interval of (runner-up − leader) over the replications reaches 0.
    """
    from .intervals import t_quantile

    tt = totals(points, ws)
    tt = np.where(np.isfinite(tt), tt, -np.inf)
    n_s = points.shape[0]
    leader = np.argmax(tt, axis=1)
    best = tt[np.arange(len(ws)), leader]
    tie = np.zeros(len(ws), dtype=bool)
    for s in range(n_s):                         # exact ties (e.g. identical layouts)
        tie |= (s != leader) & (best - tt[:, s] <= 1e-9 * np.maximum(1.0, np.abs(best)))
    if replicates is not None and replicates.shape[1] > 1:
        rep = np.asarray(replicates, float)                     # (S, R, G)
        per = np.stack([totals(rep[:, r, :], ws) for r in range(rep.shape[1])], axis=-1)   # (N, S, R)
        lead_t = per[np.arange(len(ws)), leader, :]                                       # (N, R)
        half_factor = t_quantile(rep.shape[1]) / np.sqrt(rep.shape[1])
        for s in range(n_s):
            d = per[:, s, :] - lead_t
            ok = np.isfinite(d).all(axis=1)
            mean = np.where(ok, d.mean(axis=1), -np.inf)
            half = np.where(ok, d.std(axis=1, ddof=1) * half_factor, 0.0)
            tie |= (s != leader) & ok & (mean + half >= 0)
    wins = np.bincount(leader[~tie], minlength=n_s) / len(ws)
    return wins, float(tie.mean())
