"""``gridgov compare DIR1 DIR2 [...] --out OUT``: scenarios side by side (the first is the baseline)."""
from __future__ import annotations

NAME = "compare"
HELP = "compare two or more scenarios: metric deltas, maps, ranking sensitivity, HTML + PDF report"
DESCRIPTION = ("Each DIR is a scenario folder (computed with the same stages as 'gridgov run') or the output "
               "folder of an earlier 'gridgov run' (its scores are reused). Writes OUT/compare.html, "
               "OUT/compare.pdf (unless --no-pdf), OUT/compare.csv and OUT/compare.json.")


def add_arguments(parser) -> None:
    from ._options import add_days_seed, add_lang_pdf, add_out, add_quiet, add_replications

    parser.add_argument("dirs", nargs="+", metavar="DIR", help="scenario folders or 'gridgov run' outputs (≥ 2)")
    add_out(parser)
    add_days_seed(parser, per_scenario=True)
    add_replications(parser, per_scenario=True)
    add_lang_pdf(parser)
    add_quiet(parser, "no progress bar, no table")


def run(args) -> int:
    from pathlib import Path

    from ..errors import UsageError
    from ..progress import NULL, TerminalProgress
    from ..report.document import fmt_ci
    from ..workflows.compare import compare_scenarios
    from ._options import check_out_dir
    from ._outputs import say_removed, stale_pdf

    if len(args.dirs) < 2:
        raise UsageError("compare needs at least two DIRs (scenario folders or 'gridgov run' outputs), "
                           f"got {len(args.dirs)}")
    check_out_dir(args.out, inputs=tuple(args.dirs))
    _check_sim_options(args)
    stale = stale_pdf(Path(args.out) / "compare.pdf", args.no_pdf)
    progress = NULL if args.quiet else TerminalProgress("gridgov compare")
    try:
        result = compare_scenarios(args.dirs, args.out, lang=args.lang, pdf=not args.no_pdf, days=args.days,
                                   seed=args.seed, replications=args.replications, progress=progress)
    finally:  # OUT was checked above; any other OSError names its own file (engine/cli.py)
        if progress is not NULL:
            progress.close()
    say_removed(stale, "compare")
    if not args.quiet:
        ranks = result.sensitivity["base_ranks"]
        width = max(len(n) for n in result.names)
        print(f"{'scenario':<{width}}  rank  total [95% interval]   win share (random weights)")
        for n, s, r, w in zip(result.names, result.scores, ranks, result.sensitivity["win_share"]):
            print(f"{n:<{width}}  {r:>4}  {fmt_ci(s.total, s.total_ci, 'points', 'en'):<20}  {100 * w:5.1f}%")
        print(f"{'(ties: lead inside the noise)':<{width + 33}}{100 * result.sensitivity['tie_share']:5.1f}%")
    for key, path in result.paths.items():
        print(f"{key:>8}: {path}")
    return 0


def _check_sim_options(args) -> None:
    """--days/--seed only reach scenario folders; finished runs keep their own simulation."""
    import sys
    from pathlib import Path

    from ..errors import UsageError

    given = [o for o, v in (("--days", args.days), ("--seed", args.seed), ("--replications", args.replications))
             if v is not None]
    if not given:
        return
    runs = [d for d in args.dirs if (Path(d) / "scores.json").is_file()]
    if len(runs) == len(args.dirs):
        raise UsageError(f"every DIR is a finished run (scores.json), reused as computed: {', '.join(given)} "
                           "would have no effect; pass scenario folders to recompute")
    for d in runs:
        print(f"gridgov compare: {d} is a finished run: {', '.join(given)} apply only to the scenario folders "
              "(its scores are reused as computed)", file=sys.stderr)
