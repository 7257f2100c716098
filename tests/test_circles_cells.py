"""Band polygons from the once-per-network subdivision (``circles/cells.py``): the traced
polygons are valid and equal the GEOS union of their cells (no gaps between adjacent cells),
cover the reached segments and stay within the band width of them; a type's polygon is the
union of its facilities' ones."""
from __future__ import annotations

import numpy as np
import pytest
import shapely

from gridgov.engine.circles.areas import cut_edges
from gridgov.engine.circles.cells import cost_polygons, reach_polygons, subdivision
from gridgov.engine.circles.reach import reachable
from gridgov.engine.network.snap import Snap, out_seeds
from gridgov.engine.network.matrix import seeded_rows
from gridgov.engine.network.graph import build_graph, roads_table
from gridgov.engine.network.snap import snap_points

WIDTH = 25.0


def street_network(seed: int, n: int = 7, step: float = 110.0):
    """A jittered street grid with bent streets, missing blocks (dead ends, big holes) and
    one-way streets (drive), geometry and lengths consistent."""
    rng = np.random.default_rng(seed)
    xy = np.stack(np.meshgrid(np.arange(n), np.arange(n)), -1).reshape(-1, 2) * step
    xy = xy + rng.uniform(-20, 20, xy.shape)
    idx = np.arange(n * n).reshape(n, n)
    pairs = np.r_[np.c_[idx[:, :-1].ravel(), idx[:, 1:].ravel()], np.c_[idx[:-1].ravel(), idx[1:].ravel()]]
    pairs = pairs[rng.random(len(pairs)) > 0.2]
    mid = 0.5 * (xy[pairs[:, 0]] + xy[pairs[:, 1]]) + rng.uniform(-15, 15, (len(pairs), 2))
    lines = shapely.linestrings(np.stack([xy[pairs[:, 0]], mid, xy[pairs[:, 1]]], axis=1))
    oneway = (rng.random(len(pairs)) < 0.2).astype(np.int8)
    return build_graph(roads_table(lines, np.full(len(pairs), "residential", dtype=object), oneway), "drive")


def street_snap(net, seed: int, k: int = 20) -> Snap:
    rng = np.random.default_rng(seed + 7)
    lo, hi = net.node_x.min(), net.node_x.max()
    return snap_points(net, rng.uniform(lo, hi, k), rng.uniform(lo, hi, k), 60.0)


def cell_polygons(cells):
    """Each cell of the subdivision as a shapely polygon, straight from its edge lists."""
    ring = np.repeat(np.arange(cells.cell_ptr.size - 1), np.diff(cells.cell_ptr))
    return shapely.polygons(shapely.linearrings(cells.vxy[cells.cell_vert], indices=ring))


def test_reach_polygons_do_not_depend_on_the_row_order():
    """The same reached rows in another order per source give the same polygons, vertex for
    vertex (the tracing runs in site order)."""
    from gridgov.engine.circles.reach import Reach

    net = street_network(2)
    snap = street_snap(net, 2)
    r = reachable(net, snap, [20.0, 40.0, 80.0], rings=True)
    rng = np.random.default_rng(0)
    order = np.concatenate([a + rng.permutation(b - a) for a, b in zip(r.ptr[:-1], r.ptr[1:])])
    shuffled = Reach.of_intervals(r.ptr, r.edge[order], r.band[order], r.x0[order], r.x1[order], r.length)
    assert not np.array_equal(order, np.arange(len(r)))
    a = reach_polygons(net, r, len(snap), 3, WIDTH)
    b = reach_polygons(net, shuffled, len(snap), 3, WIDTH)
    assert np.array_equal(shapely.to_wkb(a), shapely.to_wkb(b))


@pytest.mark.parametrize("seed", [1, 4])
def test_cells_tile_and_polygons_cover_the_reached_segments(seed):
    net = street_network(seed)
    snap = street_snap(net, seed)
    limits = [20.0, 40.0, 80.0]
    cells = subdivision(net, WIDTH)
    polys = cell_polygons(cells)
    assert shapely.is_valid(polys).all() and shapely.is_ccw(shapely.get_exterior_ring(polys)).all()
    assert shapely.coverage_is_valid(polys)                          # no overlaps between cells
    r = reachable(net, snap, limits, rings=True)
    got = reach_polygons(net, r, len(snap), 3, WIDTH, threads=2)
    assert got.shape == (len(snap), 3) and shapely.is_valid(got).all()
    lines = cut_edges(net, r.edge, r.x0, r.x1)
    slack = WIDTH + cells.spacing_m + 1.0
    for k in range(len(snap)):
        for b in range(3):
            sel = (r.source == k) & (r.band <= b)
            p = got[k, b]
            if not sel.any():
                assert p.is_empty
                continue
            reached = shapely.union_all(lines[sel])
            # a reached point lies in a reached cell or in another road's cell within half a
            # site spacing of one (these random roads cross without junctions)
            assert shapely.difference(reached, p.buffer(cells.spacing_m / 2 + 1e-6)).length < 1e-9
            # cells reach about WIDTH beyond their site (further only in corners without sentinels)
            assert shapely.difference(p, reached.buffer(slack)).area < 0.01 * p.area
            if b:
                assert p.buffer(1e-6).contains(got[k, b - 1])                 # cumulative
    # the traced polygon is the union of the cells it is made of (holes and pinches included)
    for k in range(0, len(snap), 4):
        p = got[k, 2]
        if p.is_empty:
            continue
        inside = shapely.contains_properly(p.buffer(1e-6), shapely.point_on_surface(polys))
        whole = shapely.coverage_union_all(polys[inside])
        assert shapely.symmetric_difference(whole, p).area < 1e-6 * p.area


@pytest.mark.parametrize("seed", [2, 5])
def test_polygons_over_most_of_the_network_are_the_union_of_their_cells(seed):
    """Past half of the road sites the boundary is found from the unmarked cells' side (and
    the cells beside the sentinels): the same polygons as from the marked side, the union of
    their cells, and the same whatever the order of the rows."""
    net = street_network(seed)
    snap = street_snap(net, seed)
    cells = subdivision(net, WIDTH)
    polys = cell_polygons(cells)
    r = reachable(net, snap, [40.0, 400.0, 1e9])
    got = reach_polygons(net, r, len(snap), 3, WIDTH)
    sites = cells.n_sites
    dense = 0
    for k in range(len(snap)):
        for b in range(3):
            p = got[k, b]
            if p.is_empty:
                continue
            inside = shapely.contains_properly(p.buffer(1e-6), shapely.point_on_surface(polys[:sites]))
            dense += 2 * inside.sum() > sites
            whole = shapely.coverage_union_all(polys[:sites][inside])
            assert shapely.symmetric_difference(whole, p).area < 1e-6 * p.area, (k, b)
    assert dense >= len(snap) // 2                   # both ways of tracing taken
    assert shapely.is_valid(got).all()


def test_cost_polygons_are_the_union_of_the_sources_polygons():
    net = street_network(6)
    snap = street_snap(net, 6, 6)
    ok = snap.ok
    snap = Snap(snap.edge[ok], snap.offset[ok], snap.distance[ok])
    limits = [20.0, 50.0]
    each = reach_polygons(net, reachable(net, snap, limits), len(snap), 2, WIDTH)
    nodes, cost0 = out_seeds(net, snap, "time")
    indptr, indices, w = net.csr("time")
    rows = seeded_rows(indptr, indices, w, nodes, cost0, np.inf, threads=1)
    field = np.full(net.n_nodes, np.inf)
    for k in range(len(snap)):
        lo, hi = rows.indptr[k], rows.indptr[k + 1]
        np.minimum.at(field, rows.indices[lo:hi], rows.data[lo:hi])
    whole = cost_polygons(net, field, snap.edge, snap.offset, limits, WIDTH)
    for b in range(2):
        assert whole[b].area > 0
        union = shapely.union_all(each[:, b])
        assert shapely.symmetric_difference(union, whole[b]).area < 1e-6 * whole[b].area


@pytest.mark.parametrize("seed", [5, 11, 24])
def test_every_cell_edge_between_two_cells_has_its_twin(seed):
    # the twin of an edge is the neighbour's edge back; an edge beside a far corner (no
    # neighbour) once shared its lookup key with an edge towards site 0
    cells = subdivision(street_network(seed), WIDTH)
    cell = np.repeat(np.arange(cells.cell_ptr.size - 1), np.diff(cells.cell_ptr))
    inner = np.flatnonzero(cells.cell_nb >= 0)
    t = cells.twin[inner]
    assert np.all(t >= 0)
    assert np.array_equal(cell[t], cells.cell_nb[inner]) and np.array_equal(cells.cell_nb[t], cell[inner])
    assert np.array_equal(cells.twin[t], inner)
    assert np.all(cells.twin[cells.cell_nb < 0] == -1)


def test_cells_are_cached_and_checked():
    net = street_network(2)
    assert subdivision(net, WIDTH) is subdivision(net, WIDTH)
    with pytest.raises(ValueError):
        subdivision(net, 0.0)
