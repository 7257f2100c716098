"""Tiny hand-built scenarios for the score/report/compare tests (no files, no network).

Used by tests/test_score_*.py, test_report.py and test_compare.py; values are chosen so that
every metric can be worked out by hand.
"""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

from gridgov.engine.scenario.model import Facilities, Grids, Roads, Scenario, Units
from gridgov.engine.params import defaults


def grids(rows: list[tuple]) -> Grids:
    """rows: (id, level, parent_id, community, street, geometry)."""
    n = len(rows)
    col = lambda k: np.array([r[k] for r in rows], dtype=object)  # noqa: E731
    geoms = np.empty(n, dtype=object)
    geoms[:] = [r[5] for r in rows]
    code = np.array([r[2] + r[0] if r[1] == "micro" else r[0] for r in rows], dtype=object)  # codes nest
    return Grids(fid=np.arange(1, n + 1), id=col(0), code=code, level=col(1), parent_id=col(2),
                 community=col(3), street=col(4), name=np.array([f"网格{r[0]}" for r in rows], dtype=object),
                 geometry=geoms)


def units(rows: list[tuple]) -> Units:
    """rows: (id, households, grid_id, micro_id, x, y)."""
    n = len(rows)
    col = lambda k, dt=object: np.array([r[k] for r in rows], dtype=dt)  # noqa: E731
    x, y = col(4, float), col(5, float)
    geoms = np.empty(n, dtype=object)
    geoms[:] = list(shapely.points(x, y))
    return Units(fid=np.arange(1, n + 1), id=col(0), households=col(1, np.int64), residents=col(1, np.int64) * 2,
                 grid_id=col(2), micro_id=col(3), x=x, y=y, geometry=geoms)


def facilities(rows: list[tuple]) -> Facilities:
    """rows: (id, type, staff, x, y)."""
    n = len(rows)
    col = lambda k, dt=object: np.array([r[k] for r in rows], dtype=dt)  # noqa: E731
    return Facilities(fid=np.arange(1, n + 1), id=col(0), type=col(1), name=col(0),
                      capacity=np.full(n, np.nan), staff=col(2, np.int64), grid_id=np.array([""] * n, dtype=object),
                      x=col(3, float), y=col(4, float))


def empty_roads() -> Roads:
    e = np.array([], dtype=object)
    return Roads(fid=np.array([], dtype=np.int64), geometry=e, road_class=e, oneway=np.array([], np.int8),
                 speed_kmh=np.array([]), name=e)


def scenario(g: Grids, u: Units, f: Facilities, name: str = "toy", weights: dict | None = None) -> Scenario:
    params = defaults()
    # the toy requires two walking types: its grid stations (declared a 5-minute facility here) and clinics
    params["coverage"]["required"] = ["grid_station", "clinic"]
    params["coverage"]["types"] = {"grid_station": {"tier": "5min"}}
    if weights:
        params["score"]["weights"].update(weights)
    return Scenario(path=Path("/nonexistent/toy"), name=name, description="", crs="EPSG:32648", params=params,
                    meta={"synthetic": True}, roads=empty_roads(), grids=g, units=u, facilities=f)


SQUARE = box(0, 0, 100, 100)
L_SHAPE = Polygon([(100, 0), (300, 0), (300, 100), (200, 100), (200, 200), (100, 200)])  # 3 units of 100², hull 3.5
TWO_PARTS = MultiPolygon([box(300, 0, 400, 100), box(500, 0, 600, 100)])


def basic() -> Scenario:
    """Three general grids (square, L, two parts), two micro-grids in the square, two stations."""
    g = grids([
        ("G1", "general", "", "C1", "S1", SQUARE),
        ("G2", "general", "", "C1", "S1", L_SHAPE),
        ("G3", "general", "", "C2", "S2", TWO_PARTS),
        ("M1", "micro", "G1", "C1", "S1", box(0, 0, 50, 50)),
        ("M2", "micro", "G1", "C1", "S1", box(50, 0, 100, 50)),
    ])
    u = units([
        ("U1", 150, "G1", "M1", 25, 25),    # micro M1: 150 households (out of 20–100)
        ("U2", 50, "G1", "M2", 75, 25),     # micro M2: 50
        ("U3", 100, "G1", "", 50, 75),      # G1 total 300
        ("U4", 600, "G2", "", 150, 50),     # G2 600 (out of 160–500)
        ("U5", 400, "G3", "", 350, 50),     # G3 400
    ])
    f = facilities([("F1", "grid_station", 2, 50, 50), ("F2", "grid_station", 1, 350, 50),
                    ("F3", "clinic", 0, 150, 50)])
    return scenario(g, u, f)


def circles(within: dict[str, list[bool]], bands: dict[str, list[int]]) -> SimpleNamespace:
    """Stand-in for engine.circles.Circles with the attributes the scorer reads."""
    return SimpleNamespace(types=list(within),
                           unit_within_tier={k: np.array(v, bool) for k, v in within.items()},
                           unit_band={k: np.array(v, np.int8) for k, v in bands.items()})


def sim(summary: dict | None = None, busy_h=(10.0, 10.0, 40.0), util=(0.2, 0.2, 0.9), rows=(0, 1, 2),
        response=(4.0, 8.0, 12.0, 30.0)) -> SimpleNamespace:
    """Stand-in for engine.simulation.SimulationResult."""
    s = {"n_incidents": 4, "response_p50_min": 10.0, "response_p90_min": 24.0, "response_p95_min": 27.0,
         "response_within_5min": 0.25, "response_within_10min": 0.5, "response_within_15min": 0.75,
         "closed_24h_share": 0.7, "on_time_share": 0.725, "utilisation_mean": 0.43, "utilisation_max": 0.9,
         "workload_gini": 0.33, "backlog_max": 2,
         # here every incident was reported while its worker was on shift
         "response_on_duty_p50_min": 10.0, "response_on_duty_p90_min": 24.0, "response_on_duty_within_15min": 0.75}
    s.update(summary or {})
    n_grids = 5
    return SimpleNamespace(
        summary=s,
        per_grid={"incidents": np.array([1, 1, 2, 0, 0]), "response_p90_min": np.array([4.0, 8.0, 30.0, np.nan, np.nan]),
                  "response_on_duty_p90_min": np.array([4.0, 8.0, 28.2, np.nan, np.nan]),
                  "utilisation": np.array([0.2, 0.2, 0.9, np.nan, np.nan])[:n_grids],
                  "workload_h": np.array([10.0, 10.0, 40.0, 0, 0])},
        per_worker={"grid_row": np.array(rows), "cases": np.array([1, 1, 2]), "busy_h": np.array(busy_h),
                    "utilisation": np.array(util)},
        incidents={"response_min": np.array(response), "closed_h": np.array([1.0, 5.0, 20.0, 30.0]),
                   "on_time": np.array([True, True, True, False]), "grid": np.array([0, 1, 2, 2]),
                   "found_on_patrol": np.zeros(4, bool), "dispatched_on_duty": np.ones(4, bool)},
        per_street={"S1": {"response_p90_min": 31.0, "response_on_duty_p90_min": 7.5,
                           "response_on_duty_within_15min": 0.9, "closed_24h_share": 0.5},
                    "S2": {"response_p90_min": 40.0, "response_on_duty_p90_min": 12.5,
                           "response_on_duty_within_15min": 0.6, "closed_24h_share": 1.0}},
    )
