"""``import_scenario``: inputs → a scenario folder that validates and runs.

Steps: read and project the inputs (inputs.py) → roads split at junctions (roads.py) →
households per building (households.py) → communities (given boundaries, OSM admin
boundaries, or clusters) → grids (given, or drawn: grids.py) → facilities and workstations
(facilities.py) → located warnings → scenario folder (output.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from ..scenario import gpkg
from ..errors import Problem, ValidationError
from ..params import defaults
from ..progress import Progress
from . import facilities as fac_mod
from . import households as hh_mod
from . import roads as roads_mod
from .checks import empty_buildings, far_from_roads
from .entrances import split_large
from .partition import delaunay_edges
from .grids import atoms, clip_cells, cluster_communities, draw, union_cells
from .inputs import Inputs, collect
from .output import polygonal, write_scenario
from .sources import LONLAT, Table, column, parse_map


@dataclass
class ImportOptions:
    out: str
    osm: str | None = None
    roads: str | None = None
    buildings: str | None = None
    boundaries: str | None = None
    facilities: str | None = None
    grids: str | None = None
    households: str | None = None
    map: str | None = None
    clip: str | None = None
    bbox: str | None = None
    crs: str | None = None
    coords: str = "wgs84"
    region_code: str = "000000"
    name: str | None = None
    title: str | None = None
    overwrite: bool = False
    params: dict = field(default_factory=dict)     # overrides of [import]/[grids]/[travel] values


@dataclass
class ImportResult:
    path: object
    problems: list                      # warnings (errors raise ValidationError)
    summary: dict


def _params(opts: ImportOptions) -> dict:
    p = defaults()
    for sec, values in (opts.params or {}).items():
        p.setdefault(sec, {}).update(values)
    return p


def import_scenario(opts: ImportOptions, progress: Progress | None = None) -> ImportResult:
    """Build a new scenario folder ``opts.out`` from the inputs; warnings in the result."""
    prog = progress or Progress()
    if not opts.region_code.isdigit() or len(opts.region_code) != 6:
        raise ValidationError([Problem(f"--region-code '{opts.region_code}' must be 6 digits (the county's "
                                       "administrative division code, e.g. 510107)", file="--region-code")])
    params = _params(opts)
    prog(0 / 7, "reading inputs")
    inp = collect(opts)
    mapping = parse_map(opts.map)
    problems = list(inp.problems)
    notes: list[str] = []
    to_lonlat = _to_lonlat(inp.crs)
    prog(1 / 7, "roads")
    roads = roads_mod.split_at_junctions(inp.roads)
    problems += roads_mod.piece_problems(roads, params["travel"]["node_tolerance_m"], to_lonlat)
    prog(2 / 7, "households")
    units = _units(inp, opts, mapping, params, problems, notes)
    prog(3 / 7, "communities")
    comm, names, streets, extents, cells, graph = _communities(inp, units, params, problems, notes)
    prog(4 / 7, "grids")
    grid_layer, unit_grid, unit_micro = _grids(inp, units, comm, names, streets, extents, (cells, graph), opts, params,
                                               problems, notes, mapping)
    prog(5 / 7, "facilities")
    facilities = _facilities(inp, units, comm, names, grid_layer, params, notes)
    problems += far_from_roads(roads.geometry, units, facilities, params["travel"]["snap_max_m"])
    prog(6 / 7, "writing")
    meta = _meta(opts, inp, notes)
    path = write_scenario(opts.out, inp.crs, roads, units, unit_grid, unit_micro, grid_layer, facilities,
                          meta, params, inp.licences, opts.overwrite)
    lv = grid_layer["columns"]["level"]
    summary = {"roads": len(roads), "units": len(units["fid"]), "households": int(units["households"].sum()),
               "residents": int(units["residents"].sum()), "general": int((lv == "general").sum()),
               "micro": int((lv == "micro").sum()), "dedicated": int((lv == "dedicated").sum()),
               "facilities": len(facilities["type"]), "crs": inp.crs, "communities": len(names)}
    return ImportResult(path, problems, summary)


def _to_lonlat(crs: str):
    from osgeo import osr

    ct = osr.CoordinateTransformation(gpkg.srs_from(crs), gpkg.srs_from(LONLAT))

    def f(x, y):
        lon, lat, _ = ct.TransformPoint(float(x), float(y))
        return lon, lat
    return f


def _units(inp: Inputs, opts, mapping, params, problems, notes) -> dict:
    """Residential units: the buildings with households (register, field, building:flats or estimate)."""
    p = params["import"]
    b = inp.buildings
    if b is not None:
        b.geometry = polygonal(shapely.make_valid(b.geometry))
        b = b.subset(~shapely.is_missing(b.geometry) & ~shapely.is_empty(b.geometry))
    reg = hh_mod.read_register(opts.households, mapping) if opts.households else None
    if b is None or not len(b):
        if reg is None:
            raise ValidationError([Problem("no buildings: give --osm with buildings, --buildings LAYER or a "
                                           "--households register with lon/lat", file="--buildings")])
        return _register_points(reg, inp, opts, p, notes)
    ids = column(b, "id", mapping)
    ids = (np.array(["" if v is None else str(v) for v in ids], dtype=object) if ids is not None
           else b.fid.astype(str).astype(object))
    if inp.osm and "osm_way_id" in b.columns:   # OSM buildings: the way id (or relation id) identifies them
        way = b.columns["osm_way_id"]
        rel = b.columns.get("osm_id")
        ids = np.array([f"w{w}" if w not in (None, "") else f"r{r}" for w, r in
                        zip(way, rel if rel is not None else [None] * len(b))], dtype=object)
    if reg is not None:
        pts = _register_points_wc(reg, inp, opts)
        hh, unjoined = hh_mod.join_register(reg, b, ids, pts, p)
    else:
        hh = hh_mod.estimate(b, mapping, p)
    problems += hh.problems
    notes += hh.notes
    problems += empty_buildings(b, hh, reg is not None)
    keep = hh.households > 0
    rep = shapely.point_on_surface(b.geometry[keep])
    units = {"fid": b.fid[keep], "id": ids[keep], "geometry": b.geometry[keep],
             "households": hh.households[keep], "residents": hh.residents[keep],
             "method": hh.method[keep], "xy": shapely.get_coordinates(rep),
             "name": _text(column(b, "name", mapping), len(b))[keep], "file": b.file, "layer": b.layer}
    return _entrances(units, p, notes)


def _entrances(units: dict, p: dict, notes: list) -> dict:
    """Buildings above [import] unit_max_households become entrance units (entrances.py)."""
    units, split, pieces = split_large(units, p["unit_max_households"])
    if split:
        notes.append(f"{split} building(s) above {p['unit_max_households']:g} households ([import] "
                     f"unit_max_households) split into {pieces} entrance units (单元) of equal floor area; "
                     "ids <building id>/<n>, households_from '…+entrances'")
    return units


def _text(values, n):
    return np.array(["" if v is None else str(v) for v in values] if values is not None else [""] * n, dtype=object)


def _register_points_wc(reg, inp, opts) -> np.ndarray:
    from .sources import check_coords, convert

    pts = shapely.points(np.nan_to_num(reg.lon), np.nan_to_num(reg.lat))
    pts = convert(pts, check_coords(opts.coords))
    return gpkg.transform_geometries(pts, LONLAT, inp.crs)


def _register_points(reg, inp, opts, p, notes) -> dict:
    """No building layer: each register row with lon/lat is a point unit (a 小区/楼栋)."""
    ok = np.isfinite(reg.lon) & np.isfinite(reg.lat) & (reg.households > 0)
    pts = _register_points_wc(reg, inp, opts)[ok]
    res = np.where(np.isfinite(reg.residents), reg.residents, reg.households * p["residents_per_household"])
    notes.append(f"no building layer: {int(ok.sum())} register rows with lon/lat are point units")
    ids = np.where(reg.id != "", reg.id, np.char.add("line", reg.line.astype(str)).astype(object))
    units = {"fid": reg.line[ok].astype(np.int64), "id": ids[ok].astype(object), "geometry": pts,
             "households": reg.households[ok].astype(np.int64), "residents": np.round(res[ok]).astype(np.int64),
             "method": np.full(int(ok.sum()), "register", dtype=object), "xy": shapely.get_coordinates(pts),
             "name": reg.name[ok], "file": reg.file, "layer": "register"}
    return _entrances(units, p, notes)


def _communities(inp: Inputs, units: dict, params, problems, notes):
    """Community index per unit, names, street of each community, extent polygon of each."""
    xy = units["xy"]
    pts = shapely.points(xy)
    area = _study_area(inp, xy)
    b = inp.boundaries
    if b is not None and len(b):
        polys_mask = np.isin(shapely.get_type_id(b.geometry), [3, 6])
        b = b.subset(polys_mask)
        street_polys = None
        if "admin_level" in b.columns:      # OSM: finest level = communities, next coarser = streets
            levels = sorted(set(b.columns["admin_level"].tolist()))
            finest = levels[-1]
            street_polys = b.subset(b.columns["admin_level"] == levels[-2]) if len(levels) > 1 else None
            b = b.subset(b.columns["admin_level"] == finest)
            notes.append(f"communities from OSM admin_level {finest} boundaries"
                         + (f", streets from admin_level {levels[-2]}" if street_polys is not None else ""))
        else:
            notes.append(f"communities from {b.file} (layer {b.layer})")
        tree = shapely.STRtree(b.geometry)
        u, c = tree.query(pts, predicate="within")
        comm = np.full(len(xy), -1, dtype=np.int64)
        comm[u[::-1]] = c[::-1]
        outside = np.flatnonzero(comm < 0)
        if len(outside):
            comm[outside] = tree.nearest(pts[outside])
            problems.append(Problem(f"{len(outside)} unit(s) lie outside every community boundary: each was given "
                                    f"the nearest community; extend the boundaries to cover them",
                                    file=units["file"], layer=units["layer"], fid=int(units["fid"][outside[0]]),
                                    severity="warning"))
        used = np.unique(comm)
        remap = np.full(len(b), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        names = [(_name_of(b, i) or f"community {k + 1}") for k, i in enumerate(used)]
        street_col = b.columns.get("street")
        streets = []
        for i in used:
            s = str(street_col[i]) if street_col is not None and street_col[i] else ""
            if not s and street_polys is not None and len(street_polys):
                hit = shapely.STRtree(street_polys.geometry).query(shapely.point_on_surface(b.geometry[i]), predicate="within")
                s = _name_of(street_polys, int(hit[0])) if len(hit) else ""
            streets.append(s or "street 1")
        extents = [shapely.make_valid(b.geometry[i]) for i in used]
        return remap[comm], names, streets, extents, None, None
    hh = units["households"].astype(np.float64)
    target = params["import"]["community_households"]
    atom_xy, atom_of = atoms(xy)
    graph = delaunay_edges(atom_xy)
    atom_label = cluster_communities(atom_xy, np.maximum(np.bincount(atom_of, weights=hh), 1e-6), target, graph)
    comm = atom_label[atom_of]
    k = int(comm.max()) + 1 if len(comm) else 0
    notes.append(f"no community boundaries: {k} communities drawn as contiguous clusters of about {target} "
                 f"households ([import] community_households), all in one street; give --boundaries for real ones")
    if len(atom_xy) > 1:
        cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(atom_xy), extend_to=area, ordered=True))
        cells = clip_cells(cells, area)
    else:
        cells = np.array([area], dtype=object)
    extents = [union_cells(cells[atom_label == c]) for c in range(k)]
    cells = np.asarray(cells, dtype=object)
    return comm, [f"community {c + 1}" for c in range(k)], ["street 1"] * k, extents, cells, graph


def _name_of(t: Table, i: int) -> str:
    for key in ("name", "community", "NAME", "名称"):
        col = t.columns.get(key)
        if col is not None and col[i] not in (None, ""):
            return str(col[i])
    return ""


def _study_area(inp: Inputs, xy: np.ndarray):
    """Clip area when given, else the roads' and units' hull grown by 100 m."""
    if inp.clip is not None:
        return inp.clip
    hull = shapely.convex_hull(shapely.union_all([shapely.multipoints(xy),
                                                  shapely.convex_hull(shapely.union_all(inp.roads.geometry[:100000]))]))
    return shapely.buffer(hull, 100.0)


def _grids(inp, units, comm, names, streets, extents, drawn_cells, opts, params, problems, notes, mapping):
    if inp.grids is not None:
        g = inp.grids
        cols = {}
        for key in ("id", "code", "level", "parent_id", "community", "street", "name"):
            v = column(g, key, mapping)
            cols[key] = _text(v, len(g))
        if not (cols["id"] != "").all():
            cols["id"] = np.where(cols["id"] != "", cols["id"], np.char.add("g", g.fid.astype(str)).astype(object))
        cols["level"] = np.where(cols["level"] != "", cols["level"], "general").astype(object)
        cols["code"] = np.where(cols["code"] != "", cols["code"], cols["id"]).astype(object)
        notes.append(f"grids imported from {g.file} (layer {g.layer}) with their codes")
        n = len(units["fid"])
        return ({"geometry": g.geometry, "columns": cols}, np.full(n, "", dtype=object), np.full(n, "", dtype=object))
    fp = inp.footprints
    dedicated = []
    if fp is not None and len(fp):
        fp.geometry = polygonal(shapely.make_valid(fp.geometry))
        fp = fp.subset(~shapely.is_missing(fp.geometry) & ~shapely.is_empty(fp.geometry) & (shapely.area(fp.geometry) > 1.0))
    if fp is not None and len(fp):
        cent = shapely.point_on_surface(fp.geometry)
        tree = shapely.STRtree(np.array(extents, dtype=object))
        for i in range(len(fp)):
            hit = tree.query(cent[i], predicate="within")
            kind = fac_mod.DEDICATED_TYPES.get(str(fp.columns["type"][i]), str(fp.columns["type"][i]))
            dedicated.append((kind, str(fp.columns["name"][i]), fp.geometry[i],
                              int(hit[0]) if len(hit) else -1))
    drawn = draw(units["xy"], units["households"], comm, names, streets, extents, params["grids"],
                 opts.region_code, [d for d in dedicated if d[3] >= 0], atom_cells=drawn_cells[0], graph=drawn_cells[1])
    gen = params["grids"]["general_households"]
    for gid, hh, row in drawn.oversized:
        problems.append(Problem(f"one unit alone has {hh:.0f} households, above a general grid's max {gen['max']}: "
                                f"its grid {gid} is over the norm; split the unit (by 楼栋/单元) in your data or raise "
                                f"[grids] general_households.max", file=units["file"], layer=units["layer"],
                                fid=int(units["fid"][row]), severity="warning"))
    notes.append("grids drawn automatically: general grids by the districting engine of gridgov optimise "
                 "(engine/optimise: seeded recursive bisection + annealing, contiguous, balanced within the norms, "
                 "never across a community); micro-grids inside each (engine/ingest/partition.py: Hilbert-curve "
                 "runs of equal households, repaired for contiguity and the size norms); "
                 f"dedicated grids on {len(dedicated)} school/hospital/market footprints; codes "
                 f"{opts.region_code} + street(3) + community(3) + grid(3) [+ micro(3)], dedicated grids 9xx")
    return {"geometry": drawn.geometry, "columns": drawn.columns}, drawn.unit_grid, drawn.unit_micro


def _facilities(inp, units, comm, names, grid_layer, params, notes) -> dict:
    f = inp.facilities
    n = len(f) if f is not None else 0
    xy = shapely.get_coordinates(f.geometry) if n else np.empty((0, 2))
    out = {"x": list(xy[:, 0]), "y": list(xy[:, 1]),
           "type": list(f.columns["type"]) if n else [], "name": list(f.columns["name"]) if n else [],
           "staff": [0] * n, "source": [f"{f.columns['source_layer'][i]}:{f.fid[i]}" for i in range(n)]}
    if n and "staff" in f.columns:
        out["staff"] = [int(v) if v not in (None, "") and np.isfinite(float(v)) else 0 for v in f.columns["staff"]]
    responders = {"police": 10, "fire": 10}
    for i, t in enumerate(out["type"]):
        if not out["staff"][i] and t in responders:
            out["staff"][i] = responders[t]
    if "grid_station" not in out["type"] and len(units["fid"]):
        cols = grid_layer["columns"]
        general = cols["level"] == "general"
        per_comm = {c: int(((cols["community"] == c) & general).sum()) for c in names}
        stations = fac_mod.place_stations(units["xy"], units["households"], np.array(names, dtype=object)[comm])
        staff_per = params["import"]["station_staff_per_grid"] * params["staffing"]["workers_per_general_grid"]
        for cname, row in stations.items():
            out["x"].append(units["xy"][row, 0]); out["y"].append(units["xy"][row, 1])
            out["type"].append("grid_station"); out["name"].append(f"{cname} grid workstation")
            out["staff"].append(max(1, per_comm.get(cname, 1) * staff_per)); out["source"].append("placed")
        notes.append(f"{len(stations)} grid workstations placed, one per community at the unit nearest its "
                     "household-weighted centre, staffed with one worker per general grid")
    k = len(out["type"])
    return {"x": np.array(out["x"], dtype=np.float64), "y": np.array(out["y"], dtype=np.float64),
            "type": np.array(out["type"], dtype=object), "name": np.array(out["name"], dtype=object),
            "staff": np.array(out["staff"], dtype=np.int64), "source": np.array(out["source"], dtype=object),
            "id": np.array([f"F{i + 1:05d}" for i in range(k)], dtype=object)}


def _meta(opts, inp: Inputs, notes) -> dict:
    from pathlib import Path

    name = opts.name or Path(opts.out).name
    return {"name": name, "title": opts.title or f"{name} (imported)",
            "description": "Scenario built by gridgov import from " + "; ".join(inp.sources),
            "crs": inp.crs, "synthetic": False, "sources": list(inp.sources),
            "licence": " | ".join(inp.licences), "notes": " ".join(f"{n}." if not n.endswith(".") else n for n in notes)}
