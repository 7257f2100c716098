"""The dock end to end on the sample: open, run as a QgsTask, scores, results layers; cancel;
compare the edited layout with its saved version."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from qgis.core import QgsApplication, QgsLayerTreeGroup, QgsProject
from qgis.PyQt.QtCore import QCoreApplication

from gridgov.plugin.controllers.dock_controller import DockController


def wait_until(predicate, timeout: float = 240.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for the task")
        QCoreApplication.processEvents()
        time.sleep(0.02)


@pytest.fixture
def dock(qgis_iface, qgis_new_project):
    d = DockController(qgis_iface, lang="en")
    yield d
    d.shutdown()
    wait_until(lambda: d.scenario.task is None and d.compare.task is None, 60)
    d.dock.deleteLater()
    QgsApplication.taskManager().cancelAll()
    QgsProject.instance().clear()


def _run(ctl):
    events = []
    ctl.runDone.connect(lambda ok, text: events.append((ok, text)))
    assert ctl.start_run()
    wait_until(lambda: events)
    return events[0]


@pytest.mark.slow
def test_dock_runs_the_sample(dock, sample_dir, tmp_path, qgis_iface):
    ctl, panel = dock.scenario, dock.dock.scenario_panel
    assert not panel.run_button.isEnabled()
    assert ctl.open_sample()
    assert panel.run_button.isEnabled()
    assert panel.scores.isHidden() and panel.circle_row.isHidden()   # no empty table before a run
    panel.out.setFilePath(str(tmp_path / "run"))
    ok, text = _run(ctl)
    assert ok, text
    assert panel.progress.value() == 100
    assert not panel.scores.isHidden() and not panel.circle_row.isHidden()
    rows = panel.scores.row_texts()
    assert rows[0][0].startswith("Total score") and 0 <= float(rows[0][2]) <= 100
    assert len(rows) > 10
    assert (tmp_path / "run" / "scores.json").exists() and panel.report_button.isEnabled()
    groups = [g.name() for g in QgsProject.instance().layerTreeRoot().children() if isinstance(g, QgsLayerTreeGroup)]
    assert groups == ["GridGov results: chengdu_wuhou", "GridGov: chengdu_wuhou"]
    units = QgsProject.instance().mapLayer(dock.state.result_layer_ids["units"])
    bands = QgsProject.instance().mapLayer(dock.state.result_layer_ids["bands"])
    assert units.renderer().classAttribute() == "grid_station_band"
    assert bands.subsetString() == "\"type\" = 'grid_station'"
    # the life-circle picker switches units and bands to another facility type
    panel.circle_type.setCurrentIndex(panel.circle_type.findData("clinic"))
    assert units.renderer().classAttribute() == "clinic_band"
    assert bands.subsetString() == "\"type\" = 'clinic'"
    assert sorted(f["band"] for f in bands.getFeatures()) == [0, 1, 2]


def test_cancel_stops_the_run(dock, sample_dir, tmp_path):
    ctl, panel = dock.scenario, dock.dock.scenario_panel
    assert ctl.open_sample()
    panel.out.setFilePath(str(tmp_path / "run"))
    events = []
    ctl.runDone.connect(lambda ok, text: events.append((ok, text)))
    assert ctl.start_run()
    ctl.cancel_run()
    wait_until(lambda: events)
    assert events[0] == (False, "Cancelled.")
    assert not (tmp_path / "run" / "scores.json").exists()
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()


def test_bad_folder_is_a_message_not_a_traceback(dock, tmp_path, qgis_iface):
    from qgis.core import Qgis

    qgis_iface.messageBar().clear_messages()
    assert not dock.scenario.open_scenario(str(tmp_path))
    msgs = qgis_iface.messageBar().get_messages(Qgis.Critical)
    assert msgs and "not a scenario folder" in msgs[-1]


def test_invalid_scenario_cannot_run(dock, sample_copy):
    from osgeo import ogr

    ds = ogr.Open(str(sample_copy / "layers.gpkg"), 1)
    ds.ExecuteSQL("UPDATE units SET households = -1 WHERE fid = 2")
    ds = None
    assert not dock.scenario.open_scenario(str(sample_copy))
    panel = dock.dock.scenario_panel
    assert "error" in panel.info.text() and not panel.run_button.isEnabled()


@pytest.mark.slow
def test_compare_edited_layout_with_saved(dock, sample_copy, tmp_path):
    assert dock.scenario.open_scenario(str(sample_copy))
    facilities = dock.state.layer("facilities")
    stations = [f.id() for f in facilities.getFeatures() if f["type"] == "grid_station"]
    facilities.startEditing()
    assert facilities.deleteFeatures(stations[:3])
    ctl, panel = dock.compare, dock.dock.compare_panel
    ctl.open_report_when_done = False
    panel.out.setFilePath(str(tmp_path / "cmp"))
    panel.edited.setChecked(True)
    events = []
    ctl.compareDone.connect(lambda ok, text: events.append((ok, text)))
    panel.compare_button.click()                # the button → the controller → a background task
    assert ctl.task is not None
    wait_until(lambda: events)
    assert events[0][0], events[0][1]
    report = Path(events[0][1])
    assert report.exists() and report.suffix == ".html"
    table = (tmp_path / "cmp" / "compare.csv").read_text(encoding="utf-8")
    assert "chengdu_wuhou (edited)" in table
    shown = [[panel.results.item(r, c).text() for c in range(4)] for r in range(panel.results.rowCount())]
    assert shown[0][0].startswith("chengdu_wuhou (baseline") and shown[1][0] == "chengdu_wuhou (edited)"
    assert shown[1][2].startswith(("+", "-")) and shown[0][2] == ""
    # the user's files are untouched: the saved scenario still has all its stations
    facilities.rollBack()
    assert sum(f["type"] == "grid_station" for f in facilities.getFeatures()) == len(stations)


def test_compare_needs_two(dock, sample_dir):
    ctl, panel = dock.compare, dock.dock.compare_panel
    panel.list.clear()
    assert ctl.add_scenario(sample_dir)
    assert not ctl.add_scenario(sample_dir)   # no duplicates
    assert not panel.compare_button.isEnabled()
    assert not ctl.start_compare() and "at least two" in panel.status.text()


def test_engine_task_reports_user_errors_as_text(qgis_app):
    from gridgov.engine.errors import Problem, ValidationError
    from gridgov.plugin.tasks.engine_task import EngineTask

    def fail(progress):
        progress(0.5, "half way")
        raise ValidationError([Problem("must be ≥ 0", file="layers.gpkg", layer="units", fid=7, field="households")])

    events = []
    task = EngineTask("failing", fail)
    task.done.connect(lambda ok, result, error: events.append((ok, result, error)))
    QgsApplication.taskManager().addTask(task)
    wait_until(lambda: events, 30)
    ok, result, error = events[0]
    assert not ok and result is None
    assert "layers.gpkg, layer 'units', feature 7, field 'households': must be ≥ 0" in error
    assert "Traceback" not in error


def test_unload_while_running_cancels_cleanly(qgis_iface, qgis_new_project, tmp_path):
    import gridgov

    plug = gridgov.classFactory(qgis_iface)
    plug.initGui()
    ctl, panel = plug.controller.scenario, plug.dock.scenario_panel
    assert ctl.open_sample()
    panel.out.setFilePath(str(tmp_path / "run"))
    assert ctl.start_run()
    task = ctl.task
    plug.unload()
    wait_until(lambda: task.status() in (task.Complete, task.Terminated), 120)
    assert task.status() == task.Terminated
    assert not (tmp_path / "run" / "scores.json").exists()
    QgsProject.instance().clear()


def test_open_button_validates_off_the_gui_thread(dock, sample_copy):
    """The Open button adds the layers at once; the engine's validate runs as a task and its
    problems (and the Run button) follow."""
    from osgeo import ogr

    from gridgov.plugin.services.validation import validate_folder

    ctl, panel = dock.scenario, dock.dock.scenario_panel
    panel.folder.setFilePath(str(sample_copy))
    panel.open_button.click()
    assert dock.state.scenario_dir == sample_copy and dock.state.layer("grids") is not None
    assert ctl.validating and not panel.run_button.isEnabled() and "Checking" in panel.info.text()
    wait_until(lambda: not ctl.validating, 120)
    assert panel.run_button.isEnabled() and "error" not in panel.info.text()
    assert dock.state.problems == validate_folder(sample_copy)     # the engine's list, as it is
    ds = ogr.Open(str(sample_copy / "layers.gpkg"), 1)
    ds.ExecuteSQL("UPDATE units SET households = -1 WHERE fid = 2")
    ds = None
    panel.open_button.click()
    wait_until(lambda: not ctl.validating, 120)
    assert "error" in panel.info.text() and not panel.run_button.isEnabled()
    assert [p.message for p in dock.state.problems] == [p.message for p in validate_folder(sample_copy)]


def test_new_scenario_from_layers_opens_the_import_dialog_then_the_result(dock, sample_dir, monkeypatch):
    """The Scenario tab's button shows gridgov:import and opens the folder it made."""
    import processing

    ctl, panel = dock.scenario, dock.dock.scenario_panel
    asked = []
    monkeypatch.setattr(processing, "execAlgorithmDialog",
                        lambda alg_id, *a, **k: asked.append(alg_id) or {"OUTPUT": str(sample_dir)})
    panel.import_button.click()
    assert asked == ["gridgov:import"]
    assert dock.state.scenario_dir == sample_dir and dock.state.layer("grids") is not None
    wait_until(lambda: not ctl.validating, 120)
    monkeypatch.setattr(processing, "execAlgorithmDialog", lambda *a, **k: {})   # dialog closed: nothing opened
    assert ctl.new_from_layers() is False
