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
    from pathlib import Path

    from ..errors import GridGovError, UsageError
    from ..jsonio import write_json
    from ..progress import NULL, TerminalProgress
    from ..report import write_documents
    from ._options import check_out_dir
    from ._outputs import say_removed, stale_pdf

    weights = parse_weights(args.weight)
    if args.no_sim and (args.days is not None or args.seed is not None):
        raise UsageError("--days and --seed set the simulation, which --no-sim skips: give one or the other")
    src = Path(args.dir)
    src = src.parent if src.name == "scenario.toml" else src
    out = check_out_dir(args.out, inputs=(args.dir,))
    stale = stale_pdf(out / "report.pdf", args.no_pdf)
    progress = NULL if args.quiet else TerminalProgress("gridgov score")
    try:
        if (src / "scores.json").is_file():
            from ..score.compare import load_entry

            unused = [o for o, v in (("--days", args.days), ("--seed", args.seed), ("--no-sim", args.no_sim or None))
                      if v is not None]
            if unused:
                raise UsageError(f"{src} is a finished run (scores.json): it is re-weighted, not recomputed, so "
                                   f"{', '.join(unused)} would have no effect; pass the scenario folder to recompute")

            name, scenario, scores = load_entry(src)
            scenario_path = scenario.path
        elif (src / "scenario.toml").is_file():
            from ..scenario import load_scenario
            from ..score import score_scenario

            overrides = {"score": {"weights": weights}} if weights else None
            scenario = load_scenario(src, overrides=overrides)
            if args.no_sim:
                from ..circles import compute_circles

                scores = score_scenario(scenario, circles=compute_circles(scenario, progress=progress.sub(0, 0.9)))
            else:
                from ..pipeline import compute_stages

                _, _, scores = compute_stages(scenario, days=args.days, seed=args.seed, progress=progress.sub(0, 0.9))
            name, scenario_path = scenario.name, src.resolve()
        else:
            raise GridGovError(f"{src}: neither a scenario folder (scenario.toml) nor a 'gridgov run' output (scores.json)")
        if weights:
            scores = scores.reweighted(weights)
        progress(0.9, "report")
        from ..outputs import output_set

        with output_set(out, "score") as staging:  # locked; report and scores appear together
            if args.no_pdf:
                staging.remove("report.pdf")
            paths = write_documents(staging.dir, [(name, scenario, scores)], lang=args.lang, stem="report",
                                    pdf=not args.no_pdf)
            doc = scores.to_dict()
            doc["scenario"] = {"name": name, "path": str(Path(scenario_path).resolve()),
                               "synthetic": bool(scenario.meta.get("synthetic", False))}
            paths["scores"] = write_json(staging.dir / "scores.json", doc)
            paths = staging.finals(paths)
        progress(1.0, "done")
    finally:  # OUT was checked above; any other OSError names its own file (engine/cli.py)
        if progress is not NULL:
            progress.close()
    say_removed(stale, "score")
    if not args.quiet:
        print(scores.format_table(lang="en"))
    for key, path in paths.items():
        print(f"{key:>8}: {path}")
    return 0
