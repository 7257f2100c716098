"""The GridGov Processing provider: one class per algorithm, registered here (QuickOSM style)."""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms.circles import ServiceCirclesAlgorithm
from .algorithms.compare import CompareAlgorithm
from .algorithms.score import ScoreAlgorithm
from .algorithms.simulate import SimulateAlgorithm
from .algorithms.validate import ValidateAlgorithm

ALGORITHMS = (ValidateAlgorithm, ServiceCirclesAlgorithm, SimulateAlgorithm, ScoreAlgorithm, CompareAlgorithm)
ICON = Path(__file__).resolve().parents[2] / "resources" / "icons" / "gridgov.svg"


class GridGovProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "gridgov"

    def name(self) -> str:
        return "GridGov"

    def longName(self) -> str:  # noqa: N802 - QGIS API
        return "GridGov grid governance 网格化治理"

    def icon(self) -> QIcon:
        return QIcon(str(ICON))

    def loadAlgorithms(self) -> None:  # noqa: N802
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())
