"""Districting: residential units → general grids (and micro-grids) balanced by households.

``draw_grids`` is the public entry point (also for imported districts with no grids yet):
grids are contiguous in the unit adjacency (``adjacency.unit_graph``), nested in their
community (and so their street), and hold households within the norms ``min ≤ H ≤ max``.
The layout starts from the current grids when they are valid (contiguous, nested, a feasible
count) and otherwise from a spanning-tree seed (``seed.py``), then simulated annealing with
flip and ReCom moves (``_kernels.anneal``) lowers the energy

    balance · Σ ((H − target) / (0.1 · target))²          (a 10 % deviation costs `balance`)
  + compactness · Σ perimeter / (0.1 · mean perimeter)     (shared Voronoi borders cut)
  + travel · Σ inertia / (0.1 · mean inertia)              (household-weighted squared distance
                                                            to the grid centre, where its worker is based)
  + changes · #moved units / (0.1 · mean units per grid)   (against the current layout)

with a steep penalty outside the norms.  Moves never take an in-norm grid out of the norms.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import Problem, ValidationError
from ..progress import NULL, Progress
from . import _kernels
from .adjacency import UnitGraph, components, unit_graph
from .seed import seed_partition

DEFAULT_WEIGHTS = {"balance": 1.0, "compactness": 1.0, "travel": 0.5, "changes": 0.2}
PENALTY = 2000.0          # energy per unit of norm violation (in targets), on top of its square
T_START, T_END = 0.5, 1e-3
STEPS_PER_UNIT = 600
CHUNKS = 20


@dataclass
class Districting:
    labels: np.ndarray                  # int64 district of each unit (−1: locked or not drawn)
    group: np.ndarray                   # group key (community) of each district
    households: np.ndarray              # float64 households of each district
    report: dict = field(default_factory=dict)
    graph: UnitGraph | None = None      # the adjacency the districts are contiguous in

    @property
    def k(self) -> int:
        return int(self.group.size)


def norms_tuple(norms) -> tuple[float, float, float]:
    """``(min, target, max)`` from a ``[grids]`` norm table or a 3-tuple."""
    if isinstance(norms, dict):
        return float(norms["min"]), float(norms["target"]), float(norms["max"])
    lo, target, hi = norms
    return float(lo), float(target), float(hi)


def grid_count(total: float, lo: float, target: float, hi: float) -> int:
    """Number of grids for ``total`` households: nearest to total/target that the norms allow (0 if none)."""
    kmin = int(np.ceil(total / hi - 1e-9)) if hi > 0 else 1
    kmax = int(np.floor(total / lo + 1e-9)) if lo > 0 else max(kmin, int(round(total / max(target, 1))))
    kmin = max(kmin, 1)
    if kmax < kmin:
        return 0
    return int(min(max(round(total / target) if target > 0 else kmin, kmin), kmax))


def _regions(graph: UnitGraph, hh, free, group_of_unit, lo, target, hi, unit_ids, where, strict):
    """Connected pieces of the free units with their grid count; infeasible pieces are Problems."""
    comp = components(graph)
    comp = np.where(free, comp, -1)
    problems, regions = [], []
    for c in np.unique(comp[comp >= 0]):
        nodes = np.flatnonzero(comp == c)
        total = float(hh[nodes].sum())
        k = grid_count(total, lo, target, hi)
        if k == 0:
            name = str(group_of_unit[nodes[0]])
            whole = (free & (group_of_unit == group_of_unit[nodes[0]])).sum() == nodes.size
            if not strict:
                k = 1
            elif whole and total < lo:
                problems.append(Problem(f"community {name} has {total:.0f} households: below one grid's minimum {lo:.0f}",
                                        where, "units", field="households"))
            elif whole:
                problems.append(Problem(f"community {name} has {total:.0f} households: no whole number of grids of "
                                        f"{lo:.0f}–{hi:.0f} households adds up to it", where, "units", field="households"))
            else:
                ids = ", ".join(str(unit_ids[i]) for i in nodes[:5]) + (" …" if nodes.size > 5 else "")
                problems.append(Problem(f"unit(s) {ids} of community {name} form an island of {total:.0f} households "
                                        f"(no neighbour in the community within reach): below one grid's minimum "
                                        f"{lo:.0f}; lock them or join them to a neighbour", where, "units",
                                        fid=str(unit_ids[nodes[0]]), field="community"))
            if strict:
                continue
        regions.append((nodes, k))
    if problems:
        raise ValidationError(problems)
    return regions


def _start_from(current, regions, graph, free) -> np.ndarray | None:
    """Current layout as district numbers when it is usable: each grid inside one region,
    contiguous, and the region's grid count within the norms (else None)."""
    if current is None:
        return None
    cur = np.asarray(current).astype(str)
    labels = np.full(graph.n, -1, np.int64)
    k = 0
    for nodes, kk in regions:
        names, inv = np.unique(cur[nodes], return_inverse=True)
        if (names == "").any():
            return None
        labels[nodes] = inv.ravel() + k
        k += names.size
    keys = [(cur[labels == d][0]) for d in range(k)]
    if len(set(keys)) != k:        # a current grid spread over two regions (communities, islands)
        return None
    parts = _kernels.contiguous(graph.indptr, graph.indices, labels, k)
    if (parts != 1).any():
        return None
    return labels


def _match(labels, k, current, hh) -> np.ndarray:
    """District → current grid (most shared households, each current grid used once), as the
    'orig' labels of each unit in district numbers (−1: its current grid matched nothing)."""
    cur = np.asarray(current).astype(str)
    names, inv = np.unique(cur, return_inverse=True)
    inv = inv.ravel()
    sel = labels >= 0
    table = np.zeros((k, names.size))
    np.add.at(table, (labels[sel], inv[sel]), hh[sel] + 1e-6)
    owner = np.full(names.size, -1, np.int64)
    for flat in np.argsort(-table, axis=None):
        d, g = divmod(int(flat), names.size)
        if table[d, g] <= 0:
            break
        if owner[g] < 0 and d not in owner:
            owner[g] = d
    return owner[inv]


def _scales(graph, labels, k, hh, x, y, weights, target) -> tuple[float, float, float, float]:
    """Kernel coefficients from the user weights (see the module docstring)."""
    cut = _kernels.cut_weight(graph.indptr, graph.indices, graph.weight, labels)
    perim = max(2.0 * cut / max(k, 1), 1e-9)
    H = np.bincount(labels[labels >= 0], weights=hh[labels >= 0], minlength=k)
    sx = np.bincount(labels[labels >= 0], weights=(hh * x)[labels >= 0], minlength=k)
    sy = np.bincount(labels[labels >= 0], weights=(hh * y)[labels >= 0], minlength=k)
    sq = np.bincount(labels[labels >= 0], weights=(hh * (x * x + y * y))[labels >= 0], minlength=k)
    inertia = np.where(H > 0, sq - (sx * sx + sy * sy) / np.maximum(H, 1e-12), 0.0).mean()
    per_grid = max((labels >= 0).sum() / max(k, 1), 1.0)
    return (weights["balance"] / 0.01, 2.0 * weights["compactness"] / (0.1 * perim),
            weights["travel"] / (0.1 * max(inertia, 1e-9)), weights["changes"] / (0.1 * per_grid))


def anneal_partition(graph: UnitGraph, labels, orig, k, hh, x, y, lo, target, hi, *, weights=None, seed=0,
                     steps=None, time_limit=None, p_recom=0.1, progress: Progress = NULL) -> dict:
    """Improve ``labels`` in place; returns move counts and the time used."""
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    wb, wc, wi, wg = _scales(graph, labels, k, hh, x, y, w, target)
    n_free = int((labels >= 0).sum())
    steps = int(steps if steps is not None else STEPS_PER_UNIT * n_free)
    stats = np.zeros(4, np.int64)
    t_start = time.perf_counter()
    ratio = (T_END / T_START) ** (1.0 / CHUNKS)
    rng = np.random.default_rng(seed)
    chunk_steps = max(steps // CHUNKS, 1)
    for c in range(CHUNKS):
        t0 = T_START * ratio ** c
        out_of_time = time_limit is not None and time.perf_counter() - t_start > time_limit
        if out_of_time:   # finish greedily: only improving moves
            t0 = T_END
        _kernels.anneal(graph.indptr, graph.indices, graph.weight, hh, x, y, labels, orig, k, target, lo, hi,
                        wb, PENALTY, wc, wi, wg, chunk_steps, p_recom, t0, t0 * ratio, int(rng.integers(2**31 - 1)), stats)
        progress((c + 1) / CHUNKS, "annealing")
        if out_of_time:
            break
    return {"steps": int(stats[0] + stats[2]), "flips_tried": int(stats[0]), "flips_taken": int(stats[1]),
            "recoms_tried": int(stats[2]), "recoms_taken": int(stats[3]),
            "seconds": round(time.perf_counter() - t_start, 3), "stopped_by_time_limit": bool(c < CHUNKS - 1)}


def layout_measures(graph: UnitGraph, labels, k, hh, lo, hi) -> dict:
    """Balance, compactness and norm figures of a partition (the report's before/after)."""
    from ..score.geometry import gini

    sel = labels >= 0
    H = np.bincount(labels[sel], weights=hh[sel], minlength=k)
    parts = _kernels.contiguous(graph.indptr, graph.indices, labels, k)
    return {"grids": int(k), "households_gini": round(gini(H), 4) if k else None,
            "households_min": float(H.min()) if k else None, "households_max": float(H.max()) if k else None,
            "out_of_norm": int(((H < lo) | (H > hi)).sum()), "not_contiguous": int((parts != 1).sum()),
            "perimeter_m": round(float(_kernels.cut_weight(graph.indptr, graph.indices, graph.weight, labels)), 1)}


def partition(graph: UnitGraph, hh, x, y, group, norms, *, free=None, current=None, unit_ids=None, where="",
              strict=True, start="auto", weights=None, seed=0, steps=None, time_limit=None,
              progress: Progress = NULL) -> Districting:
    """Districts of the ``free`` units, each inside one ``group`` and one connected piece.

    ``graph`` must already be restricted to edges inside groups.  ``strict``: infeasible norms
    are located Problems (general grids); otherwise such pieces become one district (micro-grids).
    ``start``: "auto" (the current layout when usable, else a seed), "seed" or "current".
    """
    lo, target, hi = norms_tuple(norms)
    hh = np.asarray(hh, np.float64)
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    group = np.asarray(group).astype(str)
    n = graph.n
    free = np.ones(n, bool) if free is None else np.asarray(free, bool)
    unit_ids = np.arange(n) if unit_ids is None else np.asarray(unit_ids)
    # edges to fixed units do not count
    src = np.repeat(np.arange(n), graph.degree())
    graph = graph.restricted(free[src] & free[graph.indices])
    regions = _regions(graph, hh, free, group, lo, target, hi, unit_ids, where, strict)
    report: dict = {}
    labels = _start_from(current, regions, graph, free) if start in ("auto", "current") else None
    if labels is not None and start == "auto":
        per_region = [np.unique(labels[nodes]).size for nodes, _ in regions]
        ok = all(grid_count(float(hh[nodes].sum()), lo, target, hi) and
                 np.ceil(hh[nodes].sum() / hi - 1e-9) <= kk <= max(np.floor(hh[nodes].sum() / lo + 1e-9), 1)
                 for (nodes, _), kk in zip(regions, per_region))
        labels = labels if ok else None
    t0 = time.perf_counter()
    if labels is None:
        labels, seed_report = seed_partition(graph.indptr, graph.indices, hh, regions, lo, hi,
                                             np.random.default_rng(seed))
        report["start"] = {"from": "seed", **seed_report.to_dict(), "seconds": round(time.perf_counter() - t0, 4)}
    else:
        report["start"] = {"from": "current layout"}
    k = int(labels.max()) + 1 if (labels >= 0).any() else 0
    orig = labels.copy() if current is None or report["start"]["from"] != "seed" else _match(labels, k, current, hh)
    report["before"] = layout_measures(graph, labels, k, hh, lo, hi)
    if k >= 2:
        report["annealing"] = anneal_partition(graph, labels, orig, k, hh, x, y, lo, target, hi, weights=weights,
                                               seed=seed, steps=steps, time_limit=time_limit, progress=progress)
    report["after"] = layout_measures(graph, labels, k, hh, lo, hi)
    report["units_changed"] = int(((labels != orig) & (labels >= 0)).sum())
    sel = labels >= 0
    groups = np.empty(k, dtype=object)
    groups[labels[sel]] = group[sel]
    return Districting(labels, groups, np.bincount(labels[sel], weights=hh[sel], minlength=k), report)


def draw_grids(x, y, households, community, street=None, norms=(160, 400, 500), *, polygons=None, barriers=None,
               forbid_crossing=False, link_max_m=None, locked=None, current=None, unit_ids=None, where="",
               weights=None, seed=0, steps=None, time_limit=None, start="auto",
               progress: Progress = NULL) -> Districting:
    """General grids from residential units: ``labels`` per unit (−1 for locked units).

    Args:
        x, y: unit representative points (metric CRS); polygons: optional unit polygons.
        households: households per unit.  community, street: names per unit (grids nest in them).
        norms: ``{"min", "target", "max"}`` (scenario ``[grids] general_households``) or a tuple.
        barriers: lines (major roads, rivers, rail) borders should follow; ``forbid_crossing``
            keeps grids from spanning them.
        locked: units that keep their grid (planner-locked or dedicated grids).
        current: current grid id per unit: the start when valid, and what 'changes' counts against.
        weights: {"balance", "compactness", "travel", "changes"} (see the module docstring).
        seed, steps, time_limit: annealing controls.
    Raises ValidationError (file ``where``, layer 'units') when no partition can meet the norms.
    """
    from .adjacency import LINK_MAX_M

    n = len(households)
    community = np.asarray(community).astype(str)
    street = np.full(n, "") if street is None else np.asarray(street).astype(str)
    group = np.char.add(np.char.add(street.astype(str), "/"), community.astype(str))
    graph = unit_graph(x, y, polygons, link_max_m=link_max_m or LINK_MAX_M, barriers=barriers,
                       forbid_crossing=forbid_crossing).within(group)
    free = np.ones(n, bool) if locked is None else ~np.asarray(locked, bool)
    result = partition(graph, households, x, y, community, norms, free=free, current=current, unit_ids=unit_ids,
                       where=where, weights=weights, seed=seed, steps=steps, time_limit=time_limit, start=start,
                       progress=progress)
    result.report["graph"] = {"units": n, "links": int(graph.indices.size // 2),
                              "links_across_barriers": int(graph.crossing.sum() // 2)}
    result.graph = graph
    return result


def draw_micro_grids(graph: UnitGraph, grid_labels, households, x, y, norms=(20, 30, 100), *, current=None,
                     seed=0, steps=None, time_limit=None, progress: Progress = NULL) -> Districting:
    """Micro-grids inside each general grid (``grid_labels`` ≥ 0); the norms are soft: a grid
    that cannot be split within them becomes fewer, larger micro-grids (counted in the report)."""
    grid_labels = np.asarray(grid_labels)
    sub = graph.within(grid_labels)
    return partition(sub, households, x, y, grid_labels.astype(str), norms, free=grid_labels >= 0, current=current,
                     strict=False, weights={"changes": 0.0 if current is None else 0.2}, seed=seed, steps=steps,
                     time_limit=time_limit, progress=progress)
