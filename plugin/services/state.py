"""The dock's shared state: which scenario is open, its layers, the last run.

Panels (scenario, edit, compare) read it and listen to its signals instead of reaching into
each other's widgets; the edit panel gets it as its ``controller_or_state`` argument.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from qgis.core import QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QObject, pyqtSignal


class ScenarioState(QObject):
    scenarioOpened = pyqtSignal(str)      # scenario folder  # noqa: N815 - Qt naming
    scenarioClosed = pyqtSignal()         # noqa: N815
    runFinished = pyqtSignal(str)         # output folder of a successful run  # noqa: N815

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scenario_dir: Path | None = None
        self.out_dir: Path | None = None
        self.layer_ids: dict[str, str] = {}        # gpkg layer name -> QGIS layer id (inputs)
        self.result_layer_ids: dict[str, str] = {}
        self.problems: list = []                   # engine.errors.Problem of the last validation
        # how a panel opens a folder the way the user would (the Scenario tab registers its
        # open_scenario: validation, styled layers, zoom); None → load_scenario_layers only
        self.opener: Callable[[str], bool] | None = None

    @property
    def name(self) -> str:
        return self.scenario_dir.name if self.scenario_dir else ""

    def layer(self, name: str) -> QgsVectorLayer | None:
        """The project layer loaded from the scenario's ``name`` layer (None if removed)."""
        layer_id = self.layer_ids.get(name)
        return QgsProject.instance().mapLayer(layer_id) if layer_id else None

    def set_scenario(self, scenario_dir: Path, layers: list[QgsVectorLayer], problems: list) -> None:
        self.scenario_dir = Path(scenario_dir)
        self.layer_ids = {lyr.customProperty("gridgov/source").split(":", 1)[1]: lyr.id() for lyr in layers}
        self.result_layer_ids = {}
        self.problems = list(problems)
        self.scenarioOpened.emit(str(self.scenario_dir))

    def open_folder(self, scenario_dir: str | Path) -> bool:
        """Open another scenario folder as the current one (e.g. the one just saved)."""
        if self.opener is not None:
            return bool(self.opener(str(scenario_dir)))
        from .layers import load_scenario_layers

        self.set_scenario(Path(scenario_dir), load_scenario_layers(scenario_dir), [])
        return True

    def set_results(self, out_dir: Path, layers: list[QgsVectorLayer]) -> None:
        self.out_dir = Path(out_dir)
        self.result_layer_ids = {lyr.customProperty("gridgov/source").split(":", 1)[1]: lyr.id() for lyr in layers}
        self.runFinished.emit(str(self.out_dir))

    def edited_layers(self) -> list[QgsVectorLayer]:
        """Scenario layers with unsaved edits (the compare panel's 'edited vs saved')."""
        out = []
        for name in self.layer_ids:
            layer = self.layer(name)
            if layer is not None and layer.isEditable() and layer.isModified():
                out.append(layer)
        return out
