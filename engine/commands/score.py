"""``gridgov score DIR --out OUT``: scores and report of a scenario or of a finished run folder."""
from __future__ import annotations

NAME = "score"
MAX_WEIGHT = 1e6
HELP = "score a scenario (or re-score a finished run with other weights) and write the report"
DESCRIPTION = ("DIR is a scenario folder (circles and simulation are computed; --no-sim skips the simulation) "
               "or the OUT folder of 'gridgov run' (its scores.json is re-weighted and re-reported without "
               "recomputing). Writes OUT/scores.json, OUT/report.html and OUT/report.pdf (unless --no-pdf).")


def add_arguments(parser) -> None:
    from ._options import add_days_seed, add_lang_pdf, add_out, add_quiet

    parser.add_argument("dir", metavar="DIR",
                        help="scenario folder (scenario.toml) or a 'gridgov run' output folder (scores.json)")
    add_out(parser)
    parser.add_argument("--weight", action="append", default=[], metavar="GROUP=W",
                        help="override a score weight, e.g. --weight coverage=0.5 (repeatable)")
    parser.add_argument("--no-sim", action="store_true",
                        help="skip the incident simulation (fast): its metrics are reported as 'not computed'")
    add_days_seed(parser)
    add_lang_pdf(parser)
    add_quiet(parser, "no progress bar, no score table")


def parse_weights(items: list[str]) -> dict[str, float]:
    from ..errors import UsageError
    from ..score.registry import GROUPS

    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in GROUPS:
            raise UsageError(f"--weight {item!r}: expected GROUP=NUMBER with GROUP one of {', '.join(GROUPS)}")
        try:
            out[key] = float(value)
        except ValueError:
            raise UsageError(f"--weight {item!r}: '{value}' is not a number") from None
        if not 0 <= out[key] <= MAX_WEIGHT:  # weights are relative; huge ones overflow their sum
            raise UsageError(f"--weight {item!r}: a weight must be a number in [0, {MAX_WEIGHT:g}]")
    return out


def run(args) -> int:
    from ..progress import NULL, TerminalProgress
    from ..report.text import score_table
    from ..workflows.score import score, write_score_outputs
    from ._options import check_out_dir
    from ._outputs import say_removed, stale_pdf

    weights = parse_weights(args.weight)
    out = check_out_dir(args.out, inputs=(args.dir,))
    stale = stale_pdf(out / "report.pdf", args.no_pdf)
    progress = NULL if args.quiet else TerminalProgress("gridgov score")
    try:
        result = score(args.dir, weights=weights, no_sim=args.no_sim, days=args.days, seed=args.seed,
                       progress=progress.sub(0, 0.9))
        progress(0.9, "report")
        paths = write_score_outputs(out, result, lang=args.lang, pdf=not args.no_pdf)
        progress(1.0, "done")
    finally:  # OUT was checked above; any other OSError names its own file (engine/cli.py)
        if progress is not NULL:
            progress.close()
    say_removed(stale, "score")
    if not args.quiet:
        print(score_table(result.scores, lang="en"))
    for key, path in paths.items():
        print(f"{key:>8}: {path}")
    return 0
