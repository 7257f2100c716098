"""``gridgov import --out NEWDIR [sources]``: build a scenario from OSM, the planner's layers and a register."""
from __future__ import annotations

NAME = "import"
HELP = "build a new scenario from OpenStreetMap, your own layers and a household register"
DESCRIPTION = (
    "Build a scenario folder (scenario.toml + layers.gpkg + ATTRIBUTION.md) from an OSM extract and/or your own "
    "layers: roads split at junctions, residential units with households (from a register, a mapped field, or "
    "estimated as footprint × floors ÷ dwelling size), communities, grids drawn within the size norms (or your "
    "own with --grids), facilities and one grid workstation per community. Warnings (disconnected roads, units "
    "far from roads, buildings without households, register rows that joined nothing) do not stop the import; "
    "errors do (exit 1). Layers: FILE or FILE|layername=NAME.")


def _checked(check):
    """An argparse type from an ingest check: a bad value is a usage error (exit 2) with its message."""
    import argparse

    from ..errors import ValidationError

    def parse(text: str):
        try:
            check(text)
        except ValidationError as exc:
            raise argparse.ArgumentTypeError("; ".join(p.message for p in exc.problems)) from None
        return text
    return parse


def _region_code(text: str) -> str:
    from ..errors import Problem, ValidationError

    if not (text.isdigit() and len(text) == 6):
        raise ValidationError([Problem(f"'{text}' must be 6 digits (the county's administrative division code, "
                                       "e.g. 510107)", file="--region-code")])
    return text


def add_arguments(parser) -> None:
    from ..ingest.inputs import check_working_crs, parse_bbox
    from ..ingest.sources import parse_map
    from ._options import add_quiet

    parser.add_argument("--out", required=True, metavar="NEWDIR", help="scenario folder to create")
    parser.add_argument("--osm", metavar="FILE", help="OpenStreetMap extract (.osm.pbf or .osm)")
    parser.add_argument("--roads", metavar="LAYER", help="road centrelines (replaces OSM roads)")
    parser.add_argument("--buildings", metavar="LAYER", help="building footprints (replaces OSM buildings)")
    parser.add_argument("--boundaries", metavar="LAYER", help="community polygons (fields name, street)")
    parser.add_argument("--facilities", metavar="LAYER", help="facilities with a type field in GridGov's vocabulary")
    parser.add_argument("--grids", metavar="LAYER", help="existing grid polygons with id/level/code (else drawn)")
    parser.add_argument("--households", metavar="FILE.csv",
                        help="household register (小区/楼栋): households, residents, and id or lon/lat to join")
    parser.add_argument("--map", metavar="KEY=FIELD,...", type=_checked(parse_map),
                        help="field names of your layers, e.g. households=HU_COUNT,floors=FLOORS,id=BLDG_ID")
    clip = parser.add_mutually_exclusive_group()
    clip.add_argument("--clip", metavar="LAYER", help="keep only what lies inside these polygons")
    clip.add_argument("--bbox", metavar="MINLON,MINLAT,MAXLON,MAXLAT", type=_checked(parse_bbox), help="keep only what lies inside this box")
    parser.add_argument("--crs", type=_checked(check_working_crs), help="metric working CRS, e.g. EPSG:32648 (default: the UTM zone of the data)")
    parser.add_argument("--coords", default="wgs84", choices=["wgs84", "cgcs2000", "gcj02", "bd09"],
                        help="coordinate system of lon/lat inputs: gcj02 (高德/腾讯), bd09 (百度) are converted to WGS-84")
    parser.add_argument("--region-code", default="000000", metavar="NNNNNN", type=_checked(_region_code),
                        help="6-digit county code that starts every grid code (default 000000)")
    parser.add_argument("--name", help="scenario name (default: the folder name)")
    parser.add_argument("--title", help="display title")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                        type=_checked(lambda item: parse_sets([item])),
                        help="change a parameter, e.g. import.dwelling_m2=80 or grids.general_households.max=450 "
                             "(repeatable; see 'gridgov params')")
    parser.add_argument("--overwrite", action="store_true", help="replace NEWDIR if it is a scenario folder")
    parser.add_argument("--no-validate", action="store_true",
                        help="skip checking the new scenario with 'validate' (saves time on very large districts)")
    add_quiet(parser, "no progress bar, no warnings list")


def parse_sets(items: list[str]) -> dict:
    """``["import.dwelling_m2=80"]`` → {"import": {"dwelling_m2": 80}} checked against the parameter table."""
    import tomllib

    from ..errors import Problem, ValidationError
    from ..params import merge

    user: dict = {}
    for item in items:
        key, sep, value = item.partition("=")
        parts = key.strip().split(".")
        if not sep or len(parts) not in (2, 3):
            raise ValidationError([Problem(f"bad --set '{item}': write SECTION.KEY=VALUE", file="--set")])
        try:
            parsed = tomllib.loads(f"v = {value.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            parsed = value.strip()
        node = user.setdefault(parts[0], {})
        if len(parts) == 3:
            node = node.setdefault(parts[1], {})
        node[parts[-1]] = parsed
    merged, problems = merge(user, where="--set")
    if problems:
        raise ValidationError([Problem(m.split(": ", 1)[-1], file="--set") for m in problems])
    return {sec: merged[sec] for sec in user}


def run(args) -> int:
    import sys

    from ..progress import NULL, TerminalProgress
    from ..workflows.import_ import ImportOptions, import_scenario, summary_line

    opts = ImportOptions(out=args.out, osm=args.osm, roads=args.roads, buildings=args.buildings,
                         boundaries=args.boundaries, facilities=args.facilities, grids=args.grids,
                         households=args.households, map=args.map, clip=args.clip, bbox=args.bbox, crs=args.crs,
                         coords=args.coords, region_code=args.region_code, name=args.name, title=args.title,
                         overwrite=args.overwrite, params=parse_sets(args.set))
    progress = NULL if args.quiet else TerminalProgress("gridgov import")
    try:
        run_ = import_scenario(opts, progress, check=not args.no_validate)
    finally:
        if progress is not NULL:
            progress.close()
    if not args.quiet:
        for p in run_.problems:
            print(f"gridgov import: {p}", file=sys.stderr)
    print(summary_line(run_))
    return 0
