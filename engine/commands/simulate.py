"""``gridgov simulate DIR --out OUT``: simulate incident load and the closed-loop response.

Writes ``OUT/simulation.json`` (summary, per-street and per-community aggregates, backlog, run facts) and,
with ``--events``, ``OUT/events.parquet`` (one row per incident), each atomically.
"""
from __future__ import annotations

NAME = "simulate"
HELP = "simulate incidents and their closed-loop handling (response, closure, workload)"
DESCRIPTION = ("Simulate incidents and their closed-loop handling (found/reported → dispatched → handled or "
               "escalated → closed) and write OUT/simulation.json (summary, per street and community, backlog, "
               "run facts) and, with --events, OUT/events.parquet (one row per incident).")


def add_arguments(parser) -> None:
    from ._options import add_days_seed, add_out, add_quiet

    parser.add_argument("scenario", metavar="DIR", help="scenario folder (scenario.toml + layers.gpkg)")
    add_out(parser)
    add_days_seed(parser)
    parser.add_argument("--engine", choices=["numba", "simpy"],
                        help="numba (fast) or simpy (reference) (default: the scenario's [simulation] engine)")
    parser.add_argument("--events", action="store_true", help="also write OUT/events.parquet")
    parser.add_argument("--straight-line", action="store_true",
                        help="straight-line × 1.4 trips instead of the road network")
    add_quiet(parser)


def run(args) -> int:
    from ..progress import NULL, TerminalProgress
    from ..workflows.simulate import simulate, write_simulate_outputs
    from ._options import check_out_dir

    out = check_out_dir(args.out, inputs=(args.scenario,))
    progress = NULL if args.quiet else TerminalProgress("gridgov simulate")
    try:
        result = simulate(args.scenario, days=args.days, seed=args.seed, engine=args.engine,
                          straight_line=args.straight_line, progress=progress.sub(0.0, 0.9))
        paths = write_simulate_outputs(out, result, events=args.events, progress=progress.sub(0.9, 1.0))
        progress(1.0, "done")
    finally:
        if isinstance(progress, TerminalProgress):
            progress.close()
    sim = result.simulation
    if not args.quiet:
        s = sim.summary

        def num(key: str, scale: float = 1.0, fmt: str = ".1f", unit: str = "") -> str:
            v = s.get(key)   # NaN/None when nothing happened (e.g. no incident in a short run)
            return "n/a" if v is None or v != v else f"{scale * v:{fmt}}{unit}"

        print(f"{s['n_incidents']:,} incidents over {sim.meta['days']:g} day(s), {sim.meta['n_workers']} workers "
              f"({sim.meta['engine']}, trips: {sim.meta['travel_source']})")
        print(f"response p50/p90/p95: {num('response_p50_min')} / {num('response_p90_min')} / "
              f"{num('response_p95_min')} min; within 15 min {num('response_within_15min', 100, unit='%')}")
        print(f"closed within 24 h {num('closed_24h_share', 100, unit='%')}, on time "
              f"{num('on_time_share', 100, unit='%')}; utilisation mean {num('utilisation_mean', 100, unit='%')} "
              f"max {num('utilisation_max', 100, unit='%')}; workload Gini {num('workload_gini', fmt='.2f')}")
    for key, path in paths.items():  # "key: path" lines, as run/score/compare print them
        print(f"{key:>8}: {path}")
    return 0
