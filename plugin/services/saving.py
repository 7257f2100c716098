"""Save the layout being edited as a scenario folder (the original stays unless overwritten).

The edit buffers are read as they are (``live_adapter.read_model``: the layers' current
features in the scenario's metric CRS) and written with ``engine.scenario.save_scenario``,
which writes a new folder atomically and refuses to replace one without ``overwrite``.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from qgis.core import QgsVectorLayer

from .live_adapter import read_model


def save_layout(scenario: Any, layers: dict[str, QgsVectorLayer], to_metric: dict, dest: str | Path,
                overwrite: bool = False) -> Path:
    """Write ``scenario`` with the grids, units (and facilities, when that layer is edited) of
    ``layers`` to ``dest``; returns the written folder."""
    from ...engine.scenario import save_scenario

    g, u, f = read_model(layers["grids"], layers["units"], layers.get("facilities"), to_metric)
    if layers.get("facilities") is None:
        f = scenario.facilities
    dest = Path(dest)
    edited = dataclasses.replace(scenario, grids=g, units=u, facilities=f)
    return save_scenario(edited, dest, overwrite=overwrite, meta={"name": dest.name})
