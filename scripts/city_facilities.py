"""Facilities of the synthetic city, at densities a Chengdu district has [A unless noted]:

* per community: grid workstation (staff = its general grids: one full-time worker each, Chengdu),
  community service station, health station, kindergarten, elderly day-care, cultural station,
  shops (the 5-minute list of GB 50180-2018);
* per street: governance centre (综治中心, staff 6), police station (派出所, staff 30), health
  centre, junior middle school, a primary school per 2 communities, sports ground per 2, market
  per 3 (10/15-minute lists);
* per district: a district governance centre (staff 20) and one fire station per 7 km² (建标152-2017:
  a first-class station covers at most 7 km²);
* in dedicated plots: the school, hospital or market the dedicated grid is for.

Points sit on the plot's road side, 4 % of a plot inside it, so they snap to the street in front.
"""
from __future__ import annotations

import numpy as np

from city_layout import PLOT_M, in_plot

FIRE_AREA_KM2 = 7.0


def _road_side_points(x, y, ii, jj):
    """A point just inside each plot, on its side along an even (road) lattice row."""
    v = np.where(jj % 2 == 0, 0.04, 0.96)
    return in_plot(x, y, ii, jj, np.full(ii.shape, 0.5), v)


def place_facilities(comms: list, grids: dict, x: np.ndarray, y: np.ndarray, cell_comm: np.ndarray,
                     rng: np.random.Generator) -> dict:
    hh, cell_grid, cell_ded = grids["hh"], grids["cell_grid"], grids["cell_ded"]
    ii, jj = np.nonzero((cell_comm >= 0) & ((cell_grid >= 0) | (cell_ded >= 0)))
    comm_of = cell_comm[ii, jj]
    housed = hh[ii, jj] > 0
    order = np.argsort(comm_of, kind="stable")
    bounds = np.searchsorted(comm_of[order], np.arange(len(comms) + 1))
    rows: list[tuple] = []   # (type, name, cell index into ii/jj, staff, community, street)
    general_per_comm = np.bincount(grids["grid_comm"], minlength=len(comms))

    def pick(c, centre=False):
        cand = order[bounds[c]:bounds[c + 1]]
        cand = cand[housed[cand]] if housed[cand].any() else cand
        if not centre:
            return int(rng.choice(cand))
        w = hh[ii[cand], jj[cand]]
        ci, cj = np.average(ii[cand], weights=w), np.average(jj[cand], weights=w)
        return int(cand[np.argmin(np.hypot(ii[cand] - ci, jj[cand] - cj))])

    per_comm = [("community_service", "{c}党群服务中心"), ("clinic", "{c}卫生服务站"), ("kindergarten", "{c}幼儿园"),
                ("elderly_care", "{c}日间照料中心"), ("cultural", "{c}文化活动室"), ("supermarket", "{c}便民超市")]
    streets: dict[str, list[int]] = {}
    for c, (_, _, scode, street, _, cname) in enumerate(comms):
        streets.setdefault(scode, []).append(c)
        rows.append(("grid_station", f"{cname}网格工作站", pick(c, centre=True), int(general_per_comm[c]), cname, street))
        for kind, name in per_comm:
            rows.append((kind, name.format(c=cname), pick(c), 0, cname, street))
    for scode, cs in streets.items():
        street = comms[cs[0]][3]
        short = street.replace("街道", "").replace("镇", "").replace("乡", "")
        head = cs[len(cs) // 2]
        rows.append(("governance_centre", f"{street}综治中心", pick(head, centre=True), 6, comms[head][5], street))
        rows.append(("police", f"{short}派出所", pick(head), 30, comms[head][5], street))
        rows.append(("health_centre", f"{street}社区卫生服务中心", pick(cs[0]), 0, comms[cs[0]][5], street))
        rows.append(("middle_school", f"{short}中学", pick(cs[-1]), 0, comms[cs[-1]][5], street))
        for n, c in enumerate(cs[::2]):
            rows.append(("school", f"{short}小学{'' if n == 0 else n + 1}", pick(c), 0, comms[c][5], street))
            rows.append(("sports", f"{comms[c][5]}运动场", pick(c), 0, comms[c][5], street))
        for c in cs[::3]:
            rows.append(("market", f"{comms[c][5]}农贸市场", pick(c), 0, comms[c][5], street))
    _district_rows(rows, comms, ii, jj, comm_of, pick, rng)
    # The facility each dedicated grid is for, in its own plot.
    kind_type = {"school": "school", "hospital": "health_centre", "market": "market"}
    cell_index = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(ii, jj))}
    for (di, dj) in zip(*np.nonzero(cell_ded >= 0)):
        d = cell_ded[di, dj]
        kind = str(grids["ded_kind"][d])
        if kind in kind_type:
            c = int(grids["ded_comm"][d])
            rows.append((kind_type[kind], f"{comms[c][5]}{_KIND_ZH[kind]}", cell_index[(int(di), int(dj))], 0,
                         comms[c][5], comms[c][3]))
    cells = np.array([r[2] for r in rows])
    xy = _road_side_points(x, y, ii[cells], jj[cells])
    return {"type": np.array([r[0] for r in rows], dtype=object), "name": np.array([r[1] for r in rows], dtype=object),
            "staff": np.array([r[3] for r in rows], dtype=np.int64), "community": np.array([r[4] for r in rows], dtype=object),
            "street": np.array([r[5] for r in rows], dtype=object), "x": xy[:, 0], "y": xy[:, 1]}


_KIND_ZH = {"school": "学校", "hospital": "医院", "market": "市场"}


def _district_rows(rows, comms, ii, jj, comm_of, pick, rng) -> None:
    """District governance centre and fire stations spread on a ~sqrt(7 km²) lattice."""
    district_of = np.array([comms[c][0] for c in comm_of])
    step = int(round(np.sqrt(FIRE_AREA_KM2) * 1000.0 / PLOT_M))
    for dcode in dict.fromkeys(r[0] for r in comms):
        cells = np.flatnonzero(district_of == dcode)
        dname = next(r[1] for r in comms if r[0] == dcode)
        first = next(c for c, r in enumerate(comms) if r[0] == dcode)
        rows.append(("governance_centre", f"{dname}社会治理中心", pick(first, centre=True), 20,
                     comms[first][5], comms[first][3]))
        area_km2 = cells.size * (PLOT_M / 1000.0) ** 2
        n_fire = max(1, int(round(area_km2 / FIRE_AREA_KM2)))
        bi, bj = ii[cells] // step, jj[cells] // step
        blocks = np.unique(np.stack([bi, bj], axis=1), axis=0)
        # The n_fire most central blocks of the district's coarse lattice get a station each.
        centre = blocks.mean(axis=0)
        chosen = blocks[np.argsort(np.hypot(*(blocks - centre).T), kind="stable")[:n_fire]]
        for n, (a, b) in enumerate(chosen):
            inside = cells[(bi == a) & (bj == b)]
            mid = inside[np.argmin(np.hypot(ii[inside] - (a + 0.5) * step, jj[inside] - (b + 0.5) * step))]
            c = int(comm_of[mid])
            rows.append(("fire", f"{dname}消防救援站{n + 1}", int(mid), 25, comms[c][5], comms[c][3]))
