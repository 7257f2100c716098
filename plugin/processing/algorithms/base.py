"""What every GridGov algorithm shares: naming, the scenario parameter, engine progress.

Subclasses declare ``NAME``, ``DISPLAY``, ``HELP`` and implement ``init_parameters`` and
``execute(parameters, context, feedback, progress) -> dict``.  Engine errors become a
``QgsProcessingException`` with the engine's message (file, layer, feature, field), missing
packages one with the pip command, so the modeller and batch runs show a sentence, not a
traceback.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import (QgsProcessingAlgorithm, QgsProcessingContext, QgsProcessingException,
                       QgsProcessingLayerPostProcessorInterface, QgsProcessingParameterFile,
                       QgsProcessingParameterNumber)

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ...tasks.engine_task import describe_error

GROUP = QT_TRANSLATE_NOOP("GridGovProcessing", "Grid governance")
GROUP_ID = "gridgov"


def _tr(text: str) -> str:
    return QCoreApplication.translate("GridGovProcessing", text)


class GridGovAlgorithm(QgsProcessingAlgorithm):
    NAME = ""
    DISPLAY = ""
    HELP = ""

    def name(self) -> str:
        return self.NAME

    def displayName(self) -> str:  # noqa: N802 - QGIS API
        return _tr(self.DISPLAY)

    def group(self) -> str:
        return _tr(GROUP)

    def groupId(self) -> str:  # noqa: N802
        return GROUP_ID

    def shortHelpString(self) -> str:  # noqa: N802
        return _tr(self.HELP) if self.HELP else ""

    def createInstance(self):  # noqa: N802
        return type(self)()

    def initAlgorithm(self, config=None) -> None:  # noqa: N802
        self.init_parameters()

    def init_parameters(self) -> None:
        raise NotImplementedError

    # ---- helpers -------------------------------------------------------------------------
    @staticmethod
    def scenario_parameter(name: str = "SCENARIO", description: str | None = None,
                           optional: bool = False) -> QgsProcessingParameterFile:
        return QgsProcessingParameterFile(name, description or _tr("Scenario folder"), behavior=QgsProcessingParameterFile.Folder,
                                          optional=optional)

    def add_days_seed_parameters(self) -> None:
        """Optional DAYS and SEED; empty means the scenario's own [simulation] values."""
        self.addParameter(QgsProcessingParameterNumber("DAYS", _tr("Simulated days (empty = scenario)"),
                                                       QgsProcessingParameterNumber.Integer, None, True, 1, 3650))
        self.addParameter(QgsProcessingParameterNumber("SEED", _tr("Random seed (empty = scenario)"),
                                                       QgsProcessingParameterNumber.Integer, None, True, 0))

    def optional_int(self, parameters, name: str, context) -> int | None:
        """An optional integer parameter: None when left empty."""
        return None if parameters.get(name) in (None, "") else self.parameterAsInt(parameters, name, context)

    def scenario_dir(self, parameters, context, name: str = "SCENARIO") -> Path:
        """The scenario folder; accepts the folder or its scenario.toml (handy in batch mode)."""
        raw = self.parameterAsFile(parameters, name, context)
        path = Path(raw) if raw else None
        if path is not None and path.name == "scenario.toml":
            path = path.parent
        if path is None or not (path / "scenario.toml").is_file():
            raise QgsProcessingException(
                _tr("'{0}' is not a scenario folder (it needs scenario.toml and layers.gpkg)").format(raw))
        return path

    def processAlgorithm(self, parameters, context, feedback) -> dict[str, Any]:  # noqa: N802
        from ....engine.progress import Progress

        def report(fraction: float, message: str) -> None:
            feedback.setProgress(100.0 * fraction)
            if message:
                feedback.setProgressText(message)

        progress = Progress(report, feedback.isCanceled)
        try:
            return self.execute(parameters, context, feedback, progress)
        except QgsProcessingException:
            raise
        except Exception as exc:  # noqa: BLE001 - every engine failure becomes one message
            if feedback.isCanceled():
                raise QgsProcessingException(_tr("Cancelled.")) from exc
            raise QgsProcessingException(describe_error(exc)) from exc

    def execute(self, parameters, context, feedback, progress) -> dict[str, Any]:
        raise NotImplementedError

    @staticmethod
    def load_styled(context, gpkg: str, layer_names: tuple[str, ...], label: str) -> None:
        """Add GeoPackage layers to the project when the algorithm finishes, styled with the
        plugin's result QML (the same look as after a run from the dock)."""
        if context.project() is None:
            return
        for name in layer_names:
            details = QgsProcessingContext.LayerDetails(f"{label}: {name}", context.project(), name)
            post = _StylePostProcessor(name)
            _KEEP_ALIVE.append(post)      # QGIS does not take ownership of post-processors
            del _KEEP_ALIVE[:-64]
            details.setPostProcessor(post)
            context.addLayerToLoadOnCompletion(f"{gpkg}|layername={name}", details)


_KEEP_ALIVE: list = []


class _StylePostProcessor(QgsProcessingLayerPostProcessorInterface):
    def __init__(self, layer_name: str):
        super().__init__()
        self.layer_name = layer_name

    def postProcessLayer(self, layer, context, feedback) -> None:  # noqa: N802 - QGIS API
        from ...services.layers import style_path

        qml = style_path("results", self.layer_name, layer.geometryType())
        if qml is not None:
            layer.loadNamedStyle(str(qml))
            layer.triggerRepaint()
