"""Paint tool: drag over residential units to put them into the target grid.

Shift+click picks the target grid under the cursor (Ctrl+Shift+click: the micro-grid, whose
units then get their ``micro_id`` painted).  One stroke (press → drag → release) is
one edit command, so one Ctrl+Z undoes the whole stroke.  Grid polygons do not follow the
painted units: the validation list reports units lying outside their grid, and the planner
moves the shared boundary with the vertex tool (documented choice, see docs).
"""
from __future__ import annotations

from qgis.core import QgsGeometry, QgsPointXY, QgsVectorLayer, QgsWkbTypes
from qgis.gui import QgsMapCanvas, QgsMapMouseEvent, QgsMapTool, QgsRubberBand
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor

from .edits import EditError, feature_at, paint_units, units_near


class PaintTool(QgsMapTool):
    targetChanged = pyqtSignal(str)   # noqa: N815 - Qt naming
    edited = pyqtSignal(str)
    failed = pyqtSignal(str)

    def __init__(self, canvas: QgsMapCanvas, units: QgsVectorLayer, grids: QgsVectorLayer,
                 radius_px: float = 12.0):
        super().__init__(canvas)
        self.units = units
        self.grids = grids
        self.radius_px = radius_px
        self.target = ""
        self.field = "grid_id"
        self._stroke: list[int] | None = None
        self.brush = QgsRubberBand(canvas, QgsWkbTypes.PolygonGeometry)
        self.brush.setColor(QColor(30, 120, 220, 80))
        self.setCursor(Qt.PointingHandCursor)

    def set_target(self, grid_id: str, level: str = "general") -> None:
        """Grid to paint into; a micro-grid target writes ``micro_id`` instead of ``grid_id``."""
        self.target = grid_id
        self.field = "micro_id" if level == "micro" else "grid_id"
        self.show_target()
        self.targetChanged.emit(grid_id)

    def show_target(self) -> None:
        """Select the target grid's units, so the planner sees what the grid holds."""
        if self.units.fields().indexOf(self.field) >= 0 and self.target:
            quoted = self.target.replace("'", "''")
            self.units.selectByExpression(f"\"{self.field}\" = '{quoted}'")

    def radius(self) -> float:
        """Brush radius in canvas map units."""
        return self.radius_px * self.canvas().mapUnitsPerPixel()

    def _layer_point_radius(self, point: QgsPointXY) -> tuple[QgsPointXY, float]:
        """The brush centre and radius in the units layer's CRS."""
        centre = self.toLayerCoordinates(self.units, point)
        edge = self.toLayerCoordinates(self.units, QgsPointXY(point.x() + self.radius(), point.y()))
        return centre, centre.distance(edge)

    def canvasPressEvent(self, e: QgsMapMouseEvent) -> None:  # noqa: N802
        if e.button() != Qt.LeftButton:
            return
        point = QgsPointXY(e.mapPoint())
        if e.modifiers() & Qt.ShiftModifier:
            micro = bool(e.modifiers() & Qt.ControlModifier)
            f = feature_at(self.grids, self.toLayerCoordinates(self.grids, point), micro=micro)
            if f is None:
                self.failed.emit(self.tr("No grid under the cursor"))
            else:
                level = f["level"] if self.grids.fields().indexOf("level") >= 0 else "general"
                self.set_target(str(f["id"]), str(level or "general"))
            return
        if not self.target:
            self.failed.emit(self.tr("Pick the target grid first (Shift+click on it)"))
            return
        if not self.units.isEditable() and not self.units.startEditing():
            self.failed.emit(self.tr("The units layer cannot be edited"))
            return
        self.units.beginEditCommand(self.tr("Paint units into {0}").format(self.target))
        self._stroke = []
        self._paint(point)

    def canvasMoveEvent(self, e: QgsMapMouseEvent) -> None:  # noqa: N802
        point = QgsPointXY(e.mapPoint())
        self.brush.setToGeometry(QgsGeometry.fromPointXY(point).buffer(self.radius(), 12), None)
        if self._stroke is not None:
            self._paint(point)

    def canvasReleaseEvent(self, e: QgsMapMouseEvent) -> None:  # noqa: N802
        if self._stroke is None or e.button() != Qt.LeftButton:
            return
        stroke, self._stroke = self._stroke, None
        if stroke:
            self.units.endEditCommand()
            self.show_target()
            self.edited.emit(self.tr("Painted {0} unit(s) into {1}").format(len(stroke), self.target))
        else:
            self.units.destroyEditCommand()
        self.canvas().refresh()

    def _paint(self, point: QgsPointXY) -> None:
        try:
            centre, radius = self._layer_point_radius(point)
            self._stroke += paint_units(self.units, units_near(self.units, centre, radius), self.target, self.field)
        except EditError as exc:
            self.failed.emit(str(exc))

    def deactivate(self) -> None:
        if self._stroke is not None:
            self.units.endEditCommand() if self._stroke else self.units.destroyEditCommand()
            self._stroke = None
        self.brush.reset(QgsWkbTypes.PolygonGeometry)
        super().deactivate()
