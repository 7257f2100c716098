"""``gridgov run DIR --out OUT``: the ``run`` workflow (every stage) on one scenario."""
from __future__ import annotations

NAME = "run"
HELP = "run a scenario end to end: circles, simulation, scores, report"
DESCRIPTION = ("Build the road network, compute 5/10/15-minute service circles, simulate incident load and "
               "response, score the layout and write OUT/scores.json, OUT/results.gpkg, OUT/report.html and "
               "OUT/report.pdf (unless --no-pdf). The files are replaced only when every stage succeeded.")


def add_arguments(parser) -> None:
    from ._options import add_days_seed, add_lang_pdf, add_out, add_quiet, add_replications

    parser.add_argument("scenario", metavar="DIR", help="scenario folder (scenario.toml + layers.gpkg)")
    add_out(parser, "output folder (created; files in it are replaced atomically)")
    add_days_seed(parser)
    add_replications(parser)
    parser.add_argument("--engine", choices=["numba", "simpy"],
                        help="numba (fast) or simpy (reference) (default: the scenario's [simulation] engine)")
    add_lang_pdf(parser)
    add_quiet(parser, "no progress bar, no score table")


def run(args) -> int:
    import sys
    from pathlib import Path

    from ..progress import NULL, TerminalProgress
    from ..report.text import score_table
    from ..workflows.run import run_scenario
    from ._options import check_out_dir
    from ._outputs import say_removed, stale_pdf

    check_out_dir(args.out, inputs=(args.scenario,))
    stale = stale_pdf(Path(args.out) / "report.pdf", args.no_pdf)
    progress = NULL if args.quiet else TerminalProgress("gridgov run")
    try:
        result = run_scenario(args.scenario, args.out, days=args.days, seed=args.seed, engine=args.engine,
                              lang=args.lang, pdf=not args.no_pdf, replications=args.replications,
                              progress=progress)
    finally:
        if progress is not NULL:
            progress.close()
    say_removed(stale, "run")
    if not args.quiet:
        print(score_table(result.scores, lang="en"))
        print(stage_table(result.timings_s))
    for note in result.notes:
        print(f"gridgov run: note: {note}", file=sys.stderr)
    warnings = result.scenario.warnings
    for problem in warnings[:10]:
        print(f"gridgov run: {problem}", file=sys.stderr)  # Problem.__str__ carries the [warning] tag
    if len(warnings) > 10:
        print(f"gridgov run: … and {len(warnings) - 10} more warning(s): 'gridgov validate {args.scenario}' "
              "lists them all", file=sys.stderr)
    for key, path in result.paths.items():
        print(f"{key:>8}: {path}")
    return 0


#: the stages of a run in order: (key of ``RunResult.timings_s``, label)
STAGES = (("load", "load"), ("network", "network"), ("circles", "circles"), ("simulation", "simulation"),
          ("score", "scores"), ("report", "report"), ("write", "writing"))


def stage_table(timings_s: dict) -> str:
    """Seconds of every stage and its share of the run's wall time, slowest visible at a glance.

    Stages that run side by side (the circles beside the simulation, results.gpkg beside the
    report) each show their own seconds, so the shares can add up to more than 100 %."""
    stage_sum = sum(float(timings_s.get(k, 0.0)) for k, _ in STAGES)
    total = float(timings_s.get("wall", stage_sum))
    lines = ["  stage          seconds   share"]
    for key, label in STAGES:
        sec = float(timings_s.get(key, 0.0))
        share = sec / total if total > 0 else 0.0
        lines.append(f"  {label:<12} {sec:9.2f}  {share:6.1%}  {'#' * int(round(share * 20))}")
    lines.append(f"  {'total':<12} {total:9.2f}  100.0%  (wall)")
    if stage_sum > total + 0.05:
        lines.append(f"  stages overlap: their seconds add up to {stage_sum:.2f} (the circles run beside the "
                     "simulation, results.gpkg is written beside the report)")
    return "\n".join(lines)
