"""Grids drawn for an imported district: communities (given, or clusters of units), general
grids balanced by households inside each community, micro-grids inside each general grid,
dedicated grids on school/hospital/market footprints, CJ/T 349-style nested codes.

Grid polygons are unions of the units' Voronoi cells (clipped to the community, or to the
study area), so grids tile their community without gaps or overlaps and contain their units.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from ..optimise.districting import STEPS_PER_UNIT
from ..optimise.points import partition_points
from .partition import Subgraphs, delaunay_edges, hilbert_index, partition_groups

# The districting methods.  Signature: (xy, households, group, target, min, max, adjacency edges)
# → part label per point, parts never crossing a group.  General grids, whose norms are the
# strict ones, come from the districting engine of `gridgov optimise` (engine/optimise: seeded
# bisection + annealing, balanced around the target); communities drawn without boundaries and
# micro-grids use the one-pass vectorised partition (partition.py), which keeps every micro-grid
# inside its norms where the annealing's soft norms left 1-household micro-grids on Helsinki.
draw_partition = partition_groups
# The seed alone already balances general grids (households s.d. 16 vs 69 for the one-pass
# partition on a 100,000-building district); the annealing then shortens borders.  Its steps are
# capped so that a 1 M-building import stays within its 2-minute target (600 steps per unit on
# Helsinki, ~2 per unit at 1 M); a fixed budget, not a time limit, keeps imports reproducible.
ANNEAL_STEPS = 2_000_000


def draw_general(xy, w, group, target, lo, hi, edges):
    return partition_points(xy, w, group, target, lo, hi, edges, steps=min(STEPS_PER_UNIT * len(xy), ANNEAL_STEPS))


@dataclass
class DrawnGrids:
    columns: dict[str, np.ndarray]      # id, code, level, parent_id, community, street, name
    geometry: np.ndarray
    unit_grid: np.ndarray               # str per unit
    unit_micro: np.ndarray              # str per unit
    notes: list = field(default_factory=list)
    oversized: list = field(default_factory=list)   # (grid id, households, unit row) single units above max


def atoms(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct unit points (1 cm) and the atom of each unit: units on one point stay together."""
    key = np.round(xy * 100).astype(np.int64)
    _, first, inv = np.unique(key, axis=0, return_index=True, return_inverse=True)
    return xy[first], inv.ravel()


def cluster_communities(xy: np.ndarray, w: np.ndarray, target: float, graph: np.ndarray | None = None) -> np.ndarray:
    """Community label per atom when no boundaries exist: contiguous clusters of ~target households."""
    if graph is None:
        graph = delaunay_edges(xy)
    return draw_partition(xy, w, np.zeros(len(xy), dtype=np.int64), target, 0.5 * target, 1.5 * target, graph)


def voronoi_cells(xy: np.ndarray, group: np.ndarray, extents: dict[int, object]) -> np.ndarray:
    """Cell of each atom: Voronoi of the atoms of its group, clipped to the group's extent."""
    cells = np.empty(len(xy), dtype=object)
    for g, extent in extents.items():
        idx = np.flatnonzero(group == g)
        if len(idx) == 0:
            continue
        if len(idx) == 1:
            cells[idx[0]] = extent
            continue
        vor = shapely.voronoi_polygons(shapely.multipoints(xy[idx]), extend_to=extent, ordered=True)
        parts = shapely.get_parts(vor)
        if len(parts) != len(idx):  # duplicate/degenerate input: match cells to points
            tree = shapely.STRtree(parts)
            p_i, c_i = tree.query(shapely.points(xy[idx]), predicate="intersects")
            first = np.unique(p_i, return_index=True)[1]
            parts = parts[c_i[first]]
        cells[idx] = clip_cells(parts, extent)
    return cells


def clip_cells(cells: np.ndarray, extent) -> np.ndarray:
    """Voronoi cells ∩ extent; cells of a regular lattice can be degenerate for GEOS's overlay:
    then the cells are repaired and snapped to 1 cm first."""
    out = np.array(cells, dtype=object)
    shapely.prepare(extent)
    edge = np.flatnonzero(~shapely.contains_properly(extent, out))   # only cells crossing the edge are cut
    if not len(edge):
        return out
    try:
        out[edge] = shapely.intersection(out[edge], extent)
    except shapely.errors.GEOSException:
        fixed = shapely.set_precision(shapely.make_valid(out[edge]), 0.01)
        out[edge] = shapely.intersection(fixed, shapely.set_precision(shapely.make_valid(extent), 0.01), grid_size=0.01)
    return out


def dissolve(cells: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """One polygon per distinct label, in label order, from the cells carrying it (adjacent
    cells of one tiling: ``union_cells``)."""
    order = np.argsort(labels, kind="stable")
    bounds = np.r_[0, np.flatnonzero(np.diff(labels[order])) + 1, len(order)]
    out = np.empty(len(bounds) - 1, dtype=object)
    for j in range(len(bounds) - 1):
        group = cells[order[bounds[j]:bounds[j + 1]]]
        out[j] = group[0] if len(group) == 1 else union_cells(group)
    return out


def union_cells(cells: np.ndarray):
    """Union of adjacent Voronoi cells: the fast coverage union, the snapped overlay when GEOS
    finds the cells do not match exactly (regular point lattices give degenerate vertices)."""
    try:
        return shapely.coverage_union_all(cells)
    except shapely.errors.GEOSException:
        return shapely.make_valid(shapely.union_all(shapely.make_valid(cells), grid_size=0.01))


def _rank(geoms: np.ndarray) -> np.ndarray:
    """Code order of polygons: along a Hilbert curve of their centroids (neighbours get near codes)."""
    if len(geoms) <= 1:
        return np.zeros(len(geoms), dtype=np.int64)
    xy = shapely.get_coordinates(shapely.centroid(geoms))
    order = np.argsort(hilbert_index(xy), kind="stable")
    rank = np.empty(len(geoms), dtype=np.int64)
    rank[order] = np.arange(len(geoms))
    return rank


def draw(unit_xy: np.ndarray, households: np.ndarray, comm: np.ndarray, comm_names: list[str],
         comm_street: list[str], comm_extent: list, norms: dict, region_code: str,
         dedicated: list[tuple[str, str, object, int]], atom_cells: np.ndarray | None = None,
         graph: np.ndarray | None = None) -> DrawnGrids:
    """Draw every grid.  ``comm`` = community index per unit; ``dedicated`` = (kind, name, polygon,
    community index) footprints; units inside a dedicated footprint belong to its dedicated grid."""
    gen, mic = norms["general_households"], norms["micro_households"]
    n = len(unit_xy)
    unit_grid = np.full(n, "", dtype=object)
    unit_micro = np.full(n, "", dtype=object)
    cols: dict[str, list] = {k: [] for k in ("id", "code", "level", "parent_id", "community", "street", "name")}
    geoms: list = []
    oversized = []
    in_dedicated = np.full(n, -1, dtype=np.int64)
    if dedicated:
        tree = shapely.STRtree(np.array([d[2] for d in dedicated], dtype=object))
        u, d = tree.query(shapely.points(unit_xy), predicate="within")
        in_dedicated[u] = d
    atom_xy, atom_of = atoms(unit_xy)
    atom_grid = np.full(len(atom_xy), "", dtype=object)
    atom_micro = np.full(len(atom_xy), "", dtype=object)
    atom_w = np.bincount(atom_of, weights=np.where(in_dedicated < 0, households, 0).astype(np.float64))
    atom_comm = np.zeros(len(atom_xy), dtype=np.int64)
    atom_comm[atom_of] = comm
    cells = atom_cells if atom_cells is not None else voronoi_cells(
        atom_xy, atom_comm, {c: comm_extent[c] for c in range(len(comm_names))})
    streets = sorted(set(comm_street), key=lambda s: comm_street.index(s))
    c_rank = _rank(np.array(comm_extent, dtype=object))
    comm_code: dict[int, str] = {}
    for s_i, street in enumerate(streets, start=1):
        members = sorted((c for c in range(len(comm_names)) if comm_street[c] == street), key=lambda c: c_rank[c])
        for c_i, c in enumerate(members, start=1):
            comm_code[c] = f"{region_code}{s_i:03d}{c_i:03d}"
    if graph is None:                            # one triangulation; each group uses its part of it
        graph = delaunay_edges(atom_xy)
    gen_label = draw_general(atom_xy, atom_w, atom_comm, gen["target"], gen["min"], gen["max"], graph)
    by_comm = Subgraphs(atom_comm, np.empty((0, 2), dtype=np.int64))
    atom_gen = np.full(len(atom_xy), -1, dtype=np.int64)
    general_rows = []                            # (grid id, community, rank) per general grid
    for c in range(min(len(comm_names), by_comm.ngroups)):
        all_idx = by_comm.members(c)
        if not len(all_idx) or atom_w[all_idx].sum() <= 0:
            continue
        _, all_labels = np.unique(gen_label[all_idx], return_inverse=True)
        polys = dissolve(cells[all_idx], all_labels)
        rank = _rank(polys)
        for lab in range(len(polys)):
            gid = f"{comm_code[c]}{rank[lab] + 1:03d}"
            cols["id"].append(gid); cols["code"].append(gid); cols["level"].append("general")
            cols["parent_id"].append(""); cols["community"].append(comm_names[c]); cols["street"].append(comm_street[c])
            cols["name"].append(f"{comm_names[c]} grid {rank[lab] + 1}")
            geoms.append(polys[lab])
            g_atoms = all_idx[all_labels == lab]
            atom_grid[g_atoms] = gid
            atom_gen[g_atoms] = len(general_rows)
            general_rows.append((gid, c, rank[lab]))
            hh = float(atom_w[g_atoms].sum())
            if hh > gen["max"] and len(g_atoms) == 1:
                oversized.append((gid, hh, int(np.flatnonzero(atom_of == g_atoms[0])[0])))
    drawn = atom_gen >= 0
    micro_label = np.full(len(atom_xy), -1, dtype=np.int64)
    if drawn.any():
        idx = np.flatnonzero(drawn)
        local = np.full(len(atom_xy), -1, dtype=np.int64)
        local[idx] = np.arange(len(idx))
        e = local[graph]
        micro_label[idx] = draw_partition(atom_xy[idx], atom_w[idx], atom_gen[idx], mic["target"], mic["min"],
                                            mic["max"], e[(e >= 0).all(axis=1)])
    by_grid = Subgraphs(np.maximum(atom_gen, 0), np.empty((0, 2), dtype=np.int64))
    for row, (gid, c, g_rank) in enumerate(general_rows):
        g_atoms = by_grid.members(row)
        g_atoms = g_atoms[atom_gen[g_atoms] == row]
        if atom_w[g_atoms].sum() <= 0:
            continue
        _, m_labels = np.unique(micro_label[g_atoms], return_inverse=True)
        m_polys = dissolve(cells[g_atoms], m_labels)
        m_rank = _rank(m_polys)
        for m in range(len(m_polys)):
            mid = f"{gid}{m_rank[m] + 1:03d}"
            cols["id"].append(mid); cols["code"].append(mid); cols["level"].append("micro")
            cols["parent_id"].append(gid); cols["community"].append(comm_names[c])
            cols["street"].append(comm_street[c]); cols["name"].append(f"{comm_names[c]} grid {g_rank + 1} micro {m_rank[m] + 1}")
            geoms.append(m_polys[m])
            atom_micro[g_atoms[m_labels == m]] = mid
    unit_grid[:] = atom_grid[atom_of]
    unit_micro[:] = atom_micro[atom_of]
    counters: dict[int, int] = {}
    for d, (kind, name, poly, c) in enumerate(dedicated):
        counters[c] = counters.get(c, 0) + 1
        gid = f"{comm_code.get(c, region_code + '000000')}{900 + counters[c]:03d}"
        cols["id"].append(gid); cols["code"].append(gid); cols["level"].append("dedicated")
        cols["parent_id"].append(""); cols["community"].append(comm_names[c] if c >= 0 else "")
        cols["street"].append(comm_street[c] if c >= 0 else ""); cols["name"].append(f"{name or kind} dedicated grid")
        geoms.append(poly)
        members = np.flatnonzero(in_dedicated == d)
        unit_grid[members] = gid
        unit_micro[members] = ""
    columns = {k: np.array(v, dtype=object) for k, v in cols.items()}
    return DrawnGrids(columns, np.array(geoms, dtype=object), unit_grid, unit_micro, oversized=oversized)
