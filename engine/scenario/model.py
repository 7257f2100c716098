"""Plain data of a loaded scenario: NumPy arrays and shapely geometries in a metric CRS.

The loader (``engine/scenario.py``) fills these; every other stage reads them.  Row ``i``
of every array in a layer is the same feature; ``fid`` is the GeoPackage feature id, kept so
that every message and every output can point back to the user's feature.
String columns are NumPy object arrays of ``str`` (empty string = missing).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass
class Roads:
    fid: np.ndarray            # int64
    geometry: np.ndarray       # shapely LineString (multi-lines are split by the loader)
    road_class: np.ndarray     # str, OSM highway class ("" = unknown → residential)
    oneway: np.ndarray         # int8: 0 both ways, 1 along the digitised direction, -1 against it
    speed_kmh: np.ndarray      # float64, NaN = default speed of the class
    name: np.ndarray           # str
    attrs: dict = field(default_factory=dict)  # other columns of the layer {name: array}, kept when saving

    def __len__(self) -> int:
        return len(self.fid)


@dataclass
class Grids:
    fid: np.ndarray            # int64
    id: np.ndarray             # str, unique
    code: np.ndarray           # str, CJ/T 349-style nested code
    level: np.ndarray          # str: general | micro | dedicated
    parent_id: np.ndarray      # str: micro → its general grid; general/dedicated → ""
    community: np.ndarray      # str, community name (社区)
    street: np.ndarray         # str, street name (街道)
    name: np.ndarray           # str
    geometry: np.ndarray       # shapely Polygon / MultiPolygon
    attrs: dict = field(default_factory=dict)  # other columns of the layer {name: array}, kept when saving

    def __len__(self) -> int:
        return len(self.fid)


@dataclass
class Units:
    """Residential units (buildings or compounds)."""

    fid: np.ndarray            # int64
    id: np.ndarray             # str, unique
    households: np.ndarray     # int64 ≥ 0
    residents: np.ndarray      # int64 ≥ 0
    grid_id: np.ndarray        # str: general (or dedicated) grid the unit belongs to
    micro_id: np.ndarray       # str: micro-grid ("" when none)
    x: np.ndarray              # float64, representative point (metric CRS)
    y: np.ndarray
    geometry: np.ndarray       # shapely Point or Polygon
    attrs: dict = field(default_factory=dict)  # other columns of the layer {name: array}, kept when saving

    def __len__(self) -> int:
        return len(self.fid)


@dataclass
class Facilities:
    fid: np.ndarray            # int64
    id: np.ndarray             # str, unique
    type: np.ndarray           # str, key of vocab.FACILITY_TYPES
    name: np.ndarray           # str
    capacity: np.ndarray       # float64 (households or cases it can serve; NaN = unlimited)
    staff: np.ndarray          # int64, people who can respond (grid workers for grid_station)
    grid_id: np.ndarray        # str, grid the facility serves ("" = by location)
    x: np.ndarray              # float64
    y: np.ndarray
    attrs: dict = field(default_factory=dict)  # other columns of the layer {name: array}, kept when saving

    def __len__(self) -> int:
        return len(self.fid)

    def of_type(self, kind: str) -> np.ndarray:
        """Row indices of the facilities of one type."""
        return np.flatnonzero(self.type == kind)


@dataclass
class Incidents:
    """Incident history (optional layer): fitting of demand profiles."""

    fid: np.ndarray            # int64
    time: np.ndarray           # datetime64[s]
    type: np.ndarray           # str
    x: np.ndarray
    y: np.ndarray
    attrs: dict = field(default_factory=dict)  # other columns of the layer {name: array}, kept when saving

    def __len__(self) -> int:
        return len(self.fid)


@dataclass
class Scenario:
    path: Path                 # scenario folder
    name: str
    description: str
    crs: str                   # metric working CRS as "AUTH:CODE" (e.g. EPSG:32648)
    params: dict[str, dict[str, Any]]   # merged with engine/params.py defaults
    meta: dict[str, Any]       # [scenario] table: synthetic flag, sources, licence, ...
    roads: Roads
    grids: Grids
    units: Units
    facilities: Facilities
    incidents: Incidents | None = None
    warnings: list = field(default_factory=list)   # engine.errors.Problem with severity "warning"

    @property
    def layers_path(self) -> Path:
        return self.path / "layers.gpkg"
