"""Benchmark: Numba workflow engine vs the SimPy reference, measured in the same run.

1. A synthetic city-year: ~147k grid workers (one per general grid on a 600 m lattice,
   ~1,000 residents per grid) and the DOMAIN §7 rate scaled so that a year has ~2 M
   incidents (Chengdu handles ~1.98 M grid events a year).  The Numba engine runs the full
   year; SimPy runs the first ``--simpy-days`` of the same city and its time is
   extrapolated linearly to the year (labelled "extrapolated").
2. A year of the Chengdu Wuhou sample (real roads, network trips): both engines in full.

Both engines are checked to give identical per-incident results on the part both ran.
Prints timings, memory and, as the last line, the Numba/SimPy speed-up ratios.
Usage: ``python benchmarks/bench_simulation.py [--quick]``.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def city_inputs(n_workers: int, days: float, incidents_per_year: float, seed: int = 1):
    """Plain-array workflow inputs of a synthetic lattice city (straight-line trips)."""
    from gridgov.engine import params as P
    from gridgov.engine.demand import build_demand
    from gridgov.engine.simulation.setup import candidate_grids, straight_line_h
    from gridgov.engine.simulation.streams import workflow_streams
    from gridgov.engine.simulation.workflow import POLICIES, WorkflowInputs, daily_rosters, patrol_finders

    p = P.defaults()
    side = int(np.ceil(np.sqrt(n_workers)))
    G = n_workers
    gx, gy = np.meshgrid(np.arange(side) * 600.0 + 300.0, np.arange(side) * 600.0 + 300.0)
    base = np.column_stack([gx.ravel(), gy.ravel()])[:G]
    rng = np.random.default_rng(seed)
    units_per_grid = 4
    unit_grid = np.repeat(np.arange(G), units_per_grid)
    uxy = base[unit_grid] + rng.uniform(-300, 300, (unit_grid.size, 2))
    residents = rng.integers(150, 350, unit_grid.size)
    p["demand"]["events_per_1000_residents_month"] = incidents_per_year / 12.0 / (residents.sum() / 1000.0)
    model = build_demand(p, residents)
    s = workflow_streams(model, p, days, seed)
    cand = candidate_grids(base, int(p["workflow"]["neighbour_grids"]))
    ucand = cand[unit_grid]
    travel = np.full(ucand.shape, np.inf)
    ok = ucand >= 0
    r, c = np.nonzero(ok)
    travel[r, c] = straight_line_h(base[ucand[r, c]], uxy[r], p)
    gw = np.arange(G + 1, dtype=np.int64)
    st = p["staffing"]
    ss = daily_rosters(np.ones(G, np.int64), float(st["shift_start_hour"]), float(st["shift_hours"]))
    grid = unit_grid[s["unit"]]
    finder = patrol_finders(s["patrol"], s["time_h"], grid, gw, ss)
    dispatch = np.where(finder >= 0, s["time_h"], s["time_h"] + s["delay"])
    inp = WorkflowInputs(s["time_h"], dispatch, s["unit"], grid, s["urgency"], finder, s["handle"], travel, gw, cand,
                         ss, bool(st["on_call_urgent"]),
                         int(p["workflow"]["max_concurrent_cases"]), POLICIES[p["workflow"]["dispatch_policy"]])
    inp.uxy, inp.base = uxy, base          # for the responder / centre stage (``response_args``)
    return inp


def response_args(inp, end: np.ndarray, seed: int = 2):
    """Emergency-responder and escalation-centre kernel inputs for the same city.

    2.5 % of incidents are emergencies served by a station on every 50th grid base (2 units,
    5 nearest stations, straight-line drive at 21 km/h); 12 % are escalated to one centre per
    100 grids (3 desks, lognormal desk time, median 4 h) when the worker's on-site work ends.
    """
    from scipy.spatial import cKDTree

    rng = np.random.default_rng(seed)
    n = inp.report.size
    st_xy = inp.base[::50]
    F = st_xy.shape[0]
    d, near = cKDTree(st_xy).query(inp.uxy, k=min(5, F))
    near = np.asarray(near, np.int64).reshape(inp.uxy.shape[0], 1, -1)
    drive = (np.asarray(d).reshape(near.shape) * 1.4 / (30 / 3.6 * 0.7) / 3600.0)
    em = np.flatnonzero(rng.random(n) < 0.025)
    call = inp.report[em] + 1 / 60
    e_args = (np.arange(em.size, dtype=np.int64), call, inp.unit[em], np.zeros(em.size, np.int64),
              rng.lognormal(np.log(1.0), 0.7, em.size), np.full(em.size, 1 / 60), near, drive,
              np.arange(0, 2 * F + 1, 2, dtype=np.int64))
    centre = np.where(rng.random(n) < 0.12, inp.grid // 100, -1).astype(np.int64)
    M = int(inp.grid.max()) // 100 + 1
    c_args = (np.argsort(end, kind="stable").astype(np.int64), end, centre, rng.lognormal(np.log(4.0), 0.8, n),
              np.arange(0, 3 * M + 1, 3, dtype=np.int64))
    return e_args, c_args


def run_responses(e_args, c_args, engine: str):
    if engine == "numba":
        from gridgov.engine.simulation._kernels_emergency import centre_queue_kernel, emergency_kernel

        return emergency_kernel(*e_args), centre_queue_kernel(*c_args)
    from gridgov.engine.simulation.reference_emergency import centre_queue_reference, emergency_reference

    return emergency_reference(*e_args), centre_queue_reference(*c_args)


def head(inp, hours: float):
    """The same city, incidents reported in the first ``hours`` only."""
    from dataclasses import replace

    k = int(np.searchsorted(inp.report, hours))
    out = replace(inp, report=inp.report[:k], dispatch=inp.dispatch[:k], unit=inp.unit[:k], grid=inp.grid[:k],
                  urg=inp.urg[:k], finder=inp.finder[:k], handle=inp.handle[:k])
    out.uxy, out.base = inp.uxy, inp.base
    return out


def timed(fn, *a):
    t = time.perf_counter()
    out = fn(*a)
    return out, time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small city, one month")
    ap.add_argument("--simpy-days", type=float, default=None, help="days SimPy runs on the city (default 14; quick: all)")
    args = ap.parse_args()
    from gridgov.engine.simulation.workflow import run_workflow

    workers = 10_000 if args.quick else 147_000
    days = 30.0 if args.quick else 365.0
    per_year = 2_000_000 * workers / 147_000
    simpy_days = args.simpy_days or (days if args.quick else 14.0)

    # JIT warm-up on a tiny city (compilation is cached on disk after the first run)
    run_workflow(city_inputs(100, 2.0, 5000), "numba")

    inp, t_build = timed(city_inputs, workers, days, per_year)
    n = inp.report.size
    print(f"synthetic city: {workers:,} workers, {days:g} days, {n:,} incidents (inputs built in {t_build:.1f} s)")
    base_rss = rss_mb()
    best = np.inf
    for _ in range(1 if args.quick else 3):
        nb_out, t_nb = timed(run_workflow, inp, "numba")
        best = min(best, t_nb)
    print(f"  numba : {best:.3f} s for {n:,} incidents = {n / best / 1e6:.2f} M incidents/s "
          f"(one core, after JIT; best of {1 if args.quick else 3})")
    sub = head(inp, simpy_days * 24)
    sp_out, t_sp = timed(run_workflow, sub, "simpy")
    m = sub.report.size
    nb_sub, t_nb_sub = timed(run_workflow, sub, "numba")
    same = np.array_equal(sp_out[0], nb_sub[0]) and np.allclose(sp_out[3], nb_sub[3], atol=1e-9, rtol=0)
    # SimPy's cost = start-up (one process per worker) + a cost linear in incidents: measure the
    # start-up with no incidents and extrapolate only the per-incident part
    t_sp0 = min(timed(run_workflow, head(inp, 0.0), "simpy")[1] for _ in range(3))
    t_sp = min(t_sp, timed(run_workflow, sub, "simpy")[1])
    t_sp_full = t_sp0 + max(t_sp - t_sp0, 0.0) * n / m
    if m == n:
        t_sp_full = t_sp
        label = "full run, not extrapolated"
        print(f"  simpy : {t_sp:.2f} s for all {n:,} incidents (start-up {t_sp0:.2f} s); identical to numba: {same}")
    else:
        label = "simpy extrapolated"
        print(f"  simpy : {t_sp:.2f} s for the first {simpy_days:g} days ({m:,} incidents; start-up {t_sp0:.2f} s) → "
              f"{t_sp_full:.1f} s EXTRAPOLATED to {n:,} incidents; identical to numba on that part: {same}")
    print(f"  memory: inputs {sum(getattr(inp, f).nbytes for f in ('report', 'dispatch', 'unit', 'grid', 'urg', 'finder', 'handle', 'travel')) / 1e6:.0f} MB; "
          f"peak RSS {rss_mb():.0f} MB (before engine runs {base_rss:.0f} MB)")
    # responders + escalation centres on the same city (both engines on the part SimPy ran)
    e_args, c_args = response_args(inp, nb_out[3])
    day = head(inp, 24.0)
    run_responses(*response_args(day, nb_out[3][:day.report.size]), "numba")          # JIT warm-up
    t_resp = min(timed(run_responses, e_args, c_args, "numba")[1] for _ in range(1 if args.quick else 3))
    e_sub, c_sub = response_args(sub, nb_sub[3])
    (sp_e, sp_c), t_resp_sp = timed(run_responses, e_sub, c_sub, "simpy")
    (nb_e, nb_c), t_resp_sub = timed(run_responses, e_sub, c_sub, "numba")
    same_r = np.array_equal(sp_e[0], nb_e[0]) and np.allclose(sp_e[1], nb_e[1], atol=1e-9, equal_nan=True) and \
        np.allclose(sp_c, nb_c, atol=1e-9, equal_nan=True)
    t_resp_sp_full = t_resp_sp * n / m
    print(f"  responders + centres: numba {t_resp:.3f} s ({e_args[0].size:,} emergencies, "
          f"{int((c_args[2] >= 0).sum()):,} escalated); simpy {t_resp_sp:.2f} s on the SimPy part"
          f"{'' if m == n else f' → {t_resp_sp_full:.1f} s extrapolated'}; identical: {same_r}")
    print(f"  city-year per replication (workflow + responders + centres, numba): {best + t_resp:.3f} s")
    best += t_resp
    t_sp_full += t_resp_sp_full
    ratio_city = t_sp_full / best

    # Wuhou sample, one year, network trips, both engines in full
    ratio_wuhou = float("nan")
    sample = ROOT / "scenarios" / "chengdu_wuhou"
    if (sample / "scenario.toml").exists():
        from gridgov.engine.scenario import load_scenario
        from gridgov.engine.simulation import simulate_scenario
        from gridgov.engine.simulation.setup import build_layout

        sc = load_scenario(sample)
        lay = build_layout(sc)
        wd = 90.0 if args.quick else 365.0
        runs = [simulate_scenario(sc, days=wd, engine="numba", layout=lay) for _ in range(3)]
        a = runs[-1]
        b = simulate_scenario(sc, days=wd, engine="simpy", layout=lay)
        ta, tb = min(r.meta["timings_s"]["engine"] for r in runs), b.meta["timings_s"]["engine"]
        same_w = np.array_equal(a.incidents["worker"], b.incidents["worker"]) and \
            np.allclose(a.incidents["closed_h"], b.incidents["closed_h"], atol=1e-9)
        ratio_wuhou = tb / ta
        s = a.summary
        print(f"wuhou sample: {wd:g} days, {s['n_incidents']:,} incidents, {a.meta['n_workers']} workers, "
              f"trips {a.meta['travel_source']}: numba {ta * 1e3:.1f} ms, simpy {tb * 1e3:.0f} ms, identical: {same_w}; "
              f"response p90 {s['response_p90_min']:.0f} min, closed 24 h {100 * s['closed_24h_share']:.1f}%")
    else:
        print("wuhou sample: scenarios/chengdu_wuhou missing, skipped")
    print(f"ratio numba/simpy: city {ratio_city:.0f}x ({label}), wuhou {ratio_wuhou:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
