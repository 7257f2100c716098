"""``gridgov import``: build a scenario from OpenStreetMap, the planner's layers and a household register.

Public API: ``ImportOptions``, ``import_scenario(options, progress=None) -> ImportResult``;
coordinate conversions in ``engine.ingest.coords``.  See docs/import.md.
"""
from .build import ImportOptions, ImportResult, import_scenario

__all__ = ["ImportOptions", "ImportResult", "import_scenario"]
