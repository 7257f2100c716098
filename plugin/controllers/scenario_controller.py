"""The Scenario tab's controller: open (validate, load styled layers, zoom), run in the
background, show the results (layers, scores, life-circle picker, report).

Validation is the engine's (``services.validation``), layers come from ``services.layers``,
the project's CRS and zoom from ``services.project``, the run is ``tasks.run_task`` on a
``services.runner.TaskRunner``, the score rows from ``services.scores``.
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import Qgis
from qgis.PyQt.QtCore import QCoreApplication, QObject, QTimer, QUrl, pyqtSignal
from qgis.PyQt.QtGui import QDesktopServices

from ..gui.scenario_panel import ScenarioPanel, default_runs_dir
from ..services import layers as layer_service
from ..services import project
from ..services.runner import TaskRunner
from ..services.scores import read_scores, rows_from_scores
from ..services.state import ScenarioState
from ..services.validation import errors_of, validate_folder, validate_task, warnings_of
from ..tasks.engine_task import cancelled_text, describe_error

PLUGIN_DIR = Path(__file__).resolve().parents[2]
SAMPLE_DIR = PLUGIN_DIR / "scenarios" / "chengdu_wuhou"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScenarioPanel", text)


class ScenarioController(QObject):
    runDone = pyqtSignal(bool, str)    # ok, output folder or error text  # noqa: N815 - Qt naming

    def __init__(self, iface, state: ScenarioState, panel: ScenarioPanel, lang: str = "en", parent=None):
        super().__init__(parent)
        self.iface = iface
        self.state = state
        self.panel = panel
        self.lang = lang
        self.runner = TaskRunner(self)          # the run
        self.checker = TaskRunner(self)         # the open scenario's validation
        self.result_layers: list = []
        self.runner.progress.connect(panel.set_progress)
        self.runner.message.connect(panel.set_status)
        panel.openRequested.connect(lambda path: self.open_scenario(path, wait=False))
        panel.sampleRequested.connect(lambda: self.open_sample(wait=False))
        panel.importRequested.connect(lambda: self.new_from_layers(wait=False))
        panel.runRequested.connect(self.start_run)
        panel.cancelRequested.connect(self.cancel_run)
        panel.circleTypeChosen.connect(self.show_circles_of)
        panel.reportRequested.connect(self.open_report)
        state.opener = lambda folder: self.open_scenario(folder, wait=False)

    @property
    def task(self):
        """The running run task (None when idle)."""
        return self.runner.task

    # ---- open ----------------------------------------------------------------------------
    def open_sample(self, wait: bool = True) -> bool:
        return self.open_scenario(str(SAMPLE_DIR), wait)

    def new_from_layers(self, wait: bool = True) -> bool:
        """The gridgov:import Processing dialog; the scenario it made is opened when it finishes."""
        import processing

        results = processing.execAlgorithmDialog("gridgov:import") or {}
        return bool(results.get("OUTPUT")) and self.open_scenario(str(results["OUTPUT"]), wait)

    def open_scenario(self, path: str, wait: bool = True) -> bool:
        """Add the folder's layers (styled), zoom to them and validate it with the engine's
        validate; False when it cannot be opened or (``wait``) has errors.

        ``wait=False`` (the Open and Sample buttons, re-opening after a save) validates in a
        background task: the layers are on the map at once, the problems and the Run button
        follow when the check ends."""
        folder = Path(path or "").expanduser()
        if not path or not (folder / "scenario.toml").is_file():
            self._fail(_tr("'{0}' is not a scenario folder (it needs scenario.toml and layers.gpkg).").format(path))
            return False
        try:
            loaded = layer_service.load_scenario_layers(folder)
        except Exception as exc:  # noqa: BLE001 - shown to the user as one sentence
            self._fail(describe_error(exc) if not isinstance(exc, ValueError) else str(exc))
            return False
        previous = self.state.scenario_dir
        out = self.panel.out.filePath()
        if not out or (previous is not None and Path(out) == default_runs_dir() / previous.name):
            self.panel.out.setFilePath(str(default_runs_dir() / folder.name))
        self.result_layers = []
        self.state.set_scenario(folder, loaded, [])
        project.zoom_to_scenario(self.iface, loaded, self.state.scenario_dir)
        self.panel.show_opened(folder, self._summary(folder, loaded, None), False)
        outcome: list[bool] = []

        def done(ok: bool, problems, error: str) -> None:
            outcome.append(ok and self._validated(folder, loaded, problems))
            if not ok:
                self._fail(error)

        if wait:
            self.checker.run_now(lambda _progress: validate_folder(folder), done)
        else:
            self.checker.start(validate_task(folder), done)
        return bool(outcome and outcome[0]) if wait else True

    @property
    def validating(self) -> bool:
        """The open scenario's validation is still running."""
        return self.checker.busy

    def _validated(self, folder: Path, loaded: list, problems: list) -> bool:
        """Show the validation's problems; the scenario may run when it has no errors."""
        if self.state.scenario_dir != folder:
            return False
        self.state.problems = list(problems)
        errors = errors_of(problems)
        self.panel.show_info(self._summary(folder, loaded, problems))
        self.panel.set_running(self.runner.busy, not errors)
        return not errors

    @staticmethod
    def _summary(folder: Path, loaded: list, problems: list | None) -> str:
        """Layer counts, then the first error and the number of warnings (None: still checking)."""
        counts = ", ".join(f"{layer_service.layer_label(lyr.customProperty('gridgov/source').split(':')[1])} "
                           f"{lyr.featureCount()}" for lyr in loaded)
        text = f"<b>{folder.name}</b>: {counts}."
        if problems is None:
            return text + "<br>" + _tr("Checking the scenario…")
        errors, warnings = errors_of(problems), warnings_of(problems)
        if errors:
            first = _tr("{0} error(s): {1}").format(len(errors), errors[0])
            text += f"<br><span style='color:#b00020'>{first}</span>"
        if warnings:
            text += "<br>" + _tr("{0} warning(s).").format(len(warnings))
        return text

    # ---- run -----------------------------------------------------------------------------
    def start_run(self) -> bool:
        """Start the run as a background task; False when nothing can run."""
        from ..tasks.run_task import run_task

        if self.runner.busy:
            return False
        if self.state.scenario_dir is None:
            self._fail(_tr("Open a scenario first."))
            return False
        out = Path(self.panel.out.filePath() or default_runs_dir() / self.state.name)
        lang = "zh_CN" if self.lang.startswith("zh") else "en"
        self.panel.set_running(True)
        self.panel.set_status(_tr("Starting…"))
        self.runner.start(run_task(self.state.scenario_dir, out, lang),
                          lambda ok, result, error: self._run_finished(ok, result, error, out))
        return True

    def cancel_run(self) -> None:
        if self.runner.busy:
            self.runner.cancel()
            self.panel.set_status(_tr("Cancelling…"))

    def _run_finished(self, ok: bool, paths, error: str, out: Path) -> None:
        self.panel.set_running(False, self.state.scenario_dir is not None)
        if not ok:
            self.panel.set_progress(0)
            self._fail(error, level=Qgis.Info if error == cancelled_text() else Qgis.Critical)
            self.runDone.emit(False, error)
            return
        self.panel.set_progress(100)
        try:
            loaded = layer_service.load_result_layers(out, self.state.name)
            self.panel.show_scores(rows_from_scores(read_scores(out / "scores.json"), self.lang))
        except (ValueError, OSError) as exc:
            self._fail(_tr("The run finished but its results cannot be shown: {0}").format(exc))
            self.runDone.emit(False, str(exc))
            return
        self.state.set_results(out, loaded)
        self._offer_circle_types(loaded)
        group = f"GridGov results: {self.state.name}"
        QTimer.singleShot(0, lambda: project.expand_group(self.iface, group))
        self.panel.set_report_available((out / "report.html").exists())
        self.panel.set_status(_tr("Done — results in {0}").format(out))
        self.iface.messageBar().pushMessage("GridGov",
                                            _tr("{0}: run finished, results in {1}").format(self.state.name, out),
                                            Qgis.Success, 5)
        self.runDone.emit(True, str(out))

    def _offer_circle_types(self, loaded: list) -> None:
        from ...engine.vocab import FACILITY_TYPES

        self.result_layers = loaded
        items = [(key, FACILITY_TYPES[key].label(self.lang)) for key in layer_service.circle_types(loaded)]
        self.panel.set_circle_types(items, "grid_station")

    def show_circles_of(self, facility_type: str) -> None:
        """Units and bands of the results show the life circles of ``facility_type``."""
        if self.result_layers:
            layer_service.set_circle_type(self.result_layers, facility_type)
            project.refresh_symbology(self.iface, self.result_layers)

    def open_report(self) -> None:
        if self.state.out_dir is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.state.out_dir / "report.html")))

    def _fail(self, text: str, level=Qgis.Critical) -> None:
        self.panel.set_status(text)
        self.iface.messageBar().pushMessage("GridGov", text, level, 0 if level == Qgis.Critical else 5)

    def shutdown(self) -> None:
        """Cancel a running task and stop listening to it (plugin unload: the widgets go)."""
        self.state.opener = None
        self.checker.shutdown()
        self.runner.shutdown()
