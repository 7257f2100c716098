"""Micro-grid members (微网格员) as first contact for reports from their own micro-grid.

Residents who serve their micro-grid (Chengdu: 13.3万 of them against 1.48万 full-time grid
workers) are reachable during waking hours (``start_hour`` for ``hours``); a report from a
unit inside a micro-grid, made then, is taken by its member with probability
``reachable_share`` after a lognormal delay (``response_median_min`` / ``response_p90_min``).
That is a *first response* (someone on the spot, the case registered), not handling: the
grid worker's dispatch, trip and closure are unchanged.  Off by default
(``[micro_member] enabled``).  Independent of the engines (pure post-processing of the
pre-drawn streams), so Numba and SimPy stay identical.
"""
from __future__ import annotations

import numpy as np

from ..errors import Problem
from .streams import Z90, lognormal_sigma


def first_contact_min(mm: dict, report_h: np.ndarray, in_micro: np.ndarray, reported: np.ndarray,
                      u: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Minutes from report to the member's contact (inf where no member takes the report)."""
    out = np.full(report_h.size, np.inf)
    if not mm["enabled"]:
        return out
    hour = (report_h - float(mm["start_hour"])) % 24.0
    awake = hour < float(mm["hours"])
    med = float(mm["response_median_min"])
    sig = lognormal_sigma(med, float(mm["response_p90_min"]), Z90)
    take = reported & in_micro & awake & (u < float(mm["reachable_share"]))
    out[take] = med * np.exp(sig * z[take])
    return out


def check_micro_params(params: dict) -> list[Problem]:
    mm, out = params["micro_member"], []
    if not float(mm["response_median_min"]) > 0:
        out.append(Problem("must be > 0", "scenario.toml", "micro_member", field="response_median_min"))
    if not 0 <= float(mm["reachable_share"]) <= 1:
        out.append(Problem("must be within 0..1", "scenario.toml", "micro_member", field="reachable_share"))
    if not 0 < float(mm["hours"]) <= 24:
        out.append(Problem("micro-grid members' hours cover no time: must be in (0, 24]", "scenario.toml",
                           "micro_member", field="hours"))
    if not 0 <= float(mm["start_hour"]) < 24:
        out.append(Problem("must be in [0, 24)", "scenario.toml", "micro_member", field="start_hour"))
    return out
