"""Build scenarios/chengdu_wuhou_restructured from the Chengdu Wuhou sample (deterministic).

The restructuring an official might propose, so that ``make demo`` ends with a comparison:

* **merge** — in the three communities with the most grids, the adjacent pair of general grids with the
  fewest households together is merged (one worker less each; the merged grid may exceed the
  500-household norm, which the comparison then shows);
* **split** — the two (not merged) general grids with the most households that can be cut at the
  household median (across the longer side, else the shorter) into two single-polygon halves within
  the 160–500 household norm are split (two workers where there was one);
* **move stations** — every grid workstation moves to the residential unit nearest to the
  household-weighted centre of its community (so it stays on a snapped, reachable spot).

Micro-grids follow their parent (re-coded under the new parent's CJ/T 349 code, so codes keep
nesting), units follow the grid that contains them, and each community's station staff is set to
its new number of general grids.  Run: ``.venv/bin/python scripts/make_restructured_scenario.py``.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import box

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "scenarios" / "chengdu_wuhou"
DEST = ROOT / "scenarios" / "chengdu_wuhou_restructured"
N_MERGE_COMMUNITIES = 3
N_SPLIT = 2


class Layout:
    """Mutable copy of the grid/unit columns the restructuring edits."""

    def __init__(self, sc):
        g, u = sc.grids, sc.units
        self.grids = {k: list(getattr(g, k)) for k in ("fid", "id", "code", "level", "parent_id", "community",
                                                       "street", "name", "geometry")}
        self.unit_grid = np.asarray(u.grid_id, dtype=object).copy()
        self.unit_micro = np.asarray(u.micro_id, dtype=object).copy()
        self.ux, self.uy = np.asarray(u.x, float), np.asarray(u.y, float)
        self.hh = np.asarray(u.households, float)
        self.log: list[str] = []
        self.merged: set[str] = set()

    def rows(self, level: str) -> list[int]:
        return [i for i, lv in enumerate(self.grids["level"]) if lv == level]

    def row_of(self, gid: str) -> int:
        return self.grids["id"].index(gid)

    def households(self, gid: str) -> float:
        return float(self.hh[self.unit_grid == gid].sum())

    def micro_of(self, gid: str) -> list[int]:
        return [i for i in self.rows("micro") if self.grids["parent_id"][i] == gid]

    def next_grid_code(self, community_code: str) -> str:
        seqs = [int(c[len(community_code):]) for i, c in enumerate(self.grids["code"])
                if self.grids["level"][i] == "general" and c.startswith(community_code) and len(c) == len(community_code) + 3]
        return f"{community_code}{max(seqs, default=0) + 1:03d}"

    def adopt_micro(self, micro_rows: list[int], new_parent: str) -> None:
        """Re-parent micro-grids (and re-code them under the new parent) and their units."""
        p = self.row_of(new_parent)
        existing = [int(self.grids["code"][i][-3:]) for i in self.micro_of(new_parent) if i not in micro_rows]
        seq = max(existing, default=0)
        for i in micro_rows:
            seq += 1
            old = self.grids["id"][i]
            new = f"{self.grids['code'][p]}{seq:03d}"
            self.grids["id"][i] = self.grids["code"][i] = new
            self.grids["parent_id"][i] = new_parent
            self.grids["name"][i] = f"{self.grids['name'][p]}{seq}号微网格"
            self.unit_micro[self.unit_micro == old] = new
            self.unit_grid[self.unit_micro == new] = new_parent

    def drop(self, row: int) -> None:
        for col in self.grids.values():
            del col[row]


def merge_pairs(lay: Layout) -> None:
    general = lay.rows("general")
    counts: dict[str, int] = {}
    for i in general:
        counts[lay.grids["community"][i]] = counts.get(lay.grids["community"][i], 0) + 1
    for community in sorted(counts, key=lambda c: (-counts[c], c))[:N_MERGE_COMMUNITIES]:
        rows = [i for i in lay.rows("general") if lay.grids["community"][i] == community]
        best = None
        for a in rows:
            for b in rows:
                if a < b and shapely.length(shapely.intersection(shapely.boundary(lay.grids["geometry"][a]),
                                                                  shapely.boundary(lay.grids["geometry"][b]))) > 20:
                    hh = lay.households(lay.grids["id"][a]) + lay.households(lay.grids["id"][b])
                    if best is None or hh < best[0]:
                        best = (hh, a, b)
        if best is None:
            continue
        hh, a, b = best
        keep, gone = lay.grids["id"][a], lay.grids["id"][b]
        lay.grids["geometry"][a] = shapely.union(lay.grids["geometry"][a], lay.grids["geometry"][b])
        lay.grids["name"][a] = f"{lay.grids['name'][a]}（合并{lay.grids['name'][b].replace(community, '')}）"
        lay.adopt_micro(lay.micro_of(gone), keep)
        lay.unit_grid[lay.unit_grid == gone] = keep
        lay.drop(lay.row_of(gone))
        lay.merged.add(keep)
        lay.log.append(f"merged {gone} into {keep} ({community}): {hh:.0f} households")


def _cut(lay: Layout, gid: str, along_x: bool):
    """Halves of grid ``gid`` cut at the household median across x or y; None unless both halves
    are single polygons within the general-grid norm (a split must not create a worse grid)."""
    a = lay.row_of(gid)
    geom = lay.grids["geometry"][a]
    minx, miny, maxx, maxy = geom.bounds
    mine = lay.unit_grid == gid
    coord = lay.ux if along_x else lay.uy
    order = np.argsort(coord[mine])
    cum = np.cumsum(lay.hh[mine][order])
    cut = float(coord[mine][order][np.searchsorted(cum, cum[-1] / 2)])
    half = box(minx - 1, miny - 1, cut, maxy + 1) if along_x else box(minx - 1, miny - 1, maxx + 1, cut)
    micro = lay.micro_of(gid)
    to_b = [i for i in micro if not half.covers(shapely.point_on_surface(lay.grids["geometry"][i]))]
    part_a = shapely.intersection(geom, half)
    for i in micro:   # micro-grids stay whole: their half takes all of them
        part_a = (shapely.difference(part_a, lay.grids["geometry"][i]) if i in to_b
                  else shapely.union(part_a, lay.grids["geometry"][i]))
    part_a = shapely.make_valid(shapely.intersection(part_a, geom))
    part_b = shapely.make_valid(shapely.difference(geom, part_a))
    parts = [[p for p in shapely.get_parts(x) if p.geom_type == "Polygon" and p.area > 1.0] for x in (part_a, part_b)]
    if any(len(p) != 1 for p in parts):
        return None
    part_a, part_b = parts[0][0], parts[1][0]
    pts = shapely.points(lay.ux, lay.uy)
    in_b = np.zeros(len(lay.hh), dtype=bool)
    micro_b = {lay.grids["id"][i] for i in to_b}
    for k in np.flatnonzero(mine):
        in_b[k] = lay.unit_micro[k] in micro_b if lay.unit_micro[k] else not shapely.covers(part_a, pts[k])
    hh_a, hh_b = lay.hh[mine & ~in_b].sum(), lay.hh[in_b].sum()
    if not (160 <= hh_a <= 500 and 160 <= hh_b <= 500):
        return None
    return part_a, part_b, to_b, in_b


def split_largest(lay: Layout) -> None:
    general = sorted((i for i in lay.rows("general") if lay.grids["id"][i] not in lay.merged),
                     key=lambda i: -lay.households(lay.grids["id"][i]))
    done = 0
    for gid in [lay.grids["id"][i] for i in general]:
        if done == N_SPLIT:
            break
        minx, miny, maxx, maxy = lay.grids["geometry"][lay.row_of(gid)].bounds
        wide = (maxx - minx) >= (maxy - miny)
        found = _cut(lay, gid, wide) or _cut(lay, gid, not wide)
        if found is None:
            continue
        part_a, part_b, to_b, in_b = found
        a = lay.row_of(gid)
        new = lay.next_grid_code(lay.grids["code"][a][:-3])
        lay.grids["geometry"][a] = part_a
        for col in lay.grids:
            lay.grids[col].append(lay.grids[col][a])
        b = len(lay.grids["id"]) - 1
        lay.grids["fid"][b] = max(lay.grids["fid"]) + 1
        lay.grids["id"][b] = lay.grids["code"][b] = new
        lay.grids["geometry"][b] = part_b
        community = lay.grids["community"][a]
        lay.grids["name"][b] = f"{community}第{int(new[-3:])}网格（由{lay.grids['name'][a].replace(community, '')}拆分）"
        lay.unit_grid[in_b] = new
        lay.adopt_micro(to_b, new)
        lay.log.append(f"split {gid} → {gid} ({lay.households(gid):.0f} households) + {new} "
                       f"({lay.households(new):.0f})")
        done += 1


def move_stations(sc, lay: Layout):
    fac = sc.facilities
    x, y, staff = fac.x.copy(), fac.y.copy(), fac.staff.copy()
    unit_comm = np.asarray([lay.grids["community"][lay.row_of(g)] for g in lay.unit_grid], dtype=object)
    for i in fac.of_type("grid_station"):
        community = str(fac.name[i]).replace("网格工作站", "")
        mine = unit_comm == community
        if not mine.any():
            continue
        cx = np.average(lay.ux[mine], weights=lay.hh[mine])
        cy = np.average(lay.uy[mine], weights=lay.hh[mine])
        k = np.flatnonzero(mine)[np.argmin((lay.ux[mine] - cx) ** 2 + (lay.uy[mine] - cy) ** 2)]
        lay.log.append(f"moved {fac.id[i]} {fac.name[i]} by {np.hypot(x[i] - lay.ux[k], y[i] - lay.uy[k]):.0f} m")
        x[i], y[i] = lay.ux[k], lay.uy[k]
        staff[i] = sum(1 for r in lay.rows("general") if lay.grids["community"][r] == community)
    return dataclasses.replace(fac, x=x, y=y, staff=staff)


def build(src: Path = SRC):
    from gridgov.engine.scenario.model import Grids
    from gridgov.engine.scenario import load_scenario

    sc = load_scenario(src)
    lay = Layout(sc)
    merge_pairs(lay)
    split_largest(lay)
    facilities = move_stations(sc, lay)
    geoms = np.empty(len(lay.grids["id"]), dtype=object)
    geoms[:] = [shapely.MultiPolygon(shapely.get_parts(g)) if g.geom_type != "MultiPolygon" else g
                for g in lay.grids["geometry"]]
    col = {k: np.asarray(v, dtype=object) for k, v in lay.grids.items() if k not in ("fid", "geometry")}
    grids = Grids(fid=np.asarray(lay.grids["fid"], dtype=np.int64), geometry=geoms, **col)
    units = dataclasses.replace(sc.units, grid_id=lay.unit_grid, micro_id=lay.unit_micro)
    return dataclasses.replace(sc, grids=grids, units=units, facilities=facilities), lay.log


def main(argv=None) -> int:
    from gridgov.engine.scenario import save_scenario

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=SRC)
    ap.add_argument("--dest", type=Path, default=DEST)
    args = ap.parse_args(argv)
    sc, log = build(args.src)
    meta = {"name": args.dest.name, "title": "成都市武侯区网格调整方案（合并、拆分网格，迁移网格工作站）",
            "description": "Restructured variant of chengdu_wuhou made by scripts/make_restructured_scenario.py: "
                           + "; ".join(log)}
    save_scenario(sc, args.dest, overwrite=True, meta=meta)
    for src_file in ("ATTRIBUTION.md",):
        if (args.src / src_file).exists():
            (args.dest / src_file).write_text((args.src / src_file).read_text(encoding="utf-8"), encoding="utf-8")
    (args.dest / "README.md").write_text(
        "# Chengdu Wuhou — restructured layout (成都市武侯区网格调整方案)\n\n"
        "**Synthetic data on real roads. Not for real decisions.**  Generated from `../chengdu_wuhou` by\n"
        "`scripts/make_restructured_scenario.py` (deterministic); compare with\n"
        "`gridgov compare scenarios/chengdu_wuhou scenarios/chengdu_wuhou_restructured --out out/compare`.\n\n"
        "Changes:\n\n" + "".join(f"- {line}\n" for line in log) +
        "\nSources and licences: see ATTRIBUTION.md (roads © OpenStreetMap contributors, ODbL 1.0).\n",
        encoding="utf-8")
    print("\n".join(log))
    print(f"written {args.dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
