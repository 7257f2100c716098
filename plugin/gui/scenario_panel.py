"""The dock's "Scenario" tab: open a folder, see its layers and problems, run it, read scores.

Widgets only: validation is ``engine.scenario.validate_scenario``, the run is
``engine.pipeline.run_scenario`` inside an :class:`~..tasks.engine_task.EngineTask`, layers
come from ``services.layers`` and the score rows from ``services.scores``.
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import (Qgis, QgsApplication, QgsCoordinateTransform, QgsProject, QgsSettings)
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QCoreApplication, QTimer, QUrl, pyqtSignal
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (QFormLayout, QHBoxLayout, QComboBox, QLabel, QProgressBar, QPushButton, QSizePolicy,
                                 QVBoxLayout, QWidget)

from ..services import layers as layer_service
from ..services.scores import read_scores, rows_from_scores
from ..services.state import ScenarioState
from ..tasks.engine_task import EngineTask, cancelled_text, describe_error, disconnect_task
from .scores_table import ScoresTable

PLUGIN_DIR = Path(__file__).resolve().parents[2]
SAMPLE_DIR = PLUGIN_DIR / "scenarios" / "chengdu_wuhou"
RUNS_KEY = "gridgov/runs_dir"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScenarioPanel", text)


def _scenario_crs(folder: Path | None):
    """The scenario's metric working CRS ([scenario] crs), so the map is not drawn in degrees."""
    from qgis.core import QgsCoordinateReferenceSystem

    try:
        import tomllib

        with open(Path(folder) / "scenario.toml", "rb") as fh:
            code = str(tomllib.load(fh).get("scenario", {}).get("crs", ""))
    except (OSError, ValueError, TypeError, ImportError):
        return None
    crs = QgsCoordinateReferenceSystem(code) if code else None
    return crs if crs is not None and crs.isValid() else None


def default_runs_dir() -> Path:
    return Path(str(QgsSettings().value(RUNS_KEY, str(Path.home() / "GridGov" / "runs"))))


class ScenarioPanel(QWidget):
    """Open → validate → load layers → run (task) → results layers + scores table."""

    runDone = pyqtSignal(bool, str)    # ok, output folder or error text  # noqa: N815

    def __init__(self, iface, state: ScenarioState, lang: str = "en", parent=None):
        super().__init__(parent)
        self.iface = iface
        self.state = state
        self.lang = lang
        self.task: EngineTask | None = None
        self._build()
        state.opener = self.open_scenario

    # ---- widgets -------------------------------------------------------------------------
    def _build(self) -> None:
        self.folder = QgsFileWidget()
        self.folder.setStorageMode(QgsFileWidget.GetDirectory)
        self.folder.setDialogTitle(_tr("Scenario folder (scenario.toml + layers.gpkg)"))
        self.open_button = QPushButton(_tr("Open"))
        self.open_button.setToolTip(_tr("Validate the folder and add its layers to the map"))
        self.open_button.clicked.connect(lambda: self.open_scenario(self.folder.filePath()))
        self.sample_button = QPushButton(_tr("Sample"))
        self.sample_button.setToolTip(_tr("Open the bundled Chengdu Wuhou sample scenario"))
        self.sample_button.clicked.connect(self.open_sample)
        self.import_button = QPushButton(_tr("New scenario from layers…"))
        self.import_button.setObjectName("gridgovImportButton")
        self.import_button.setToolTip(_tr("Build a scenario from an OSM extract, project layers and a household "
                                          "register (Processing: GridGov › New scenario from layers)"))
        self.import_button.clicked.connect(self.new_from_layers)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(self.open_button)
        row.addWidget(self.sample_button)
        new_row = QHBoxLayout()
        new_row.addWidget(self.import_button)
        new_row.addStretch(1)

        self.info = QLabel(_tr("Open a scenario folder, or the sample."))
        self.info.setWordWrap(True)
        self.info.setObjectName("gridgovScenarioInfo")
        self.info.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)

        self.out = QgsFileWidget()
        self.out.setStorageMode(QgsFileWidget.GetDirectory)
        self.out.setDialogTitle(_tr("Output folder for scores.json, results.gpkg, report.html"))
        form = QFormLayout()
        form.addRow(_tr("Output"), self.out)

        self.run_button = QPushButton(_tr("Run scenario"))
        self.run_button.setObjectName("gridgovRunButton")
        self.run_button.setEnabled(False)
        self.run_button.clicked.connect(self.start_run)
        self.cancel_button = QPushButton(_tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_run)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button, 1)
        buttons.addWidget(self.cancel_button)

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setObjectName("gridgovRunStatus")

        self.circle_type = QComboBox()
        self.circle_type.setObjectName("gridgovCircleType")
        self.circle_type.setToolTip(_tr("Facility type whose 5/10/15-minute bands the map shows"))
        self.circle_type.setEnabled(False)
        self.circle_type.currentIndexChanged.connect(self._circle_type_changed)
        self.circle_row = QWidget()         # shown once a run has bands to show
        circle_form = QFormLayout(self.circle_row)
        circle_form.setContentsMargins(0, 0, 0, 0)
        circle_form.addRow(_tr("Life circle of"), self.circle_type)
        self.circle_row.setVisible(False)

        self.scores = ScoresTable()
        self.report_button = QPushButton(_tr("Open report"))
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.open_report)

        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(new_row)
        layout.addWidget(self.info)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.circle_row)
        layout.addWidget(self.scores, 1)
        layout.addStretch(0)                # takes the table's room while there are no scores
        layout.addWidget(self.report_button)
        self._layout = layout
        self.scores.setVisible(False)
        self._show_scores(False)

    def _show_scores(self, visible: bool) -> None:
        """No empty table before a run: the table appears with the scores."""
        self.scores.setVisible(visible)
        index = self._layout.indexOf(self.scores)
        self._layout.setStretch(index, 1 if visible else 0)
        self._layout.setStretch(index + 1, 0 if visible else 1)

    # ---- open ----------------------------------------------------------------------------
    def open_sample(self) -> bool:
        return self.open_scenario(str(SAMPLE_DIR))

    def new_from_layers(self) -> bool:
        """The gridgov:import Processing dialog; the new scenario is opened when it finishes."""
        import processing

        results = processing.execAlgorithmDialog("gridgov:import") or {}
        return bool(results.get("OUTPUT")) and self.open_scenario(str(results["OUTPUT"]))

    def open_scenario(self, path: str) -> bool:
        """Validate ``path``, add its layers (styled) and zoom to them; False on failure."""
        folder = Path(path or "").expanduser()
        if not path or not (folder / "scenario.toml").is_file():
            self._fail(_tr("'{0}' is not a scenario folder (it needs scenario.toml and layers.gpkg).").format(path))
            return False
        try:
            from ...engine.scenario import validate_scenario

            problems = validate_scenario(folder)
            loaded = layer_service.load_scenario_layers(folder)
        except Exception as exc:  # noqa: BLE001 - shown to the user as one sentence
            self._fail(describe_error(exc) if not isinstance(exc, ValueError) else str(exc))
            return False
        previous = self.state.scenario_dir
        self.folder.setFilePath(str(folder))
        if not self.out.filePath() or (previous is not None
                                       and Path(self.out.filePath()) == default_runs_dir() / previous.name):
            self.out.setFilePath(str(default_runs_dir() / folder.name))
        self.state.set_scenario(folder, loaded, problems)
        self._zoom_to(loaded)
        errors = [p for p in problems if getattr(p, "severity", "error") == "error"]
        warnings = [p for p in problems if getattr(p, "severity", "error") != "error"]
        counts = ", ".join(f"{layer_service.layer_label(lyr.customProperty('gridgov/source').split(':')[1])} "
                           f"{lyr.featureCount()}" for lyr in loaded)
        text = f"<b>{folder.name}</b>: {counts}."
        if errors:
            first = _tr("{0} error(s): {1}").format(len(errors), errors[0])
            text += f"<br><span style='color:#b00020'>{first}</span>"
        if warnings:
            text += "<br>" + _tr("{0} warning(s).").format(len(warnings))
        self.info.setText(text)
        self.run_button.setEnabled(not errors)
        self.scores.set_rows([])
        self._show_scores(False)
        self.circle_row.setVisible(False)
        self.circle_type.clear()
        self.circle_type.setEnabled(False)
        self._result_layers = []
        self.report_button.setEnabled(False)
        self.status.setText("")
        self.progress.setValue(0)
        return not errors

    def _zoom_to(self, loaded) -> None:
        project = QgsProject.instance()
        grids = next((lyr for lyr in loaded if lyr.customProperty("gridgov/source") == "scenario:grids"), None)
        target = grids or (loaded[0] if loaded else None)
        if target is None:
            return
        only_ours = all(lyr.customProperty("gridgov/source") for lyr in project.mapLayers().values())
        if only_ours or not project.crs().isValid():
            crs = _scenario_crs(self.state.scenario_dir) or target.crs()
            project.setCrs(crs)
            # QGIS desktop applies "CRS of the first layer added" after the event loop runs
            # again; set ours once more after it so the map is drawn in metres, not degrees
            QTimer.singleShot(0, lambda: self._set_crs_and_zoom(crs, target))
        self._set_crs_and_zoom(None, target)

    def _set_crs_and_zoom(self, crs, target) -> None:
        project = QgsProject.instance()
        try:
            target.id()
        except RuntimeError:   # layer deleted meanwhile
            return
        if crs is not None and project.crs() != crs:
            project.setCrs(crs)
        canvas = self.iface.mapCanvas()
        extent = QgsCoordinateTransform(target.crs(), canvas.mapSettings().destinationCrs(),
                                        project).transformBoundingBox(target.extent())
        extent.scale(1.05)
        canvas.setExtent(extent)
        canvas.refresh()

    # ---- run -----------------------------------------------------------------------------
    def start_run(self) -> bool:
        """Start ``run_scenario`` as a background task; False when nothing can run."""
        if self.task is not None:
            return False
        if self.state.scenario_dir is None:
            self._fail(_tr("Open a scenario first."))
            return False
        out = self.out.filePath() or str(default_runs_dir() / self.state.name)
        scenario_dir = self.state.scenario_dir
        lang = "zh_CN" if self.lang.startswith("zh") else "en"

        def work(progress):
            from ...engine.pipeline import run_scenario

            result = run_scenario(scenario_dir, out, lang=lang, pdf=False, progress=progress)
            return {key: str(p) for key, p in result.paths.items()}

        self.task = EngineTask(_tr("GridGov: run {0}").format(self.state.name), work)
        self.task.progressChanged.connect(lambda v: self.progress.setValue(int(v)))
        self.task.message.connect(self.status.setText)
        self.task.done.connect(lambda ok, result, error: self._run_finished(ok, result, error, Path(out)))
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(_tr("Starting…"))
        self.progress.setValue(0)
        QgsApplication.taskManager().addTask(self.task)
        return True

    def cancel_run(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.status.setText(_tr("Cancelling…"))

    def _run_finished(self, ok: bool, paths, error: str, out: Path) -> None:
        self.task = None
        self.cancel_button.setEnabled(False)
        self.run_button.setEnabled(self.state.scenario_dir is not None)
        if not ok:
            self.progress.setValue(0)
            self._fail(error, level=Qgis.Info if error == cancelled_text() else Qgis.Critical)
            self.runDone.emit(False, error)
            return
        self.progress.setValue(100)
        try:
            loaded = layer_service.load_result_layers(out, self.state.name)
            self.scores.set_rows(rows_from_scores(read_scores(out / "scores.json"), self.lang))
            self._show_scores(True)
        except (ValueError, OSError) as exc:
            self._fail(_tr("The run finished but its results cannot be shown: {0}").format(exc))
            self.runDone.emit(False, str(exc))
            return
        self.state.set_results(out, loaded)
        self._fill_circle_types(loaded)
        QTimer.singleShot(0, lambda: self._expand_in_view(f"GridGov results: {self.state.name}"))
        self.report_button.setEnabled((out / "report.html").exists())
        self.status.setText(_tr("Done — results in {0}").format(out))
        self.iface.messageBar().pushMessage("GridGov",
                                            _tr("{0}: run finished, results in {1}").format(self.state.name, out),
                                            Qgis.Success, 5)
        self.runDone.emit(True, str(out))

    def _expand_in_view(self, group_name: str) -> None:
        """Open the results group in the Layers panel (the tree view does not follow the
        node's expanded flag for groups added by a plugin in QGIS 3.22)."""
        view_fn = getattr(self.iface, "layerTreeView", None)
        view = view_fn() if callable(view_fn) else None
        group = QgsProject.instance().layerTreeRoot().findGroup(group_name)
        if view is None or group is None or not hasattr(view, "node2index"):
            return
        try:
            index = view.node2index(group)
            if index.isValid():
                view.setExpanded(index, True)
        except (TypeError, RuntimeError):
            return

    def _fill_circle_types(self, loaded) -> None:
        from ...engine.vocab import FACILITY_TYPES

        self._result_layers = loaded
        self.circle_type.blockSignals(True)
        self.circle_type.clear()
        for key in layer_service.circle_types(loaded):
            self.circle_type.addItem(FACILITY_TYPES[key].label(self.lang), key)
        self.circle_type.setCurrentIndex(max(0, self.circle_type.findData("grid_station")))
        self.circle_type.blockSignals(False)
        self.circle_type.setEnabled(self.circle_type.count() > 0)
        self.circle_row.setVisible(self.circle_type.count() > 0)

    def _circle_type_changed(self, index: int) -> None:
        key = self.circle_type.itemData(index)
        if key and getattr(self, "_result_layers", None):
            layer_service.set_circle_type(self._result_layers, key)
            view = getattr(self.iface, "layerTreeView", None)
            if callable(view) and view() is not None:
                for layer in self._result_layers:
                    view().refreshLayerSymbology(layer.id())

    def open_report(self) -> None:
        if self.state.out_dir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.state.out_dir / "report.html")))

    def _fail(self, text: str, level=Qgis.Critical) -> None:
        self.status.setText(text)
        self.iface.messageBar().pushMessage("GridGov", text, level, 0 if level == Qgis.Critical else 5)

    def shutdown(self) -> None:
        """Cancel a running task and stop listening to it (plugin unload: the widgets go)."""
        if self.state.opener == self.open_scenario:
            self.state.opener = None
        if self.task is not None:
            disconnect_task(self.task)
            self.task.cancel()
            self.task = None
