"""The dock's "Compare" tab: two or more scenario folders, or the edited layout vs its saved
version, compared in a background task; the comparison report opens when it is ready.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

from qgis.core import Qgis, QgsApplication
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QCoreApplication, Qt, QUrl, pyqtSignal
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (QAbstractItemView, QCheckBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView,
                                 QLabel, QListWidget, QProgressBar, QPushButton, QTableWidget, QTableWidgetItem,
                                 QVBoxLayout, QWidget)

from ..services import snapshot
from ..services.scores import compare_summary
from ..services.state import ScenarioState
from ..tasks.compare_task import compare_task
from ..tasks.engine_task import EngineTask, cancelled_text, disconnect_task
from .scenario_panel import default_runs_dir


def _tr(text: str) -> str:
    return QCoreApplication.translate("ComparePanel", text)


class ComparePanel(QWidget):
    compareDone = pyqtSignal(bool, str)   # ok, report path or error text  # noqa: N815

    def __init__(self, iface, state: ScenarioState, lang: str = "en", parent=None, open_report: bool = True):
        super().__init__(parent)
        self.iface = iface
        self.state = state
        self.lang = lang
        self.open_report_when_done = open_report
        self.task: EngineTask | None = None
        self.report_path: Path | None = None
        self._build()
        state.scenarioOpened.connect(self._on_scenario_opened)

    def _build(self) -> None:
        self.list = QListWidget()
        self.list.setObjectName("gridgovCompareList")
        self.list.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.list.setToolTip(_tr("Scenario folders or run outputs to compare (the first is the baseline)"))
        # long paths: keep the end (the scenario's folder name) visible instead of a scroll bar
        self.list.setTextElideMode(Qt.ElideLeft)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.list.setMaximumHeight(140)
        add = QPushButton(_tr("Add…"))
        add.clicked.connect(self._browse)
        add_open = QPushButton(_tr("Add open"))
        add_open.setToolTip(_tr("Add the scenario open in the Scenario tab"))
        add_open.clicked.connect(lambda: self.add_scenario(self.state.scenario_dir) if self.state.scenario_dir else None)
        remove = QPushButton(_tr("Remove"))
        remove.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        for b in (add, add_open, remove):
            buttons.addWidget(b)

        self.edited = QCheckBox(_tr("Edited layout vs its saved version"))
        self.edited.setToolTip(_tr("Compare the open scenario's unsaved edits with the saved scenario"))
        self.edited.toggled.connect(self._update_enabled)

        self.out = QgsFileWidget()
        self.out.setStorageMode(QgsFileWidget.GetDirectory)
        self.out.setFilePath(str(default_runs_dir() / "comparison"))
        form = QFormLayout()
        form.addRow(_tr("Output"), self.out)

        self.compare_button = QPushButton(_tr("Compare"))
        self.compare_button.setObjectName("gridgovCompareButton")
        self.compare_button.clicked.connect(self.start_compare)
        self.cancel_button = QPushButton(_tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(lambda: self.task.cancel() if self.task else None)
        run_row = QHBoxLayout()
        run_row.addWidget(self.compare_button, 1)
        run_row.addWidget(self.cancel_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.status = QLabel(_tr("Add two or more scenarios."))
        self.status.setWordWrap(True)
        self.results = QTableWidget(0, 4)
        self.results.setObjectName("gridgovCompareResults")
        self.results.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.results.verticalHeader().setVisible(False)
        self.results.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.results.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.results.setVisible(False)
        self.report_button = QPushButton(_tr("Open comparison report"))
        self.report_button.setEnabled(False)
        self.report_button.clicked.connect(self.open_report)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_tr("Scenarios (first = baseline)")))
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(self.edited)
        layout.addLayout(form)
        layout.addLayout(run_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.results)
        layout.addWidget(self.report_button)
        layout.addStretch(1)
        self._update_enabled()

    # ---- list ----------------------------------------------------------------------------
    def scenario_dirs(self) -> list[Path]:
        return [Path(self.list.item(i).text()) for i in range(self.list.count())]

    def add_scenario(self, path) -> bool:
        folder = Path(path)
        if not (folder / "scenario.toml").is_file() and not (folder / "scores.json").is_file():
            self.status.setText(_tr("'{0}' is neither a scenario folder (scenario.toml) nor a run output "
                                    "(scores.json).").format(folder))
            return False
        if folder.resolve() in [p.resolve() for p in self.scenario_dirs()]:
            return False
        self.list.addItem(str(folder))
        self.list.item(self.list.count() - 1).setToolTip(str(folder))
        self._update_enabled()
        return True

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, _tr("Scenario folder"), str(self.state.scenario_dir or Path.home()))
        if path:
            self.add_scenario(path)

    def _remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self._update_enabled()

    def _on_scenario_opened(self, path: str) -> None:
        if self.list.count() == 0:
            self.add_scenario(path)

    def _update_enabled(self) -> None:
        ready = self.edited.isChecked() or self.list.count() >= 2
        self.compare_button.setEnabled(ready and self.task is None)

    # ---- run -----------------------------------------------------------------------------
    def start_compare(self) -> bool:
        if self.task is not None:
            return False
        try:
            if self.edited.isChecked():
                if self.state.scenario_dir is None:
                    raise ValueError(_tr("Open a scenario in the Scenario tab first."))
                snap = snapshot.snapshot_edited(self.state, Path(tempfile.mkdtemp(prefix="gridgov-edit-"))
                                                / f"{self.state.name}_edited")
                dirs = [self.state.scenario_dir, snap]
            else:
                dirs = self.scenario_dirs()
            if len(dirs) < 2:
                raise ValueError(_tr("Add at least two scenarios to compare."))
        except ValueError as exc:
            self._finish(False, None, str(exc))
            return False
        out = Path(self.out.filePath() or default_runs_dir() / "comparison")
        self.task = compare_task(dirs, out, "zh_CN" if self.lang.startswith("zh") else "en")
        self.task.progressChanged.connect(lambda v: self.progress.setValue(int(v)))
        self.task.message.connect(self.status.setText)
        self.task.done.connect(self._finish)
        self.cancel_button.setEnabled(True)
        self.report_button.setEnabled(False)
        self.results.setVisible(False)
        self._update_enabled()
        self.status.setText(_tr("Comparing {0} scenarios…").format(len(dirs)))
        QgsApplication.taskManager().addTask(self.task)
        return True

    def _finish(self, ok: bool, result, error: str) -> None:
        self.task = None
        self.cancel_button.setEnabled(False)
        self._update_enabled()
        if not ok:
            self.progress.setValue(0)
            self.status.setText(error)
            level = Qgis.Info if error == cancelled_text() else Qgis.Warning
            self.iface.messageBar().pushMessage("GridGov compare", error, level, 8)
            self.compareDone.emit(False, error)
            return
        self.progress.setValue(100)
        self.report_path = Path(result["report"])
        self._show_results(result.get("json"))
        self.report_button.setEnabled(True)
        self.status.setText(_tr("Done — {0}").format(self.report_path))
        if self.open_report_when_done:
            self.open_report()
        self.compareDone.emit(True, str(self.report_path))

    def _show_results(self, json_path) -> None:
        """Totals and differences at a glance; the report has the rest."""
        try:
            header, rows = compare_summary(json.loads(Path(json_path).read_text(encoding="utf-8")), self.lang)
        except (TypeError, OSError, ValueError) as exc:
            self.results.setVisible(False)
            self.status.setText(_tr("{0} (no summary table: {1})").format(self.status.text(), exc))
            return
        self.results.setHorizontalHeaderLabels(header)
        self.results.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.results.setItem(r, c, item)
        self.results.setVisible(True)
        self.results.setMaximumHeight(self.results.horizontalHeader().height()
                                      + sum(self.results.rowHeight(r) for r in range(len(rows))) + 6)

    def open_report(self) -> None:
        if self.report_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report_path)))

    def shutdown(self) -> None:
        """Cancel a running task and stop listening to it (plugin unload: the widgets go)."""
        if self.task is not None:
            disconnect_task(self.task)
            self.task.cancel()
            self.task = None
