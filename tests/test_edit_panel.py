"""The Edit tab (EditPanel widget + EditController): tools driven by canvas events update the live
table; undo; validation; save."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsRectangle
from qgis.PyQt.QtCore import Qt

from gridgov.engine.scenario import load_scenario
from gridgov.plugin.controllers.edit_controller import EditController
from gridgov.plugin.gui.edit_panel import EditPanel, cell_text
from test_live_stats import scenario_of, synth
from test_maptools_common import canvas  # noqa: F401 - fixture
from test_maptools_common import attr, facilities_layer, grids_layer, mouse, setup_canvas, units_layer

ROOT = Path(__file__).resolve().parents[1]


class StubIface:
    """The part of QgisInterface the panel uses."""

    def __init__(self, canvas):
        self.canvas = canvas
        self.active = None

    def mapCanvas(self):  # noqa: N802
        return self.canvas

    def setActiveLayer(self, layer):  # noqa: N802
        self.active = layer


def edit_tab(iface, state=None, window=None) -> EditController:
    """The Edit tab as the dock builds it: the widget and its controller."""
    return EditController(iface, EditPanel(window), state)


@pytest.fixture
def panel(qgis_new_project, canvas):
    g, u, f = grids_layer(), units_layer(), facilities_layer()
    setup_canvas(canvas, [g, u, f])
    p = edit_tab(StubIface(canvas))
    p.attach(g, u, f, scenario=scenario_of(*synth()))
    yield p, g, u, f
    p.shutdown()
    for lyr in (g, u, f):
        if lyr.isEditable():
            lyr.rollBack()
    QgsProject.instance().removeAllMapLayers()


def wait_findings(p: EditController, timeout: float = 30.0) -> None:
    import time

    from qgis.PyQt.QtCore import QCoreApplication

    end = time.monotonic() + timeout
    while p.findings_pending and time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.005)
    assert not p.findings_pending, "validation task did not finish"


def wait_attached(p: EditController, timeout: float = 60.0) -> None:
    """An opened scenario's live statistics are prepared in a background task: wait for it."""
    import time

    from qgis.PyQt.QtCore import QCoreApplication

    end = time.monotonic() + timeout
    while p.attaching and time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.005)
    assert not p.attaching, "live statistics were not prepared"


def texts(p: EditController) -> list[str]:
    shown = p.panel.findings_list
    return [shown.item(i).text() for i in range(shown.count())]


def rows(p: EditController) -> dict[str, list[str]]:
    w = p.panel
    return {w.cell(r, 0): [w.cell(r, c) for c in range(1, w.table.columnCount())] for r in range(w.table.rowCount())}


def test_cell_text():
    assert cell_text(313.0, -175.0, "{:.0f}") == "313 (−175)"
    assert cell_text(0.5, 0.25, "{:.0%}") == "50% (+25%)"
    assert cell_text(10.0, None, "{:.0f}").startswith("10 (")
    assert cell_text(float("nan"), 0.0, "{:.0f}") == "–"


def test_split_through_panel_updates_table_and_undo_restores(panel, canvas):
    p, g, u, _ = panel
    p.panel.actions["split"].trigger()               # the button → the controller → the map tool
    tool = p.tools["split"]
    assert canvas.mapTool() is tool and g.isEditable()
    tool.canvasPressEvent(mouse(canvas, "press", 100, -20))
    tool.canvasPressEvent(mouse(canvas, "press", 100, 210))
    tool.canvasPressEvent(mouse(canvas, "press", 100, 210, button=Qt.RightButton))
    p.adapter.flush()
    t = rows(p)
    assert t["G1"][0] == "80 (−80)" and t["G1-2"][0].startswith("80 (")
    assert t["G1"][-1].startswith("✗")               # 80 households: below the 160 minimum
    assert t["G1"][5] != "–"                         # coverage is there (circles on the street lattice)
    p.refresh_findings()                             # a background task: the GUI thread is free
    assert p.findings_pending
    wait_findings(p)
    items = texts(p)
    assert any("G1-2" in s and "norm" in s for s in items)
    p.panel.findings_list.itemClicked.emit(p.panel.findings_list.item(0))    # zooms to it
    assert canvas.extent().width() < 500
    p.panel.actions["undo"].trigger()
    p.adapter.flush()
    assert rows(p)["G1"][0] == "160"
    p.panel.actions["redo"].trigger()
    p.adapter.flush()
    assert rows(p)["G1"][0] == "80 (−80)"


def test_paint_and_selection_rows(panel, canvas):
    p, g, u, _ = panel
    tool = p.use_paint()
    tool.canvasPressEvent(mouse(canvas, "press", 300, 100, modifiers=Qt.ShiftModifier))
    assert "G2" in p.panel.target_label.text()
    tool.canvasPressEvent(mouse(canvas, "press", 25, 175))
    tool.canvasMoveEvent(mouse(canvas, "move", 75, 175, buttons=Qt.LeftButton))
    tool.canvasReleaseEvent(mouse(canvas, "release", 75, 175))
    p.adapter.flush()
    t = rows(p)
    assert t["G2"][0] == "180 (+20)" and t["G1"][0] == "140 (−20)"
    g.selectByIds([next(f.id() for f in g.getFeatures() if f["id"] == "G4")])
    assert list(rows(p))[0] == "G4"
    p.undo()
    p.adapter.flush()
    assert rows(p)["G2"][0] == "160"


def test_merge_facility_and_save(panel, canvas, tmp_path):
    p, g, u, f = panel
    g.selectByIds([x.id() for x in g.getFeatures() if x["id"] in ("G1", "G2")])
    p.merge_selected("G2")
    p.adapter.flush()
    assert rows(p)["G2"][0] == "320 (+160)"
    tool = p.use_facility()
    p.panel.fac_type.setCurrentIndex(p.panel.fac_type.findData("clinic"))
    tool.canvasPressEvent(mouse(canvas, "press", 390, 390))
    p.adapter.flush()
    assert "clinic-2" in attr(f, "type")
    out = p.save_as(tmp_path / "merged")
    scn = load_scenario(out)
    assert sorted(scn.grids.id) == ["G2", "G3", "G4"]
    assert int(scn.units.households[scn.units.grid_id == "G2"].sum()) == 320
    assert "clinic" in set(scn.facilities.type) and len(scn.facilities) == 3
    assert rows(p)["G2"][0] == "320"                # saved layout is the new baseline
    with pytest.raises(Exception, match="exists"):
        p.save_as(tmp_path / "merged")


def test_sample_split_and_save_leaves_original(qgis_new_project, canvas, sample_copy, tmp_path):
    from gridgov.plugin.services.layers import load_scenario_layers

    from gridgov.plugin.services.state import ScenarioState

    loaded = load_scenario_layers(sample_copy)
    layers = {lyr.customProperty("gridgov/source").split(":", 1)[1]: lyr for lyr in loaded}
    scn = load_scenario(sample_copy)
    state = ScenarioState()
    p = edit_tab(StubIface(canvas), state)
    state.set_scenario(sample_copy, loaded, [])     # the dock opens a scenario → the panel binds
    assert p.attaching and p.adapter is None         # prepared off the GUI thread
    wait_attached(p)
    assert p.adapter is not None and p.adapter.grids is layers["grids"]
    grids = layers["grids"]
    k = int(np.flatnonzero(scn.grids.level == "general")[5])
    gid = scn.grids.id[k]
    feat = next(f for f in grids.getFeatures() if f["id"] == gid)
    box = feat.geometry().boundingBox()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4326"))
    canvas.setLayers(list(layers.values()))
    pad = box.width() * 0.3
    canvas.setExtent(QgsRectangle(box.xMinimum() - pad, box.yMinimum() - pad, box.xMaximum() + pad,
                                  box.yMaximum() + pad))
    grids.selectByIds([feat.id()])               # split only this grid (not its micro-grids)
    tool = p.use_split()
    xm = box.center().x()
    tool.canvasPressEvent(mouse(canvas, "press", xm, box.yMinimum() - pad / 2))
    tool.canvasPressEvent(mouse(canvas, "press", xm, box.yMaximum() + pad / 2))
    tool.finish()
    up = p.adapter.flush()
    new = [g for g in up["touched"] if g.startswith(gid + "-")]
    assert new and up["elapsed_ms"] < 200
    a, b = up["stats"][gid]["households"], up["stats"][new[0]]["households"]
    assert a + b == pytest.approx(p.adapter.live.baseline[gid]["households"])
    old_ids = {name: lyr.id() for name, lyr in layers.items()}
    out = p.save_as(tmp_path / "wuhou_split")
    wait_attached(p)
    assert len(load_scenario(out).grids) == len(scn.grids) + 1
    original = load_scenario(sample_copy)        # the edit buffer was never committed
    assert len(original.grids) == len(scn.grids) and original.grids.geometry[k].equals(scn.grids.geometry[k])
    # the project moved to the saved scenario: nothing left to "Save Layer Edits" onto the original
    project = QgsProject.instance()
    assert all(project.mapLayer(i) is None for i in old_ids.values())
    assert not any(str(sample_copy) in lyr.source() for lyr in project.mapLayers().values())
    assert state.scenario_dir == out and p.adapter is not None and p.adapter.grids is state.layer("grids")
    assert str(out / "layers.gpkg") in state.layer("grids").source() and not state.layer("grids").isEditable()
    assert state.layer("grids").featureCount() == len(scn.grids) + 1
    assert new[0] in p.adapter.live.baseline and not p.adapter.edited     # live stats re-attached
    p.shutdown()
    project.removeAllMapLayers()


def test_zh_translation_is_complete_and_loads(qgis_app, tmp_path):
    import shutil
    import subprocess
    import sys

    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    from gridgov.plugin.gui.edit_panel import _tr

    sys.path.insert(0, str(ROOT / "resources" / "i18n"))
    import update_ts

    found = update_ts.extract()
    known = update_ts.read_ts(update_ts.TS)
    missing = [(c, t) for c, v in found.items() for t in v if (c, t) not in known]
    assert not missing, f"untranslated strings (run resources/i18n/update_ts.py): {missing[:5]}"
    lrelease = shutil.which("lrelease") or "/usr/lib/qt5/bin/lrelease"
    if not Path(lrelease).exists():
        pytest.skip("lrelease not installed")
    qm = tmp_path / "gridgov_zh_CN.qm"
    subprocess.run([lrelease, "-silent", str(update_ts.TS), "-qm", str(qm)], check=True)
    tr = QTranslator()
    assert tr.load(str(qm))
    QCoreApplication.installTranslator(tr)
    try:
        assert _tr("Split") == "拆分"
        assert QCoreApplication.translate("GridGovEdits", "Split grid") == "拆分网格"
    finally:
        QCoreApplication.removeTranslator(tr)
    assert _tr("Split") == "Split"


def test_shortcuts_live_on_the_main_window(qgis_new_project, canvas):
    from qgis.PyQt.QtWidgets import QMainWindow

    window = QMainWindow()

    class WindowIface(StubIface):
        def mainWindow(self):  # noqa: N802
            return window

    g, u, f = grids_layer(), units_layer(), facilities_layer()
    setup_canvas(canvas, [g, u, f])
    p = edit_tab(WindowIface(canvas), window=window)
    keys = {a.objectName(): a.shortcut().toString() for a in window.actions()}
    assert keys["gridgovEdit_split"] == "Ctrl+Alt+S" and keys["gridgovEdit_paint"] == "Ctrl+Alt+P"
    p.attach(g, u, f)
    next(a for a in window.actions() if a.objectName() == "gridgovEdit_split").trigger()
    assert canvas.mapTool() is p.tools["split"]
    p.shutdown()
    assert not window.actions()
    for lyr in (g, u, f):
        lyr.rollBack()
    QgsProject.instance().removeAllMapLayers()


def test_save_as_moves_the_dock_to_the_saved_scenario(qgis_iface, qgis_new_project, sample_copy, tmp_path):
    """Through the dock: the Scenario tab opens the saved folder, the original keeps its data."""
    from gridgov.plugin.controllers.dock_controller import DockController

    dock = DockController(qgis_iface)
    try:
        dock.scenario.open_scenario(str(sample_copy))
        p, state = dock.edit, dock.state
        wait_attached(p)
        assert state.scenario_dir == sample_copy and p.adapter is not None
        units = state.layer("units")
        feat = next(units.getFeatures())
        old_grid = feat["grid_id"]
        other = next(f["grid_id"] for f in units.getFeatures() if f["grid_id"] != old_grid)
        units.startEditing()
        units.changeAttributeValue(feat.id(), units.fields().indexOf("grid_id"), other)
        p.adapter.flush()
        assert units.isModified()
        out = p.save_as(tmp_path / "moved")
        wait_attached(p)
        assert state.scenario_dir == out
        shown = dock.dock.scenario_panel
        assert shown.folder.filePath() == str(out) and "moved" in shown.info.text()
        saved = load_scenario(out)
        assert saved.units.grid_id[list(saved.units.id).index(feat["id"])] == other
        original = load_scenario(sample_copy)
        assert original.units.grid_id[list(original.units.id).index(feat["id"])] == old_grid
        project = QgsProject.instance()
        assert project.layerTreeRoot().findGroup(f"GridGov: {sample_copy.name}") is None
        assert project.layerTreeRoot().findGroup("GridGov: moved") is not None
        assert not any(lyr.isEditable() for lyr in project.mapLayers().values())
        assert p.adapter is not None and p.adapter.units is state.layer("units") and not p.adapter.edited
    finally:
        dock.shutdown()
        dock.dock.deleteLater()
        QgsProject.instance().removeAllMapLayers()


def test_save_over_the_open_scenario_reopens_it(qgis_iface, qgis_new_project, sample_copy):
    """Overwrite chosen explicitly: the folder gets the edits and is re-opened from disk."""
    from gridgov.plugin.controllers.dock_controller import DockController

    dock = DockController(qgis_iface)
    try:
        dock.scenario.open_scenario(str(sample_copy))
        p, state = dock.edit, dock.state
        wait_attached(p)
        units = state.layer("units")
        feat = next(units.getFeatures())
        other = next(f["grid_id"] for f in units.getFeatures() if f["grid_id"] != feat["grid_id"])
        units.startEditing()
        units.changeAttributeValue(feat.id(), units.fields().indexOf("grid_id"), other)
        with pytest.raises(Exception, match="exists"):
            p.save_as(sample_copy)                  # never without the explicit overwrite
        assert units.isModified()                    # nothing happened to the edits
        out = p.save_as(sample_copy, overwrite=True)
        wait_attached(p)
        assert out.resolve() == sample_copy.resolve() and state.scenario_dir.resolve() == sample_copy.resolve()
        saved = load_scenario(sample_copy)
        assert saved.units.grid_id[list(saved.units.id).index(feat["id"])] == other
        fresh = state.layer("units")
        assert not fresh.isEditable()
        assert next(f for f in fresh.getFeatures() if f["id"] == feat["id"])["grid_id"] == other
        assert p.adapter is not None and p.adapter.units is fresh
    finally:
        dock.shutdown()
        dock.dock.deleteLater()
        QgsProject.instance().removeAllMapLayers()


def test_a_newer_scenario_supersedes_one_still_being_prepared(qgis_new_project, canvas, sample_copy, tmp_path):
    """Two scenarios opened in a row: only the last one's statistics bind to the tab."""
    import shutil

    from gridgov.plugin.services.layers import load_scenario_layers
    from gridgov.plugin.services.state import ScenarioState

    other = tmp_path / "other"
    shutil.copytree(sample_copy, other)
    state = ScenarioState()
    p = edit_tab(StubIface(canvas), state)
    state.set_scenario(sample_copy, load_scenario_layers(sample_copy), [])
    state.set_scenario(other, load_scenario_layers(other), [])
    wait_attached(p)
    assert p.adapter is not None and p.adapter.grids is state.layer("grids") and p.scenario.path == other
    p.shutdown()
    QgsProject.instance().removeAllMapLayers()
