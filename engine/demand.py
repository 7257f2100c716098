"""Incident demand: non-homogeneous Poisson generation and fitting from an incident history.

Arrivals follow a weekly profile of 168 hour-of-week rates (hour of day × weekday, day 0 =
Monday 00:00 = simulation start).  The profile only shapes *when* incidents happen: it is
normalised to mean 1, so the volume is exactly ``events_per_1000_residents_month`` (a month
= 365.25/12 days).  Space: each unit's share is ∝ residents × optional hotspot weight.
Types and urgencies are drawn independently from their mixes.  A history layer (real or
synthetic) replaces the default profile and type mix by fitted ones (``fit_history``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import Problem, ValidationError
from .param_schema import DAYS_PER_MONTH
from .params import check, require

HOURS_PER_WEEK = 168


@dataclass
class DemandModel:
    """Everything needed to draw incidents; plain arrays so any engine can use it."""

    unit_rate_per_h: np.ndarray     # (n_units,) mean events per hour at each unit
    profile: np.ndarray             # (168,) hour-of-week multiplier, mean 1 (index = weekday*24 + hour)
    type_keys: list[str]
    type_p: np.ndarray
    urgency_keys: list[str]
    urgency_p: np.ndarray
    patrol_found_share: float
    fitted_from: int = 0            # number of history records the profile/mix came from (0 = defaults)
    site_rows: np.ndarray | None = None     # units that are demand sites of dedicated grids (simulation/sites.py)
    site_type_p: np.ndarray | None = None   # (n_sites, n_types) their own type mixes

    @property
    def rate_per_h(self) -> float:
        return float(self.unit_rate_per_h.sum())


def default_profile(demand: dict[str, Any]) -> np.ndarray:
    """Hour-of-week profile from the day/night/weekend multipliers (DOMAIN §7), mean 1."""
    require({"demand": demand}, ("demand",))
    day_start, night_start = int(demand["day_start_hour"]), int(demand["night_start_hour"])
    hours = np.arange(24)
    day = np.where((hours >= day_start) & (hours < night_start), float(demand["day_multiplier"]),
                   float(demand["night_multiplier"]))
    week = np.tile(day, 7)
    week[5 * 24:] *= float(demand["weekend_multiplier"])
    return week / week.mean()


def _mix(mix: dict[str, float]) -> tuple[list[str], np.ndarray]:
    """Keys and shares (the schema has checked they are ≥ 0 and add up to 1; renormalised for rounding)."""
    keys = list(mix)
    p = np.array([float(mix[k]) for k in keys])
    return keys, p / p.sum()


def build_demand(params: dict[str, dict[str, Any]], residents: np.ndarray, hotspot: np.ndarray | None = None,
                 history: Any = None, unit_xy: np.ndarray | None = None) -> DemandModel:
    """Demand model of a scenario from its parameters, unit residents and optional history.

    ``history`` is a ``model.Incidents`` (or anything with ``time`` and ``type``); when it
    holds at least ``demand.fit_min_records`` records, its fitted hour-of-week profile and
    type mix replace the defaults (the volume still comes from the per-resident rate).
    With ``unit_xy`` and located history records (``x``, ``y``), *where* incidents happen is
    fitted too (``fit_spatial``): the units' shares blend residents with the kernel-smoothed
    history counts.
    """
    d = params["demand"]
    res = np.asarray(residents, dtype=np.float64)
    problems = [Problem("residents must be ≥ 0", "layers.gpkg", "units", int(i), "residents")
                for i in np.flatnonzero(~np.isfinite(res) | (res < 0))[:20]]
    weight = res.copy()
    if hotspot is not None:
        h = np.asarray(hotspot, dtype=np.float64)
        if h.shape != res.shape:
            problems.append(Problem(f"hotspot weights need one value per unit ({res.size}), got {h.shape}",
                                    "hotspot", field="weight"))
        else:
            problems += [Problem("hotspot weight must be ≥ 0", "hotspot", "", int(i), "weight")
                         for i in np.flatnonzero(~np.isfinite(h) | (h < 0))[:20]]
            weight = weight * np.where(np.isfinite(h), h, 0.0)
    problems += check(params, sections=("demand",))
    rate, share = float(d["events_per_1000_residents_month"]), float(d["patrol_found_share"])
    if problems:
        raise ValidationError(problems)
    total_per_h = rate * res.sum() / 1000.0 / DAYS_PER_MONTH / 24.0
    unit_rate = total_per_h * weight / weight.sum() if weight.sum() > 0 else np.zeros_like(weight)
    profile = default_profile(d)
    type_keys, type_p = _mix(d["type_mix"])
    urg_keys, urg_p = _mix(d["urgency_mix"])
    fitted = 0
    if history is not None and len(history.time) >= int(d.get("fit_min_records", 200)):
        fit = fit_history(history.time, history.type)
        profile, fitted = fit["profile"], fit["n"]
        type_keys, type_p = list(fit["type_mix"]), np.array(list(fit["type_mix"].values()))
        hx, hy = getattr(history, "x", None), getattr(history, "y", None)
        if unit_xy is not None and hx is not None and unit_rate.sum() > 0:
            share = fit_spatial(np.column_stack([hx, hy]), np.asarray(unit_xy, dtype=np.float64), weight,
                                float(d["history_bandwidth_m"]), float(d["history_spatial_weight"]))
            unit_rate = unit_rate.sum() * share
    return DemandModel(unit_rate, profile, type_keys, type_p, urg_keys, urg_p, share, fitted)


def generate_incidents(model: DemandModel, days: float, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw a horizon of incidents, sorted by time.

    Counts per hour are Poisson with mean rate × profile[hour of week]; times are uniform
    within the hour (exact for a piecewise-constant intensity).  Returns ``time_h``,
    ``unit``, ``type`` and ``urgency`` (codes into the model's key lists) and ``patrol``
    (found on patrol rather than reported).
    """
    n_hours = int(np.ceil(days * 24.0))
    how = np.arange(n_hours) % HOURS_PER_WEEK
    mean = model.rate_per_h * model.profile[how]
    counts = rng.poisson(mean)
    n = int(counts.sum())
    hour = np.repeat(np.arange(n_hours, dtype=np.float64), counts)
    t = hour + rng.random(n)
    keep = t < days * 24.0
    t = t[keep]
    n = t.size
    order = np.argsort(t, kind="stable")
    t = t[order]
    cum = np.cumsum(model.unit_rate_per_h)
    unit = np.searchsorted(cum, rng.random(n) * cum[-1], side="right") if n and cum[-1] > 0 \
        else np.zeros(n, np.int64)
    unit = np.minimum(unit, model.unit_rate_per_h.size - 1).astype(np.int64)
    typ = _draw(rng, model.type_p, n)
    urg = _draw(rng, model.urgency_p, n)
    patrol = rng.random(n) < model.patrol_found_share
    if model.site_rows is not None and model.site_rows.size:    # drawn last: other draws unchanged
        u = rng.random(n)
        at = np.searchsorted(model.site_rows, unit)
        at_site = (at < model.site_rows.size) & (model.site_rows[np.minimum(at, model.site_rows.size - 1)] == unit)
        cum = np.cumsum(model.site_type_p, axis=1)
        i = np.flatnonzero(at_site)
        rows = cum[at[i]]
        # searchsorted(row, u·total, "right") on each non-decreasing row = entries ≤ the draw
        drawn = np.sum(rows <= (u[i] * rows[:, -1])[:, None], axis=1)
        typ[i] = np.minimum(drawn, cum.shape[1] - 1).astype(typ.dtype)
    return {"time_h": t, "unit": unit, "type": typ, "urgency": urg, "patrol": patrol}


def _draw(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    cum = np.cumsum(p)
    return np.minimum(np.searchsorted(cum, rng.random(n) * cum[-1], side="right"), p.size - 1).astype(np.int8)


# --------------------------------------------------------------------------- fitting
def fit_spatial(history_xy: np.ndarray, unit_xy: np.ndarray, prior: np.ndarray, bandwidth_m: float,
                history_weight: float) -> np.ndarray:
    """Each unit's share of the incidents: ``(1 − w) · prior share + w · smoothed history share``.

    Every located history record is counted at its nearest unit; the counts are smoothed
    over the units with a Gaussian kernel of ``bandwidth_m`` (Nadaraya–Watson, cut at 3
    bandwidths), so a unit next to a hotspot shares its rate and a single record does not
    make a hotspot.  ``prior`` (residents × hotspot weight) keeps units with no history
    nearby from dropping to zero.  Returns shares summing to 1.
    """
    from scipy.spatial import cKDTree

    ok = np.all(np.isfinite(history_xy), axis=1)
    U = unit_xy.shape[0]
    prior_share = prior / prior.sum() if prior.sum() > 0 else np.full(U, 1.0 / U)
    if ok.sum() == 0 or U == 0 or not history_weight > 0:
        return prior_share
    tree = cKDTree(unit_xy)
    _, nearest = tree.query(history_xy[ok])
    counts = np.bincount(nearest, minlength=U).astype(np.float64)
    if bandwidth_m > 0:
        pairs = tree.sparse_distance_matrix(tree, 3.0 * bandwidth_m, output_type="coo_matrix")
        k = np.exp(-0.5 * (pairs.data / bandwidth_m) ** 2)
        num = np.bincount(pairs.row, weights=k * counts[pairs.col], minlength=U)   # pairs include (u, u)
        den = np.bincount(pairs.row, weights=k, minlength=U)
        counts = num / den
    hist_share = counts / counts.sum()
    w = min(max(float(history_weight), 0.0), 1.0)
    return (1.0 - w) * prior_share + w * hist_share



def fit_history(time: np.ndarray, types: np.ndarray | None = None) -> dict[str, Any]:
    """Fit the hour-of-week profile and type mix of an incident history.

    Counts per hour of week are divided by the number of times that hour of week occurs in
    the observed span (so a history that starts on a Wednesday is not biased), then
    normalised to mean 1.  Returns ``profile`` (168,), ``hour_profile`` (24, mean 1),
    ``weekday_profile`` (7, mean 1, Monday first), ``type_mix`` (share by type, largest
    first), ``n`` and ``events_per_day``.
    """
    t = np.asarray(time).astype("datetime64[s]")
    ok = ~np.isnat(t)
    if ok.sum() == 0:
        raise ValidationError([Problem("incident history has no valid times", "layers.gpkg", "incidents",
                                       field="time")])
    t = t[ok]
    hours = (t - np.datetime64("1970-01-05T00:00:00", "s")).astype("timedelta64[h]").astype(np.int64)  # a Monday
    how = hours % HOURS_PER_WEEK
    counts = np.bincount(how, minlength=HOURS_PER_WEEK).astype(np.float64)
    first, last = hours.min(), hours.max()
    span_hours = np.arange(first, last + 1) % HOURS_PER_WEEK
    exposure = np.bincount(span_hours, minlength=HOURS_PER_WEEK).astype(np.float64)
    rate = np.divide(counts, exposure, out=np.zeros(HOURS_PER_WEEK), where=exposure > 0)
    if rate.mean() <= 0:
        raise ValidationError([Problem("incident history is empty", "layers.gpkg", "incidents", field="time")])
    profile = rate / rate.mean()
    by = profile.reshape(7, 24)
    mix: dict[str, float] = {}
    if types is not None:
        ty = np.asarray(types, dtype=object)[ok]
        ty = np.where(ty == "", "other", ty).astype(str)
        keys, cnt = np.unique(ty, return_counts=True)
        order = np.argsort(-cnt, kind="stable")
        mix = {str(keys[i]): float(cnt[i] / cnt.sum()) for i in order}
    return {"profile": profile, "hour_profile": by.mean(axis=0), "weekday_profile": by.mean(axis=1),
            "type_mix": mix, "n": int(t.size), "events_per_day": float(t.size / ((last - first + 1) / 24.0))}
