"""Partition helpers of the sample generator: tessellating blocks, balanced bisection, contiguity.

Cells are the Voronoi cells of residential buildings inside each city block (a block without
buildings is one cell).  Grids and micro-grids are unions of cells, so they tile their community
without gaps or overlaps by construction; the helpers below keep every label contiguous.
"""
from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import shapely


def build_cells(blocks: np.ndarray, units: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tessellate every block: Voronoi cells of its units' buildings, or the block when empty.

    Returns (cell geometries, block of cell, unit of cell or -1)."""
    cells, cblock, cunit = [], [], []
    by_block = defaultdict(list)
    for i, b in enumerate(units["block"]):
        by_block[int(b)].append(i)
    cent = shapely.centroid(units["geometry"])
    for b, blk in enumerate(blocks):
        members = by_block.get(b, [])
        if len(members) <= 1:
            cells.append(blk)
            cblock.append(b)
            cunit.append(members[0] if members else -1)
            continue
        vor = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(list(cent[members])), extend_to=blk))
        tree = shapely.STRtree(vor)
        owner = tree.query(cent[members], predicate="within")
        cell_of = {int(v): members[int(p)] for p, v in zip(*owner)}
        for v, poly in enumerate(vor):
            piece = shapely.intersection(poly, blk)
            if piece.is_empty:
                continue
            piece = _largest(piece)
            cells.append(piece)
            cblock.append(b)
            cunit.append(cell_of.get(v, -1))
    cells = shapely.make_valid(shapely.set_precision(np.array(cells, dtype=object), 0.01))
    return cells, np.array(cblock, dtype=np.int64), np.array(cunit, dtype=np.int64)


def _largest(g):
    parts = shapely.get_parts(g)
    parts = parts[shapely.get_type_id(parts) == 3]
    return parts[np.argmax(shapely.area(parts))] if len(parts) else g


def adjacency(cells: np.ndarray) -> dict[int, dict[int, float]]:
    """Shared boundary length between touching cells."""
    tree = shapely.STRtree(cells)
    a, b = tree.query(cells, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    bounds = shapely.boundary(cells)
    shared = shapely.length(shapely.intersection(bounds[a], bounds[b]))
    adj: dict[int, dict[int, float]] = defaultdict(dict)
    for i, j, s in zip(a, b, shared):
        if s > 0.5:
            adj[int(i)][int(j)] = float(s)
            adj[int(j)][int(i)] = float(s)
    return adj


# ------------------------------------------------------------------------------ partitioning

def bisect(xy: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """Recursive coordinate bisection into ``k`` compact parts of near-equal weight."""
    labels = np.zeros(len(xy), dtype=np.int64)
    stack = [(np.arange(len(xy)), k, 0)]
    while stack:
        idx, kk, base = stack.pop()
        if kk <= 1 or len(idx) <= 1:
            labels[idx] = base
            continue
        k1 = kk // 2
        ext = xy[idx].max(axis=0) - xy[idx].min(axis=0)
        order = idx[np.argsort(xy[idx, int(ext[1] > ext[0])], kind="stable")]
        cw = np.cumsum(w[order])
        cut = int(np.argmin(np.abs(cw - cw[-1] * k1 / kk))) + 1
        cut = min(max(cut, k1), len(order) - (kk - k1))
        cut = min(max(cut, 1), len(order) - 1)
        stack.append((order[:cut], k1, base))
        stack.append((order[cut:], kk - k1, base + k1))
    return labels


def fill_and_repair(labels: np.ndarray, group: np.ndarray, adj: dict, weight: np.ndarray,
                    locked: np.ndarray, xy: np.ndarray, closed: frozenset = frozenset()) -> np.ndarray:
    """Give unlabelled cells (-1) to the neighbour label of the same group sharing the longest
    border, then make every label contiguous by moving its minor components to a neighbour.
    Labels in ``closed`` (dedicated grids) never receive cells."""
    labels = labels.copy()
    for _ in range(200):  # flood fill of unlabelled cells
        todo = np.flatnonzero(labels < 0)
        if not len(todo):
            break
        changed = False
        for c in todo:
            best = _best_neighbour_label(c, [c], labels, group, adj, -1, closed)
            if best is not None:
                labels[c] = best
                changed = True
        if not changed:
            for c in todo:  # isolated: nearest labelled cell of the group
                same = np.flatnonzero((group == group[c]) & (labels >= 0) & ~np.isin(labels, list(closed)))
                if len(same):
                    labels[c] = labels[same[np.argmin(np.hypot(*(xy[same] - xy[c]).T))]]
            break
    for _ in range(10):
        moved = False
        for lab in np.unique(labels[labels >= 0]):
            comps = _components(np.flatnonzero(labels == lab), adj)
            if len(comps) < 2:
                continue
            comps.sort(key=lambda cs: -(weight[cs].sum() + 1e-6 * len(cs)))
            for comp in comps[1:]:
                if locked[comp].any():
                    continue
                best = _best_neighbour_label(comp[0], comp, labels, group, adj, lab, closed)
                if best is not None:
                    labels[comp] = best
                    moved = True
        if not moved:
            break
    return labels


def _best_neighbour_label(c, comp, labels, group, adj, exclude, closed):
    score: dict[int, float] = defaultdict(float)
    members = set(int(x) for x in comp)
    for m in members:
        for n, s in adj.get(m, {}).items():
            if n not in members and labels[n] >= 0 and labels[n] != exclude and group[n] == group[c] \
                    and labels[n] not in closed:
                score[int(labels[n])] += s
    return max(score, key=score.get) if score else None


def _components(cells: np.ndarray, adj: dict) -> list[np.ndarray]:
    todo, comps = set(int(c) for c in cells), []
    while todo:
        seed = todo.pop()
        comp, stack = [seed], [seed]
        while stack:
            for n in adj.get(stack.pop(), {}):
                if n in todo:
                    todo.remove(n)
                    comp.append(n)
                    stack.append(n)
        comps.append(np.array(sorted(comp), dtype=np.int64))
    return comps


def grid_count(hh: float, target: float, lo: float, hi: float, n_max: int) -> int:
    """Number of parts of ``hh`` households closest to ``target`` while keeping sizes in [lo, hi]."""
    k = max(1, round(hh / target))
    k = max(k, math.ceil(hh / (hi * 0.96)))
    if hh / k < lo:
        k = max(1, math.floor(hh / lo))
    return int(min(k, max(n_max, 1)))


def code_order(geoms: np.ndarray) -> np.ndarray:
    """Numbering order of CJ/T 349 / DB11: north → south in 250 m rows, west → east in a row."""
    c = shapely.get_coordinates(shapely.point_on_surface(geoms))
    return np.lexsort((c[:, 0], -np.floor(c[:, 1] / 250.0)))




def absorb_islands(labels: np.ndarray, adj: dict, cell_units: np.ndarray, closed: frozenset) -> np.ndarray:
    """Minor components made only of empty cells (no buildings) go to the neighbour label sharing
    the longest border, whatever its community; dedicated grids may take them too."""
    labels = labels.copy()
    for lab in np.unique(labels[labels >= 0]):
        if lab in closed:
            continue
        comps = _components(np.flatnonzero(labels == lab), adj)
        if len(comps) < 2:
            continue
        comps.sort(key=lambda cs: -((cell_units[cs] >= 0).sum() * 1e6 + len(cs)))
        for comp in comps[1:]:
            if (cell_units[comp] >= 0).any():
                continue
            score: dict[int, float] = defaultdict(float)
            members = set(comp.tolist())
            for m in members:
                for n, s in adj.get(m, {}).items():
                    if n not in members and labels[n] >= 0 and labels[n] != lab:
                        score[int(labels[n])] += s
            if score:
                labels[comp] = max(score, key=score.get)
    return labels


def merge_small(labels: np.ndarray, parent: np.ndarray, weight: np.ndarray, adj: dict,
                minimum: float, maximum: float) -> np.ndarray:
    """Merge labels lighter than ``minimum`` into the lightest adjacent label of the same parent
    when the sum stays ≤ ``maximum`` (micro-grids of one small building)."""
    labels = labels.copy()
    while True:
        valid = labels >= 0
        w = np.bincount(labels[valid], weights=weight[valid], minlength=labels.max() + 1)
        merged = False
        for lab in np.argsort(w, kind="stable"):
            if w[lab] >= minimum or not (labels == lab).any():
                continue
            cells = np.flatnonzero(labels == lab)
            options = {int(labels[n]) for c in cells for n in adj.get(int(c), {})
                       if labels[n] >= 0 and labels[n] != lab and parent[n] == parent[cells[0]]}
            options = [o for o in options if w[o] + w[lab] <= maximum]
            if options:
                target = min(options, key=lambda o: w[o])
                labels[cells] = target
                w[target] += w[lab]
                w[lab] = 0
                merged = True
        if not merged:
            return labels
