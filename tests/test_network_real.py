"""Exactness on real road networks: Chengdu Wuhou (OSM GeoPackage) and Helsinki (OSM PBF).

Costs of ``multi_source`` must equal scipy's csgraph and networkx's ``multi_source_dijkstra``
to the last bit; ``travel_times`` between snapped points must equal networkx on a graph where
the points are inserted as nodes splitting their edges (an independent construction).
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from gridgov.engine.scenario.gpkg import read_layer
from gridgov.engine.network import build_graph, multi_source, roads_table, snap_points, travel_times

WALKABLE_OSM = {"footway", "service", "residential", "unclassified", "secondary", "steps", "primary", "cycleway",
                "tertiary", "pedestrian", "path", "primary_link", "tertiary_link", "living_street", "corridor",
                "secondary_link", "track"}


def _read_lines(path, layer, crs, where=None, nodes=None):
    """Lines with a ``highway`` tag, reprojected; with ``nodes`` ({id: (x, y)}), each line is
    extended to its ``u``/``v`` junction nodes (the SUMO-derived Wuhou edges stop short)."""
    _, geoms, cols, _ = read_layer(path, layer, crs=crs)
    h = cols["highway"]
    keep = np.array([bool(x) and (where is None or x in where) for x in h], dtype=bool) & ~shapely.is_missing(geoms)
    geoms = shapely.force_2d(geoms[keep])
    if nodes is not None:
        ends = zip(geoms, cols["u"][keep], cols["v"][keep])
        geoms = np.array([shapely.LineString([nodes[u], *g.coords[1:-1], nodes[v]]) for g, u, v in ends],
                         dtype=object)
    return geoms, h[keep].astype(object)


@pytest.fixture(scope="module")
def wuhou(shared_data):
    path = shared_data / "chengdu" / "chengdu_wuhou_roads_osm.gpkg"
    _, pts, cols, _ = read_layer(path, "nodes", crs="EPSG:32648")
    nodes = {k: (p.x, p.y) for k, p in zip(cols["node_id"], pts)}
    geoms, cls = _read_lines(path, "edges", "EPSG:32648", nodes=nodes)
    return build_graph(roads_table(geoms, cls), "walk")


@pytest.fixture(scope="module")
def helsinki(shared_data):
    geoms, cls = _read_lines(shared_data / "osm" / "helsinki_centre.osm.pbf", "lines", "EPSG:3067", WALKABLE_OSM)
    return build_graph(roads_table(geoms, cls), "walk")


def _check_against_peers(net, seed):
    rng = np.random.default_rng(seed)
    n = net.n_nodes
    # collapse parallel CSR entries to their minimum: scipy would sum duplicates
    key = np.repeat(np.arange(n), np.diff(net.indptr)) * n + net.indices
    for w in (net.weights, net.lengths, np.round(net.lengths * 10)):   # seconds, metres, decimetres
        order = np.lexsort((w, key))
        k, ww = key[order], w[order]
        first = np.r_[True, k[1:] != k[:-1]]
        g = csr_matrix((ww[first], (k[first] // n, k[first] % n)), shape=(n, n))
        G = nx.DiGraph()
        G.add_nodes_from(range(n))
        G.add_weighted_edges_from(zip((k[first] // n).tolist(), (k[first] % n).tolist(), ww[first].tolist()))
        for nsrc in (1, 10, 60):
            src = rng.integers(0, n, nsrc)
            cost, near = multi_source(net.indptr, net.indices, w, src)
            d, _, s = dijkstra(g, indices=src, min_only=True, return_predecessors=True)
            assert np.array_equal(cost, d)
            assert np.array_equal(near >= 0, s >= 0)
            ref, paths = nx.multi_source_dijkstra(G, set(src.tolist()))
            expect = np.full(n, np.inf)
            expect[list(ref)] = list(ref.values())
            assert np.array_equal(cost, expect)
            # networkx's source for each node reaches it at the same cost as ours (ties aside)
            per_src = {int(s): dijkstra(g, indices=int(s)) for s in set(src.tolist())}
            for v in rng.choice(list(paths), min(200, len(paths)), replace=False):
                assert per_src[paths[v][0]][v] == cost[v] == per_src[int(src[near[v]])][v]
            # the named source reaches the node at that cost (agreement up to ties)
            per = dijkstra(g, indices=src)
            reached = near >= 0
            assert np.array_equal(per[near[reached], np.flatnonzero(reached)], cost[reached])
            cut = float(np.median(cost[np.isfinite(cost)]))
            cc, _ = multi_source(net.indptr, net.indices, w, src, cutoff=cut)
            dc = dijkstra(g, indices=src, min_only=True, limit=cut)
            assert np.array_equal(cc, dc)


def _split_graph_oracle(net, snaps, speed):
    """networkx graph with the snapped points inserted as nodes ("p", k)."""
    G = nx.DiGraph()
    by_edge: dict[int, list] = {}
    for k, snap in enumerate(snaps):
        for i in range(len(snap)):
            if snap.edge[i] >= 0:
                by_edge.setdefault(int(snap.edge[i]), []).append((float(snap.offset[i]), ("p", k, i)))
    for e in range(net.n_edges):
        L = float(net.edge_length[e])
        chain = [(0.0, int(net.edge_u[e]))] + sorted(by_edge.get(e, []), key=lambda t: t[0]) + [(L, int(net.edge_v[e]))]
        for (a, na), (b, nb) in zip(chain[:-1], chain[1:]):
            w = (b - a) / speed
            for x, y in ((na, nb), (nb, na)):
                if x != y and (not G.has_edge(x, y) or G[x][y]["weight"] > w):
                    G.add_edge(x, y, weight=w)
    return G


def _check_travel_times(net, seed):
    rng = np.random.default_rng(seed)
    x0, x1 = net.node_x.min(), net.node_x.max()
    y0, y1 = net.node_y.min(), net.node_y.max()
    a = np.column_stack([rng.uniform(x0, x1, 8), rng.uniform(y0, y1, 8)])
    b = np.column_stack([rng.uniform(x0, x1, 30), rng.uniform(y0, y1, 30)])
    tt = travel_times(net, a, b, snap_max_m=300.0)
    assert np.isfinite(tt).sum() >= 40           # the comparison is not vacuous
    sa = snap_points(net, a[:, 0], a[:, 1], 300.0)
    sb = snap_points(net, b[:, 0], b[:, 1], 300.0)
    G = _split_graph_oracle(net, [sa, sb], net.speed_mps)
    for i in range(len(a)):
        if sa.edge[i] < 0:
            assert np.isinf(tt[i]).all()
            continue
        ref = nx.single_source_dijkstra_path_length(G, ("p", 0, i))
        expect = np.array([ref.get(("p", 1, j), np.inf) for j in range(len(b))])
        np.testing.assert_allclose(tt[i], expect, rtol=1e-9, atol=1e-6)


def test_wuhou_equals_scipy_and_networkx(wuhou):
    assert wuhou.n_nodes > 300
    assert np.bincount(wuhou.component)[0] > 0.9 * wuhou.n_nodes   # junctions really joined
    _check_against_peers(wuhou, 1)


def test_wuhou_travel_times_with_partial_edges(wuhou):
    _check_travel_times(wuhou, 2)


def test_helsinki_equals_scipy_and_networkx(helsinki):
    assert helsinki.n_nodes > 1000
    _check_against_peers(helsinki, 3)


def test_helsinki_travel_times_with_partial_edges(helsinki):
    _check_travel_times(helsinki, 4)


def test_helsinki_components_are_labelled(helsinki):
    sizes = np.bincount(helsinki.component)
    assert sizes[0] == sizes.max()               # 0 is the largest component
    assert helsinki.component.min() == 0 and len(helsinki.component) == helsinki.n_nodes
