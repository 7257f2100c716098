"""The GridGov Processing provider: one class per algorithm, registered here (QuickOSM style)."""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .algorithms.circles import ServiceCirclesAlgorithm
from .algorithms.compare import CompareAlgorithm
from .algorithms.import_ import ImportAlgorithm
from .algorithms.score import ScoreAlgorithm
from .algorithms.simulate import SimulateAlgorithm
from .algorithms.validate import ValidateAlgorithm

ALGORITHMS = (ValidateAlgorithm, ServiceCirclesAlgorithm, SimulateAlgorithm, ScoreAlgorithm, CompareAlgorithm,
              ImportAlgorithm)
ICON = Path(__file__).resolve().parents[2] / "resources" / "icons" / "gridgov.svg"


def _tr(text: str) -> str:
    return QCoreApplication.translate("GridGovProcessing", text)


class GridGovProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "gridgov"

    def name(self) -> str:
        return "GridGov"

    def longName(self) -> str:  # noqa: N802 - QGIS API
        return _tr("GridGov grid governance")

    def icon(self) -> QIcon:
        return QIcon(str(ICON))

    def loadAlgorithms(self) -> None:  # noqa: N802
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())
