"""Analytic queueing models: the oracle the simulation engines are tested against.

* ``erlang_b`` / ``erlang_c`` / ``erlang_c_wq``: M/M/c/c loss and M/M/c delay systems.
* ``hypercube_exact``: Larson's (1974) hypercube queueing model, solved exactly from the
  balance equations of its 2^N-state Markov chain (Larson & Odoni, *Urban Operations
  Research*, ch. 5) by block elimination over the levels "number of busy units"
  (N = 12 in under a second; up to 14 units accepted).
* ``simulate_dispatch``: the same abstract model estimated by the simulation engines
  (Numba event kernel or SimPy reference), fed identical pre-drawn random streams.

Model and conventions (shared by the exact solver and both simulation engines)
-----------------------------------------------------------------------------
* Calls arrive from atom ``j`` as a Poisson process of rate ``arrival_rates[j]``.
* Unit ``i`` is busy or free; a call keeps its unit for an exponential service time of rate
  ``mu_i`` (travel is part of service, independent of it, as in Larson's model).
* Dispatch: the call goes to the first *free* unit of its atom's preference list.
* ``queue="loss"`` (zero line capacity): if every unit of the list is busy, the call is lost.
  Partial lists are allowed: free units that are not listed are never sent.
* ``queue="infinite"``: a call queues only when *all* units are busy (Larson's M/M/N
  hypercube with infinite line capacity).  A partial list is therefore completed with the
  unlisted units, nearest first when ``travel_times`` is given, else in index order.
  Queued calls are served FCFS by the next unit to finish; the queue states (all busy, k
  waiting) form a geometric tail with ratio ``lambda / sum(mu)`` and are aggregated
  exactly.  Because service is memoryless, the unit that takes a queued call is unit ``i``
  with probability ``mu_i / sum(mu)`` (1/N for identical units), whatever the atom.
* ``workload_fraction[j, i]``: share of atom ``j``'s *arriving* calls served by unit ``i``
  (rows sum to ``1 - p_loss_atom[j]`` for loss, to 1 for the infinite queue; queued calls
  are attributed by the rule above).
* ``mean_travel``: mean of ``travel_times[j, i]`` over *served* calls, where ``i`` is the
  unit that serves the call; a unit always travels from its home location (a unit freed
  from the queue also starts from home — Larson's convention), so the value is exact.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from .errors import GridGovError, Problem, ValidationError

MAX_UNITS = 14   # exact level reduction: the largest dense block is C(14, 7) = 3432 states
QUEUES = ("loss", "infinite")


# --------------------------------------------------------------------------- Erlang
def erlang_b(servers: int, offered_load: float) -> float:
    """Blocking probability of M/M/c/c with ``offered_load = lambda / mu`` (stable recursion)."""
    c = _check_servers(servers)
    a = _check_load(offered_load)
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(servers: int, offered_load: float) -> float:
    """Probability that an arriving call waits in M/M/c (requires ``offered_load < servers``)."""
    c = _check_servers(servers)
    a = _check_load(offered_load)
    if a >= c:
        raise GridGovError(f"erlang_c: offered load {a} ≥ servers {c}: the queue is unstable")
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def erlang_c_wq(servers: int, arrival_rate: float, service_rate: float) -> float:
    """Mean wait in queue Wq of M/M/c: P(wait) / (c·mu − lambda)."""
    mu = float(service_rate)
    if not (mu > 0 and math.isfinite(mu)):
        raise GridGovError(f"erlang_c_wq: service_rate must be positive, got {service_rate!r}")
    lam = _check_load(arrival_rate)
    c = _check_servers(servers)
    return erlang_c(c, lam / mu) / (c * mu - lam)


def _check_servers(servers: Any) -> int:
    if isinstance(servers, bool) or not float(servers).is_integer() or int(servers) < 1:
        raise GridGovError(f"number of servers must be a positive integer, got {servers!r}")
    return int(servers)


def _check_load(x: Any) -> float:
    v = float(x)
    if not (v >= 0 and math.isfinite(v)):
        raise GridGovError(f"load / rate must be finite and ≥ 0, got {x!r}")
    return v


# --------------------------------------------------------------------------- inputs
def check_model(arrival_rates: Any, preferences: Any, service_rate: Any, queue: str,
                travel_times: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Validate a hypercube model; return ``(lam[J], pref[J, N] padded with -1, mu[N], travel)``.

    The number of units N comes from ``service_rate`` when it is an array, else from
    ``travel_times``, else from the largest unit index in the preference lists.
    """
    problems: list[Problem] = []
    where = "hypercube model"
    if queue not in QUEUES:
        raise ValidationError([Problem(f"queue must be one of {QUEUES}, got {queue!r}", where, field="queue")])
    lam = np.asarray(arrival_rates, dtype=np.float64)
    if lam.ndim != 1 or lam.size == 0:
        raise ValidationError([Problem("arrival_rates must be a non-empty 1-D sequence (one rate per atom)",
                                       where, field="arrival_rates")])
    bad = np.flatnonzero(~np.isfinite(lam) | (lam < 0))
    for j in bad:
        problems.append(Problem(f"arrival rate {lam[j]!r} must be finite and ≥ 0", where, fid=int(j),
                                field="arrival_rates"))
    if not bad.size and lam.sum() <= 0:
        problems.append(Problem("total arrival rate must be positive", where, field="arrival_rates"))
    J = lam.size
    try:
        lists = [[int(u) for u in np.asarray(p).ravel() if int(u) >= 0] for p in preferences]
    except (TypeError, ValueError) as exc:
        raise ValidationError([Problem(f"preferences must be lists of unit indices ({exc})", where,
                                       field="preferences")]) from None
    if len(lists) != J:
        raise ValidationError([Problem(f"preferences has {len(lists)} lists but there are {J} atoms", where,
                                       field="preferences")])
    mu_in = np.asarray(service_rate, dtype=np.float64)
    tt = None if travel_times is None else np.asarray(travel_times, dtype=np.float64)
    if mu_in.ndim == 1:
        N = mu_in.size
    elif tt is not None and tt.ndim == 2:
        N = tt.shape[1]
    else:
        N = 1 + max((max(lst) for lst in lists if lst), default=-1)
    if N < 1 or N > MAX_UNITS:
        raise ValidationError([Problem(f"number of units must be 1..{MAX_UNITS}, got {N}", where,
                                       field="service_rate")])
    if mu_in.ndim == 0:
        mu = np.full(N, float(mu_in))
    elif mu_in.ndim == 1:
        mu = mu_in.copy()
    else:
        raise ValidationError([Problem("service_rate must be a scalar or one rate per unit", where,
                                       field="service_rate")])
    for i in np.flatnonzero(~np.isfinite(mu) | (mu <= 0)):
        problems.append(Problem(f"service rate {mu[i]!r} must be finite and > 0", where, fid=int(i),
                                field="service_rate"))
    for j, lst in enumerate(lists):
        if not lst:
            problems.append(Problem("empty preference list", where, fid=j, field="preferences"))
        elif max(lst) >= N:
            problems.append(Problem(f"unit index {max(lst)} out of range 0..{N - 1}", where, fid=j,
                                    field="preferences"))
        elif len(set(lst)) != len(lst):
            problems.append(Problem("a unit is listed twice", where, fid=j, field="preferences"))
    if tt is not None and (tt.shape != (J, N) or not np.all(np.isfinite(tt)) or np.any(tt < 0)):
        problems.append(Problem(f"travel_times must be a finite, non-negative {J}×{N} array "
                                f"(atoms × units), got shape {tt.shape}", where, field="travel_times"))
    if problems:
        raise ValidationError(problems)
    if queue == "infinite":
        if lam.sum() >= mu.sum():
            raise ValidationError([Problem(f"infinite queue is unstable: total arrival rate {lam.sum():g} ≥ "
                                           f"total service rate {mu.sum():g}", where, field="arrival_rates")])
        for j, lst in enumerate(lists):
            rest = [u for u in range(N) if u not in lst]
            if tt is not None:
                rest.sort(key=lambda u: (tt[j, u], u))
            lists[j] = lst + rest
    pref = np.full((J, N), -1, dtype=np.int64)
    for j, lst in enumerate(lists):
        pref[j, :len(lst)] = lst
    return lam, pref, mu, tt


def dispatch_table(pref: np.ndarray, n_units: int) -> np.ndarray:
    """``table[j, state]`` = unit sent to a call of atom j in busy-set ``state`` (−1: none free)."""
    J = pref.shape[0]
    states = np.arange(1 << n_units, dtype=np.int64)
    table = np.full((J, states.size), -1, dtype=np.int64)
    for j in range(J):
        lst = pref[j][pref[j] >= 0]
        for u in lst[::-1]:          # walk the list backwards: the first free unit wins
            free = ((states >> u) & 1) == 0
            table[j, free] = u
    return table


# --------------------------------------------------------------------------- hypercube
def hypercube_exact(arrival_rates: Sequence[float], preferences: Sequence[Sequence[int]],
                    service_rate: float | Sequence[float], queue: str = "loss",
                    travel_times: Any = None) -> dict[str, Any]:
    """Exact steady state of the hypercube model (conventions in the module docstring).

    Returns ``utilisation`` (N,), ``p_loss`` (loss) or ``p_wait`` and ``mean_wait``
    (infinite), ``workload_fraction`` (J, N), ``p_loss_atom`` (loss), ``state_probabilities``
    (2^N, busy-set bit i = unit i; for the infinite queue the all-busy entry includes the
    aggregated queue tail) and ``mean_travel`` when ``travel_times`` is given.
    """
    lam, pref, mu, tt = check_model(arrival_rates, preferences, service_rate, queue, travel_times)
    J, N = pref.shape
    S = 1 << N
    full = S - 1
    table = dispatch_table(pref, N)
    states = np.arange(S, dtype=np.int64)
    rows, cols, rates = [], [], []
    # upward transitions: arrivals of atom j sent to unit u
    for j in range(J):
        if lam[j] == 0:
            continue
        ok = table[j] >= 0
        src = states[ok]
        rows.append(src)
        cols.append(src | (np.int64(1) << table[j, ok]))
        rates.append(np.full(src.size, lam[j]))
    # downward transitions: unit u finishes (from the all-busy state this is the censored
    # chain: the queue excursion returns to the all-busy state, so only mu_u leaves it)
    for u in range(N):
        busy = ((states >> u) & 1) == 1
        src = states[busy]
        rows.append(src)
        cols.append(src & ~(np.int64(1) << u))
        rates.append(np.full(src.size, mu[u]))
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    w = np.concatenate(rates)
    p = _level_solve(r, c, w, N)
    p = np.clip(p, 0.0, None)
    p /= p.sum()

    total = lam.sum()
    result: dict[str, Any] = {}
    wf = np.zeros((J, N))
    for j in range(J):
        sent = table[j]
        ok = sent >= 0
        wf[j] = np.bincount(sent[ok], weights=p[ok], minlength=N)
    if queue == "infinite":
        rho = total / mu.sum()
        tail = p[full] * rho / (1.0 - rho)        # P(all busy, ≥1 waiting), unnormalised
        scale = 1.0 / (1.0 + tail)
        p = p * scale
        p_full_all = p[full] + tail * scale        # P(all busy) incl. queue states
        wf *= scale
        wf += p_full_all * (mu / mu.sum())[None, :]   # queued calls: unit i frees first w.p. mu_i/Σmu
        busy = np.array([p[((states >> u) & 1) == 1].sum() for u in range(N)]) + tail * scale
        result["p_wait"] = float(p_full_all)
        result["mean_wait"] = float(p_full_all / (mu.sum() - total))
        p_states = p.copy()
        p_states[full] = p_full_all
    else:
        busy = np.array([p[((states >> u) & 1) == 1].sum() for u in range(N)])
        lost_atom = np.array([p[table[j] < 0].sum() for j in range(J)])
        result["p_loss"] = float((lam * lost_atom).sum() / total)
        result["p_loss_atom"] = lost_atom
        p_states = p
    result["utilisation"] = busy
    result["workload_fraction"] = wf
    result["state_probabilities"] = p_states
    if tt is not None:
        served = lam[:, None] * wf
        result["mean_travel"] = float((served * tt).sum() / served.sum()) if served.sum() > 0 else math.nan
    return result


def _level_solve(src: np.ndarray, dst: np.ndarray, rate: np.ndarray, n_units: int) -> np.ndarray:
    """Stationary distribution of a chain whose moves change the number of busy units by ±1.

    Exact linear level reduction (block Gaussian elimination over the N+1 levels of the
    hypercube): with U_k / D_k the up / down blocks and L_k the diagonal,
    S_N = L_N, R_{k-1} = U_{k-1} (−S_k)^{-1}, S_{k-1} = L_{k-1} + R_{k-1} D_k, then
    pi_0 = 1 and pi_k = pi_{k-1} R_{k-1}.  Every block inverse is of a non-singular
    M-matrix, so the recursion is stable; the largest block has C(N, N/2) states.
    """
    S = 1 << n_units
    states = np.arange(S, dtype=np.int64)
    level = np.zeros(S, np.int64)
    for u in range(n_units):
        level += (states >> u) & 1
    pos = np.zeros(S, np.int64)
    members = [states[level == k] for k in range(n_units + 1)]
    for m in members:
        pos[m] = np.arange(m.size)
    out = np.bincount(src, weights=rate, minlength=S)
    up = [np.zeros((members[k].size, members[k + 1].size)) for k in range(n_units)]
    down = [None] + [np.zeros((members[k].size, members[k - 1].size)) for k in range(1, n_units + 1)]
    ls, ld = level[src], level[dst]
    for k in range(n_units):
        sel = (ls == k) & (ld == k + 1)
        np.add.at(up[k], (pos[src[sel]], pos[dst[sel]]), rate[sel])
        sel = (ls == k + 1) & (ld == k)
        np.add.at(down[k + 1], (pos[src[sel]], pos[dst[sel]]), rate[sel])
    R: list[np.ndarray] = [np.zeros(0)] * n_units
    S_k = -np.diag(out[members[n_units]])
    for k in range(n_units, 0, -1):
        R[k - 1] = np.linalg.solve((-S_k).T, up[k - 1].T).T
        S_k = -np.diag(out[members[k - 1]]) + R[k - 1] @ down[k]
    p = np.zeros(S)
    pi = np.ones(1)
    p[members[0]] = pi
    for k in range(1, n_units + 1):
        pi = pi @ R[k - 1]
        p[members[k]] = pi
    return p


# --------------------------------------------------------------------------- simulation
def simulate_dispatch(arrival_rates: Sequence[float], preferences: Sequence[Sequence[int]],
                      service_rate: float | Sequence[float], queue: str = "loss", travel_times: Any = None,
                      n_events: int = 200_000, seed: int = 0, engine: str = "numba") -> dict[str, Any]:
    """Estimate the hypercube outputs by simulating ``n_events`` calls.

    Both engines consume the same pre-drawn streams (``simulation.streams.dispatch_streams``)
    and give identical per-call results; the estimates are time averages over the run
    (utilisation) and call averages (workload, loss, wait, travel).  Extra keys:
    ``per_call`` (dict of arrays: ``unit``, ``wait``, ``start``) and ``n_events``.
    """
    from .simulation import streams
    from .simulation.dispatch import run_dispatch

    lam, pref, mu, tt = check_model(arrival_rates, preferences, service_rate, queue, travel_times)
    if isinstance(n_events, bool) or int(n_events) < 1:
        raise GridGovError(f"n_events must be a positive integer, got {n_events!r}")
    if engine not in ("numba", "simpy"):
        raise GridGovError(f"engine must be 'numba' or 'simpy', got {engine!r}")
    n = int(n_events)
    s = streams.dispatch_streams(lam, n, seed)
    per_call = run_dispatch(s, pref, mu, queue == "infinite", engine)
    J, N = pref.shape
    unit = per_call["unit"]
    served = unit >= 0
    horizon = float(s["arrival"][-1])
    end = np.minimum(per_call["start"] + s["work"] / mu[np.maximum(unit, 0)], horizon)
    busy_time = np.bincount(unit[served], weights=np.maximum(end[served] - np.minimum(per_call["start"][served],
                                                                                         horizon), 0.0),
                            minlength=N)
    counts = np.bincount(s["atom"], minlength=J).astype(np.float64)
    wf = np.zeros((J, N))
    np.add.at(wf, (s["atom"][served], unit[served]), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        wf = np.where(counts[:, None] > 0, wf / counts[:, None], 0.0)
    result: dict[str, Any] = {"utilisation": busy_time / horizon, "workload_fraction": wf, "n_events": n,
                              "per_call": per_call}
    if queue == "infinite":
        result["p_wait"] = float(np.mean(per_call["wait"] > 0))
        result["mean_wait"] = float(np.mean(per_call["wait"]))
    else:
        result["p_loss"] = float(np.mean(~served))
        result["p_loss_atom"] = np.array([np.mean(~served[s["atom"] == j]) if counts[j] else math.nan
                                          for j in range(J)])
    if tt is not None:
        result["mean_travel"] = float(tt[s["atom"][served], unit[served]].mean()) if served.any() else math.nan
    return result
