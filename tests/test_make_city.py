"""scripts/make_city.py: a generated city is a lawful scenario (tiling, nesting, codes, norms) and
is the same for the same seed.  Generated on the fly at a small size (seconds)."""
from __future__ import annotations


import numpy as np
import pytest
import shapely


@pytest.fixture(scope="module")
def city(tmp_path_factory, make_city):
    gen = make_city
    out = tmp_path_factory.mktemp("city") / "city_60000"
    stats = gen.generate("60000", out, seed=7)
    from gridgov.engine.scenario import load_scenario
    return gen, out, stats, load_scenario(out)


def test_city_validates_with_the_counts_it_reports(city):
    _, out, stats, sc = city
    level = np.asarray(sc.grids.level)
    assert (level == "general").sum() == stats["general_grids"]
    assert (level == "micro").sum() == stats["micro_grids"]
    assert (level == "dedicated").sum() == stats["dedicated_grids"]
    assert int(sc.units.households.sum()) == stats["households"]
    assert int(sc.units.residents.sum()) == stats["residents"]
    assert 45_000 < stats["residents"] < 75_000
    # Chengdu's proportions: ~8.5 micro-grids per general grid, ~0.8 dedicated per general grid.
    assert 6 < stats["micro_grids"] / stats["general_grids"] < 11
    assert 0.5 < stats["dedicated_grids"] / stats["general_grids"] < 1.1
    assert not [p for p in sc.warnings if "outside" in str(p)]
    toml = (out / "scenario.toml").read_text(encoding="utf-8")
    assert "synthetic = true" in toml and "make_city.py" in toml


def test_grids_tile_nest_and_keep_the_norms(city):
    _, _, _, sc = city
    g = sc.grids
    level = np.asarray(g.level)
    ids = np.asarray(g.id, dtype=object)
    general = np.flatnonzero(level == "general")
    top = np.flatnonzero(level != "micro")
    # General + dedicated grids tile the city: no overlap, no gap inside the frame.
    union = shapely.union_all(g.geometry[top])
    assert abs(union.area - sum(shapely.area(g.geometry[top]))) < 1.0
    assert abs(union.area - shapely.envelope(union).area) < 1.0
    # Every micro-grid lies in its parent and the micro-grids of a grid tile it.
    row = {gid: i for i, gid in enumerate(ids)}
    micro = np.flatnonzero(level == "micro")
    parents = np.array([row[p] for p in np.asarray(g.parent_id)[micro]])
    assert set(level[parents]) == {"general"}
    for p in general:
        kids = micro[parents == p]
        assert kids.size >= 1
        assert abs(sum(shapely.area(g.geometry[kids])) - shapely.area(g.geometry[p])) < 1.0
        assert all(str(g.code[k]).startswith(str(g.code[p])) for k in kids)
    # Contiguous, and households within the default norm 160-500 (micro-grids 20-100).
    assert all(shapely.get_num_geometries(shapely.union_all([geom])) == 1 for geom in g.geometry[top])
    hh_grid = np.bincount([row[u] for u in sc.units.grid_id], weights=sc.units.households, minlength=ids.size)
    assert hh_grid[general].min() >= 160 and hh_grid[general].max() <= 500
    hh_micro = np.bincount([row[u] for u in sc.units.micro_id if u], weights=sc.units.households[sc.units.micro_id != ""],
                           minlength=ids.size)
    assert hh_micro[micro].min() >= 20 and hh_micro[micro].max() <= 100
    # CJ/T 349: county 6 + street 3 + community 3 + grid 3 [+ micro 3]
    assert {len(str(c)) for c in np.asarray(g.code)[top]} == {15}
    assert {len(str(c)) for c in np.asarray(g.code)[micro]} == {18}


def test_every_unit_lies_in_the_grid_it_names(city):
    _, _, _, sc = city
    row = {gid: i for i, gid in enumerate(np.asarray(sc.grids.id, dtype=object))}
    pts = shapely.points(sc.units.x, sc.units.y)
    polys = sc.grids.geometry[[row[u] for u in sc.units.grid_id]]
    assert shapely.contains(polys, pts).all()


def test_roads_are_one_network_with_arterials(city):
    _, _, _, sc = city
    from gridgov.engine.network.graph import build_network
    net = build_network(sc, "drive")
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components
    n = net.indptr.size - 1
    m = csr_matrix((np.ones(net.indices.size), net.indices, net.indptr), shape=(n, n))
    assert connected_components(m, directed=False)[0] == 1
    assert {"trunk", "secondary", "residential"} <= set(np.asarray(sc.roads.road_class))


def test_same_seed_same_city(tmp_path, city):
    gen, _, stats, _ = city
    again = gen.generate("60000", tmp_path / "again", seed=7)
    other = gen.generate("60000", tmp_path / "other", seed=8)
    keep = {k: v for k, v in stats.items() if k != "seconds_to_generate"}
    assert {k: v for k, v in again.items() if k != "seconds_to_generate"} == keep
    assert {k: v for k, v in other.items() if k != "seconds_to_generate"} != keep


def test_rivers_are_crossed_only_at_bridges_and_the_network_stays_whole(make_city):
    from city_layout import PLOT_M, jittered_nodes
    from city_network import BRIDGE_EVERY, build_roads
    rng = np.random.default_rng(3)
    cols, rows = 48, 40
    x, y = jittered_nodes(cols, rows, (0.0, 0.0), np.zeros((cols, rows)), rng)   # straight lattice: exact checks
    irregular = np.ones((cols, rows), bool)
    roads = build_roads(x, y, irregular, {"y": [20], "x": [12]}, rng, drop_share=0.3)
    assert roads["dropped"] > 0
    lines = roads["geometry"]
    lo, hi = shapely.bounds(lines)[:, 1], shapely.bounds(lines)[:, 3]
    # Nothing runs along the river (row 20) except the frame, and what leaves it northwards is a bridge.
    along = (lo == 20 * PLOT_M) & (hi == 20 * PLOT_M)
    assert all(c in ("trunk",) for c in roads["class"][along])
    north = (lo == 20 * PLOT_M) & (hi > 20 * PLOT_M)
    cols_north = np.round(shapely.bounds(lines)[north, 0] / PLOT_M).astype(int)
    assert cols_north.size and all(c % BRIDGE_EVERY == 0 or c in (0, cols) for c in cols_north)
    # One connected network (union-find on segment ends).
    ends = shapely.get_coordinates(shapely.boundary(lines)).round(6)
    _, node = np.unique(ends, axis=0, return_inverse=True)
    node = node.ravel().reshape(-1, 2)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    n = node.max() + 1
    assert connected_components(coo_matrix((np.ones(len(node)), (node[:, 0], node[:, 1])), shape=(n, n)),
                                directed=False)[0] == 1
