"""Split tool: click points of a line across a grid, right-click (or Enter) to split."""
from __future__ import annotations

from qgis.core import QgsPointXY, QgsVectorLayer, QgsWkbTypes
from qgis.gui import QgsMapCanvas, QgsMapMouseEvent, QgsMapTool, QgsRubberBand
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor

from .edits import EditError, split_grids


class SplitTool(QgsMapTool):
    """Draw a polyline (snapped when snapping is on); finishing it splits the grids it crosses."""

    edited = pyqtSignal(str)   # message for the status line
    failed = pyqtSignal(str)

    def __init__(self, canvas: QgsMapCanvas, layer: QgsVectorLayer):
        super().__init__(canvas)
        self.layer = layer
        self.points: list[QgsPointXY] = []
        self.band = QgsRubberBand(canvas, QgsWkbTypes.LineGeometry)
        self.band.setColor(QColor(220, 30, 30))
        self.band.setWidth(2)
        self.setCursor(Qt.CrossCursor)

    def canvasPressEvent(self, e: QgsMapMouseEvent) -> None:  # noqa: N802 - Qt API
        if e.button() == Qt.LeftButton:
            self.points.append(QgsPointXY(e.snapPoint()))
            self.band.addPoint(self.points[-1])  # the band draws in canvas coordinates
        elif e.button() == Qt.RightButton:
            self.finish()

    def canvasMoveEvent(self, e: QgsMapMouseEvent) -> None:  # noqa: N802
        if self.points:
            self.band.setToGeometry(_line(self.points + [QgsPointXY(e.snapPoint())]), None)

    def keyPressEvent(self, e) -> None:  # noqa: N802
        if e.key() == Qt.Key_Escape:
            self.reset()
        elif e.key() in (Qt.Key_Return, Qt.Key_Enter):
            self.finish()

    def finish(self) -> None:
        points, self.points = self.points, []
        self.band.reset(QgsWkbTypes.LineGeometry)
        try:
            new = split_grids(self.layer, [self.toLayerCoordinates(self.layer, p) for p in points], topological=True)
        except EditError as exc:
            self.failed.emit(str(exc))
            return
        self.edited.emit(self.tr("Split: {0} new grid(s)").format(len(new)))
        self.canvas().refresh()

    def reset(self) -> None:
        self.points = []
        self.band.reset(QgsWkbTypes.LineGeometry)

    def deactivate(self) -> None:
        self.reset()
        super().deactivate()


def _line(points):
    from qgis.core import QgsGeometry

    return QgsGeometry.fromPolylineXY(points)
