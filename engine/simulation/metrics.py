"""Outcome metrics of a simulated horizon: response, closure, backlog, workload balance.

Response statistics (p50/p90/p95, shares within 5/10/15 min) are over incidents *reported*
by residents or the 12345 hotline, i.e. dispatched by the centre; incidents found on
patrol have response 0 by definition (the finder is on the spot) and would only flatter
them.  Reports that reach the centre while no worker of the grid is on duty wait for the
shift (or an urgent call-out), which dominates those figures; ``response_on_duty_*``
repeat them for reports dispatched while a worker of the grid was on duty, i.e. the part a
grid layout can change.  Closure and on-time shares are over all incidents.
"""
from __future__ import annotations

from typing import Any

import numpy as np

SUMMARY_KEYS = ("n_incidents", "response_p50_min", "response_p90_min", "response_p95_min", "response_within_5min",
                "response_within_10min", "response_within_15min", "closed_24h_share", "on_time_share",
                "utilisation_mean", "utilisation_max", "workload_gini", "backlog_max")


def gini(x: np.ndarray) -> float:
    """Gini index of non-negative values (0 = perfectly even, → 1 = one carries all)."""
    v = np.sort(np.asarray(x, dtype=np.float64))
    n = v.size
    if n == 0 or v.sum() <= 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float((2.0 * (i * v).sum()) / (n * v.sum()) - (n + 1.0) / n)


def backlog(report_h: np.ndarray, closed_abs_h: np.ndarray, horizon_h: float, step_h: float = 1.0):
    """Open cases (reported, not yet closed) sampled every ``step_h`` hours."""
    times = np.arange(0.0, horizon_h + step_h / 2, step_h)
    opened = np.searchsorted(np.sort(report_h), times, side="right")
    closed = np.searchsorted(np.sort(closed_abs_h[np.isfinite(closed_abs_h)]), times, side="right")
    return times, (opened - closed).astype(np.int64)


def _pct(x: np.ndarray, q: float) -> float:
    return float(np.percentile(x, q)) if x.size else float("nan")


def summarise(inc: dict[str, np.ndarray], per_worker: dict[str, np.ndarray], backlog_open: np.ndarray) -> dict[str, Any]:
    reported = ~inc["found_on_patrol"] & np.isfinite(inc["response_min"])
    r = inc["response_min"][reported]
    n = int(inc["time_h"].size)
    util = per_worker["utilisation"]
    out = {
        "n_incidents": n,
        "n_reported": int(reported.sum()),
        "response_p50_min": _pct(r, 50),
        "response_p90_min": _pct(r, 90),
        "response_p95_min": _pct(r, 95),
        "response_within_5min": float(np.mean(r <= 5)) if r.size else float("nan"),
        "response_within_10min": float(np.mean(r <= 10)) if r.size else float("nan"),
        "response_within_15min": float(np.mean(r <= 15)) if r.size else float("nan"),
        "closed_24h_share": float(np.mean(inc["closed_h"] <= 24)) if n else float("nan"),
        "on_time_share": float(np.mean(inc["on_time"])) if n else float("nan"),
        "utilisation_mean": float(util.mean()) if util.size else float("nan"),
        "utilisation_max": float(util.max()) if util.size else float("nan"),
        "workload_gini": gini(per_worker["busy_h"]),
        "backlog_max": int(backlog_open.max()) if backlog_open.size else 0,
    }
    out.update(emergency_kpis(inc))
    out.update(escalation_kpis(inc))
    ordinary = reported & (np.asarray(inc["urgency"], dtype=object) != "urgent") & ~inc["emergency"]
    first = inc["first_response_min"][ordinary]
    out.update(first_response_within_24h=float(np.mean(first <= 24 * 60.0)) if first.size else float("nan"),
               first_response_p50_min=_pct(first, 50),
               n_ordinary_reported=int(first.size),
               response_all_hours_p50_min=out["response_p50_min"], response_all_hours_p90_min=out["response_p90_min"],
               response_all_hours_within_15min=out["response_within_15min"])
    duty = inc["response_min"][reported & inc["dispatched_on_duty"]]
    out.update(response_on_duty_p50_min=_pct(duty, 50), response_on_duty_p90_min=_pct(duty, 90),
               response_on_duty_within_15min=float(np.mean(duty <= 15)) if duty.size else float("nan"),
               n_reported_on_duty=int(duty.size))
    return out


def emergency_kpis(inc: dict[str, np.ndarray]) -> dict[str, Any]:
    """Arrival of the first emergency responder (police / fire / 120) after the report.

    Over every emergency incident; one that got no responder (no facility of its kind)
    counts as not arrived within any threshold.
    """
    em = np.asarray(inc["emergency"], bool)
    r = inc["emergency_response_min"][em]
    got = r[np.isfinite(r)]
    share = (lambda lim: float(np.mean(np.isfinite(r) & (r <= lim))) if r.size else float("nan"))  # noqa: E731
    return {"n_emergencies": int(em.sum()), "emergency_within_5min": share(5.0), "emergency_within_10min": share(10.0),
            "emergency_response_p50_min": _pct(got, 50), "emergency_response_p90_min": _pct(got, 90),
            "emergency_without_responder": int(r.size - got.size)}


def escalation_kpis(inc: dict[str, np.ndarray]) -> dict[str, Any]:
    """Escalated cases: closure time, on-time share and the wait at the centres' desks."""
    esc = np.asarray(inc["level"], dtype=object) != "grid"
    queued = np.asarray(inc["centre"], dtype=object) != ""
    c = inc["closed_h"][esc]
    w = inc["centre_wait_h"][queued]
    return {"n_escalated": int(esc.sum()), "escalated_closed_h_mean": float(c.mean()) if c.size else float("nan"),
            "escalated_closed_h_p90": _pct(c, 90),
            "escalated_on_time_share": float(np.mean(inc["on_time"][esc])) if c.size else float("nan"),
            "centre_wait_h_mean": float(w.mean()) if w.size else float("nan"), "centre_wait_h_p90": _pct(w, 90)}


GROUP_KEYS = ("incidents", "response_p90_min", "response_within_15min", "response_on_duty_p90_min",
              "response_on_duty_within_15min", "n_reported_on_duty", "closed_24h_share")


def _group_response(group: np.ndarray, n_groups: int, response: np.ndarray, mask: np.ndarray):
    """Per group: p90 and share within 15 min of ``response[mask]`` (NaN where a group has none)."""
    g, r = group[mask], response[mask]
    n = np.bincount(g, minlength=n_groups)
    within = np.bincount(g, weights=(r <= 15).astype(float), minlength=n_groups)
    p90 = group_quantile(g, r, n_groups, 0.9)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n > 0, within / np.maximum(n, 1), np.nan)
    return p90, share, n.astype(np.int64)


def group_quantile(group: np.ndarray, values: np.ndarray, n_groups: int, q: float) -> np.ndarray:
    """Quantile q of ``values`` per group, linear interpolation (as ``np.percentile``); NaN if empty."""
    out = np.full(n_groups, np.nan)
    if not values.size:
        return out
    order = np.lexsort((values, group))
    v = values[order]
    n = np.bincount(group, minlength=n_groups)
    first = np.concatenate([[0], np.cumsum(n)[:-1]])
    has = n > 0
    pos = q * (n[has] - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n[has] - 1)
    a, b = v[first[has] + lo], v[first[has] + hi]
    out[has] = a + (pos - lo) * (b - a)
    return out


def group_stats(group: np.ndarray, n_groups: int, inc: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per group (grid row, street, ...): incidents, response of reported ones, closure share.

    ``response_*`` are over all hours, ``response_on_duty_*`` over reports dispatched while a
    worker of the grid was on shift (the part a grid layout changes; see the module docstring).
    """
    count = np.bincount(group, minlength=n_groups)
    closed = np.bincount(group, weights=(inc["closed_h"] <= 24).astype(float), minlength=n_groups)
    reported = ~inc["found_on_patrol"] & np.isfinite(inc["response_min"])
    p90, within, _ = _group_response(group, n_groups, inc["response_min"], reported)
    duty = reported & np.asarray(inc["dispatched_on_duty"], bool)
    dp90, dwithin, dn = _group_response(group, n_groups, inc["response_min"], duty)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(count > 0, closed / np.maximum(count, 1), np.nan)
    return {"incidents": count.astype(np.int64), "response_p90_min": p90, "response_within_15min": within,
            "response_on_duty_p90_min": dp90, "response_on_duty_within_15min": dwithin, "n_reported_on_duty": dn,
            "closed_24h_share": share}
