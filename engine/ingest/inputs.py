"""Collecting the import's inputs: OSM and/or the planner's layers, clipped, in the working CRS."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from ..scenario import gpkg
from ..errors import GridGovError, Problem, ValidationError
from ..scenario.load import utm_for
from . import facilities as fac_mod
from . import roads as roads_mod
from .sources import LONLAT, Table, check_coords, parse_map, read_osm, read_table, split_source

# Working CRSs that are refused: angles (geographic) or Mercator scale errors (Web Mercator is
# 1/cos(latitude) too long: +15 % at Chengdu, +100 % at Helsinki).
MERCATOR_HINTS = ("mercator",)


@dataclass
class Inputs:
    crs: str
    roads: Table
    buildings: Table | None
    facilities: Table | None
    footprints: Table | None          # dedicated-grid candidates (school/hospital/market polygons)
    boundaries: Table | None          # community (and street) polygons
    grids: Table | None
    clip: object | None               # clip polygon in the working CRS
    sources: list[str] = field(default_factory=list)
    licences: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    osm: bool = False


def check_working_crs(crs: str) -> str:
    try:
        srs = gpkg.srs_from(crs)
    except GridGovError as exc:
        raise ValidationError([Problem(str(exc), file="--crs", field="crs")]) from None
    name = (srs.GetAttrValue("PROJECTION") or "") + " " + (srs.GetName() or "")
    if not srs.IsProjected():
        raise ValidationError([Problem(
            f"{crs} is geographic (degrees): distances and areas need a projected CRS in metres; leave --crs out "
            f"to use the UTM zone of the data, or give e.g. EPSG:32650 (UTM 50N) / EPSG:4547 (CGCS2000 3° GK 114E)",
            file="--crs", field="crs")])
    if any(h in name.lower() for h in MERCATOR_HINTS) or crs.upper() in ("EPSG:3857", "EPSG:900913", "EPSG:3395"):
        raise ValidationError([Problem(
            f"{crs} is a Mercator projection: its metres are stretched by 1/cos(latitude) (+15 % at 30°N), so "
            f"walking distances and grid areas would be wrong; leave --crs out to use the UTM zone of the data",
            file="--crs", field="crs")])
    if abs(srs.GetLinearUnits() - 1.0) > 1e-9:
        raise ValidationError([Problem(f"{crs} is not in metres", file="--crs", field="crs")])
    return gpkg.crs_id(srs) or crs


def parse_bbox(text: str) -> object:
    try:
        x0, y0, x1, y1 = (float(v) for v in text.split(","))
    except ValueError:
        raise ValidationError([Problem(f"bad --bbox '{text}': write MINLON,MINLAT,MAXLON,MAXLAT in degrees",
                                       file="--bbox")]) from None
    if not (x0 < x1 and y0 < y1 and -180 <= x0 <= 180 and -90 <= y0 <= 90):
        raise ValidationError([Problem(f"bad --bbox '{text}': need MINLON < MAXLON and MINLAT < MAXLAT, in degrees",
                                       file="--bbox")])
    return shapely.box(x0, y0, x1, y1)


def _clip(t: Table | None, clip, mode: str) -> Table | None:
    """Keep features inside ``clip`` (lines are cut at it; others kept by representative point)."""
    if t is None or clip is None:
        return t
    if mode == "lines":
        keep = shapely.intersects(t.geometry, clip)
        t = t.subset(keep)
        t.geometry = shapely.intersection(t.geometry, clip)
        parts, idx = shapely.get_parts(t.geometry, return_index=True)
        lines = shapely.get_type_id(parts) == 1
        sub = t.subset(idx[lines])
        sub.geometry = parts[lines]
        return sub
    return t.subset(shapely.within(shapely.point_on_surface(t.geometry), clip))


def _project(t: Table | None, crs: str) -> Table | None:
    """Into the working CRS: one transform from the layer's own CRS (none when it is already)."""
    if t is not None:
        if len(t):
            t.geometry = gpkg.transform_geometries(t.geometry, t.crs, crs)
        t.crs = crs
    return t


def _centre_lonlat(t: Table) -> tuple[float, float]:
    box = shapely.box(*shapely.total_bounds(t.geometry))
    c = shapely.centroid(gpkg.transform_geometries(np.array([box], dtype=object), t.crs, LONLAT)[0])
    return c.x, c.y


def _admin_boundaries(polys: Table) -> Table | None:
    b = polys.columns.get("boundary")
    lvl = polys.columns.get("admin_level")
    if b is None or lvl is None:
        return None
    keep = (b == "administrative") & np.array([v is not None and str(v).isdigit() for v in lvl])
    if not keep.any():
        return None
    t = polys.subset(keep)
    t.columns["admin_level"] = np.array([int(v) for v in t.columns["admin_level"]])
    return t


def collect(opts) -> Inputs:
    """Read, clip and project every input named in ``opts`` (an ImportOptions)."""
    system = check_coords(opts.coords)
    mapping = parse_map(opts.map)
    crs_given = check_working_crs(opts.crs) if opts.crs else None
    sources, licences, problems = [], [], []
    osm = read_osm(opts.osm, system) if opts.osm else None
    roads = buildings = facilities = footprints = boundaries = grids = None
    if osm:
        roads = roads_mod.from_osm(osm["lines"])
        poly = osm["multipolygons"]
        bcol = poly.columns.get("building")
        buildings = poly.subset(np.array([v is not None and v != "no" for v in bcol])) if bcol is not None else None
        facilities, footprints = fac_mod.from_osm(osm["points"], poly)
        boundaries = _admin_boundaries(poly)
        sources.append(f"Roads, buildings, amenities{' and administrative boundaries' if boundaries is not None else ''}: "
                       f"© OpenStreetMap contributors, ODbL 1.0 ({opts.osm})")
        licences.append("OpenStreetMap data: © OpenStreetMap contributors, Open Database Licence (ODbL 1.0, "
                        "https://opendatacommons.org/licenses/odbl/); any map or report must credit "
                        "\"© OpenStreetMap contributors\"")

    def layer(arg, label):
        path, name = split_source(arg)
        t = read_table(path, name, system, label)
        sources.append(f"{label.removeprefix('--').capitalize()}: {t.file} (layer {t.layer}), supplied by the planner")
        licences.append(f"{t.file} (layer {t.layer}): supplied by the planner; its licence is as agreed with its "
                        "provider (record it here)")
        return t

    if opts.roads:
        roads = roads_mod.from_layer(layer(opts.roads, "--roads"), mapping)
    if opts.buildings:
        buildings = layer(opts.buildings, "--buildings")
    if opts.facilities:
        f2, fp2, probs = fac_mod.from_layer(layer(opts.facilities, "--facilities"), mapping)
        problems += probs
        facilities, footprints = f2, fp2   # the planner's layer replaces OSM's amenities
    if opts.boundaries:
        boundaries = layer(opts.boundaries, "--boundaries")
    if opts.grids:
        grids = layer(opts.grids, "--grids")
    if roads is None:
        raise ValidationError([Problem("no roads: give --osm FILE.osm.pbf or --roads LAYER", file="--roads")])
    if opts.households:
        sources.append(f"Households: register {opts.households}, supplied by the planner")
        licences.append(f"{opts.households} (household register): supplied by the planner; personal data stays "
                        "with its owner, only counts per building are kept (record its terms here)")
    if not len(roads):
        raise ValidationError([Problem("no walkable or drivable road in the input", file=roads.file, layer=roads.layer)])
    crs = crs_given or utm_for(*_centre_lonlat(roads))
    for t in (roads, buildings, facilities, footprints, boundaries, grids):
        _project(t, crs)
    clip = None
    if opts.bbox:
        clip = parse_bbox(opts.bbox)
        clip = gpkg.transform_geometries(np.array([shapely.segmentize(clip, 0.01)], dtype=object), LONLAT, crs)[0]
    elif opts.clip:
        path, name = split_source(opts.clip)
        ct = _project(read_table(path, name, system, "--clip"), crs)
        polys = ct.geometry[np.isin(shapely.get_type_id(ct.geometry), [3, 6])]
        if not len(polys):
            raise ValidationError([Problem("no polygon in the clip layer", file=ct.file, layer=ct.layer)])
        clip = shapely.union_all(polys)
    if clip is not None:
        where = "--bbox " + opts.bbox if opts.bbox else "--clip " + opts.clip
        n_before = len(roads)
        roads = _clip(roads, clip, "lines")
        buildings = _clip(buildings, clip, "points")
        facilities = _clip(facilities, clip, "points")
        footprints = _clip(footprints, clip, "points")
        if not len(roads):
            raise ValidationError([Problem(
                f"the clip area holds none of the {n_before} roads: check that it overlaps the data (the bbox is "
                f"MINLON,MINLAT,MAXLON,MAXLAT in WGS-84 degrees; a clip layer needs a CRS)", file=where,
                layer=roads.layer)])
        if buildings is not None and not len(buildings) and not opts.households:
            raise ValidationError([Problem("the clip area holds no buildings: nobody lives there; enlarge it",
                                           file=where, layer="buildings")])
    return Inputs(crs, roads, buildings, facilities, footprints, boundaries, grids, clip,
                  sources, licences, problems, osm=osm is not None)
