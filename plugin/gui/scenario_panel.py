"""The dock's "Scenario" tab: open a folder, see its layers and problems, run it, read scores.

Widgets only: the buttons emit signals and the display methods show what they are given;
``controllers.scenario_controller.ScenarioController`` validates, loads layers, runs the task
and fills the scores.
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QCoreApplication, pyqtSignal
from qgis.PyQt.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy,
                                 QVBoxLayout, QWidget)

from .scores_table import ScoresTable

RUNS_KEY = "gridgov/runs_dir"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScenarioPanel", text)


def default_runs_dir() -> Path:
    return Path(str(QgsSettings().value(RUNS_KEY, str(Path.home() / "GridGov" / "runs"))))


class ScenarioPanel(QWidget):
    """Open → problems → run (progress, cancel) → scores table, life-circle picker, report."""

    openRequested = pyqtSignal(str)      # scenario folder  # noqa: N815 - Qt naming
    sampleRequested = pyqtSignal()       # noqa: N815
    importRequested = pyqtSignal()       # "New scenario from layers…"  # noqa: N815
    runRequested = pyqtSignal()          # noqa: N815
    cancelRequested = pyqtSignal()       # noqa: N815
    circleTypeChosen = pyqtSignal(str)   # facility type whose bands the map shows  # noqa: N815
    reportRequested = pyqtSignal()       # noqa: N815

    def __init__(self, lang: str = "en", parent=None):
        super().__init__(parent)
        self.lang = lang
        self._build()

    # ---- widgets -------------------------------------------------------------------------
    def _build(self) -> None:
        self.folder = QgsFileWidget()
        self.folder.setStorageMode(QgsFileWidget.GetDirectory)
        self.folder.setDialogTitle(_tr("Scenario folder (scenario.toml + layers.gpkg)"))
        self.open_button = QPushButton(_tr("Open"))
        self.open_button.setToolTip(_tr("Validate the folder and add its layers to the map"))
        self.open_button.clicked.connect(lambda: self.openRequested.emit(self.folder.filePath()))
        self.sample_button = QPushButton(_tr("Sample"))
        self.sample_button.setToolTip(_tr("Open the bundled Chengdu Wuhou sample scenario"))
        self.sample_button.clicked.connect(lambda: self.sampleRequested.emit())
        self.import_button = QPushButton(_tr("New scenario from layers…"))
        self.import_button.setObjectName("gridgovImportButton")
        self.import_button.setToolTip(_tr("Build a scenario from an OSM extract, project layers and a household "
                                          "register (Processing: GridGov › New scenario from layers)"))
        self.import_button.clicked.connect(lambda: self.importRequested.emit())
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
        self.run_button.clicked.connect(lambda: self.runRequested.emit())
        self.cancel_button = QPushButton(_tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(lambda: self.cancelRequested.emit())
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
        self.report_button.clicked.connect(lambda: self.reportRequested.emit())

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

    def _circle_type_changed(self, index: int) -> None:
        key = self.circle_type.itemData(index)
        if key:
            self.circleTypeChosen.emit(key)

    # ---- display -------------------------------------------------------------------------
    def show_opened(self, folder: Path, info_html: str, can_run: bool) -> None:
        """A scenario was opened: its summary, no results yet."""
        self.folder.setFilePath(str(folder))
        self.info.setText(info_html)
        self.run_button.setEnabled(can_run)
        self.scores.set_rows([])
        self._show_scores(False)
        self.set_circle_types([])
        self.report_button.setEnabled(False)
        self.status.setText("")
        self.progress.setValue(0)

    def show_info(self, html: str) -> None:
        self.info.setText(html)

    def set_running(self, running: bool, can_run: bool = True) -> None:
        self.run_button.setEnabled(can_run and not running)
        self.cancel_button.setEnabled(running)
        if running:
            self.progress.setValue(0)

    def set_progress(self, value: float) -> None:
        self.progress.setValue(int(value))

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def show_scores(self, rows: list) -> None:
        self.scores.set_rows(rows)
        self._show_scores(True)

    def set_circle_types(self, items: list[tuple[str, str]], current: str = "") -> None:
        """``(facility type, label)`` choices of the life-circle picker; hidden when empty."""
        self.circle_type.blockSignals(True)
        self.circle_type.clear()
        for key, label in items:
            self.circle_type.addItem(label, key)
        self.circle_type.setCurrentIndex(max(0, self.circle_type.findData(current)))
        self.circle_type.blockSignals(False)
        self.circle_type.setEnabled(bool(items))
        self.circle_row.setVisible(bool(items))

    def set_report_available(self, on: bool) -> None:
        self.report_button.setEnabled(on)
