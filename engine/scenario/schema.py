"""What a scenario GeoPackage holds: its layers, their geometry types and fields.

``LAYER_SPECS`` is the one declaration of the layer format: ``checks.py`` converts and checks
against it and ``scripts/make_scenario_doc.py`` generates the field tables of docs/scenario.md
from it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

POINT, LINE, POLY = {"Point"}, {"LineString", "MultiLineString"}, {"Polygon", "MultiPolygon"}


@dataclass(frozen=True)
class FieldSpec:
    kind: str                    # str | int | float | datetime | oneway
    required: bool = False
    doc: str = ""
    default: Any = None
    nonneg: bool = False
    nullable: bool = True


@dataclass(frozen=True)
class LayerSpec:
    geometry: frozenset
    fields: dict
    required: bool = True
    doc: str = ""


LAYER_SPECS: dict[str, LayerSpec] = {
    "roads": LayerSpec(frozenset(LINE), {
        "class": FieldSpec("str", True, "OSM highway class (primary, residential, footway, ...); empty = residential"),
        "oneway": FieldSpec("oneway", False, "0 / no = both ways, 1 / yes = digitised direction only, -1 = against it", 0),
        "speed_kmh": FieldSpec("float", False, "speed limit in km/h (empty = default of the class)", np.nan, True),
        "name": FieldSpec("str", False, "road name", ""),
    }, doc="road centrelines (split at junctions)"),
    "grids": LayerSpec(frozenset(POLY), {
        "id": FieldSpec("str", True, "unique grid id", nullable=False),
        "level": FieldSpec("str", True, "general, micro or dedicated", nullable=False),
        "parent_id": FieldSpec("str", False, "micro-grid: id of its general grid", ""),
        "code": FieldSpec("str", False, "CJ/T 349-style code (county+street+community+grid[+micro])", ""),
        "community": FieldSpec("str", False, "community (社区) name", ""),
        "street": FieldSpec("str", False, "street (街道) name", ""),
        "name": FieldSpec("str", False, "display name", ""),
    }, doc="grid polygons of every level"),
    "units": LayerSpec(frozenset(POINT | POLY), {
        "id": FieldSpec("str", False, "unique id (default: u<fid>)", ""),
        "households": FieldSpec("int", True, "households (户), whole number ≥ 0", nonneg=True, nullable=False),
        "residents": FieldSpec("int", True, "residents (人), whole number ≥ 0", nonneg=True, nullable=False),
        "grid_id": FieldSpec("str", False, "general/dedicated grid (empty: found by location)", ""),
        "micro_id": FieldSpec("str", False, "micro-grid (empty: found by location)", ""),
    }, doc="residential buildings or compounds"),
    "facilities": LayerSpec(frozenset(POINT), {
        "type": FieldSpec("str", True, "facility type (vocabulary below)", nullable=False),
        "id": FieldSpec("str", False, "unique id (default: f<fid>)", ""),
        "name": FieldSpec("str", False, "name", ""),
        "capacity": FieldSpec("float", False, "households or cases it can serve (empty = unlimited)", np.nan, True),
        "staff": FieldSpec("int", False, "people who respond from here (grid workers for grid_station)", 0, True),
        "grid_id": FieldSpec("str", False, "grid served (empty = by location)", ""),
    }, doc="facilities and resources"),
    "incidents": LayerSpec(frozenset(POINT), {
        "time": FieldSpec("datetime", True, "when it was reported (ISO 8601)", nullable=False),
        "type": FieldSpec("str", True, "incident type (vocabulary below)", nullable=False),
    }, required=False, doc="incident history (optional)"),
}


# Other names accepted for a field when it is absent: OSM / Geofabrik exports call the class
# "highway" / "fclass".  Field names also match case-insensitively.
ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("roads", "class"): ("highway", "fclass"),
    ("roads", "speed_kmh"): ("speed", "maxspeed"),
}


EMPTY_IS_ERROR = {"roads": "road", "grids": "grid", "units": "residential unit"}
