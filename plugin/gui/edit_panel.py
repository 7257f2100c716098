"""The dock's "Edit" tab: editing tools, live statistics with deltas, validation list, save.

Widgets only: the edits live in ``plugin.maptools``, the numbers in ``engine.live`` (through
``services.live_adapter``), saving in ``engine.scenario.save_scenario``.
"""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

from qgis.core import Qgis, QgsRectangle, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication, Qt, QTimer
from qgis.PyQt.QtGui import QBrush, QColor, QIcon, QKeySequence
from qgis.PyQt.QtWidgets import (QAbstractItemView, QAction, QComboBox, QFileDialog, QHBoxLayout, QHeaderView,
                                 QInputDialog, QLabel, QListWidget, QListWidgetItem, QMessageBox, QPushButton,
                                 QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout, QWidget)

from ..i18n import user_language
from ..maptools.edits import EditError
from .edit_format import cell_text, finding_text  # noqa: F401 - re-exported for callers

ICONS = Path(__file__).resolve().parents[2] / "resources" / "icons"
COLUMNS = [("households", "{:.0f}"), ("residents", "{:.0f}"), ("workers", "{:.0f}"), ("compactness", "{:.2f}"),
           ("parts", "{:.0f}"), ("cov_5", "{:.0%}"), ("cov_10", "{:.0%}"), ("cov_15", "{:.0%}")]


def _tr(text: str) -> str:
    return QCoreApplication.translate("EditPanel", text)



class EditPanel(QWidget):
    """``EditPanel(iface, state=None, parent=None)``; ``attach(...)`` binds it to three layers."""

    def __init__(self, iface, state=None, parent=None):
        if isinstance(state, QWidget) and parent is None:   # EditPanel(iface, parent)
            state, parent = None, state
        super().__init__(parent)
        self.setObjectName("gridgovEditPanel")
        self.iface = iface
        self.state = state
        self.adapter = None
        self.scenario = None
        self.layers: dict[str, QgsVectorLayer] = {}
        self.tools: dict[str, Any] = {}
        self.history: list[QgsVectorLayer] = []
        self.redo_list: list[QgsVectorLayer] = []
        self._findings_gen = 0
        self._findings_task = None
        self._build()
        self._findings_timer = QTimer(self)
        self._findings_timer.setSingleShot(True)
        self._findings_timer.setInterval(400)
        self._findings_timer.timeout.connect(self.refresh_findings)
        if state is not None and hasattr(state, "scenarioOpened"):
            state.scenarioOpened.connect(self._on_scenario_opened)

    # ------------------------------------------------------------------ widgets
    def _button(self, key: str, text: str, tip: str, shortcut: str, slot, checkable: bool = True) -> QToolButton:
        act = QAction(QIcon(str(ICONS / f"edit_{key}.svg")), text, self)
        act.setObjectName(f"gridgovEdit_{key}")
        act.setCheckable(checkable)
        act.setShortcut(QKeySequence(shortcut))
        act.setToolTip(f"{tip} ({shortcut})")
        act.triggered.connect(slot)
        self._register_shortcut(act, shortcut)
        btn = QToolButton()
        btn.setDefaultAction(act)
        btn.setToolButtonStyle(Qt.ToolButtonTextUnderIcon)
        self.actions[key] = act
        return btn

    def _register_shortcut(self, act: QAction, shortcut: str) -> None:
        """Shortcuts work while the planner is on the map: the actions live on the main window
        and are listed (and re-bindable) in Settings → Keyboard Shortcuts."""
        window = self.iface.mainWindow() if callable(getattr(self.iface, "mainWindow", None)) else None
        if window is None:
            act.setShortcutContext(Qt.WidgetWithChildrenShortcut)
            self.addAction(act)
            return
        act.setShortcutContext(Qt.WindowShortcut)
        window.addAction(act)
        self._window_actions.append((window, act))
        try:
            from qgis.gui import QgsGui

            QgsGui.shortcutsManager().registerAction(act, shortcut)
        except Exception:  # noqa: BLE001 - no shortcuts manager outside the desktop app
            pass

    def _unregister_shortcuts(self) -> None:
        for window, act in self._window_actions:
            try:
                from qgis.gui import QgsGui

                QgsGui.shortcutsManager().unregisterAction(act)
            except Exception:  # noqa: BLE001
                pass
            window.removeAction(act)
        self._window_actions = []

    def _build(self) -> None:
        self.actions: dict[str, QAction] = {}
        self._window_actions: list = []
        lay = QVBoxLayout(self)
        self.status = QLabel(_tr("Open a scenario to edit its grids."))
        self.status.setWordWrap(True)
        lay.addWidget(self.status)
        row = QHBoxLayout()
        for key, text, tip, sc, slot, chk in (
                ("split", _tr("Split"), _tr("Split a grid by a line drawn across it"), "Ctrl+Alt+S", self.use_split, True),
                ("merge", _tr("Merge"), _tr("Merge the selected grids"), "Ctrl+Alt+M", self.merge_selected, False),
                ("paint", _tr("Paint"), _tr("Paint residential units into a grid (Shift+click picks the grid, Ctrl+Shift+click a micro-grid)"),
                 "Ctrl+Alt+P", self.use_paint, True),
                ("vertex", _tr("Boundary"), _tr("Move shared boundary vertices (topological editing, snapping on)"),
                 "Ctrl+Alt+V", self.use_vertex, True),
                ("facility", _tr("Facility"), _tr("Place, move or delete facilities"), "Ctrl+Alt+F",
                 self.use_facility, True),
                ("undo", _tr("Undo"), _tr("Undo the last edit"), "Ctrl+Alt+Z", self.undo, False),
                ("redo", _tr("Redo"), _tr("Redo the last undone edit"), "Ctrl+Alt+Y", self.redo, False)):
            row.addWidget(self._button(key, text, tip, sc, slot, chk))
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
        check.clicked.connect(lambda: self.refresh_findings())
        head.addStretch(1)
        head.addWidget(check)
        lay.addLayout(head)
        self.findings_list = QListWidget()
        self.findings_list.setObjectName("gridgovFindings")
        self.findings_list.itemClicked.connect(self.zoom_to_item)
        self.findings_list.itemActivated.connect(self.zoom_to_item)
        lay.addWidget(self.findings_list, 1)
        save = QPushButton(QIcon(str(ICONS / "edit_save.svg")), _tr("Save as scenario…"))
        save.setObjectName("gridgovSaveAs")
        save.clicked.connect(self.save_dialog)
        lay.addWidget(save)
        self._set_enabled(False)

    def _set_enabled(self, on: bool) -> None:
        for act in self.actions.values():
            act.setEnabled(on)

    def message(self, text: str, level=Qgis.Info) -> None:
        self.status.setText(text)
        bar = getattr(self.iface, "messageBar", None)
        if level != Qgis.Info and callable(bar):
            try:
                bar().pushMessage("GridGov", text, level, 5)
            except Exception:  # noqa: BLE001 - a stub iface without a message bar
                pass

    # ------------------------------------------------------------------ binding
    def _on_scenario_opened(self, folder: str) -> None:
        from ...engine.errors import GridGovError
        from ...engine.scenario import load_scenario

        layers = [self.state.layer(n) for n in ("grids", "units", "facilities")]
        if layers[0] is None or layers[1] is None:
            self.message(_tr("This scenario has no grids or units layer: nothing to edit."))
            return
        try:
            self.attach(*layers, scenario=load_scenario(folder))
        except (GridGovError, ValueError) as exc:
            self.message(_tr("Live statistics unavailable: {0}").format(exc), Qgis.Warning)

    def attach(self, grids: QgsVectorLayer, units: QgsVectorLayer, facilities: QgsVectorLayer | None,
               scenario=None, circles=None) -> None:
        """Bind the panel to the layers being edited (and the scenario they come from)."""
        from ..services.live_adapter import LiveAdapter

        self.detach()
        self.layers = {"grids": grids, "units": units}
        if facilities is not None:
            self.layers["facilities"] = facilities
        self.scenario = scenario
        self.adapter = LiveAdapter(grids, units, facilities, scenario, circles, parent=self)
        self.adapter.updated.connect(self._on_update)
        self.adapter.failed.connect(lambda m: self.message(m, Qgis.Warning))
        grids.selectionChanged.connect(self._on_selection)
        self._set_enabled(True)
        self.actions["facility"].setEnabled(facilities is not None)
        self.message(_tr("Editing {0}: {1} grids.").format(getattr(scenario, "name", grids.name()),
                                                            grids.featureCount()))
        self.show_stats()
        self._findings_timer.start()

    def detach(self) -> None:
        canvas = self.iface.mapCanvas()
        for tool in self.tools.values():
            if canvas.mapTool() is tool:
                canvas.unsetMapTool(tool)
            for name in ("band", "brush"):      # rubber bands live in the canvas scene: take them out
                item = getattr(tool, name, None)
                if item is not None and item.scene() is not None:
                    item.scene().removeItem(item)
        self.tools = {}
        self._findings_gen += 1
        self._drop_findings_task()
        self._findings_timer.stop()
        if self.adapter is not None:
            self.adapter.disconnect_layers()
            try:
                self.layers["grids"].selectionChanged.disconnect(self._on_selection)
            except (TypeError, RuntimeError):
                pass
            self.adapter.deleteLater()
            self.adapter = None
        self._set_enabled(False)

    def shutdown(self) -> None:
        """Plugin unload: release the map tools, the layers and the main-window shortcuts."""
        self.detach()
        self._unregister_shortcuts()

    # ------------------------------------------------------------------ tools
    def _tool(self, key: str, factory) -> Any:
        if key not in self.tools:
            tool = factory()
            tool.edited.connect(lambda m, k=key: self._edited(k, m))
            tool.failed.connect(lambda m: self.message(m, Qgis.Warning))
            self.tools[key] = tool
            act = self.actions.get(key)
            if act is not None:
                tool.setAction(act)
        return self.tools[key]

    def _activate(self, key: str, layer: QgsVectorLayer, factory) -> Any:
        if not layer.isEditable():
            layer.startEditing()
        tool = self._tool(key, factory)
        self.iface.mapCanvas().setMapTool(tool)
        if hasattr(self.iface, "setActiveLayer"):
            self.iface.setActiveLayer(layer)
        return tool

    def use_split(self) -> Any:
        from ..maptools.split_tool import SplitTool

        g = self.layers["grids"]
        return self._activate("split", g, lambda: SplitTool(self.iface.mapCanvas(), g))

    def use_paint(self) -> Any:
        from ..maptools.paint_tool import PaintTool

        u, g = self.layers["units"], self.layers["grids"]
        tool = self._activate("paint", u, lambda: PaintTool(self.iface.mapCanvas(), u, g))
        if not getattr(tool, "_gridgov_wired", False):
            tool.targetChanged.connect(lambda gid: self.target_label.setText(_tr("Paint target: {0}").format(gid)))
            tool._gridgov_wired = True
        return tool

    def use_facility(self) -> Any:
        from ..maptools.facility_tool import FacilityTool

        f = self.layers["facilities"]
        tool = self._activate("facility", f, lambda: FacilityTool(self.iface.mapCanvas(), f))
        self._facility_options()
        return tool

    def _facility_options(self, *_a) -> None:
        tool = self.tools.get("facility")
        if tool is not None:
            tool.kind = self.fac_type.currentData()
            tool.set_mode(self.fac_mode.currentData())

    def use_vertex(self) -> None:
        from ..maptools.vertex import enable_topological_editing

        g = self.layers["grids"]
        if not g.isEditable():
            g.startEditing()
        enable_topological_editing(g)
        if hasattr(self.iface, "setActiveLayer"):
            self.iface.setActiveLayer(g)
        act = getattr(self.iface, "actionVertexTool", None)
        if callable(act) and act() is not None:
            act().trigger()
        self._remember(g)
        self.message(_tr("Drag a shared vertex: both grids follow (topological editing and snapping are on)."))

    def merge_selected(self, keep_id: str | None = None) -> None:
        from ..maptools.merge_action import merge_selected, selected_grid_ids

        g = self.layers["grids"]
        ids = selected_grid_ids(g)
        if len(ids) < 2:
            self.message(_tr("Select at least two grids to merge"), Qgis.Warning)
            return
        if not isinstance(keep_id, str):
            keep_id, ok = QInputDialog.getItem(self, _tr("Merge grids"), _tr("Keep the attributes of:"), ids, 0, False)
            if not ok:
                return
        try:
            merge_selected(g, keep_id)
        except EditError as exc:
            self.message(str(exc), Qgis.Warning)
            return
        self._edited("merge", _tr("Merged {0} grids into {1}").format(len(ids), keep_id))

    def _remember(self, layer: QgsVectorLayer) -> None:
        self.history.append(layer)
        self.redo_list.clear()

    def _edited(self, key: str, text: str) -> None:
        layer = self.layers["units" if key == "paint" else "facilities" if key == "facility" else "grids"]
        self._remember(layer)
        self.message(text)

    def undo(self) -> None:
        """Undo the panel's last edit (on whichever layer it was made)."""
        while self.history:
            layer = self.history.pop()
            if layer.isEditable() and layer.undoStack().canUndo():
                layer.undoStack().undo()
                self.redo_list.append(layer)
                return
        self.message(_tr("Nothing to undo"))

    def redo(self) -> None:
        while self.redo_list:
            layer = self.redo_list.pop()
            if layer.isEditable() and layer.undoStack().canRedo():
                layer.undoStack().redo()
                self.history.append(layer)
                return
        self.message(_tr("Nothing to redo"))

    # ------------------------------------------------------------------ statistics
    def _on_selection(self, *_a) -> None:
        self.show_stats()

    def _on_update(self, update: dict) -> None:
        self.show_stats()
        self.status.setText(_tr("Updated {0} grid(s) in {1:.0f} ms").format(len(update["touched"]),
                                                                           update["elapsed_ms"]))
        self._findings_timer.start()

    def shown_grid_ids(self) -> list[str]:
        """Selected grids first, then every grid edited since the saved layout."""
        if self.adapter is None:
            return []
        sel = self.adapter.selected_grid_ids()
        return sel + sorted(self.adapter.edited - set(sel))

    def show_stats(self) -> None:
        if self.adapter is None:
            return
        ids = self.shown_grid_ids()
        stats = self.adapter.stats_for(ids)
        ids = [g for g in ids if g in stats]
        self.table.setRowCount(len(ids))
        for r, gid in enumerate(ids):
            row = stats[gid]
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
        t = self.adapter.live.totals()
        d = t["delta"]
        self.totals.setText(_tr("All grids: {0:.0f} households; ≤5/10/15 min: {1} / {2} / {3}").format(
            t["households"], *(cell_text(t[k], d[k], "{:.1%}") for k in ("cov_5", "cov_10", "cov_15"))))

    def cell(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text() if item else ""

    # ------------------------------------------------------------------ validation
    def refresh_findings(self, wait: bool = False) -> None:
        """Re-run the validation checks and refill the list.

        The polygon overlay (gaps/overlaps) takes up to a few hundred ms on a city, so it runs
        as a background task on a snapshot of the layout (``LiveStats.findings_job``); edits go
        on meanwhile.  Each request gets a generation number and only the newest one's result
        is shown, so a slow old check can never overwrite a newer list.  ``wait`` computes in
        the calling thread (scripts that screenshot the list right away)."""
        self._findings_gen += 1
        self._drop_findings_task()
        if self.adapter is None:
            self.findings_list.clear()
            return
        self.adapter.flush()
        job = self.adapter.live.findings_job()
        gen, adapter = self._findings_gen, self.adapter
        if wait:
            self._findings_done(gen, adapter, job, True, job.run(), "")
            return
        from qgis.core import QgsApplication

        from ..tasks.engine_task import EngineTask

        task = EngineTask(_tr("GridGov: checking the layout"), lambda _progress: job.run())
        task.done.connect(lambda ok, result, error: self._findings_done(gen, adapter, job, ok, result, error))
        self._findings_task = task
        self.check_label.setText(_tr("Validation: checking…"))
        QgsApplication.taskManager().addTask(task)

    @property
    def findings_pending(self) -> bool:
        """A background check is running (tests and scripts wait on it)."""
        return self._findings_task is not None

    def _drop_findings_task(self) -> None:
        """Forget the running check: its result is stale (a newer request or a detach)."""
        from ..tasks.engine_task import disconnect_task

        if self._findings_task is not None:
            disconnect_task(self._findings_task)
            self._findings_task = None

    def _findings_done(self, gen: int, adapter, job, ok: bool, found, error: str) -> None:
        if gen != self._findings_gen or adapter is not self.adapter:
            return                  # a newer check was requested meanwhile: it will fill the list
        self._findings_task = None
        self.check_label.setText(_tr("Validation (click to zoom):"))
        if not ok:
            self.message(_tr("Validation failed: {0}").format(error), Qgis.Warning)
            return
        adapter.live.adopt(job)
        self.findings_list.clear()
        lang = user_language()
        for f in found:
            item = QListWidgetItem(finding_text(f, lang))
            item.setToolTip(item.text())
            item.setData(Qt.UserRole, (f.x, f.y, f.bbox))
            self.findings_list.addItem(item)

    def zoom_to_item(self, item: QListWidgetItem) -> None:
        x, y, bbox = item.data(Qt.UserRole)
        canvas = self.iface.mapCanvas()
        crs = canvas.mapSettings().destinationCrs()
        if bbox and all(math.isfinite(v) for v in bbox):
            a = self.adapter.to_crs(bbox[0], bbox[1], crs)
            b = self.adapter.to_crs(bbox[2], bbox[3], crs)
            rect = QgsRectangle(a, b)
            rect.scale(1.5)
        else:
            c = self.adapter.to_crs(x, y, crs)
            half = 150.0 * canvas.mapUnitsPerPixel() if canvas.mapUnitsPerPixel() > 0 else 100.0
            rect = QgsRectangle(c.x() - half, c.y() - half, c.x() + half, c.y() + half)
        canvas.setExtent(rect)
        canvas.refresh()

    # ------------------------------------------------------------------ saving
    def save_as(self, dest: str | Path, overwrite: bool = False, switch: bool = True) -> Path:
        """Write the edited layout as a scenario folder (the original stays unless overwritten).

        With ``switch`` and a scenario opened through the dock's state, the project then moves
        to the saved folder (:meth:`switch_to`), so no edit buffer is left on the original
        GeoPackage for QGIS's own "Save Layer Edits" to write."""
        from ...engine.scenario import save_scenario
        from ..services.live_adapter import read_model

        if self.adapter is None or self.scenario is None:
            raise EditError(_tr("No scenario is open"))
        self.adapter.flush()
        g, u, f = read_model(self.layers["grids"], self.layers["units"], self.layers.get("facilities"),
                             self.adapter._to_metric)
        if self.layers.get("facilities") is None:
            f = self.scenario.facilities
        dest = Path(dest)
        scn = dataclasses.replace(self.scenario, grids=g, units=u, facilities=f)
        out = save_scenario(scn, dest, overwrite=overwrite, meta={"name": dest.name})
        if switch and getattr(self.state, "scenario_dir", None) is not None:
            self.switch_to(out)
        else:
            self.adapter.rebase()
            self.show_stats()
        return out

    def switch_to(self, folder: str | Path) -> bool:
        """Leave the opened scenario without writing it and open ``folder`` instead.

        The panel lets go of the layers first (so the roll-back is not fed to the live
        statistics), the edit buffers of the opened scenario's layers are discarded, its layer
        groups leave the project, and the folder is opened through the dock's state (the
        Scenario tab's validation and styled layers), which re-attaches this panel to the new
        layers and their statistics."""
        from ..services import layers as layer_service

        state = self.state
        old_dir = state.scenario_dir
        old_layers = [state.layer(n) for n in state.layer_ids] + list(self.layers.values())
        self.detach()
        self.history.clear()
        self.redo_list.clear()
        for layer in {id(x): x for x in old_layers if x is not None}.values():
            try:
                if layer.isEditable():
                    layer.rollBack()
            except RuntimeError:        # removed by the user meanwhile
                continue
        self.layers = {}
        if old_dir is not None:
            for group in (f"GridGov results: {old_dir.name}", f"GridGov: {old_dir.name}"):
                layer_service.remove_group(group)
        return state.open_folder(folder)

    def save_dialog(self) -> None:
        if self.scenario is None:
            self.message(_tr("No scenario is open"), Qgis.Warning)
            return
        start = str(Path(self.scenario.path).parent / f"{Path(self.scenario.path).name}_edited")
        dest, _ = QFileDialog.getSaveFileName(self, _tr("Save as scenario (new folder)"), start)
        if not dest:
            return
        overwrite = False
        if Path(dest).exists():
            ans = QMessageBox.question(self, _tr("Overwrite scenario?"),
                                       _tr("{0} exists. Replace it with the edited layout?").format(dest))
            if ans != QMessageBox.Yes:
                return
            overwrite = True
        from ...engine.errors import GridGovError

        try:
            out = self.save_as(dest, overwrite)
        except (GridGovError, EditError, OSError) as exc:
            self.message(_tr("Saving failed: {0}").format(exc), Qgis.Critical)
            return
        self.message(_tr("Saved the scenario to {0}; the map now shows the saved scenario.").format(out)
                     if self.state is not None and getattr(self.state, "scenario_dir", None) is not None
                     and Path(self.state.scenario_dir).resolve() == Path(out).resolve()
                     else _tr("Saved the scenario to {0}").format(out), Qgis.Success)

