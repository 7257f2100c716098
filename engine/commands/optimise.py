"""``gridgov optimise DIR --mode grids|facilities|joint --out NEWDIR``: propose a better layout.

Writes NEWDIR as a new scenario (ready for ``gridgov run`` and ``gridgov compare DIR NEWDIR``)
with ``optimise.json``, the change summary; the work is ``engine/workflows/optimise.py``.
"""
from __future__ import annotations

NAME = "optimise"
HELP = "propose balanced, compact grids and/or better workstation sites; writes a new scenario"
DESCRIPTION = ("Redraw the general grids and micro-grids (--mode grids: households within the [grids] norms, "
               "contiguous, compact, nested in communities), move the grid workstations (--mode facilities: "
               "p-median of household travel time) or both (--mode joint: one workstation per grid at its "
               "1-median, scored with the simulation). NEWDIR is a new scenario folder with optimise.json "
               "(units moved, grids created/removed, facilities moved). --lock FILE lists grid or facility ids "
               "(one per line) that must stay as they are.")


def add_arguments(parser) -> None:
    from ._options import add_out, add_quiet, seconds_type, seed_type

    parser.add_argument("scenario", metavar="DIR", help="scenario folder (scenario.toml + layers.gpkg)")
    parser.add_argument("--mode", choices=["grids", "facilities", "joint"], default="grids",
                        help="what to optimise (default grids)")
    add_out(parser, "new scenario folder to write (must not exist or be empty, unless --overwrite)")
    parser.add_argument("--lock", metavar="FILE", help="grid/facility ids to keep unchanged, one per line")
    parser.add_argument("--seed", type=seed_type, default=0, metavar="SEED", help="random seed (default 0)")
    parser.add_argument("--time-limit", type=seconds_type, metavar="S", help="seconds for the search (default: no limit)")
    parser.add_argument("--overwrite", action="store_true", help="replace NEWDIR when it is an existing scenario")
    add_quiet(parser, "no progress bar, no change summary")


def run(args) -> int:
    from ..errors import GridGovError
    from ..progress import NULL, TerminalProgress
    from ..workflows.optimise import optimise, summary_lines, write_optimised
    from ._options import check_out_dir

    out = check_out_dir(args.out, inputs=(args.scenario,))
    if out.exists() and any(out.iterdir()) and not args.overwrite:
        raise GridGovError(f"--out {out} exists and is not empty: choose a new folder or pass --overwrite")
    progress = NULL if args.quiet else TerminalProgress("gridgov optimise")
    try:
        run_ = optimise(args.scenario, args.mode, lock=args.lock, seed=args.seed, time_limit=args.time_limit,
                        progress=progress)
        path = write_optimised(run_, out, overwrite=out.exists())
    finally:
        if isinstance(progress, TerminalProgress):
            progress.close()
    if not args.quiet:
        for line in summary_lines(run_.summary):
            print(line)
    print(f"scenario: {path}")
    print(f" summary: {path / 'optimise.json'}")
    return 0
