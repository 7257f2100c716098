"""The dock's "Edit" tab: tool buttons, the live statistics table, the validation list, Save.

Widgets only: each button emits a signal and the display methods show what they are given.
``controllers.edit_controller.EditController`` wires them to the map tools
(``plugin.maptools``), the live statistics (``services.live_adapter``), the background checks
(``services.findings``) and saving (``services.saving``).
"""
from __future__ import annotations

from pathlib import Path

from qgis.PyQt.QtCore import QCoreApplication, Qt, pyqtSignal
from qgis.PyQt.QtGui import QBrush, QColor, QIcon, QKeySequence
from qgis.PyQt.QtWidgets import (QAbstractItemView, QAction, QComboBox, QFileDialog, QHBoxLayout, QHeaderView,
                                 QInputDialog, QLabel, QListWidget, QListWidgetItem, QMessageBox, QPushButton,
                                 QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout, QWidget)

from ..i18n import user_language
from .edit_format import cell_text, finding_text  # noqa: F401 - re-exported for callers

ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"
COLUMNS = [("households", "{:.0f}"), ("residents", "{:.0f}"), ("workers", "{:.0f}"), ("compactness", "{:.2f}"),
           ("parts", "{:.0f}"), ("cov_5", "{:.0%}"), ("cov_10", "{:.0%}"), ("cov_15", "{:.0%}")]
TOOLS = ("split", "paint", "vertex", "facility")      # map tools (checkable); the rest are commands


def _tr(text: str) -> str:
    return QCoreApplication.translate("EditPanel", text)


class EditPanel(QWidget):
    """``EditPanel(window=None, parent=None)``: ``window`` (the QGIS main window) holds the
    keyboard shortcuts so they work while the pointer is on the map."""

    toolRequested = pyqtSignal(str)         # split | paint | vertex | facility  # noqa: N815 - Qt naming
    mergeRequested = pyqtSignal()           # noqa: N815
    undoRequested = pyqtSignal()            # noqa: N815
    redoRequested = pyqtSignal()            # noqa: N815
    checkRequested = pyqtSignal()           # noqa: N815
    saveRequested = pyqtSignal()            # noqa: N815
    findingActivated = pyqtSignal(object)   # (x, y, bbox) in the engine's metric CRS  # noqa: N815
    facilityOptionsChanged = pyqtSignal(str, str)   # facility type, place | move | delete  # noqa: N815

    def __init__(self, window=None, parent=None):
        super().__init__(parent)
        self.setObjectName("gridgovEditPanel")
        self.window_ = window
        self.actions: dict[str, QAction] = {}
        self._window_actions: list = []
        self._build()

    # ------------------------------------------------------------------ building
    def _button(self, key: str, text: str, tip: str, shortcut: str) -> QToolButton:
        act = QAction(QIcon(str(ICONS / f"edit_{key}.svg")), text, self)
        act.setObjectName(f"gridgovEdit_{key}")
        act.setCheckable(key in TOOLS)
        act.setShortcut(QKeySequence(shortcut))
        act.setToolTip(f"{tip} ({shortcut})")
        signal = {"merge": self.mergeRequested, "undo": self.undoRequested, "redo": self.redoRequested}.get(key)
        if signal is not None:
            act.triggered.connect(lambda _checked=False, s=signal: s.emit())
        else:
            act.triggered.connect(lambda _checked=False, k=key: self.toolRequested.emit(k))
        self._register_shortcut(act, shortcut)
        btn = QToolButton()
        btn.setDefaultAction(act)
        btn.setToolButtonStyle(Qt.ToolButtonTextUnderIcon)
        self.actions[key] = act
        return btn

    def _register_shortcut(self, act: QAction, shortcut: str) -> None:
        """Shortcuts work while the planner is on the map: the actions live on the main window
        and are listed (and re-bindable) in Settings → Keyboard Shortcuts."""
        if self.window_ is None:
            act.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            self.addAction(act)
            return
        act.setShortcutContext(Qt.WindowShortcut)
        self.window_.addAction(act)
        self._window_actions.append((self.window_, act))
        try:
            from qgis.gui import QgsGui

            QgsGui.shortcutsManager().registerAction(act, shortcut)
        except Exception:  # noqa: BLE001 - no shortcuts manager outside the desktop app
            pass

    def unregister_shortcuts(self) -> None:
        for window, act in self._window_actions:
            try:
                from qgis.gui import QgsGui

                QgsGui.shortcutsManager().unregisterAction(act)
            except Exception:  # noqa: BLE001
                pass
            window.removeAction(act)
        self._window_actions = []

    def _build(self) -> None:
        lay = QVBoxLayout(self)
        self.status = QLabel(_tr("Open a scenario to edit its grids."))
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        row = QHBoxLayout()
        for key, text, tip, sc in (
                ("split", _tr("Split"), _tr("Split a grid by a line drawn across it"), "Ctrl+Alt+S"),
                ("merge", _tr("Merge"), _tr("Merge the selected grids"), "Ctrl+Alt+M"),
                ("paint", _tr("Paint"), _tr("Paint residential units into a grid (Shift+click picks the grid, Ctrl+Shift+click a micro-grid)"),
                 "Ctrl+Alt+P"),
                ("vertex", _tr("Boundary"), _tr("Move shared boundary vertices (topological editing, snapping on)"),
                 "Ctrl+Alt+V"),
                ("facility", _tr("Facility"), _tr("Place, move or delete facilities"), "Ctrl+Alt+F"),
                ("undo", _tr("Undo"), _tr("Undo the last edit"), "Ctrl+Alt+Z"),
                ("redo", _tr("Redo"), _tr("Redo the last undone edit"), "Ctrl+Alt+Y")):
            row.addWidget(self._button(key, text, tip, sc))
        row.addStretch(1)
        lay.addLayout(row)
        opts = QHBoxLayout()
        self.target_label = QLabel(_tr("Paint target: none"))
        opts.addWidget(self.target_label)
        self.fac_type = QComboBox()
        from ...engine.vocab import FACILITY_TYPES

        for key, term in FACILITY_TYPES.items():
            self.fac_type.addItem(term.label(user_language()), key)
        self.fac_type.currentIndexChanged.connect(self._facility_options)
        self.fac_mode = QComboBox()
        for mode, label in (("place", _tr("Place")), ("move", _tr("Move")), ("delete", _tr("Delete"))):
            self.fac_mode.addItem(label, mode)
        self.fac_mode.currentIndexChanged.connect(self._facility_options)
        opts.addWidget(self.fac_type)
        opts.addWidget(self.fac_mode)
        lay.addLayout(opts)
        self.table = QTableWidget(0, len(COLUMNS) + 2)
        self.table.setObjectName("gridgovLiveStats")
        self.table.setHorizontalHeaderLabels(
            [_tr("Grid"), _tr("Households"), _tr("Residents"), _tr("Workers"), _tr("Compactness"), _tr("Parts"),
             _tr("≤5 min"), _tr("≤10 min"), _tr("≤15 min"), _tr("Norm")])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)     # row numbers say nothing; the grid id is column 0
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        lay.addWidget(self.table, 2)
        self.totals = QLabel("")
        self.totals.setWordWrap(True)
        lay.addWidget(self.totals)
        head = QHBoxLayout()
        self.check_label = QLabel(_tr("Validation (click to zoom):"))
        head.addWidget(self.check_label)
        check = QPushButton(_tr("Check now"))
        check.clicked.connect(lambda: self.checkRequested.emit())
        head.addStretch(1)
        head.addWidget(check)
        lay.addLayout(head)
        self.findings_list = QListWidget()
        self.findings_list.setObjectName("gridgovFindings")
        self.findings_list.itemClicked.connect(lambda item: self.findingActivated.emit(item.data(Qt.UserRole)))
        self.findings_list.itemActivated.connect(lambda item: self.findingActivated.emit(item.data(Qt.UserRole)))
        lay.addWidget(self.findings_list, 1)
        save = QPushButton(QIcon(str(ICONS / "edit_save.svg")), _tr("Save as scenario…"))
        save.setObjectName("gridgovSaveAs")
        save.clicked.connect(lambda: self.saveRequested.emit())
        lay.addWidget(save)
        self.set_editing(False)

    def _facility_options(self, *_a) -> None:
        self.facilityOptionsChanged.emit(self.fac_type.currentData(), self.fac_mode.currentData())

    # ------------------------------------------------------------------ display
    def set_editing(self, on: bool, facilities: bool = True) -> None:
        """Tools usable (a layout is attached); the facility tool needs a facilities layer."""
        for act in self.actions.values():
            act.setEnabled(on)
        self.actions["facility"].setEnabled(on and facilities)

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def set_paint_target(self, grid_id: str) -> None:
        self.target_label.setText(_tr("Paint target: {0}").format(grid_id))

    def facility_options(self) -> tuple[str, str]:
        return self.fac_type.currentData(), self.fac_mode.currentData()

    def show_rows(self, rows: list[dict]) -> None:
        """One table row per grid statistics dict (``LiveStats.stats`` rows, with ``delta``)."""
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            gid = row["grid_id"]
            self.table.setItem(r, 0, QTableWidgetItem(gid + (f" ({_tr('removed')})" if row.get("removed") else "")))
            for c, (key, fmt) in enumerate(COLUMNS, start=1):
                self.table.setItem(r, c, QTableWidgetItem(cell_text(row[key], row["delta"].get(key), fmt)))
            if row["norm_min"] is None:
                norm = QTableWidgetItem("")
            else:
                norm = QTableWidgetItem(("✓ " if row["norm_ok"] else "✗ ") + f"{row['norm_min']}–{row['norm_max']}")
                if not row["norm_ok"]:
                    norm.setBackground(QBrush(QColor(255, 205, 205)))
            self.table.setItem(r, len(COLUMNS) + 1, norm)

    def show_totals(self, t: dict) -> None:
        d = t["delta"]
        self.totals.setText(_tr("All grids: {0:.0f} households; ≤5/10/15 min: {1} / {2} / {3}").format(
            t["households"], *(cell_text(t[k], d[k], "{:.1%}") for k in ("cov_5", "cov_10", "cov_15"))))

    def cell(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text() if item else ""

    def set_checking(self, on: bool) -> None:
        self.check_label.setText(_tr("Validation: checking…") if on else _tr("Validation (click to zoom):"))

    def show_findings(self, found: list) -> None:
        self.findings_list.clear()
        lang = user_language()
        for f in found:
            item = QListWidgetItem(finding_text(f, lang))
            item.setToolTip(item.text())
            item.setData(Qt.UserRole, (f.x, f.y, f.bbox))
            self.findings_list.addItem(item)

    # ------------------------------------------------------------------ questions
    def ask_merge_keep(self, ids: list[str]) -> str | None:
        keep, ok = QInputDialog.getItem(self, _tr("Merge grids"), _tr("Keep the attributes of:"), ids, 0, False)
        return keep if ok else None

    def ask_save_destination(self, start: str) -> tuple[str, bool] | None:
        """A folder to save into and whether replacing it was confirmed; None: cancelled."""
        dest, _ = QFileDialog.getSaveFileName(self, _tr("Save as scenario (new folder)"), start)
        if not dest:
            return None
        if Path(dest).exists():
            ans = QMessageBox.question(self, _tr("Overwrite scenario?"),
                                       _tr("{0} exists. Replace it with the edited layout?").format(dest))
            return (dest, True) if ans == QMessageBox.Yes else None
        return dest, False
