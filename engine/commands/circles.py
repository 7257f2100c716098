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

    from ..circles import compute_circles, write_circles_gpkg
    from ..jsonio import write_json
    from ..network.graph import build_network
    from ..outputs import output_set
    from ..progress import NULL, TerminalProgress
    from ..scenario import load_scenario
    from ._options import check_out_dir
    from ._outputs import scenario_block

    out = check_out_dir(args.out, inputs=(args.scenario,))
    progress = NULL if args.quiet else TerminalProgress("gridgov circles")
    try:
        scenario = load_scenario(args.scenario)
        net = build_network(scenario, args.mode) if args.mode else None
        circles = compute_circles(scenario, network=net, progress=progress.sub(0.0, 0.6))
        progress(0.6, "writing circles.gpkg")
        with output_set(out, "circles") as staging:  # locked; both files appear together
            write_circles_gpkg(staging.dir / "circles.gpkg", circles, facility_bands=not args.no_facility_bands)
            doc = {"scenario": scenario_block(scenario), **circles.summary()}
            write_json(staging.dir / "circles.json", doc)  # NaN → null: strict JSON
        progress(1.0, "done")
    finally:
        if isinstance(progress, TerminalProgress):
            progress.close()
    for p in circles.problems:
        print(f"gridgov circles: {p}", file=sys.stderr)  # Problem.__str__ carries the [warning] tag
    if not args.quiet:
        for t, s in circles.summary()["types"].items():
            share = s["within_tier_share"]
            print(f"{t:20s} ≤{circles.tier_distance_m[t]:.0f} m: "
                  f"{'n/a' if share is None else f'{100 * share:5.1f}%'} of households; bands "
                  + " ".join(f"{k}={'n/a' if v is None else f'{100 * v:.1f}%'}" for k, v in s["band_share"].items()))
    for key, name in (("layers", "circles.gpkg"), ("summary", "circles.json")):  # as run/score/compare do
        print(f"{key:>8}: {out / name}")
    return 0
