"""``gridgov circles DIR --out OUT``: 5/10/15-minute life circles of a scenario.

Writes ``OUT/circles.gpkg`` (layers ``units`` with times/bands per facility type,
``facilities`` with households served, ``service_areas`` = non-overlapping responsibility
areas on the roads, ``bands`` = dissolved band polygons per type, ``facility_bands`` = band
polygons per facility) and ``OUT/circles.json`` (household shares per band and tier, per
community), each atomically.
"""
from __future__ import annotations

NAME = "circles"
HELP = "5/10/15-minute life circles: nearest facilities, bands, service areas, band polygons"
DESCRIPTION = ("Compute exact 5/10/15-minute life circles on the road network and write OUT/circles.gpkg (layers "
               "units, facilities, service_areas, bands, facility_bands) and OUT/circles.json (household shares per "
               "band and tier, per community).")


def add_arguments(parser) -> None:
    from ._options import add_out, add_quiet

    parser.add_argument("scenario", metavar="DIR", help="scenario folder (scenario.toml + layers.gpkg)")
    add_out(parser)
    parser.add_argument("--mode", choices=["walk", "elderly", "ebike", "drive"],
                        help="travel mode (default: scenario [circles] mode)")
    parser.add_argument("--no-facility-bands", action="store_true",
                        help="skip the per-facility band polygons (the slowest layer)")
    add_quiet(parser)


def run(args) -> int:
    import sys

    from ..progress import NULL, TerminalProgress
    from ..workflows.circles import circles, circles_document, write_circles_outputs
    from ._options import check_out_dir

    out = check_out_dir(args.out, inputs=(args.scenario,))
    progress = NULL if args.quiet else TerminalProgress("gridgov circles")
    try:
        result = circles(args.scenario, mode=args.mode, progress=progress.sub(0.0, 0.6))
        paths = write_circles_outputs(out, result, facility_bands=not args.no_facility_bands,
                                      progress=progress.sub(0.6, 1.0))
        progress(1.0, "done")
    finally:
        if isinstance(progress, TerminalProgress):
            progress.close()
    for p in result.circles.problems:
        print(f"gridgov circles: {p}", file=sys.stderr)  # Problem.__str__ carries the [warning] tag
    if not args.quiet:
        for t, s in circles_document(result)["types"].items():
            share = s["within_tier_share"]
            print(f"{t:20s} {_threshold(s) + ':':14s} "
                  f"{'n/a' if share is None else f'{100 * share:5.1f}%'} of households; bands "
                  + " ".join(f"{k}={'n/a' if v is None else f'{100 * v:.1f}%'}" for k, v in s["band_share"].items()))
    for key, path in paths.items():  # "key: path" lines, as run/score/compare print them
        print(f"{key:>8}: {path}")
    return 0


def _threshold(s: dict) -> str:
    """The type's coverage threshold: a walking distance, or a drive time (police, fire)."""
    if s.get("tier_distance_m") is not None:
        return f"≤{s['tier_distance_m']:.0f} m"
    if s.get("drive_limit_min") is not None:
        return f"≤{s['drive_limit_min']:g} min drive"
    return "no tier"
