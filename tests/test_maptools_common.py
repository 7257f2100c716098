"""Shared helpers of the map-tool tests: synthetic memory layers and synthesised mouse events.

(No tests here; the other test_maptools_*/test_edit_panel modules import it.)
"""
from __future__ import annotations

import time

import pytest
from qgis.core import (QgsApplication, QgsCoordinateReferenceSystem, QgsFeature, QgsGeometry, QgsPointXY, QgsProject,
                       QgsRectangle, QgsVectorLayer)
from qgis.gui import QgsMapCanvas, QgsMapMouseEvent
from qgis.PyQt.QtCore import QEvent, QPoint, QSize, Qt

CRS = "EPSG:32648"
CELL = 200.0      # four 200 m square grids G1..G4 covering [0, 400]²
STEP = 50.0       # a unit every 50 m: 16 units per grid, 10 households each


def grids_layer() -> QgsVectorLayer:
    layer = QgsVectorLayer(f"Polygon?crs={CRS}&field=id:string&field=level:string&field=name:string",
                           "grids", "memory")
    feats = []
    for r in range(2):
        for c in range(2):
            f = QgsFeature(layer.fields())
            gid = f"G{r * 2 + c + 1}"
            f.setAttributes([gid, "general", gid])
            f.setGeometry(QgsGeometry.fromRect(QgsRectangle(c * CELL, r * CELL, (c + 1) * CELL, (r + 1) * CELL)))
            feats.append(f)
    layer.dataProvider().addFeatures(feats)
    return layer


def units_layer() -> QgsVectorLayer:
    layer = QgsVectorLayer(f"Point?crs={CRS}&field=id:string&field=households:integer&field=residents:integer"
                           "&field=grid_id:string&field=micro_id:string", "units", "memory")
    feats, k = [], 0
    for j in range(8):
        for i in range(8):
            x, y = STEP / 2 + i * STEP, STEP / 2 + j * STEP
            f = QgsFeature(layer.fields())
            f.setAttributes([f"U{k}", 10, 25, f"G{int(y // CELL) * 2 + int(x // CELL) + 1}", ""])
            f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x, y)))
            feats.append(f)
            k += 1
    layer.dataProvider().addFeatures(feats)
    return layer


def facilities_layer() -> QgsVectorLayer:
    layer = QgsVectorLayer(f"Point?crs={CRS}&field=id:string&field=type:string&field=name:string"
                           "&field=capacity:double&field=staff:integer&field=grid_id:string", "facilities", "memory")
    f = QgsFeature(layer.fields())
    f.setAttributes(["S1", "grid_station", "station", None, 2, ""])
    f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(300, 300)))
    c = QgsFeature(layer.fields())
    c.setAttributes(["F1", "clinic", "clinic", None, 0, ""])
    c.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(0, 0)))
    layer.dataProvider().addFeatures([f, c])
    return layer


def make_canvas() -> QgsMapCanvas:
    """A shown 400×400 px canvas (a hidden one never learns its size on the offscreen platform)."""
    canvas = QgsMapCanvas()
    canvas.setFrameStyle(0)
    canvas.resize(400, 400)
    canvas.show()
    end = time.monotonic() + 5.0
    while canvas.mapSettings().outputSize() != QSize(400, 400) and time.monotonic() < end:
        QgsApplication.processEvents()
        time.sleep(0.01)
    assert canvas.mapSettings().outputSize() == QSize(400, 400)
    return canvas


@pytest.fixture(scope="module")
def canvas(qgis_app):
    """A module-wide canvas for the map-tool tests (import this fixture by name)."""
    c = make_canvas()
    yield c
    c.close()
    c.deleteLater()


def setup_canvas(canvas: QgsMapCanvas, layers) -> None:
    """Show ``layers`` on [-50, 450]² (1.25 m per pixel)."""
    QgsProject.instance().addMapLayers(layers)
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem(CRS))
    canvas.setLayers(layers)
    canvas.setExtent(QgsRectangle(-50, -50, 450, 450))


def pixel(canvas: QgsMapCanvas, x: float, y: float) -> QPoint:
    p = canvas.getCoordinateTransform().transform(x, y)
    return QPoint(round(p.x()), round(p.y()))


def mouse(canvas, kind, x, y, button=Qt.LeftButton, buttons=None, modifiers=Qt.NoModifier) -> QgsMapMouseEvent:
    """A map mouse event at map coordinates (x, y) (press, move or release)."""
    qtype = {"press": QEvent.MouseButtonPress, "move": QEvent.MouseMove, "release": QEvent.MouseButtonRelease}[kind]
    if buttons is None:
        buttons = Qt.NoButton if kind == "release" else button
    btn = Qt.NoButton if kind == "move" else button
    return QgsMapMouseEvent(canvas, qtype, pixel(canvas, x, y), btn, buttons, modifiers)


def attr(layer: QgsVectorLayer, field: str) -> dict[str, object]:
    """id → value of one field over the layer's current (edited) features."""
    return {str(f["id"]): f[field] for f in layer.getFeatures()}


def areas(layer: QgsVectorLayer) -> dict[str, float]:
    return {str(f["id"]): round(f.geometry().area(), 3) for f in layer.getFeatures()}
