"""Emergency responders: police, fire and 120 units driving on the road network.

Incident types mapped in ``[emergency] responder`` (fire, gas leak → fire station; violence
→ police station; medical → clinic / 120) are also sent to the nearest *available*
responder unit of that kind; the grid worker still attends and reports (the closed loop
of ``workflow.py`` is unchanged).  Conventions, shared by ``emergency_kernel`` (Numba) and
``reference.EmergencyModel`` (SimPy):

* Each responder facility has ``max(1, staff // crew[kind])`` units (vehicles with crews).
* The call reaches the responder ``call_min`` after the report (110/119/120 call taking
  or the 综治中心 relay); the unit leaves ``turnout_min[kind]`` later and drives to the
  incident: arrival = report + call + turnout + drive.
* Candidates: the ``CANDIDATES`` facilities of the kind with the shortest drive to the
  incident's unit, nearest first; the first with a free unit sends it (free = back at its
  station by the call time).  When every candidate unit is out, the unit that can arrive
  first (back at station + turnout + drive) goes.
* A unit is out for turnout + drive + on-scene time (lognormal ``busy_median_min`` /
  ``busy_p90_min``) + the drive back.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import Problem
from ..vocab import FACILITY_TYPES
from .detour import DETOUR

CANDIDATES = 5


@dataclass
class Responders:
    kinds: list[str]             # responder facility types, index = kind code
    facility: np.ndarray         # (F,) facility row of each responder station
    fac_kind: np.ndarray         # (F,) kind code
    unit_start: np.ndarray       # (F+1,) responder units of station f: unit_start[f] .. unit_start[f+1]-1
    cand: np.ndarray             # (n_units, K, C) station index, nearest first, −1 padded
    drive_h: np.ndarray          # (n_units, K, C) drive time from the station to the unit, h
    source: str                  # "network" | "straight_line"
    type_kind: dict              # incident type → kind code (types without a responder absent)


def check_emergency_params(params: dict, facilities) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings): unknown responder types are errors; a responder type you mapped
    yourself with no facility of it is an error, a default mapping with none a warning."""
    from ..params import DEFAULTS

    em, errors, warnings = params["emergency"], [], []
    default = DEFAULTS["emergency"]["responder"].default
    present = set(np.asarray(facilities.type).tolist()) if facilities is not None and len(facilities) else set()
    for t, kind in em["responder"].items():
        if kind == "":
            continue
        if kind not in FACILITY_TYPES:
            errors.append(Problem(f"'{kind}' is not a facility type (known: {', '.join(FACILITY_TYPES)})",
                                  "scenario.toml", "emergency", field=f"responder.{t}"))
        elif kind not in present:
            msg = f"no '{kind}' facility in the facilities layer to respond to '{t}' incidents"
            if kind != default.get(t):
                errors.append(Problem(msg + ": add one or map the type to another facility type",
                                      "scenario.toml", "emergency", field=f"responder.{t}"))
            else:
                warnings.append(Problem(msg + " (these emergencies get no responder)", "scenario.toml",
                                        "emergency", field=f"responder.{t}", severity="warning"))
        if kind in FACILITY_TYPES and not float(em["crew"].get(kind, 1)) >= 1:
            errors.append(Problem("must be ≥ 1", "scenario.toml", "emergency", field=f"crew.{kind}"))
    for key in ("turnout_min", "busy_median_min", "busy_p90_min"):
        for k, v in em[key].items():
            if not (float(v) >= 0 and np.isfinite(v)):
                errors.append(Problem(f"must be ≥ 0, got {v!r}", "scenario.toml", "emergency", field=f"{key}.{k}"))
    if not float(em["call_min"]) >= 0:
        errors.append(Problem("must be ≥ 0", "scenario.toml", "emergency", field="call_min"))
    return errors, warnings


def build_responders(scenario, net=None, straight_line: bool = False) -> Responders:
    """Responder stations, their units and the drive times to every residential unit."""
    p = scenario.params
    em = p["emergency"]
    fac, units = scenario.facilities, scenario.units
    kinds = sorted({k for k in em["responder"].values() if k})
    type_kind = {t: kinds.index(k) for t, k in em["responder"].items() if k}
    rows, fkind = [], []
    for i, k in enumerate(kinds):
        r = fac.of_type(k) if fac is not None and len(fac) else np.zeros(0, np.int64)
        r = r[np.isfinite(fac.x[r]) & np.isfinite(fac.y[r])] if r.size else r
        rows.append(r)
        fkind.append(np.full(r.size, i, np.int64))
    facility = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    fac_kind = np.concatenate(fkind) if fkind else np.zeros(0, np.int64)
    staff = np.asarray(fac.staff, dtype=np.float64)[facility] if facility.size else np.zeros(0)
    crew = np.array([float(em["crew"].get(kinds[k], 1)) for k in fac_kind])
    n_units = np.maximum(1, np.floor(np.where(np.isfinite(staff), staff, 0) / np.maximum(crew, 1))).astype(np.int64)
    unit_start = np.concatenate([[0], np.cumsum(n_units)]).astype(np.int64)
    U, K = len(units), len(kinds)
    C = max([min(CANDIDATES, r.size) for r in rows] + [1])
    cand = np.full((U, K, C), -1, np.int64)
    drive = np.full((U, K, C), np.inf)
    source = "straight_line"
    if facility.size and U:
        fxy = np.column_stack([fac.x[facility], fac.y[facility]])
        uxy = np.column_stack([units.x, units.y])
        net, source = drive_network(scenario, net, straight_line)
        for k in range(K):
            mine = np.flatnonzero(fac_kind == k)
            if mine.size:
                c, h = nearest_stations(scenario, fxy[mine], uxy, min(C, mine.size), net)
                cand[:, k, :c.shape[1]] = mine[c]
                drive[:, k, :c.shape[1]] = h
    return Responders(kinds, facility, fac_kind, unit_start, cand, drive, source, type_kind)


def drive_network(scenario, net=None, straight_line: bool = False):
    """``(network or None, source)``: the drive network unless told straight line or there are no roads."""
    if straight_line or scenario.roads is None or len(scenario.roads) == 0:
        return None, "straight_line"
    from ..network.graph import build_network

    return (net if net is not None else build_network(scenario, "drive")), "network"


def fallback_hours(scenario, from_xy: np.ndarray, to_xy: np.ndarray) -> np.ndarray:
    """(F, U) straight line × detour at 30 km/h × the drive speed factor, in hours."""
    d = np.hypot(from_xy[:, None, 0] - to_xy[None, :, 0], from_xy[:, None, 1] - to_xy[None, :, 1]) * DETOUR
    return d / (30.0 / 3.6 * float(scenario.params["travel"]["drive_speed_factor"])) / 3600.0


def nearest_stations(scenario, fxy: np.ndarray, uxy: np.ndarray, c: int, net) -> tuple[np.ndarray, np.ndarray]:
    """``(station[U, c], hours[U, c])``: the c stations with the shortest drive to each unit,
    nearest first, ties to the lower station index.

    Drive hours on the network where it joins the two points, else straight line × detour.
    One k-nearest search from all stations (``network.nearest_points``); only units the
    network joins to fewer than c stations compare every station (their straight lines).
    """
    U = uxy.shape[0]
    if net is None:
        bad = np.arange(U)
        net_h = np.full((U, c), np.inf)
        net_s = np.full((U, c), -1, np.int64)
    else:
        from ..network.nearest_points import k_nearest_points
        from ..network.travel import snap_xy

        snap_max = float(scenario.params["travel"]["snap_max_m"])
        with np.errstate(invalid="ignore"):    # one-way edges: inf × 0 inside the snapping arithmetic
            sec, net_s = k_nearest_points(net, snap_xy(net, fxy, snap_max), snap_xy(net, uxy, snap_max), c)
        net_h = sec / 3600.0
        bad = np.flatnonzero(~np.isfinite(net_h[:, -1]))
    station, hours = net_s.copy(), net_h.copy()
    step = max(1, 4_000_000 // max(fxy.shape[0], 1))
    for a in range(0, bad.size, step):          # every station: network hours where found, else fallback
        rows = bad[a:a + step]
        h = fallback_hours(scenario, fxy, uxy[rows]).T                  # (rows, F)
        found = net_s[rows] >= 0
        r, j = np.nonzero(found)
        h[r, net_s[rows][r, j]] = net_h[rows][r, j]
        order = np.argsort(h, axis=1, kind="stable")[:, :c]
        station[rows] = order
        hours[rows] = np.take_along_axis(h, order, axis=1)
    return station, hours


def scene_hours(em: dict, kinds: list[str], z: np.ndarray) -> np.ndarray:
    """(n, K) lognormal on-scene hours of every kind from one standard-normal draw per incident."""
    from .streams import Z90, lognormal_sigma

    out = np.empty((z.size, max(len(kinds), 1)))
    for i, k in enumerate(kinds):
        med = float(em["busy_median_min"].get(k, 45.0)) / 60.0
        sig = lognormal_sigma(med, float(em["busy_p90_min"].get(k, 90.0)) / 60.0, Z90)
        out[:, i] = med * np.exp(sig * z)
    return out


def run_emergencies(resp: Responders, em: dict, report: np.ndarray, unit: np.ndarray, types: np.ndarray,
                    type_keys: list[str], z: np.ndarray, engine: str) -> dict[str, np.ndarray]:
    """Per incident: ``responder`` facility row (−1: none), ``emergency_arrival_h``, ``is_emergency``."""
    scene_h = scene_hours(em, resp.kinds, z)
    n = report.size
    tk = np.array([resp.type_kind.get(t, -1) for t in type_keys], np.int64)
    kind = tk[types] if n else np.zeros(0, np.int64)
    idx = np.flatnonzero(kind >= 0)
    turnout = np.array([float(em["turnout_min"].get(k, 1.0)) / 60.0 for k in resp.kinds] + [0.0])
    call = report[idx] + float(em["call_min"]) / 60.0
    order = np.argsort(call, kind="stable").astype(np.int64)
    scene = scene_h[idx, kind[idx]] if idx.size else np.zeros(0)
    args = (order, call, unit[idx].astype(np.int64), kind[idx], scene, turnout[kind[idx]], resp.cand, resp.drive_h,
            resp.unit_start)
    if engine == "numba":
        from ._kernels_emergency import emergency_kernel

        station, arrival = emergency_kernel(*args)
    else:
        from .reference_emergency import emergency_reference

        station, arrival = emergency_reference(*args)
    responder = np.full(n, -1, np.int64)
    arr = np.full(n, np.nan)
    ok = station >= 0
    responder[idx[ok]] = resp.facility[station[ok]]
    arr[idx] = arrival
    is_em = np.zeros(n, bool)
    is_em[idx] = True
    return {"responder": responder, "emergency_arrival_h": arr, "is_emergency": is_em}
