"""Redraw a scenario's general grids and micro-grids (the ``grids`` step of ``gridgov optimise``).

Units of planner-locked general grids and of dedicated grids keep their grid; every other
unit is districted inside its community (``draw_grids``), then split into micro-grids.  New
polygons tile the community's current general grids (``layout.district_polygons``); ids of
grids that keep most of their households are kept, others get the next free code.
"""
from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
import shapely

from ..progress import NULL, Progress
from ..scenario.model import Grids, Scenario, Units
from ..score.geometry import polsby_popper
from .adjacency import barrier_lines
from .districting import draw_grids, draw_micro_grids
from .layout import change_summary, district_polygons, stable_ids, voronoi_cells


def _general_of_unit(scenario: Scenario) -> np.ndarray:
    """Row of each unit's general/dedicated grid (a unit pointing at a micro-grid → its parent)."""
    g = scenario.grids
    row = {gid: i for i, gid in enumerate(g.id.astype(str))}
    out = np.empty(len(scenario.units), np.int64)
    for u, gid in enumerate(scenario.units.grid_id.astype(str)):
        r = row[gid]
        if g.level[r] == "micro":
            r = row[str(g.parent_id[r])]
        out[u] = r
    return out


def _prefix(ids) -> str:
    """Code prefix shared by a community's grids ('510107001004' for '510107001004003')."""
    ids = [str(i) for i in ids if str(i)]
    if not ids:
        return ""
    pre = Counter(i[:-3] for i in ids if len(i) > 3).most_common(1)
    return pre[0][0] if pre else ids[0] + "-"


def redraw_grids(scenario: Scenario, locked_ids=(), *, seed: int = 0, time_limit: float | None = None,
                 weights: dict | None = None, progress: Progress = NULL) -> tuple[Scenario, dict]:
    g, u = scenario.grids, scenario.units
    gen_row = _general_of_unit(scenario)
    locked_ids = set(map(str, locked_ids))
    # dedicated grids and planner-locked general grids stay (micro-grids follow their parent)
    locked_rows = (g.level == "dedicated") | ((g.level == "general") & np.isin(g.id.astype(str), list(locked_ids)))
    unit_locked = locked_rows[gen_row]
    community = g.community.astype(str)[gen_row]
    street = g.street.astype(str)[gen_row]
    current = g.id.astype(str)[gen_row]
    norms = scenario.params["grids"]["general_households"]
    hh = np.asarray(u.households, float)
    time_general = None if time_limit is None else 0.7 * time_limit
    progress(0.0, "drawing general grids")
    res = draw_grids(u.x, u.y, hh, community, street, norms, polygons=u.geometry, barriers=barrier_lines(scenario.roads),
                     locked=unit_locked, current=current, unit_ids=u.id, where=str(scenario.layers_path),
                     weights=weights, seed=seed, time_limit=time_general, progress=progress.sub(0.0, 0.6))
    progress(0.6, "grid polygons")
    free_general = (g.level == "general") & ~locked_rows
    extents = {}
    for c in np.unique(community[~unit_locked]):
        extents[c] = shapely.union_all(g.geometry[free_general & (g.community.astype(str) == c)], grid_size=0.01)
    k = res.k
    gen_geoms = district_polygons(u.x, u.y, res.labels, k, community, extents)
    progress(0.65, "drawing micro-grids")
    micro = draw_micro_grids(_touching_cells_graph(res.graph, res.labels, u.x, u.y, gen_geoms), res.labels, hh, u.x, u.y, scenario.params["grids"]["micro_households"],
                             current=np.where(unit_locked, "", u.micro_id.astype(str)), seed=seed,
                             time_limit=None if time_limit is None else 0.2 * time_limit, progress=progress.sub(0.65, 0.8))
    progress(0.8, "micro-grid polygons")
    comm_of = np.empty(k, dtype=object)
    street_of = np.empty(k, dtype=object)
    for lab in range(k):
        first = np.flatnonzero(res.labels == lab)[0]
        comm_of[lab], street_of[lab] = community[first], street[first]
    prefixes = np.array([_prefix(g.id[free_general & (g.community.astype(str) == c)]) or _prefix(
        g.id[g.community.astype(str) == c]) or f"{c}-" for c in comm_of], dtype=object)
    gen_ids = stable_ids(res.labels, k, current, hh, prefixes, set(g.id.astype(str)[locked_rows]))
    # micro-grids: ids are the parent's id + serial, polygons tile the parent's polygon
    mk = micro.k
    micro_parent = np.empty(mk, np.int64)
    for m in range(mk):
        micro_parent[m] = res.labels[np.flatnonzero(micro.labels == m)[0]]
    micro_geoms = district_polygons(u.x, u.y, micro.labels, mk, res.labels.astype(str),
                                    {str(d): gen_geoms[d] for d in range(k)})
    micro_ids = np.empty(mk, dtype=object)
    serial = Counter()
    for m in np.argsort(micro_parent, kind="stable"):
        serial[micro_parent[m]] += 1
        micro_ids[m] = f"{gen_ids[micro_parent[m]]}{serial[micro_parent[m]]:03d}"
    new_grids = _grids_table(scenario, locked_rows, gen_ids, gen_geoms, comm_of, street_of, micro_ids, micro_geoms,
                             micro_parent)
    unit_grid = np.where(unit_locked, u.grid_id.astype(str), gen_ids[np.maximum(res.labels, 0)].astype(str))
    unit_micro = np.where(unit_locked, u.micro_id.astype(str), micro_ids[np.maximum(micro.labels, 0)].astype(str))
    new_units = dataclasses.replace(u, grid_id=unit_grid.astype(object), micro_id=unit_micro.astype(object))
    fac = scenario.facilities
    known = set(new_grids.id.astype(str))
    new_fac = dataclasses.replace(fac, grid_id=np.array([gid if gid in known else "" for gid in fac.grid_id.astype(str)],
                                                        dtype=object))
    proposal = dataclasses.replace(scenario, grids=new_grids, units=new_units, facilities=new_fac)
    old_free = free_general
    new_free = (new_grids.level == "general") & ~np.isin(new_grids.id.astype(str), list(locked_ids))
    before = dict(res.report["before"]) if res.report["start"]["from"] == "current layout" else \
        _measures(hh, current, g.id[old_free], norms)
    before["polsby_popper_mean"] = round(float(np.nanmean(polsby_popper(g.geometry[old_free]))), 4)
    after = dict(res.report["after"])
    after["polsby_popper_mean"] = round(float(np.nanmean(polsby_popper(new_grids.geometry[new_free]))), 4)
    summary = {"changes": [change_summary(current[~unit_locked], unit_grid[~unit_locked], g.id[old_free], gen_ids, "general"),
                           change_summary(u.micro_id.astype(str)[~unit_locked], unit_micro[~unit_locked],
                                          g.id[(g.level == "micro") & np.isin(g.parent_id.astype(str), g.id[old_free].astype(str))],
                                          micro_ids, "micro")],
               "before": before, "after": after, "districting": res.report,
               "micro": {"before": micro.report["before"], "after": micro.report["after"], "start": micro.report["start"]}}
    progress(1.0, "grids drawn")
    return proposal, summary


def _touching_cells_graph(graph, labels, x, y, grid_geoms):
    """The adjacency inside each grid, keeping only units whose cells (clipped to the grid polygon)
    share a border: micro-grids contiguous in it are single polygons."""
    cells = np.empty(graph.n, dtype=object)
    for d, geom in enumerate(grid_geoms):
        mine = np.flatnonzero(labels == d)
        if mine.size:
            cells[mine] = voronoi_cells(x[mine], y[mine], geom)
    sub = graph.within(labels)
    src = np.repeat(np.arange(sub.n), sub.degree())
    keep = np.zeros(src.size, bool)
    both = (labels[src] >= 0) & (labels[sub.indices] >= 0)
    shared = shapely.length(shapely.intersection(cells[src[both]], cells[sub.indices[both]]))
    keep[both] = shared > 0.1
    return sub.restricted(keep)


def _measures(hh, current, ids, norms) -> dict:
    from ..score.geometry import gini

    H = np.array([hh[current == i].sum() for i in ids.astype(str)])
    return {"grids": int(H.size), "households_gini": round(gini(H), 4),
            "out_of_norm": int(((H < norms["min"]) | (H > norms["max"])).sum())}


def _grids_table(scenario, locked_rows, gen_ids, gen_geoms, comm_of, street_of, micro_ids, micro_geoms, micro_parent) -> Grids:
    """Kept rows (dedicated, locked general grids and their micro-grids) + new general + new micro."""
    g = scenario.grids
    locked_ids = set(g.id[locked_rows].astype(str))
    keep = locked_rows | ((g.level == "micro") & np.isin(g.parent_id.astype(str), list(locked_ids)))
    old_by_id = {str(i): r for i, r in zip(g.id, range(len(g)))}
    kg, km = len(gen_ids), len(micro_ids)
    n_new = kg + km
    new_level = np.array(["general"] * kg + ["micro"] * km, dtype=object)
    new_ids = np.concatenate([gen_ids, micro_ids]).astype(object)
    parent = np.concatenate([np.full(kg, "", dtype=object), gen_ids[micro_parent]]).astype(object)
    comm = np.concatenate([comm_of, comm_of[micro_parent]]).astype(object)
    strt = np.concatenate([street_of, street_of[micro_parent]]).astype(object)
    names = []
    for i, gid in enumerate(new_ids):
        r = old_by_id.get(str(gid))
        if r is not None and g.level[r] == new_level[i]:
            names.append(str(g.name[r]))
        elif new_level[i] == "general":
            names.append(f"{comm[i]}网格{str(gid)[-3:]}")
        else:
            names.append(f"{names[int(np.flatnonzero(gen_ids == parent[i])[0])]}{int(str(gid)[-3:])}号微网格")
    fid_next = int(g.fid.max()) + 1 if len(g) else 1
    fids = np.array([int(g.fid[old_by_id[str(i)]]) if str(i) in old_by_id else -1 for i in new_ids], np.int64)
    fresh = fids < 0
    fids[fresh] = fid_next + np.arange(int(fresh.sum()))
    attrs = {}
    for key, col in g.attrs.items():
        by_comm = {str(c): v for c, v in zip(g.community, col)}
        attrs[key] = np.concatenate([np.asarray(col, dtype=object)[keep],
                                     np.array([by_comm.get(str(c), "") for c in comm], dtype=object)])
    cat = lambda a, b: np.concatenate([np.asarray(a, dtype=object)[keep], np.asarray(b, dtype=object)])
    geoms = np.concatenate([gen_geoms, micro_geoms]).astype(object)
    return Grids(fid=np.concatenate([g.fid[keep], fids]), id=cat(g.id, new_ids), code=cat(g.code, new_ids),
                 level=cat(g.level, new_level), parent_id=cat(g.parent_id, parent), community=cat(g.community, comm),
                 street=cat(g.street, strt), name=cat(g.name, np.array(names, dtype=object)),
                 geometry=np.concatenate([g.geometry[keep], shapely.force_2d(geoms)]).astype(object), attrs=attrs)
