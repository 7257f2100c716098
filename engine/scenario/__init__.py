"""The scenario stage: a scenario folder (``scenario.toml`` + ``layers.gpkg``) ⇄ engine-ready arrays.

``load``: read, check, reproject (``load_scenario``, ``check_scenario``, ``validate_scenario``);
``save``: write a folder atomically; ``schema``: the layer and field specification;
``checks``: per-layer checks and unit ↔ grid linking; ``gpkg``: GeoPackage I/O;
``model``: the dataclasses every later stage reads.
"""
from __future__ import annotations

from .load import GPKG_NAME, TOML_NAME, check_scenario, load_scenario, summary, validate_scenario
from .model import Facilities, Grids, Incidents, Roads, Scenario, Units
from .save import save_scenario, scenario_layers

__all__ = ["GPKG_NAME", "TOML_NAME", "Facilities", "Grids", "Incidents", "Roads", "Scenario", "Units",
           "check_scenario", "load_scenario", "save_scenario", "scenario_layers", "summary", "validate_scenario"]
