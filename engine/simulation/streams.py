"""Pre-drawn random streams shared by the Numba engine and the SimPy reference.

Every random quantity either engine needs is drawn here, up front, from one
``numpy.random.Generator``; the engines themselves draw nothing.  That is what makes their
per-call / per-incident results identical, and it keeps a run reproducible from its seed.
"""
from __future__ import annotations

import numpy as np


def dispatch_streams(arrival_rates: np.ndarray, n_events: int, seed: int) -> dict[str, np.ndarray]:
    """Streams of the abstract hypercube model.

    ``gap`` inter-arrival times (total rate Σλ), ``arrival`` their running sum (sequential,
    exactly as an event clock adds them), ``atom`` of each call (∝ λ_j) and ``work`` a unit
    exponential: a call served by unit i takes ``work / mu_i``.
    """
    lam = np.asarray(arrival_rates, dtype=np.float64)
    rng = np.random.default_rng(seed)
    total = float(lam.sum())
    gap = rng.exponential(1.0 / total, n_events)
    cum = np.cumsum(lam) / total
    atom = np.minimum(np.searchsorted(cum, rng.random(n_events), side="right"), lam.size - 1).astype(np.int64)
    work = rng.exponential(1.0, n_events)
    return {"gap": gap, "arrival": np.add.accumulate(gap), "atom": atom, "work": work}


Z90 = 1.2815515655446004   # standard normal 90th percentile
Z99 = 2.3263478740408408   # 99th: the dispatch cap is read as the 99th percentile before capping


def lognormal_sigma(median: float, quantile: float, z: float) -> float:
    """Sigma of a lognormal with the given median and z-quantile (0 when quantile ≤ median)."""
    return float(np.log(quantile / median) / z) if quantile > median > 0 else 0.0


def replication_seed(seed: int, replication: int = 0, key: int | None = None) -> np.random.SeedSequence:
    """Seed sequence of replication r: r = 0 is the plain seed (as before replications existed).

    The same (seed, r) gives the same incidents and durations in every scenario with the same
    demand: common random numbers across the layouts being compared.  ``key`` (a district's
    ``districts.stream_key``) gives that district its own stream, the same whether it runs alone
    or as part of its city (``city.py``); its spawn key (r, key) never meets the plain
    sequences' children.
    """
    if isinstance(replication, bool) or int(replication) != replication or replication < 0:
        raise ValueError(f"replication must be a whole number ≥ 0, got {replication!r}")
    if key is not None:
        return np.random.SeedSequence(int(seed), spawn_key=(int(replication), int(key)))
    return np.random.SeedSequence(int(seed) if replication == 0 else [int(seed), int(replication)])


def workflow_streams(model, params: dict, days: float, seed: int, replication: int = 0,
                     stream_key: int | None = None) -> dict[str, np.ndarray]:
    """Incidents and every random duration of their life, drawn once for both engines.

    One child generator per quantity (``SeedSequence.spawn``), so changing e.g. the handling
    distribution leaves the incident times unchanged.  Durations in hours:
    ``delay`` report → dispatch (lognormal, median by urgency, capped), ``handle`` on-site
    work (lognormal median/p90), ``level`` (0 = handled by the grid worker, 1.. = the
    escalation levels of ``workflow.escalation_share`` in order), ``escalated`` resolution
    time after escalation (lognormal, median by level, the handling sigma), ``verify``
    (uniform 0..verification_max_h), ``emergency_z`` (standard normal: on-scene time of an
    emergency responder, ``emergency.scene_hours``), ``centre_work`` (desk hours at the escalation centre,
    ``escalation.py``), ``micro_u`` / ``micro_z`` (is a micro-grid member reached, how
    fast: ``micro.first_contact``).  Emergency types are made urgent; the escalation level depends on
    type and urgency (``escalation.escalation_probability``).
    """
    from ..demand import generate_incidents

    wf = params["workflow"]
    rng = [np.random.default_rng(s) for s in replication_seed(seed, replication, stream_key).spawn(10)]
    inc = generate_incidents(model, days, rng[0])
    n = inc["time_h"].size
    urg_keys = list(model.urgency_keys)
    emergency = np.isin(np.array(model.type_keys, dtype=object), list(params["emergency"]["responder"]))
    if "urgent" in urg_keys:               # emergencies are urgent whatever the urgency mix drew
        inc["urgency"] = np.where(emergency[inc["type"]], np.int8(urg_keys.index("urgent")), inc["urgency"])
    med = np.array([float(wf["dispatch_median_min"].get(k, 15.0)) for k in urg_keys]) / 60.0
    cap = np.array([float(wf["dispatch_cap_min"].get(k, 30.0)) for k in urg_keys]) / 60.0
    sig = np.array([lognormal_sigma(m, c, Z99) for m, c in zip(med, cap)])
    u = inc["urgency"]
    delay = np.minimum(med[u] * np.exp(sig[u] * rng[1].standard_normal(n)), cap[u])
    h_med = float(wf["handle_median_min"]) / 60.0
    h_sig = lognormal_sigma(h_med, float(wf["handle_p90_min"]) / 60.0, Z90)
    handle = h_med * np.exp(h_sig * rng[2].standard_normal(n))
    from .escalation import draw_levels, escalation_probability

    levels = ["grid", *wf["escalation_share"]]
    p_esc, level_p = escalation_probability(params, model.type_keys, urg_keys, model.type_p, model.urgency_p)
    level = draw_levels(p_esc, level_p, inc["type"], inc["urgency"], rng[3].random(n))
    e_med = np.array([0.0, *[float(wf["escalated_median_h"].get(k, 0.0)) for k in levels[1:]]])
    escalated = np.where(level > 0, e_med[level] * np.exp(h_sig * rng[4].standard_normal(n)), 0.0)
    verify = rng[5].random(n) * float(wf["verification_max_h"])
    inc.update(delay=delay, handle=handle, level=level, escalated=escalated, verify=verify,
               emergency_z=rng[6].standard_normal(n), centre_work=_centre_work(params["escalation"], levels, level,
                                                                           rng[7].standard_normal(n)),
               micro_u=rng[8].random(n), micro_z=rng[9].standard_normal(n))
    inc["level_keys"] = np.array(levels, dtype=object)
    return inc


def _centre_work(esc: dict, levels: list[str], level: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Desk time (h) of an escalated case at its centre: lognormal by level (0 for levels without one)."""
    med = np.array([float(esc["work_median_h"].get(k, 0.0)) for k in levels])
    p90 = np.array([float(esc["work_p90_h"].get(k, 0.0)) for k in levels])
    sig = np.array([lognormal_sigma(m, q, Z90) for m, q in zip(med, p90)])
    return med[level] * np.exp(sig[level] * z)
