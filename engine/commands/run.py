"""``gridgov run DIR --out OUT``: the whole pipeline on one scenario."""
from __future__ import annotations

NAME = "run"
HELP = "run a scenario end to end: circles, simulation, scores, report"
DESCRIPTION = ("Build the road network, compute 5/10/15-minute service circles, simulate incident load and "
               "response, score the layout and write OUT/scores.json, OUT/results.gpkg and OUT/report.html.")


def add_arguments(parser) -> None:
    parser.add_argument("scenario", help="scenario folder (scenario.toml + layers.gpkg)")
    parser.add_argument("--out", required=True, help="output folder (created; files in it are replaced atomically)")
    parser.add_argument("--days", type=int, help="simulated days (default: scenario [simulation] days)")
    parser.add_argument("--seed", type=int, help="random seed (default: scenario [simulation] seed)")
    parser.add_argument("--engine", choices=["numba", "simpy"], help="simulation engine")
    parser.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"], help="report language")
    parser.add_argument("--no-pdf", action="store_true", help="write only the HTML report")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no score table")


def run(args) -> int:
    from ..pipeline import run_scenario
    from ..progress import NULL, TerminalProgress

    progress = NULL if args.quiet else TerminalProgress("gridgov run")
    try:
        result = run_scenario(args.scenario, args.out, days=args.days, seed=args.seed, engine=args.engine,
                              lang=args.lang, pdf=not args.no_pdf, progress=progress)
    finally:
        if progress is not NULL:
            progress.close()
    if not args.quiet:
        print(result.scores.format_table(lang="en") if hasattr(result.scores, "format_table")
              else f"total score: {result.scores.total:.3f}")
    for problem in getattr(result.scenario, "warnings", [])[:10]:
        print(f"warning: {problem}")
    for key, path in result.paths.items():
        print(f"{key:>8}: {path}")
    return 0
