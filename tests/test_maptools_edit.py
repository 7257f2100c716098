"""Map tools driven by synthesised canvas mouse events: the layer changes and undo/redo."""
from __future__ import annotations

import pytest
from qgis.core import QgsPointXY, QgsProject
from qgis.PyQt.QtCore import Qt

from gridgov.plugin.maptools.edits import EditError, merge_grids, split_grids
from gridgov.plugin.maptools.facility_tool import FacilityTool
from gridgov.plugin.maptools.merge_action import merge_selected
from gridgov.plugin.maptools.paint_tool import PaintTool
from gridgov.plugin.maptools.split_tool import SplitTool
from gridgov.plugin.maptools.vertex import enable_topological_editing, move_shared_vertex
from test_maptools_common import canvas  # noqa: F401 - fixture
from test_maptools_common import areas, attr, facilities_layer, grids_layer, mouse, setup_canvas, units_layer


@pytest.fixture
def layers(qgis_new_project, canvas):
    g, u, f = grids_layer(), units_layer(), facilities_layer()
    setup_canvas(canvas, [g, u, f])
    for lyr in (g, u, f):
        lyr.startEditing()
    yield g, u, f
    for lyr in (g, u, f):
        lyr.rollBack()
    QgsProject.instance().removeAllMapLayers()


def test_split_tool_splits_under_the_drawn_line_and_undoes(layers, canvas):
    grids = layers[0]
    tool = SplitTool(canvas, grids)
    canvas.setMapTool(tool)
    done = []
    tool.edited.connect(done.append)
    tool.canvasPressEvent(mouse(canvas, "press", 100, -20))
    tool.canvasMoveEvent(mouse(canvas, "move", 100, 100))
    tool.canvasPressEvent(mouse(canvas, "press", 100, 210))
    tool.canvasPressEvent(mouse(canvas, "press", 100, 210, button=Qt.RightButton))
    a = areas(grids)
    assert done and len(a) == 5
    assert a["G1"] == pytest.approx(20000.0) and a["G1-2"] == pytest.approx(20000.0)
    assert a["G2"] == pytest.approx(40000.0)
    stack = grids.undoStack()
    stack.undo()
    assert areas(grids) == {f"G{k}": 40000.0 for k in range(1, 5)}
    stack.redo()
    assert len(areas(grids)) == 5
    canvas.unsetMapTool(tool)


def test_split_that_misses_is_an_error_not_an_undo_entry(layers):
    grids = layers[0]
    n = grids.undoStack().count()
    with pytest.raises(EditError, match="does not split"):
        split_grids(grids, [QgsPointXY(500, 500), QgsPointXY(600, 600)])
    with pytest.raises(EditError, match="two points"):
        split_grids(grids, [QgsPointXY(0, 0)])
    assert grids.undoStack().count() == n


def test_merge_keeps_chosen_attributes(layers):
    grids = layers[0]
    ids = {str(f["id"]): f.id() for f in grids.getFeatures()}
    grids.selectByIds([ids["G1"], ids["G2"]])
    kept = merge_selected(grids, keep_id="G2")
    a = areas(grids)
    assert kept == ids["G2"] and a == {"G2": 80000.0, "G3": 40000.0, "G4": 40000.0}
    grids.undoStack().undo()
    assert len(areas(grids)) == 4
    with pytest.raises(EditError, match="at least two"):
        merge_grids(grids, [ids["G1"]])
    grids.selectByIds([ids["G1"], ids["G2"]])
    with pytest.raises(EditError, match="not among"):
        merge_selected(grids, keep_id="G4")


def test_paint_stroke_is_one_undo_step(layers, canvas):
    grids, units = layers[0], layers[1]
    tool = PaintTool(canvas, units, grids, radius_px=10)  # 12.5 m brush
    canvas.setMapTool(tool)
    targets = []
    tool.targetChanged.connect(targets.append)
    tool.canvasPressEvent(mouse(canvas, "press", 300, 100, modifiers=Qt.ShiftModifier))
    assert targets == ["G2"]
    # stroke along y=175 from x=25 to x=175: the 4 units of G1's top row
    tool.canvasPressEvent(mouse(canvas, "press", 25, 175))
    for x in range(25, 176, 10):
        tool.canvasMoveEvent(mouse(canvas, "move", x, 175, buttons=Qt.LeftButton))
    tool.canvasReleaseEvent(mouse(canvas, "release", 175, 175))
    g = attr(units, "grid_id")
    assert [g[f"U{k}"] for k in range(24, 28)] == ["G2"] * 4
    assert list(g.values()).count("G2") == 20
    units.undoStack().undo()
    assert list(attr(units, "grid_id").values()).count("G2") == 16
    # a micro-grid inside G1: Ctrl+Shift+click targets it and painting writes micro_id
    from qgis.core import QgsFeature, QgsGeometry, QgsRectangle

    m = QgsFeature(grids.fields())
    m.setAttributes(["M1", "micro", "M1"])
    m.setGeometry(QgsGeometry.fromRect(QgsRectangle(0, 0, 100, 100)))
    grids.addFeature(m)
    tool.canvasPressEvent(mouse(canvas, "press", 50, 50, modifiers=Qt.ShiftModifier | Qt.ControlModifier))
    assert (tool.target, tool.field) == ("M1", "micro_id")
    tool.canvasPressEvent(mouse(canvas, "press", 25, 25))
    tool.canvasReleaseEvent(mouse(canvas, "release", 25, 25))
    assert attr(units, "micro_id")["U0"] == "M1" and attr(units, "grid_id")["U0"] == "G1"
    tool.canvasPressEvent(mouse(canvas, "press", 50, 50, modifiers=Qt.ShiftModifier))
    assert (tool.target, tool.field) == ("G1", "grid_id")
    canvas.unsetMapTool(tool)


def test_facility_place_move_delete(layers, canvas):
    fac = layers[2]
    tool = FacilityTool(canvas, fac, kind="clinic", mode="place")
    tool.canvasPressEvent(mouse(canvas, "press", 100, 100))
    types = attr(fac, "type")
    assert types["clinic-2"] == "clinic"
    tool.set_mode("move")
    tool.canvasPressEvent(mouse(canvas, "press", 301, 299))
    tool.canvasReleaseEvent(mouse(canvas, "release", 50, 50))
    pos = {str(f["id"]): f.geometry().asPoint() for f in fac.getFeatures()}
    assert abs(pos["S1"].x() - 50) < 1 and abs(pos["S1"].y() - 50) < 1
    tool.set_mode("delete")
    tool.canvasPressEvent(mouse(canvas, "press", 100, 100))
    assert "clinic-2" not in attr(fac, "type")
    failed = []
    tool.failed.connect(failed.append)
    tool.canvasPressEvent(mouse(canvas, "press", 420, 420))
    assert failed and "No facility" in failed[0]
    stack = fac.undoStack()
    stack.undo()
    stack.undo()
    assert "clinic-2" in attr(fac, "type")
    assert fac.getFeature(next(f.id() for f in fac.getFeatures() if f["id"] == "S1")).geometry().asPoint().x() == 300


def test_shared_vertex_moves_in_both_grids(layers):
    grids = layers[0]
    config = enable_topological_editing(grids)
    assert QgsProject.instance().topologicalEditing() and config.enabled()
    moved = move_shared_vertex(grids, QgsPointXY(200, 200), QgsPointXY(150, 150))
    assert len(moved) == 4
    a = areas(grids)
    assert sum(a.values()) == pytest.approx(160000.0)
    assert a["G1"] == pytest.approx(40000 - 2 * 0.5 * 200 * 50)
    grids.undoStack().undo()
    assert areas(grids)["G1"] == pytest.approx(40000.0)
