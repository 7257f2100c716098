"""5/10/15-minute life circles (生活圈): who reaches which facility, how fast, and how far.

For every facility type present, one exact multi-source search from all its facilities (each
seeded at its partial-edge offsets, labelled by its facility row) gives every road node its
nearest facility; units read their time and distance off their own edge.  Bands use walking
TIME (``[circles] band_minutes``); life-circle coverage uses the tier's network DISTANCE
(GB 50180-2018: ``[circles] tier_distance_m``).  Ties go to the lower facility row, so units
and edge segments always agree on their owner (non-overlapping responsibility areas).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..coverage_types import coverage_types
from ..errors import Problem, ValidationError
from ..scenario.model import Scenario
from ..network.graph import Network, build_network
from ..network.paths import seeded
from ..network.snap import Snap, along, arrival, out_seeds, same_edge_pairs, snap_points
from ..progress import NULL, Progress
from ..vocab import FACILITY_TYPES

N_BANDS = 4  # ≤5, ≤10, ≤15 min, beyond / unreachable
BAND_BUFFER_M = 25.0  # half-width of band polygons around reachable road segments


@dataclass
class Circles:
    """Results of ``compute_circles`` (arrays row-aligned with the scenario's layers)."""

    types: list[str]
    band_minutes: list[float]
    tier_distance_m: dict[str, float]               # threshold used per type
    unit_time_min: dict[str, np.ndarray]
    unit_distance_m: dict[str, np.ndarray]
    unit_band: dict[str, np.ndarray]
    unit_nearest: dict[str, np.ndarray]
    unit_within_tier: dict[str, np.ndarray]
    grid_band_share: dict[str, np.ndarray]          # [n_grids, 4]
    grid_within_tier_share: dict[str, np.ndarray]   # [n_grids]
    community_band_share: dict[str, dict[str, np.ndarray]]   # type → community → [4]
    community_within_tier_share: dict[str, dict[str, float]]
    facility_households: np.ndarray                 # [n_facilities]
    facility_units: np.ndarray                      # [n_facilities]
    unit_component: np.ndarray                      # int64, -1 = unsnapped
    facility_component: np.ndarray
    unit_snap_m: np.ndarray
    facility_snap_m: np.ndarray
    # what the layers and incremental statistics are built from
    scenario: Scenario
    network: Network
    node_time: dict[str, np.ndarray]                # seconds, per type
    node_label: dict[str, np.ndarray]               # nearest facility row, per type
    unit_snap: Snap
    facility_snap: Snap
    problems: list[Problem] = field(default_factory=list)
    band_buffer_m: float = BAND_BUFFER_M
    # GB 50180 tier completeness: a unit has a complete tier when every facility type of that
    # tier present in the scenario lies within the tier's distance
    unit_tier_complete: dict[str, np.ndarray] = field(default_factory=dict)      # tier → bool[n_units]
    grid_tier_complete_share: dict[str, np.ndarray] = field(default_factory=dict)  # tier → [n_grids]
    # emergency cover ([coverage] drive types): driving minutes from the nearest facility, and the limit
    unit_drive_min: dict[str, np.ndarray] = field(default_factory=dict)
    drive_limit_min: dict[str, float] = field(default_factory=dict)

    # ------------------------------------------------------------ incremental statistics
    def shares_for(self, unit_rows) -> dict[str, np.ndarray]:
        """Household shares per band ([4]) of any set of units, per type, without any search
        (for live statistics while grid boundaries are edited)."""
        rows = np.asarray(unit_rows, dtype=np.int64)
        hh = np.asarray(self.scenario.units.households, dtype=float)[rows]
        return {t: household_shares(self.unit_band[t][rows], hh) for t in self.types}


def tier_of(t: str, ctypes: dict | None = None) -> str | None:
    """The GB 50180 tier (5min, 10min, 15min) a facility type belongs to, None for others;
    ``ctypes`` (``coverage_types(params)``) includes the scenario's own [coverage.types]."""
    if ctypes is not None:
        return ctypes[t].tier if t in ctypes else None
    return FACILITY_TYPES[t].tier if t in FACILITY_TYPES else None


def tier_completeness(types: list[str], within: dict[str, np.ndarray], n_units: int,
                      ctypes: dict | None = None) -> dict[str, np.ndarray]:
    """Per GB 50180 tier present: units having every type of that tier within its distance."""
    out: dict[str, np.ndarray] = {}
    for t in types:
        tier = tier_of(t, ctypes)
        if tier is not None:
            out[tier] = out.get(tier, np.ones(n_units, bool)) & within[t]
    return out


def band_names(minutes) -> list[str]:
    """Column/key names of the bands: le5, le10, le15, gt15."""
    return [f"le{m:g}" for m in minutes] + [f"gt{minutes[-1]:g}"]


def finite_or_nan(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    return np.where(np.isfinite(a), a, np.nan)


def household_shares(band: np.ndarray, hh: np.ndarray) -> np.ndarray:
    """Share of households in each band ([N_BANDS], NaN without households)."""
    tot = hh.sum()
    counts = np.bincount(band, weights=hh, minlength=N_BANDS)[:N_BANDS]
    return counts / tot if tot > 0 else np.full(N_BANDS, np.nan)


def band_of(minutes: np.ndarray, limits) -> np.ndarray:
    """Band index per value: 0 ≤ limits[0], 1 ≤ limits[1], 2 ≤ limits[2], 3 beyond / inf."""
    return np.searchsorted(np.asarray(limits, dtype=float), minutes, side="left").astype(np.int8)


def group_shares(values: np.ndarray, weights: np.ndarray, group: np.ndarray, n_groups: int,
                 n_values: int) -> np.ndarray:
    """Weighted share of each value per group ([n_groups, n_values], NaN for empty groups);
    rows with ``group < 0`` are ignored."""
    ok = group >= 0
    acc = np.zeros((n_groups, n_values))
    np.add.at(acc, (group[ok], values[ok].astype(np.int64)), weights[ok])
    tot = acc.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(tot > 0, acc / np.where(tot > 0, tot, 1.0), np.nan)


def nearest_from(net: Network, fsnap: Snap, frows: np.ndarray, usnap: Snap, weight: str = "time"
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Exact least cost and nearest facility row for every unit, partial edges included.

    Returns ``(unit_cost, unit_label, node_cost, node_label)``; labels are facility rows.
    """
    sub = Snap(fsnap.edge[frows], fsnap.offset[frows], fsnap.distance[frows])
    nodes, cost0 = out_seeds(net, sub, weight)
    labels = np.repeat(frows[:, None], 2, axis=1)
    keep = nodes.ravel() >= 0
    indptr, indices, w = net.csr(weight)
    ncost, nlabel = seeded(indptr, indices, w, nodes.ravel()[keep], cost0.ravel()[keep], labels.ravel()[keep])
    ucost, ulabel = arrival(net, usnap, ncost, nlabel, weight)
    i, j = same_edge_pairs(sub, usnap)
    if i.size:
        direct = along(net, sub, i, usnap, j, weight)
        for a, b, c in zip(i, j, direct):      # few pairs: facilities sharing an edge with units
            f = frows[a]
            if c < ucost[b] or (c == ucost[b] and np.isfinite(c) and (ulabel[b] < 0 or f < ulabel[b])):
                ucost[b] = c
                ulabel[b] = f
    return ucost, ulabel, ncost, nlabel


def check_circle_params(params: dict, file: str = "scenario.toml") -> list[Problem]:
    """Every bad [circles] / [travel] value the life circles rely on (from the parameter schema),
    located in ``file``."""
    from ..params import check

    return check(params, file, sections=("travel", "circles"))


def compute_circles(scenario: Scenario, network: Network | None = None,
                    progress: Progress | None = None) -> Circles:
    """Life circles of a loaded scenario (see the module docstring and ``Circles``).

    ``network`` defaults to ``build_network(scenario, [circles] mode)``.  Unsnapped units or
    facilities (farther than ``[travel] snap_max_m`` from a road) and those on components cut
    off from the main network are reported in ``Circles.problems`` as warnings, never dropped.
    """
    progress = progress or NULL
    params = scenario.params
    problems = check_circle_params(params, str(scenario.path / "scenario.toml"))
    if problems:
        raise ValidationError(problems)
    limits = [float(m) for m in params["circles"]["band_minutes"]]
    tiers = params["circles"]["tier_distance_m"]
    snap_max_m = float(params["travel"]["snap_max_m"])
    src = str(scenario.layers_path)
    progress(0.0, "road network")
    net = network or build_network(scenario)
    dnet = build_network(scenario, "walk") if net.mode == "drive" else net
    units, fac = scenario.units, scenario.facilities
    progress(0.1, "snapping units and facilities")
    usnap = snap_points(net, units.x, units.y, snap_max_m)
    fsnap = snap_points(net, fac.x, fac.y, snap_max_m)
    usnap_d = usnap if dnet is net else snap_points(dnet, units.x, units.y, snap_max_m)
    fsnap_d = fsnap if dnet is net else snap_points(dnet, fac.x, fac.y, snap_max_m)
    problems = _snap_problems(net, usnap, fsnap, units, fac, snap_max_m, src)
    ucomp = np.where(usnap.ok, net.component[net.edge_u[np.maximum(usnap.edge, 0)]], -1) if net.n_edges \
        else np.full(len(units), -1)
    fcomp = np.where(fsnap.ok, net.component[net.edge_u[np.maximum(fsnap.edge, 0)]], -1) if net.n_edges \
        else np.full(len(fac), -1)
    present = set(str(t) for t in fac.type)
    types = [t for t in FACILITY_TYPES if t in present] + sorted(present - set(FACILITY_TYPES))
    hh = np.asarray(units.households, dtype=float)
    res = dict(time={}, dist={}, band={}, near={}, ok={}, ntime={}, nlabel={})
    fac_hh = np.zeros(len(fac))
    fac_units = np.zeros(len(fac), np.int64)
    ctypes = coverage_types(params)
    tier_m: dict[str, float] = {}
    drive: dict[str, Any] = {}      # emergency types: drive network and snaps, built on first use
    drive_min: dict[str, np.ndarray] = {}
    for k, t in enumerate(types):
        progress(0.15 + 0.75 * k / max(len(types), 1), f"service circles: {t}")
        rows = fac.of_type(t)
        rows = rows[fsnap.ok[rows]]
        tcost, tlab, ncost, nlab = nearest_from(net, fsnap, rows, usnap, "time")
        rows_d = fac.of_type(t)
        rows_d = rows_d[fsnap_d.ok[rows_d]]
        dcost = nearest_from(dnet, fsnap_d, rows_d, usnap_d, "length")[0]
        ct = ctypes.get(t)
        minutes = tcost / 60.0
        res["time"][t] = minutes
        res["dist"][t] = dcost
        res["band"][t] = band_of(minutes, limits)
        res["near"][t] = tlab
        if ct is not None and ct.mode == "drive":   # emergency cover: driving time on the roads, not a walk
            drive_min[t] = _drive_minutes(scenario, drive, t, snap_max_m)
            tier_m[t] = float("nan")
            res["ok"][t] = drive_min[t] <= ct.threshold
        else:
            tier_m[t] = ct.threshold if ct is not None else float(tiers["15min"])
            res["ok"][t] = dcost <= tier_m[t]
        res["ntime"][t], res["nlabel"][t] = ncost, nlab
        served = tlab >= 0
        fac_hh += np.bincount(tlab[served], weights=hh[served], minlength=len(fac))
        fac_units += np.bincount(tlab[served], minlength=len(fac))
    progress(0.9, "shares per grid and community")
    g_share, g_tier, c_share, c_tier = _grid_shares(scenario, types, res["band"], res["ok"], hh)
    complete = tier_completeness(types, res["ok"], len(units), ctypes)
    g_complete = {tier: _grid_shares(scenario, ["_"], {"_": np.zeros(len(units), np.int8)}, {"_": ok}, hh)[1]["_"]
                  for tier, ok in complete.items()}
    progress(1.0, "service circles done")
    return Circles(types=types, band_minutes=limits, tier_distance_m=tier_m, unit_time_min=res["time"],
                   unit_distance_m=res["dist"], unit_band=res["band"], unit_nearest=res["near"],
                   unit_within_tier=res["ok"], grid_band_share=g_share, grid_within_tier_share=g_tier,
                   community_band_share=c_share, community_within_tier_share=c_tier,
                   facility_households=fac_hh, facility_units=fac_units, unit_component=ucomp.astype(np.int64),
                   facility_component=fcomp.astype(np.int64), unit_snap_m=usnap.distance,
                   facility_snap_m=fsnap.distance, problems=net.problems + problems, scenario=scenario,
                   network=net, node_time=res["ntime"], node_label=res["nlabel"], unit_snap=usnap,
                   facility_snap=fsnap, unit_tier_complete=complete, grid_tier_complete_share=g_complete,
                   unit_drive_min=drive_min, drive_limit_min={t: ctypes[t].threshold for t in drive_min})


def _drive_minutes(scenario, cache: dict, kind: str, snap_max_m: float) -> np.ndarray:
    """Per unit: driving minutes from the nearest facility of ``kind`` (inf when none reaches it)."""
    fac, units = scenario.facilities, scenario.units
    if not cache:
        net = build_network(scenario, "drive")
        cache.update(net=net, usnap=snap_points(net, units.x, units.y, snap_max_m),
                     fsnap=snap_points(net, fac.x, fac.y, snap_max_m))
    rows = fac.of_type(kind)
    rows = rows[cache["fsnap"].ok[rows]]
    return nearest_from(cache["net"], cache["fsnap"], rows, cache["usnap"], "time")[0] / 60.0


def _snap_problems(net, usnap, fsnap, units, fac, snap_max_m, src) -> list[Problem]:
    out: list[Problem] = []
    sizes = np.bincount(net.component) if net.n_nodes else np.zeros(1, np.int64)
    for layer, table, snap in (("units", units, usnap), ("facilities", fac, fsnap)):
        for i in np.flatnonzero(~snap.ok):
            out.append(Problem(f"farther than snap_max_m = {snap_max_m:g} m from every usable road "
                               f"({net.mode}); not served", src, layer, int(table.fid[i]), "geometry", "warning"))
        comp = np.where(snap.ok, net.component[net.edge_u[np.maximum(snap.edge, 0)]], -1) if net.n_edges \
            else np.full(len(table), -1)
        for i in np.flatnonzero(comp > 0):
            out.append(Problem(f"on road component {comp[i]} ({sizes[comp[i]]} nodes) disconnected from the "
                               f"main network ({sizes[0]} nodes)", src, layer, int(table.fid[i]), "geometry",
                               "warning"))
    return out


def _grid_shares(scenario, types, bands, oks, hh):
    grids, units = scenario.grids, scenario.units
    gid = {str(g): i for i, g in enumerate(grids.id)}
    g_main = np.array([gid.get(str(x), -1) for x in units.grid_id], dtype=np.int64)
    g_micro = np.array([gid.get(str(x), -1) if x else -1 for x in units.micro_id], dtype=np.int64)
    n = len(grids)
    comm_names = sorted({str(c) for c in grids.community if c})
    cid = {c: i for i, c in enumerate(comm_names)}
    grid_comm = np.array([cid.get(str(c), -1) for c in grids.community], dtype=np.int64)
    u_comm = np.where(g_main >= 0, grid_comm[np.maximum(g_main, 0)], -1) if n else np.full(len(hh), -1)
    g_share, g_tier, c_share, c_tier = {}, {}, {}, {}
    for t in types:
        b = bands[t].astype(np.int64)
        ok = oks[t].astype(np.int64)
        s = group_shares(b, hh, g_main, n, N_BANDS)
        sm = group_shares(b, hh, g_micro, n, N_BANDS)
        is_micro = np.asarray(grids.level) == "micro"
        s[is_micro] = sm[is_micro]
        g_share[t] = s
        tr = group_shares(ok, hh, g_main, n, 2)[:, 1]
        trm = group_shares(ok, hh, g_micro, n, 2)[:, 1]
        g_tier[t] = np.where(is_micro, trm, tr)
        cs = group_shares(b, hh, u_comm, len(comm_names), N_BANDS)
        ct = group_shares(ok, hh, u_comm, len(comm_names), 2)[:, 1]
        c_share[t] = {c: cs[i] for i, c in enumerate(comm_names)}
        c_tier[t] = {c: float(ct[i]) for i, c in enumerate(comm_names)}
    return g_share, g_tier, c_share, c_tier
