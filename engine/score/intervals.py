"""Means and 95 % confidence intervals over replications, and paired differences between scenarios.

Replications of different scenarios use the same seeds (common random numbers), so replication
``r`` of scenario A and of scenario B saw the same incident stream; their difference ``B_r − A_r``
has far less noise than either value, and its interval is the paired one (Law & Kelton §10.2).
A value that does not depend on the simulation is the same in every replication: its interval
has zero width, and any non-zero difference of it is significant.
"""
from __future__ import annotations

import math

import numpy as np

LEVEL = 0.95


def t_quantile(n: int, level: float = LEVEL) -> float:
    """Two-sided Student-t quantile for ``n`` replications (n − 1 degrees of freedom)."""
    from scipy.stats import t

    return float(t.ppf(0.5 + level / 2, n - 1)) if n > 1 else math.inf


def interval(values) -> dict | None:
    """``{"mean", "lo", "hi", "n"}`` of the finite values (95 % t-interval); None when none is finite.

    With one replication the interval is unknown (``lo``/``hi`` None) unless the value is
    deterministic; callers that know that pass the same value R times.
    """
    v = np.asarray([np.nan if x is None else x for x in values], dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None
    mean = float(v.mean())
    if v.size == 1:
        return {"mean": mean, "lo": None, "hi": None, "n": 1}
    spread = float(np.std(v, ddof=1))
    half = t_quantile(v.size) * spread / math.sqrt(v.size)
    if spread <= 1e-12 * max(1.0, abs(mean)):     # identical in every replication: no noise
        half = 0.0
    return {"mean": mean, "lo": mean - half, "hi": mean + half, "n": int(v.size)}


def paired_difference(base, other, noisy: bool = True) -> dict | None:
    """Interval of ``other − base`` over paired replications, plus ``significant`` (the interval
    excludes 0; None when it cannot be told: a simulated value from a single replication).
    ``noisy=False`` marks values that do not depend on the simulation (one value each side: exact)."""
    a = np.asarray([np.nan if x is None else x for x in base], dtype=float)
    b = np.asarray([np.nan if x is None else x for x in other], dtype=float)
    if a.size != b.size:             # one side deterministic (a single value): broadcast it
        if a.size == 1:
            a = np.full(b.size, a[0])
        elif b.size == 1:
            b = np.full(a.size, b[0])
        else:
            return None
    d = interval(b - a)
    if d is None:
        return None
    if a.size == 1:                  # both deterministic (or a single replication)
        exact = not noisy
        d["lo"] = d["hi"] = d["mean"] if exact else None
        d["significant"] = bool(abs(d["mean"]) > 1e-9 * max(1.0, abs(a[0]), abs(b[0]))) if exact else None
    else:
        d["significant"] = bool(d["lo"] > 0 or d["hi"] < 0)
    return d


def unpaired_difference(base, other) -> dict | None:
    """Welch interval of ``other − base`` when the replications are not paired (different seeds)."""
    from scipy.stats import t

    a = np.asarray([np.nan if x is None else x for x in base], dtype=float)
    b = np.asarray([np.nan if x is None else x for x in other], dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if a.size < 2 or b.size < 2:
        return None
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    mean = float(b.mean() - a.mean())
    se = math.sqrt(va + vb)
    if se == 0:
        return {"mean": mean, "lo": mean, "hi": mean, "n": int(min(a.size, b.size)), "significant": mean != 0}
    df = (va + vb) ** 2 / (va ** 2 / (a.size - 1) + vb ** 2 / (b.size - 1))
    half = float(t.ppf(0.5 + LEVEL / 2, df)) * se
    return {"mean": mean, "lo": mean - half, "hi": mean + half, "n": int(min(a.size, b.size)),
            "significant": bool(mean - half > 0 or mean + half < 0)}
