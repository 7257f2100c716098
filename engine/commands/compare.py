"""``gridgov compare DIR1 DIR2 [...] --out OUT``: scenarios side by side (the first is the baseline)."""
from __future__ import annotations

NAME = "compare"
HELP = "compare two or more scenarios: metric deltas, maps, ranking sensitivity, HTML + PDF report"
DESCRIPTION = ("Each DIR is a scenario folder (computed with the same stages as 'gridgov run') or the output "
               "folder of an earlier 'gridgov run' (its scores are reused). Writes OUT/compare.html, "
               "OUT/compare.pdf, OUT/compare.csv and OUT/compare.json.")


def add_arguments(parser) -> None:
    parser.add_argument("dirs", nargs="+", metavar="DIR", help="scenario folders or 'gridgov run' outputs (≥ 2)")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"], help="report language")
    parser.add_argument("--days", type=int, help="simulated days (default: each scenario's [simulation] days)")
    parser.add_argument("--seed", type=int, help="random seed (default: each scenario's [simulation] seed)")
    parser.add_argument("--no-pdf", action="store_true", help="write only the HTML report")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, no table")


def run(args) -> int:
    from ..errors import GridGovError
    from ..progress import NULL, TerminalProgress
    from ..report.document import fmt
    from ..score.compare import compare_scenarios

    progress = NULL if args.quiet else TerminalProgress("gridgov compare")
    try:
        result = compare_scenarios(args.dirs, args.out, lang=args.lang, pdf=not args.no_pdf, days=args.days,
                                   seed=args.seed, progress=progress)
    except OSError as exc:          # e.g. OUT not writable: a message, not a traceback
        raise GridGovError(f"cannot write the comparison to {args.out}: {exc}") from exc
    finally:
        if progress is not NULL:
            progress.close()
    if not args.quiet:
        ranks = result.sensitivity["base_ranks"]
        width = max(len(n) for n in result.names)
        print(f"{'scenario':<{width}}  rank  total   win share (random weights)")
        for n, s, r, w in zip(result.names, result.scores, ranks, result.sensitivity["win_share"]):
            print(f"{n:<{width}}  {r:>4}  {fmt(s.total, 'points', 'en'):>6}  {100 * w:5.1f}%")
    for key, path in result.paths.items():
        print(f"{key:>8}: {path}")
    return 0
