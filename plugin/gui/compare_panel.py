"""The dock's "Compare" tab: two or more scenario folders, or the edited layout vs its saved
version; the summary table and the comparison report's button.

Widgets only: ``controllers.compare_controller.CompareController`` checks the folders, runs the
comparison in a background task and fills the summary.
"""
from __future__ import annotations

from pathlib import Path

from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QCoreApplication, Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (QAbstractItemView, QCheckBox, QFileDialog, QFormLayout, QHBoxLayout, QHeaderView,
                                 QLabel, QListWidget, QProgressBar, QPushButton, QTableWidget, QTableWidgetItem,
                                 QVBoxLayout, QWidget)

from .scenario_panel import default_runs_dir


def _tr(text: str) -> str:
    return QCoreApplication.translate("ComparePanel", text)


class ComparePanel(QWidget):
    addRequested = pyqtSignal(str)        # a folder the user picked  # noqa: N815 - Qt naming
    addOpenRequested = pyqtSignal()       # the scenario open in the Scenario tab  # noqa: N815
    compareRequested = pyqtSignal()       # noqa: N815
    cancelRequested = pyqtSignal()        # noqa: N815
    reportRequested = pyqtSignal()        # noqa: N815

    def __init__(self, lang: str = "en", parent=None):
        super().__init__(parent)
        self.lang = lang
        self.busy = False
        self.browse_start = str(Path.home())
        self._build()

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
        add_open.clicked.connect(lambda: self.addOpenRequested.emit())
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
        self.compare_button.clicked.connect(lambda: self.compareRequested.emit())
        self.cancel_button = QPushButton(_tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(lambda: self.cancelRequested.emit())
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
        self.report_button.clicked.connect(lambda: self.reportRequested.emit())

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

    def add_item(self, folder: Path) -> None:
        self.list.addItem(str(folder))
        self.list.item(self.list.count() - 1).setToolTip(str(folder))
        self._update_enabled()

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, _tr("Scenario folder"), self.browse_start)
        if path:
            self.addRequested.emit(path)

    def _remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self._update_enabled()

    def _update_enabled(self, *_a) -> None:
        ready = self.edited.isChecked() or self.list.count() >= 2
        self.compare_button.setEnabled(ready and not self.busy)

    # ---- display -------------------------------------------------------------------------
    def set_running(self, running: bool) -> None:
        self.busy = running
        self.cancel_button.setEnabled(running)
        if running:
            self.report_button.setEnabled(False)
            self.results.setVisible(False)
        self._update_enabled()

    def set_progress(self, value: float) -> None:
        self.progress.setValue(int(value))

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def show_summary(self, header: list[str], rows: list[list[str]]) -> None:
        """Totals and differences at a glance; the report has the rest."""
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

    def hide_summary(self) -> None:
        self.results.setVisible(False)
