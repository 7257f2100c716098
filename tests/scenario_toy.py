"""A tiny hand-made scenario (lon/lat, EPSG:4326) for loader tests; each test breaks one thing."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, Point, box

from gridgov.engine.scenario import gpkg

TOML = """[scenario]
name = "toy"
description = "two grids"
crs = "EPSG:32648"
synthetic = true

[demand]
events_per_1000_residents_month = 10.0
"""

# ~100 m in degrees near Chengdu
DX, DY = 0.00104, 0.0009
X0, Y0 = 104.05, 30.63


def _b(i0, j0, i1, j1):
    return box(X0 + i0 * DX, Y0 + j0 * DY, X0 + i1 * DX, Y0 + j1 * DY)


def toy_layers() -> dict:
    """Roads (2), grids (2 general, 3 micro, 1 dedicated), units (4), facilities (3); EPSG:4326."""
    roads = np.array([LineString([(X0, Y0), (X0 + 4 * DX, Y0)]),
                      LineString([(X0 + 2 * DX, Y0), (X0 + 2 * DX, Y0 + 2 * DY)])], dtype=object)
    grids = np.array([_b(0, 0, 2, 2), _b(2, 0, 4, 2), _b(0, 0, 1, 2), _b(1, 0, 2, 2), _b(2, 0, 4, 2),
                      _b(4, 0, 5, 2)], dtype=object)
    units = np.array([Point(X0 + 0.5 * DX, Y0 + DY), Point(X0 + 1.5 * DX, Y0 + DY),
                      _b(2.5, 0.5, 3, 1), Point(X0 + 3.5 * DX, Y0 + 1.5 * DY)], dtype=object)
    fac = np.array([Point(X0 + DX, Y0 + 0.1 * DY), Point(X0 + 3 * DX, Y0 + 0.1 * DY),
                    Point(X0 + 4.5 * DX, Y0 + DY)], dtype=object)
    return {
        "roads": {"geometry": roads, "geometry_type": "LineString",
                  "columns": {"class": np.array(["primary", "residential"], dtype=object),
                              "oneway": np.array([0, 1]), "speed_kmh": np.array([np.nan, 20.0]),
                              "name": np.array(["人民南路", "玉林北路"], dtype=object)}},
        "grids": {"geometry": grids, "geometry_type": "Polygon",
                  "columns": {"id": np.array(["G1", "G2", "M1", "M2", "M3", "D1"], dtype=object),
                              "code": np.array(["510107005001001", "510107005001002", "510107005001001001",
                                                "510107005001001002", "510107005001002001", "510107005001901"],
                                               dtype=object),
                              "level": np.array(["general", "general", "micro", "micro", "micro", "dedicated"],
                                                dtype=object),
                              "parent_id": np.array(["", "", "G1", "G1", "G2", ""], dtype=object),
                              "community": np.array(["玉林北路社区"] * 6, dtype=object),
                              "street": np.array(["玉林街道"] * 6, dtype=object),
                              "name": np.array(["第1网格", "第2网格", "1号", "2号", "1号", "小学"], dtype=object)}},
        "units": {"geometry": units, "geometry_type": "Geometry",
                  "columns": {"id": np.array(["U1", "U2", "U3", "U4"], dtype=object),
                              "households": np.array([120, 80, 200, 60]),
                              "residents": np.array([320, 210, 540, 150]),
                              "grid_id": np.array(["G1", "", "", ""], dtype=object),
                              "micro_id": np.array(["M1", "", "", ""], dtype=object)}},
        "facilities": {"geometry": fac, "geometry_type": "Point",
                       "columns": {"id": np.array(["F1", "F2", "F3"], dtype=object),
                                   "type": np.array(["grid_station", "clinic", "school"], dtype=object),
                                   "name": np.array(["玉林北路社区网格工作站", "卫生站", "小学"], dtype=object),
                                   "capacity": np.array([np.nan, 3000.0, 1800.0]),
                                   "staff": np.array([2, 3, 0]),
                                   "grid_id": np.array(["", "", "D1"], dtype=object)}},
    }


def make_toy(folder: Path, layers: dict | None = None, toml: str | None = TOML, crs: str | None = "EPSG:4326") -> Path:
    """Write the toy scenario (or a modified copy of its layers) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    if toml is not None:
        (folder / "scenario.toml").write_text(toml, encoding="utf-8")
    if layers is not False:
        gpkg.write_layers(folder / "layers.gpkg", layers if layers is not None else toy_layers(), crs)
    return folder


def shift(geoms: np.ndarray, dx: float) -> np.ndarray:
    return shapely.transform(geoms, lambda c: c + (dx, 0.0))
