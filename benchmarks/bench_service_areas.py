"""Per-facility service areas on the Helsinki extract against QGIS's ``native:serviceareafromlayer``.

Issue 15 targets: ≥ 100× QGIS for the reachable edge segments (the same output as QGIS's lines)
and ≥ 10× including the band polygons.  The walk network is built the way the engine builds it
(OSM ways → ``ingest.roads.from_osm`` → ``split_at_junctions`` → ``build_graph(..., "walk")``)
and QGIS gets exactly that network's edges (so both work on one graph).  800 facilities stand
at seeded random positions on random edges; the service area is 1,200 m of network distance.

Timed: QGIS's run from a GeoPackage of the edges to a memory layer of lines, which includes
building its graph (``makeGraph``, timed again alone), least of ``--qgis-repeat`` runs (its
first run in a process takes 2-3x its later ones, so one run flattered the ratios); GridGov's reachable segments as
compact edge references from the built network and snapped facilities (``reach.Reach``: the
edge id per segment, offsets only for the few that are part of their edge), then each further
step (every segment's offsets as arrays, coordinates, shapely geometries, snapping, building
the network from the OSM file, polygons, cells) as its own row, wall and CPU seconds.

Agreement: per (facility, edge) pair, QGIS's two-point pieces located on GridGov's edges and
merged, against GridGov's intervals (equal within 1e-6 m, or the length in one only).
Differences come from QGIS's graph: its topology tolerance moves vertices within it onto each
other, and it does not join edge ends that lie apart where the engine's node tolerance joined
them (counted).
Run: ``.venv/bin/python benchmarks/bench_service_areas.py [--quick] [--facilities N] [--pbf FILE]``.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))
os.environ.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
PBF = ROOT.parent / "shared" / "data" / "osm" / "helsinki_centre.osm.pbf"
QGIS_PLUGINS = "/usr/share/qgis/python/plugins"


def walk_network(pbf: Path):
    """The engine's walk graph of the extract's OSM ways, in their UTM zone (metres):
    ``(net, crs, seconds, CPU seconds)`` (the times of ``build_graph`` alone)."""
    from gridgov.engine.ingest.roads import from_osm, split_at_junctions
    from gridgov.engine.ingest.sources import Table, osm_config
    from gridgov.engine.network.graph import build_graph, roads_table
    from gridgov.engine.scenario import gpkg

    crs = "EPSG:32635"        # UTM 35N: Helsinki
    with osm_config():
        fids, geoms, cols, _ = gpkg.read_layer(pbf, "lines", crs=crs)
    roads = split_at_junctions(from_osm(Table(str(pbf), "lines", fids, geoms, cols)))
    c = roads.columns
    t, cpu = time.perf_counter(), time.process_time()
    net = build_graph(roads_table(roads.geometry, c["class"], c["oneway"], c["speed_kmh"], roads.fid), "walk")
    return net, crs, time.perf_counter() - t, time.process_time() - cpu


def facilities(net, n: int, seed: int = 15):
    """``n`` points on random edges of the main component (seeded)."""
    import shapely

    rng = np.random.default_rng(seed)
    main = np.flatnonzero((net.component[net.edge_u] == 0) & (net.edge_length > 1.0))
    e = rng.choice(main, n, replace=False)
    pts = shapely.line_interpolate_point(net.edge_geometry[e], rng.uniform(0.05, 0.95, n), normalized=True)
    return shapely.get_x(pts), shapely.get_y(pts)


def gridgov_segments(net, snap, limit_m):
    """Reachable segments as compact references (``reach.Reach``: per facility, rows of edge
    ids, whole edges unless listed with their offsets): the same content as QGIS's lines,
    every row's ``(x0, x1)``, coordinates and geometry objects cut from the edges only on
    demand (``Reach.x0``/``x1``, ``Reach.coordinates``, ``Reach.lines``)."""
    from gridgov.engine.circles.reach import reachable

    return reachable(net, snap, [limit_m], "length")


def offsets(r):
    """Every row's ``(x0, x1)`` as arrays, built afresh (they are cached on the ``Reach``)."""
    from dataclasses import replace

    fresh = replace(r)
    return fresh.x0, fresh.x1


def as_shapely(net, r, xy_parts):
    import shapely

    xy, parts = xy_parts
    return shapely.from_ragged_array(shapely.GeometryType.MULTILINESTRING, xy, (parts, r.ptr))


def gridgov_polygons(net, r, n, width):
    """Service-area polygons (``width`` around the reachable roads) of all ``n`` facilities
    from the network's cells (built on first use, then cached on the network)."""
    from gridgov.engine.circles.cells import reach_polygons

    return reach_polygons(net, r, n, 1, width)[:, 0]


def timed(fn):
    """``(wall seconds, CPU seconds, result)``."""
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def qgis_intervals(net, theirs):
    """QGIS's lines as ``(facility, edge, x0, x1)`` on GridGov's edges: each of its straight
    two-point pieces lies on one edge (found from its midpoint), its ends located along it."""
    import shapely

    has = np.flatnonzero([g is not None for g in theirs])
    parts, idx = shapely.get_parts(theirs[has], return_index=True)
    xy = shapely.get_coordinates(parts)
    if not np.all(shapely.get_num_coordinates(parts) == 2):
        raise RuntimeError("QGIS's service-area lines were expected as two-point pieces")
    xy = xy.reshape(-1, 2, 2)
    tree = shapely.STRtree(net.edge_geometry)
    (row, edge), gap = tree.query_nearest(shapely.points(xy.mean(axis=1)), return_distance=True, all_matches=False)
    g = net.edge_geometry[edge]
    a = shapely.line_locate_point(g, shapely.points(xy[row, 0]))
    b = shapely.line_locate_point(g, shapely.points(xy[row, 1]))
    return has[idx[row]], edge, np.minimum(a, b), np.maximum(a, b), gap


def _merged(key, lo, hi, tol):
    """Sorted by (key, lo) and merged where pieces of one key touch within ``tol``."""
    from numba import njit

    @njit(cache=False)
    def merge(key, lo, hi, tol):
        n = 0
        for i in range(key.shape[0]):
            if n > 0 and key[n - 1] == key[i] and lo[i] <= hi[n - 1] + tol:
                hi[n - 1] = max(hi[n - 1], hi[i])
            else:
                key[n], lo[n], hi[n] = key[i], lo[i], hi[i]
                n += 1
        return n

    o = np.lexsort((lo, key))
    key, lo, hi = key[o].astype(np.int64), lo[o].astype(np.float64), hi[o].astype(np.float64)
    n = merge(key, lo, hi, tol)
    return key[:n], lo[:n], hi[:n]


def _overlap(ka, alo, ahi, kb, blo, bhi):
    """All keys and, per key, the length shared by the intervals of ``ka`` and ``kb``."""
    from numba import njit

    @njit(cache=False)
    def sweep(ka, alo, ahi, kb, blo, bhi, pos, inter):
        i = j = 0
        while i < ka.shape[0] and j < kb.shape[0]:
            if ka[i] < kb[j]:
                i += 1
            elif ka[i] > kb[j]:
                j += 1
            else:
                inter[pos[i]] += max(0.0, min(ahi[i], bhi[j]) - max(alo[i], blo[j]))
                if ahi[i] < bhi[j]:
                    i += 1
                else:
                    j += 1

    keys = np.unique(np.r_[ka, kb])
    inter = np.zeros(keys.size)
    sweep(ka, alo, ahi, kb, blo, bhi, np.searchsorted(keys, ka), inter)
    return keys, inter


def agreement(net, r, theirs, k: int, exact_m: float = 1e-6) -> dict:
    """The reachable intervals of the first ``k`` facilities per (facility, edge) pair in
    both outputs: pairs in both / one only, pairs equal within ``exact_m`` metres, and per
    pair the length in one output only (``diff``)."""
    fac, edge, lo, hi, gap = qgis_intervals(net, theirs[:k])
    m = net.n_edges
    kq, qlo, qhi = _merged(fac * m + edge, lo, hi, exact_m)
    rows = slice(0, int(r.ptr[k]))
    kg, glo, ghi = _merged(r.source[rows] * m + r.edge[rows], r.x0[rows], r.x1[rows], exact_m)
    keys, inter = _overlap(kg, glo, ghi, kq, qlo, qhi)
    lg = np.bincount(np.searchsorted(keys, kg), ghi - glo, keys.size)
    lq = np.bincount(np.searchsorted(keys, kq), qhi - qlo, keys.size)
    diff = lg + lq - 2 * inter
    both = (lg > 0) & (lq > 0)
    return {"pairs": keys.size, "both": int(both.sum()), "only_ours": int((lq == 0).sum()),
            "only_qgis": int((lg == 0).sum()), "equal": int((both & (diff <= exact_m)).sum()),
            "within_1mm": int((both & (diff <= 1e-3)).sum()), "diff": diff, "keys": keys, "lg": lg, "lq": lq,
            "length": float(lg.sum()), "max_gap": float(gap.max())}


def run_qgis(folder: Path, net, crs: str, x, y, limit_m: float, tolerance_m: float, repeat: int = 1):
    """QGIS 3.22's service areas (lines, a memory layer) from the same points on the same
    edges, ``repeat`` times: ``(seconds of every run, CPU seconds of every run, geometry per
    facility, graph seconds, graph CPU seconds)``.  The algorithm builds its graph
    (``QgsVectorLayerDirector.makeGraph``, tying in the start points) inside its run; that
    step alone is timed again afterwards the same way."""
    import shapely
    from gridgov.engine.scenario import gpkg

    sys.path.append(QGIS_PLUGINS)
    from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback, QgsProject, QgsVectorLayer

    app = QgsApplication([], False)
    app.initQgis()
    from processing.core.Processing import Processing

    Processing.initialize()
    import processing

    roads, pts = folder / "roads.gpkg", folder / "facilities.gpkg"
    gpkg.write_layers(roads, {"roads": {"geometry": net.edge_geometry, "geometry_type": "LineString",
                                        "columns": {"edge": np.arange(net.n_edges)}}}, crs)
    gpkg.write_layers(pts, {"facilities": {"geometry": shapely.points(x, y), "geometry_type": "Point",
                                           "columns": {"fac": np.arange(len(x))}}}, crs)
    QgsProject.instance().setEllipsoid("NONE")      # planar metres, as GridGov
    road_layer = QgsVectorLayer(f"{roads}|layername=roads", "roads", "ogr")
    pt_layer = QgsVectorLayer(f"{pts}|layername=facilities", "facilities", "ogr")
    params = {"INPUT": road_layer, "STRATEGY": 0, "DEFAULT_DIRECTION": 2, "START_POINTS": pt_layer,
              "TRAVEL_COST2": limit_m, "INCLUDE_BOUNDS": False, "TOLERANCE": tolerance_m,
              "OUTPUT_LINES": "memory:lines"}
    seconds, cpus = [], []
    for i in range(max(1, repeat)):
        context = QgsProcessingContext()            # a fresh one per run: its memory layer goes with it
        context.setProject(QgsProject.instance())
        context.setEllipsoid("NONE")
        t, cpu = time.perf_counter(), time.process_time()
        res = processing.run("native:serviceareafromlayer", params, context=context, feedback=QgsProcessingFeedback())
        seconds.append(time.perf_counter() - t)
        cpus.append(time.process_time() - cpu)
        if i < repeat - 1:
            del res, context
            continue
        layer = res["OUTPUT_LINES"]
        if isinstance(layer, str):
            layer = context.getMapLayer(layer)
        geoms = np.full(len(x), None, dtype=object)
        for f in layer.getFeatures():
            geoms[int(f["fac"])] = shapely.from_wkb(bytes(f.geometry().asWkb()))
    g_seconds, g_cpu = qgis_graph_time(road_layer, x, y, tolerance_m)
    return seconds, cpus, geoms, g_seconds, g_cpu


def qgis_graph_time(road_layer, x, y, tolerance_m: float):
    """Wall and CPU seconds of the graph building the service-area algorithm does first
    (same director, strategy, tolerance, planar distances and start points)."""
    from qgis.analysis import QgsGraphBuilder, QgsNetworkDistanceStrategy, QgsVectorLayerDirector
    from qgis.core import QgsPointXY

    director = QgsVectorLayerDirector(road_layer, -1, "", "", "", QgsVectorLayerDirector.DirectionBoth)
    director.addStrategy(QgsNetworkDistanceStrategy())
    builder = QgsGraphBuilder(road_layer.crs(), True, tolerance_m, "NONE")
    points = [QgsPointXY(float(a), float(b)) for a, b in zip(x, y)]
    t, cpu = time.perf_counter(), time.process_time()
    director.makeGraph(builder, points)
    return time.perf_counter() - t, time.process_time() - cpu


def node_gaps(net) -> np.ndarray:
    """Per node: whether the edge geometries ending there lie apart (the engine joined ends
    within its node tolerance; QGIS's graph, built from the geometries, may not)."""
    import shapely

    g = net.edge_geometry
    nxy = np.column_stack([net.node_x, net.node_y])
    d0 = np.hypot(*(shapely.get_coordinates(shapely.get_point(g, 0)) - nxy[net.edge_u]).T)
    d1 = np.hypot(*(shapely.get_coordinates(shapely.get_point(g, -1)) - nxy[net.edge_v]).T)
    gap = np.zeros(net.n_nodes)
    np.maximum.at(gap, net.edge_u, d0)
    np.maximum.at(gap, net.edge_v, d1)
    return gap > 1e-9


def best(fn, repeat: int):
    """``(least wall seconds, least CPU seconds, result)`` of ``repeat`` runs."""
    runs = [timed(fn) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[-1][2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="100 facilities")
    ap.add_argument("--facilities", type=int, default=800)
    ap.add_argument("--limit-m", type=float, default=1200.0)
    ap.add_argument("--agreement-sample", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5, help="GridGov runs per step (least time kept)")
    ap.add_argument("--qgis-repeat", type=int, default=3,
                    help="QGIS runs (least time kept: its time varies 2x between runs on this machine)")
    ap.add_argument("--pbf", type=Path, default=PBF, help="OSM extract (default ../shared/data/osm/...)")
    args = ap.parse_args()
    if not args.pbf.exists():
        print(f"skipped: {args.pbf} absent (the benchmark needs ../shared/data)")
        return 0
    n = 100 if args.quick else args.facilities
    import shapely
    from gridgov.engine.circles.cells import subdivision
    from gridgov.engine.network.snap import snap_points
    from gridgov.engine.params import defaults

    t_net, c_net, (net, crs, t_graph, c_graph) = timed(lambda: walk_network(args.pbf))
    print(f"walk network: {net.n_nodes} nodes, {net.n_edges} edges; built in {t_net:.2f} s (CPU {c_net:.2f} s) "
          f"from the OSM file, of which build_graph {t_graph:.3f} s (CPU {c_graph:.3f} s)")
    tol = float(defaults()["travel"]["node_tolerance_m"])     # QGIS's topology tolerance = the engine's
    x, y = facilities(net, n)
    t_snap, c_snap, snap = timed(lambda: snap_points(net, x, y, 5.0))
    width = 25.0
    r = gridgov_segments(net, snap, args.limit_m)                       # compile / warm up
    r.coordinates(net)
    t_cells, c_cells, _ = timed(lambda: subdivision(net, width))       # once per network
    gridgov_polygons(net, r, n, width)                                  # compile
    t_seg, c_seg, r = best(lambda: gridgov_segments(net, snap, args.limit_m), args.repeat)
    t_off, c_off, _ = best(lambda: offsets(r), args.repeat)
    t_xy, c_xy, xy_parts = best(lambda: r.coordinates(net), args.repeat)
    t_geom, c_geom, lines = timed(lambda: as_shapely(net, r, xy_parts))
    t_poly, c_poly, polys = best(lambda: gridgov_polygons(net, r, n, width), args.repeat)
    with tempfile.TemporaryDirectory(prefix="gridgov-bench-sa-") as tmp:
        t_runs, c_runs, theirs, t_qgraph, c_qgraph = run_qgis(Path(tmp), net, crs, x, y, args.limit_m, tol,
                                                              args.qgis_repeat)
    t_qgis, c_qgis = min(t_runs), min(c_runs)       # least of its runs, as GridGov's

    def row(label, w, c):
        print(f"  {label:<58s} {w:8.3f} s (CPU {c:6.3f} s)  QGIS/GridGov {t_qgis / w:6.1f}x wall, "
              f"{c_qgis / c:6.1f}x CPU")

    print(f"{n} facilities, {args.limit_m:g} m: {len(r)} reachable segments, {len(xy_parts[0])} vertices; polygons "
          f"{shapely.get_num_coordinates(polys).sum()} vertices, all valid: {bool(shapely.is_valid(polys).all())}")
    print(f"QGIS native:serviceareafromlayer, lines to a memory layer, least of {len(t_runs)} runs: {t_qgis:.3f} s "
          f"(CPU {c_qgis:.2f} s; every run: {', '.join(f'{v:.2f}' for v in t_runs)} s), of which building its graph "
          f"(makeGraph, timed separately) {t_qgraph:.3f} s (CPU {c_qgraph:.2f} s)")
    print("GridGov (network built once; least of the runs):")
    row("reachable segments as edge references  [>= 100x]", t_seg, c_seg)
    size = sum(a.nbytes for a in (r.ptr, r.edge, r.band, r.cut, r.cut_x0, r.cut_x1))
    print(f"    ({len(r.cut)} of them part of their edge, stored with offsets; {size / 1e6:.1f} MB in all)")
    row("  + every row's (x0, x1) offsets as arrays", t_seg + t_off, c_seg + c_off)
    row("  + their coordinates (GeoArrow arrays)", t_seg + t_off + t_xy, c_seg + c_off + c_xy)
    row("  + shapely MultiLineStrings", t_seg + t_off + t_xy + t_geom, c_seg + c_off + c_xy + c_geom)
    row("  + snapping the facilities", t_seg + t_snap, c_seg + c_snap)
    row("  + building the walk network from the OSM file", t_seg + t_snap + t_net, c_seg + c_snap + c_net)
    row("segments + polygons (cells cached)  [>= 10x]", t_seg + t_poly, c_seg + c_poly)
    row(f"  + building the cells once ({t_cells:.3f} s)", t_seg + t_poly + t_cells, c_seg + c_poly + c_cells)
    k = min(n, args.agreement_sample)
    t = time.perf_counter()
    ag = agreement(net, r, theirs, k)
    both, diff = ag["both"], ag["diff"]
    off = (ag["lg"] > 0) & (ag["lq"] > 0) & (diff > 1e-6)
    print(f"agreement with QGIS on {k} facilities, per (facility, edge) pair of reachable intervals "
          f"({time.perf_counter() - t:.1f} s; QGIS pieces at most {ag['max_gap']:.1e} m off GridGov's edges):")
    print(f"  {ag['pairs']} pairs: {both} in both outputs, {ag['only_ours']} in GridGov's only, {ag['only_qgis']} in "
          f"QGIS's only; of those in both {ag['equal']} ({ag['equal'] / max(both, 1):.2%}) equal to 1e-6 m, "
          f"{int(off.sum())} differ (median {np.median(diff[off]) if off.any() else 0:.3f} m)")
    print(f"  length in one output only: {diff.sum():.0f} m of {ag['length']:.0f} m reachable "
          f"({diff.sum() / max(ag['length'], 1.0):.3%}); in pairs both define: {diff[off].sum():.0f} m")
    print(f"  GridGov nodes whose edges' ends lie apart (joined by its node tolerance, not by QGIS's graph): "
          f"{int(node_gaps(net).sum())}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (GridGov + QGIS in one process): {peak:.0f} MB; "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
