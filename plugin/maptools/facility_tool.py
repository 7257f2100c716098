"""Facility tool: place (click), move (drag) or delete (click) facilities of a chosen type."""
from __future__ import annotations

from qgis.core import QgsPointXY, QgsVectorLayer
from qgis.gui import QgsMapCanvas, QgsMapMouseEvent, QgsMapTool
from qgis.PyQt.QtCore import Qt, pyqtSignal

from .edits import EditError, delete_facility, move_facility, nearest_feature, place_facility

MODES = ("place", "move", "delete")


class FacilityTool(QgsMapTool):
    edited = pyqtSignal(str)
    failed = pyqtSignal(str)

    def __init__(self, canvas: QgsMapCanvas, layer: QgsVectorLayer, kind: str = "grid_station",
                 mode: str = "place", pick_px: float = 10.0):
        super().__init__(canvas)
        self.layer = layer
        self.kind = kind
        self.mode = mode
        self.pick_px = pick_px
        self._dragging: int | None = None
        self.setCursor(Qt.CrossCursor)

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode = mode

    def _pick(self, point: QgsPointXY) -> int | None:
        """Facility within ``pick_px`` pixels of ``point`` (canvas coordinates)."""
        centre = self.toLayerCoordinates(self.layer, point)
        edge = self.toLayerCoordinates(
            self.layer, QgsPointXY(point.x() + self.pick_px * self.canvas().mapUnitsPerPixel(), point.y()))
        return nearest_feature(self.layer, centre, centre.distance(edge))

    def canvasPressEvent(self, e: QgsMapMouseEvent) -> None:  # noqa: N802
        if e.button() != Qt.LeftButton:
            return
        point = QgsPointXY(e.snapPoint())
        try:
            if self.mode == "place":
                place_facility(self.layer, self.toLayerCoordinates(self.layer, point), self.kind)
                self.edited.emit(self.tr("Placed a facility"))
            elif self.mode == "delete":
                fid = self._pick(point)
                if fid is None:
                    raise EditError(self.tr("No facility under the cursor"))
                delete_facility(self.layer, fid)
                self.edited.emit(self.tr("Deleted a facility"))
            else:
                self._dragging = self._pick(point)
                if self._dragging is None:
                    raise EditError(self.tr("No facility under the cursor"))
        except EditError as exc:
            self.failed.emit(str(exc))
        self.canvas().refresh()

    def canvasReleaseEvent(self, e: QgsMapMouseEvent) -> None:  # noqa: N802
        if self._dragging is None or e.button() != Qt.LeftButton:
            return
        fid, self._dragging = self._dragging, None
        try:
            move_facility(self.layer, fid, self.toLayerCoordinates(self.layer, QgsPointXY(e.snapPoint())))
            self.edited.emit(self.tr("Moved a facility"))
        except EditError as exc:
            self.failed.emit(str(exc))
        self.canvas().refresh()
