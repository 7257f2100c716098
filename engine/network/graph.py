"""Road layer → routable graph for one travel mode.

Nodes are line ends and every vertex shared by two or more line vertices (within
``node_tolerance_m``), so roads digitised with a common vertex at a crossing are split there;
lines that merely cross without a shared vertex (bridges, tunnels) are not joined.  Each piece
of road between two nodes is an *edge* with its own geometry (kept for snapping, service areas
and band polygons).  Edge costs are travel times in seconds; one-way streets apply to driving
only; walking modes cannot use motorways, cars cannot use footways/paths/cycleways.
Disconnected components are labelled, never dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from ..errors import GridGovError, Problem, ValidationError
from ..scenario.model import Roads
from ..params import check, defaults
from ..vocab import NON_DRIVABLE_CLASSES, ROAD_CLASS_SPEED_KMH, TRAVEL_MODES

NON_WALKABLE_CLASSES = frozenset({"motorway", "motorway_link"})


@dataclass
class Network:
    """A routable graph of one travel mode (all arrays row-aligned as documented)."""

    mode: str
    node_x: np.ndarray          # float64[n] metric CRS
    node_y: np.ndarray
    edge_u: np.ndarray          # int64[m] node at the digitised start of the edge geometry
    edge_v: np.ndarray          # int64[m] node at its end
    edge_length: np.ndarray     # float64[m] metres (length of edge_geometry)
    edge_fwd: np.ndarray        # float64[m] seconds u → v (inf = not allowed)
    edge_bwd: np.ndarray        # float64[m] seconds v → u (inf = not allowed)
    edge_geometry: np.ndarray   # shapely LineString[m]
    edge_road: np.ndarray       # int64[m] row of the source road in Roads
    indptr: np.ndarray          # CSR over nodes: time weights (seconds)
    indices: np.ndarray
    weights: np.ndarray
    lengths: np.ndarray         # float64 metres of each CSR entry (same order as weights)
    csr_edge: np.ndarray        # int64 edge of each CSR entry
    component: np.ndarray       # int64[n] weakly connected component, 0 = largest
    speed_mps: float | None     # uniform speed of the mode (None for drive)
    problems: list = field(default_factory=list)
    _tree: object = None
    _vertices: object = None
    _snaps: object = None

    @property
    def n_nodes(self) -> int:
        return int(self.node_x.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.edge_u.shape[0])

    @property
    def tree(self) -> shapely.STRtree:
        """Spatial index over the edge geometries (built on first use)."""
        if self._tree is None:
            self._tree = shapely.STRtree(self.edge_geometry)
        return self._tree

    @property
    def snaps(self):
        """Points already snapped onto these edges (``snap_cache.SnapStore``)."""
        if self._snaps is None:
            from .snap_cache import SnapStore

            self._snaps = SnapStore()
        return self._snaps

    def same_edges(self, other: "Network") -> bool:
        """Whether ``other`` has exactly these edge geometries (same order, same coordinates)."""
        if other.n_edges != self.n_edges or not np.array_equal(other.edge_length, self.edge_length):
            return False
        a, ia = shapely.get_coordinates(self.edge_geometry, return_index=True)
        b, ib = shapely.get_coordinates(other.edge_geometry, return_index=True)
        return a.shape == b.shape and np.array_equal(ia, ib) and a.tobytes() == b.tobytes()

    @property
    def vertices(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(xy, offset, key)`` of all edge vertices: ``xy[offset[e]:offset[e+1]]`` are edge
        ``e``'s vertices and ``key = e * K + distance along the edge`` is sorted (for
        vectorised cuts of many sub-segments at once)."""
        if self._vertices is None:
            xy, owner = shapely.get_coordinates(self.edge_geometry, return_index=True)
            offset = np.searchsorted(owner, np.arange(self.n_edges + 1))
            step = np.r_[0.0, np.hypot(*np.diff(xy, axis=0).T)]
            step[offset[:-1]] = 0.0
            cum = np.cumsum(step)
            cum -= np.repeat(cum[offset[:-1]], np.diff(offset))
            big = float(self.edge_length.max() if self.n_edges else 0.0) * 2.0 + 1.0
            self._vertices = (xy, offset, owner * big + cum, cum, big)
        return self._vertices[:3]

    def csr(self, weight: str = "time") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(indptr, indices, weights)`` with time (s) or length (m) weights."""
        return self.indptr, self.indices, self.weights if weight == "time" else self.lengths


def roads_table(geometry, road_class=None, oneway=None, speed_kmh=None, fid=None) -> Roads:
    """A ``Roads`` table from plain columns (multi-lines are split into their parts), for
    graphs built outside a scenario (tests, benchmarks, OSM extracts)."""
    geometry = np.asarray(geometry, dtype=object)
    n = geometry.shape[0]
    fid = np.arange(1, n + 1) if fid is None else np.asarray(fid, dtype=np.int64)
    road_class = np.full(n, "residential", dtype=object) if road_class is None else \
        np.array(["" if c is None else str(c) for c in road_class], dtype=object)
    oneway = np.zeros(n, np.int8) if oneway is None else np.asarray(oneway, dtype=np.int8)
    speed_kmh = np.full(n, np.nan) if speed_kmh is None else np.asarray(speed_kmh, dtype=np.float64)
    parts, idx = shapely.get_parts(geometry, return_index=True)
    return Roads(fid=fid[idx], geometry=parts, road_class=road_class[idx], oneway=oneway[idx],
                 speed_kmh=speed_kmh[idx], name=np.full(idx.shape[0], "", dtype=object))


def mode_speeds(roads: Roads, mode: str, travel: dict) -> np.ndarray:
    """Speed in m/s of every road for ``mode`` (0 = the mode may not use the road)."""
    cls = np.array([c or "residential" for c in roads.road_class], dtype=object)
    n = len(roads)
    if mode in ("walk", "elderly", "ebike"):
        v = {"walk": travel["walk_speed_mps"], "elderly": travel["elderly_speed_mps"],
             "ebike": travel["ebike_speed_kmh"] / 3.6}[mode]
        speed = np.full(n, float(v))
        speed[np.isin(cls, list(NON_WALKABLE_CLASSES))] = 0.0
        return speed
    # drive: the road's own speed if given, else its class default; scaled for city traffic
    default = np.array([ROAD_CLASS_SPEED_KMH.get(c, ROAD_CLASS_SPEED_KMH["residential"]) for c in cls])
    kmh = np.where(np.isfinite(roads.speed_kmh) & (roads.speed_kmh > 0), roads.speed_kmh, default)
    speed = kmh / 3.6 * float(travel["drive_speed_factor"])
    speed[np.isin(cls, list(NON_DRIVABLE_CLASSES))] = 0.0
    return speed


def check_travel_params(travel: dict, file: str = "scenario.toml") -> list[Problem]:
    """Every bad [travel] value (from the parameter schema), located in ``file``."""
    return check({"travel": travel}, file, sections=("travel",))


def _check_travel(mode: str, travel: dict, file: str = "scenario.toml") -> None:
    if mode not in TRAVEL_MODES:
        raise GridGovError(f"unknown travel mode '{mode}' (known: {', '.join(TRAVEL_MODES)})")
    problems = check_travel_params(travel, file)
    if problems:
        raise ValidationError(problems)


def build_graph(roads: Roads, mode: str = "walk", travel: dict | None = None, source: str = "",
                params_file: str = "scenario.toml") -> Network:
    """Build the graph of ``mode`` from a ``Roads`` table (metric CRS); see the module doc.

    ``source`` (the roads' file) and ``params_file`` (where ``travel`` came from) locate problems.
    """
    travel = {**defaults()["travel"], **(travel or {})}
    _check_travel(mode, travel, params_file)
    tol = float(travel["node_tolerance_m"])
    speed = mode_speeds(roads, mode, travel)
    geoms = np.asarray(roads.geometry, dtype=object)
    problems: list[Problem] = []
    bad = np.flatnonzero((shapely.get_type_id(geoms) != 1) | shapely.is_empty(geoms)).tolist()  # None: type -1
    for i in bad:
        problems.append(Problem("road is not a single non-empty line; ignored", source, "roads",
                                int(roads.fid[i]), "geometry", "warning"))
    use = np.flatnonzero((speed > 0) & ~np.isin(np.arange(len(geoms)), bad))
    coords, owner = shapely.get_coordinates(geoms[use], return_index=True)
    if coords.shape[0] == 0:
        raise ValidationError([Problem(f"no road usable for mode '{mode}' (every road has speed 0 for this mode "
                                       "or no line geometry): check the class and speed_kmh fields",
                                       source, "roads")])
    owner = use[owner]
    # first / last vertex of each line
    starts = np.r_[0, np.flatnonzero(np.diff(owner)) + 1]
    ends = np.r_[starts[1:] - 1, coords.shape[0] - 1]
    is_end = np.zeros(coords.shape[0], bool)
    is_end[starts] = True
    is_end[ends] = True
    # cluster vertices closer than the tolerance (exact duplicates when tol = 0)
    if tol > 0:
        pairs = cKDTree(coords).query_pairs(tol, output_type="ndarray")
    else:
        _, inv = np.unique(coords, axis=0, return_inverse=True)
        inv = inv.ravel()
        order = np.argsort(inv, kind="stable")
        same = np.flatnonzero(inv[order][1:] == inv[order][:-1])
        pairs = np.column_stack([order[same], order[same + 1]])
    nv = coords.shape[0]
    adj = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(nv, nv)) if len(pairs) \
        else coo_matrix((nv, nv))
    _, cluster = connected_components(adj, directed=False)
    size = np.bincount(cluster)
    is_node = is_end | (size[cluster] > 1)
    # compact node ids for clusters holding a node vertex; coordinate = its first vertex
    node_clusters, first = np.unique(cluster[is_node], return_index=True)
    node_of_cluster = np.full(cluster.max() + 1, -1, np.int64)
    node_of_cluster[node_clusters] = np.arange(node_clusters.size)
    node_xy = coords[np.flatnonzero(is_node)[first]]
    # split each line at its node vertices
    node_pos = np.flatnonzero(is_node)
    same_line = owner[node_pos[1:]] == owner[node_pos[:-1]]
    a = node_pos[:-1][same_line]
    b = node_pos[1:][same_line]
    pieces = np.empty(0, object)
    if a.size:
        # gather the vertex ranges [a, b] of every piece
        span = b - a + 1
        idx = np.arange(span.sum()) - np.repeat(np.cumsum(span) - span - a, span)
        pieces = shapely.linestrings(coords[idx], indices=np.repeat(np.arange(a.size), b - a + 1))
    eu = node_of_cluster[cluster[a]]
    ev = node_of_cluster[cluster[b]]
    road = owner[a]
    length = shapely.length(pieces) if a.size else np.zeros(0)
    keep = ~((eu == ev) & (length <= tol))           # drop degenerate self-loops
    eu, ev, road, length, pieces = eu[keep], ev[keep], road[keep], length[keep], pieces[keep]
    t = length / speed[road]
    fwd = t.copy()
    bwd = t.copy()
    if mode == "drive":
        ow = np.asarray(roads.oneway)[road]
        bwd[ow == 1] = np.inf
        fwd[ow == -1] = np.inf
    net = _assemble(mode, node_xy, eu, ev, length, fwd, bwd, pieces, road, problems)
    net.speed_mps = None if mode == "drive" else float(speed[use].max())
    return net


def _assemble(mode, node_xy, eu, ev, length, fwd, bwd, pieces, road, problems) -> Network:
    """CSR (sorted by tail node) from the edge table, plus weak components (0 = largest)."""
    n = node_xy.shape[0]
    m = eu.shape[0]
    eid = np.arange(m)
    loop = eu == ev                                   # loops matter for geometry, not for routing
    f = np.isfinite(fwd) & ~loop
    g = np.isfinite(bwd) & ~loop
    tail = np.concatenate([eu[f], ev[g]])
    head = np.concatenate([ev[f], eu[g]])
    w = np.concatenate([fwd[f], bwd[g]])
    ln = np.concatenate([length[f], length[g]])
    ce = np.concatenate([eid[f], eid[g]])
    order = np.lexsort((head, tail))
    tail, head, w, ln, ce = tail[order], head[order], w[order], ln[order], ce[order]
    indptr = np.zeros(n + 1, np.int64)
    np.add.at(indptr, tail + 1, 1)
    indptr = np.cumsum(indptr)
    adj = coo_matrix((np.ones(tail.size), (tail, head)), shape=(n, n))
    ncomp, comp = connected_components(adj, directed=True, connection="weak")
    counts = np.bincount(comp, minlength=ncomp)
    rank = np.empty(ncomp, np.int64)
    rank[np.argsort(-counts, kind="stable")] = np.arange(ncomp)
    return Network(mode=mode, node_x=node_xy[:, 0].copy(), node_y=node_xy[:, 1].copy(),
                   edge_u=eu.astype(np.int64), edge_v=ev.astype(np.int64), edge_length=length,
                   edge_fwd=fwd, edge_bwd=bwd, edge_geometry=pieces, edge_road=road.astype(np.int64),
                   indptr=indptr, indices=head.astype(np.int64), weights=w.astype(np.float64),
                   lengths=ln.astype(np.float64), csr_edge=ce.astype(np.int64), component=rank[comp],
                   speed_mps=None, problems=problems)


def build_network(scenario, mode: str | None = None) -> Network:
    """The graph of ``mode`` (default: the scenario's ``[circles] mode``) for a loaded scenario.

    Kept on the roads table per mode and travel parameters: circles, worker trips and
    responders of one run share one graph per mode (a city's takes seconds to build).
    """
    import json

    mode = mode or scenario.params["circles"]["mode"]
    roads = scenario.roads
    key = (mode, json.dumps(scenario.params["travel"], sort_keys=True, default=str), str(scenario.layers_path),
           id(roads.geometry), len(roads.geometry))
    cache = roads.__dict__.setdefault("_networks", {})
    if key not in cache:
        net = build_graph(roads, mode, scenario.params["travel"], str(scenario.layers_path),
                          str(scenario.path / "scenario.toml"))
        for other in cache.values():     # modes on the same roads: one spatial index, one snap store
            if other.same_edges(net):
                net._tree, net._snaps = other.tree, other.snaps
                break
        cache[key] = net
    return cache[key]


def component_sizes(net: Network) -> np.ndarray:
    """Number of nodes per component (component 0 is the largest)."""
    return np.bincount(net.component)
