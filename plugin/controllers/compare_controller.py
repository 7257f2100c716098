"""The Compare tab's controller: which folders, the "edited vs saved" snapshot
(``services.snapshot``), the comparison as a background task (``tasks.compare_task``) and
its summary (``services.scores.compare_summary``)."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from qgis.core import Qgis
from qgis.PyQt.QtCore import QCoreApplication, QObject, QUrl, pyqtSignal
from qgis.PyQt.QtGui import QDesktopServices

from ..gui.compare_panel import ComparePanel
from ..gui.scenario_panel import default_runs_dir
from ..services import snapshot
from ..services.runner import TaskRunner
from ..services.scores import compare_summary
from ..services.state import ScenarioState
from ..tasks.compare_task import compare_task
from ..tasks.engine_task import cancelled_text


def _tr(text: str) -> str:
    return QCoreApplication.translate("ComparePanel", text)


class CompareController(QObject):
    compareDone = pyqtSignal(bool, str)   # ok, report path or error text  # noqa: N815 - Qt naming

    def __init__(self, iface, state: ScenarioState, panel: ComparePanel, lang: str = "en", parent=None,
                 open_report: bool = True):
        super().__init__(parent)
        self.iface = iface
        self.state = state
        self.panel = panel
        self.lang = lang
        self.open_report_when_done = open_report
        self.report_path: Path | None = None
        self.runner = TaskRunner(self)
        self.runner.progress.connect(panel.set_progress)
        self.runner.message.connect(panel.set_status)
        panel.addRequested.connect(self.add_scenario)
        panel.addOpenRequested.connect(lambda: self.add_scenario(self.state.scenario_dir)
                                       if self.state.scenario_dir else None)
        panel.compareRequested.connect(self.start_compare)
        panel.cancelRequested.connect(self.runner.cancel)
        panel.reportRequested.connect(self.open_report)
        state.scenarioOpened.connect(self._on_scenario_opened)

    @property
    def task(self):
        return self.runner.task

    # ---- list ----------------------------------------------------------------------------
    def add_scenario(self, path) -> bool:
        """Add a scenario folder or run output (no duplicates); False with a message otherwise."""
        folder = Path(path)
        if not (folder / "scenario.toml").is_file() and not (folder / "scores.json").is_file():
            self.panel.set_status(_tr("'{0}' is neither a scenario folder (scenario.toml) nor a run output "
                                      "(scores.json).").format(folder))
            return False
        if folder.resolve() in [p.resolve() for p in self.panel.scenario_dirs()]:
            return False
        self.panel.add_item(folder)
        return True

    def _on_scenario_opened(self, path: str) -> None:
        self.panel.browse_start = path
        if self.panel.list.count() == 0:
            self.add_scenario(path)

    # ---- run -----------------------------------------------------------------------------
    def start_compare(self) -> bool:
        if self.runner.busy:
            return False
        try:
            if self.panel.edited.isChecked():
                if self.state.scenario_dir is None:
                    raise ValueError(_tr("Open a scenario in the Scenario tab first."))
                snap = snapshot.snapshot_edited(self.state, Path(tempfile.mkdtemp(prefix="gridgov-edit-"))
                                                / f"{self.state.name}_edited")
                dirs = [self.state.scenario_dir, snap]
            else:
                dirs = self.panel.scenario_dirs()
            if len(dirs) < 2:
                raise ValueError(_tr("Add at least two scenarios to compare."))
        except ValueError as exc:
            self._finish(False, None, str(exc))
            return False
        out = Path(self.panel.out.filePath() or default_runs_dir() / "comparison")
        self.panel.set_running(True)
        self.panel.set_status(_tr("Comparing {0} scenarios…").format(len(dirs)))
        self.runner.start(compare_task(dirs, out, "zh_CN" if self.lang.startswith("zh") else "en"), self._finish)
        return True

    def _finish(self, ok: bool, result, error: str) -> None:
        self.panel.set_running(False)
        if not ok:
            self.panel.set_progress(0)
            self.panel.set_status(error)
            level = Qgis.Info if error == cancelled_text() else Qgis.Warning
            self.iface.messageBar().pushMessage("GridGov compare", error, level, 8)
            self.compareDone.emit(False, error)
            return
        self.panel.set_progress(100)
        self.report_path = Path(result["report"])
        self.panel.set_status(_tr("Done — {0}").format(self.report_path))
        self._show_summary(result.get("json"))
        self.panel.report_button.setEnabled(True)
        if self.open_report_when_done:
            self.open_report()
        self.compareDone.emit(True, str(self.report_path))

    def _show_summary(self, json_path) -> None:
        try:
            header, rows = compare_summary(json.loads(Path(json_path).read_text(encoding="utf-8")), self.lang)
        except (TypeError, OSError, ValueError) as exc:
            self.panel.hide_summary()
            self.panel.set_status(_tr("{0} (no summary table: {1})").format(self.panel.status.text(), exc))
            return
        self.panel.show_summary(header, rows)

    def open_report(self) -> None:
        if self.report_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report_path)))

    def shutdown(self) -> None:
        """Cancel a running task and stop listening to it (plugin unload: the widgets go)."""
        self.runner.shutdown()
