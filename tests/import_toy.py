"""A synthetic district for import tests: a street grid and rows of apartment blocks (EPSG:4326)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely

from gridgov.engine.scenario import gpkg


def make_district(folder: Path, blocks: int = 6, per_block: int = 4, lon0: float = 104.05, lat0: float = 30.63,
                  spacing_m: float = 120.0) -> tuple[Path, Path]:
    """(roads.gpkg, buildings.gpkg) in UTM 48N coordinates stored as EPSG:4326."""
    x0, y0 = 404000.0, 3389000.0
    ticks = x0 + np.arange(blocks + 1) * spacing_m
    yticks = y0 + np.arange(blocks + 1) * spacing_m
    lines = [shapely.LineString([(x, yticks[0]), (x, yticks[-1])]) for x in ticks]
    lines += [shapely.LineString([(ticks[0], y), (ticks[-1], y)]) for y in yticks]
    rng = np.random.default_rng(7)
    cx, cy = np.meshgrid(ticks[:-1] + spacing_m / 2, yticks[:-1] + spacing_m / 2)
    offs = (np.arange(per_block) - (per_block - 1) / 2) * (spacing_m / (per_block + 1))
    bx = (cx.ravel()[:, None] + offs[None, :]).ravel()
    by = np.repeat(cy.ravel(), per_block) + rng.uniform(-10, 10, len(bx))
    blds = shapely.box(bx - 8, by - 12, bx + 8, by + 12)
    floors = rng.integers(3, 9, len(blds))
    folder.mkdir(parents=True, exist_ok=True)
    roads_path, bld_path = folder / "roads.gpkg", folder / "buildings.gpkg"
    gpkg.write_layers(roads_path, {"roads": {"geometry": np.array(lines, dtype=object), "geometry_type": "LineString",
                                             "columns": {"highway": np.full(len(lines), "residential", dtype=object)}}},
                      "EPSG:4326", source_crs="EPSG:32648")
    gpkg.write_layers(bld_path, {"buildings": {"geometry": blds, "geometry_type": "Polygon", "columns": {
        "BLDG_ID": np.array([f"B{i:04d}" for i in range(len(blds))], dtype=object),
        "FLOORS": floors.astype(np.int64), "building": np.full(len(blds), "apartments", dtype=object)}}},
        "EPSG:4326", source_crs="EPSG:32648")
    return roads_path, bld_path
