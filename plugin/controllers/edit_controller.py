"""The Edit tab's controller: binds the panel to the open scenario's layers and runs its commands.

Panel signals → map tools (``plugin.maptools``, edits through the layers' edit buffers, so
QGIS undo works), live statistics (``services.live_adapter``), undo/redo across layers
(``services.edit_history``), the background validation list (``services.findings``), saving
(``services.saving``) and moving the project to the saved folder (``services.project``).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from qgis.core import Qgis, QgsRectangle, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication, QObject, QTimer

from ..gui.edit_panel import EditPanel
from ..maptools.edits import EditError
from ..services.edit_history import EditHistory
from ..services.findings import FindingsChecker
from ..services.runner import TaskRunner
from ..tasks.engine_task import EngineTask


def _tr(text: str) -> str:
    return QCoreApplication.translate("EditPanel", text)


class EditController(QObject):
    """``EditController(iface, panel, state=None)``; ``attach(...)`` binds it to three layers,
    or the dock's ``state`` does when a scenario opens."""

    def __init__(self, iface, panel: EditPanel, state=None, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.panel = panel
        self.state = state
        self.adapter = None
        self.scenario = None
        self.layers: dict[str, QgsVectorLayer] = {}
        self.tools: dict[str, Any] = {}
        self.history = EditHistory()
        self.loader = TaskRunner(self)       # prepares an opened scenario's live statistics
        self.checker = FindingsChecker(self)
        self.checker.started.connect(lambda: self.panel.set_checking(True))
        self.checker.found.connect(self._show_findings)
        self.checker.failed.connect(self._check_failed)
        self._findings_timer = QTimer(self)
        self._findings_timer.setSingleShot(True)
        self._findings_timer.setInterval(400)
        self._findings_timer.timeout.connect(self.refresh_findings)
        panel.toolRequested.connect(self.use_tool)
        panel.mergeRequested.connect(self.merge_selected)
        panel.undoRequested.connect(self.undo)
        panel.redoRequested.connect(self.redo)
        panel.checkRequested.connect(self.refresh_findings)
        panel.saveRequested.connect(self.save_dialog)
        panel.findingActivated.connect(self.zoom_to_finding)
        panel.facilityOptionsChanged.connect(lambda *_a: self._facility_options())
        if state is not None:
            state.scenarioOpened.connect(self._on_scenario_opened)

    def message(self, text: str, level=Qgis.Info) -> None:
        self.panel.set_status(text)
        bar = getattr(self.iface, "messageBar", None)
        if level != Qgis.Info and callable(bar):
            try:
                bar().pushMessage("GridGov", text, level, 5)
            except Exception:  # noqa: BLE001 - a stub iface without a message bar
                pass

    # ------------------------------------------------------------------ binding
    def _on_scenario_opened(self, folder: str) -> None:
        """Bind to the opened scenario's layers once its live statistics are ready.

        Loading the scenario and its life circles takes a second on a district and about a
        minute on a whole city, so it runs as a background task; the tab binds when it ends
        (unless another scenario was opened meanwhile)."""
        self.detach()                   # the previous scenario's layers are gone
        self.history.clear()
        layers = [self.state.layer(n) for n in ("grids", "units", "facilities")]
        if layers[0] is None or layers[1] is None:
            self.message(_tr("This scenario has no grids or units layer: nothing to edit."))
            return
        ids = [lyr.id() if lyr is not None else None for lyr in layers]

        def prepare(_progress):
            from ...engine.live import LiveStats
            from ...engine.scenario import load_scenario

            scenario = load_scenario(folder)
            return scenario, LiveStats.from_scenario(scenario)

        def done(ok: bool, result, error: str) -> None:
            now = [self.state.layer(n) for n in ("grids", "units", "facilities")]
            if [lyr.id() if lyr is not None else None for lyr in now] != ids:
                return                  # the project moved on while the statistics were prepared
            if not ok:
                self.message(_tr("Live statistics unavailable: {0}").format(error), Qgis.Warning)
                return
            from ...engine.errors import GridGovError

            try:
                self.attach(*now, scenario=result[0], live=result[1])
            except (GridGovError, ValueError) as exc:
                self.message(_tr("Live statistics unavailable: {0}").format(exc), Qgis.Warning)

        self.message(_tr("Preparing the live statistics of {0}…").format(Path(folder).name))
        self.loader.start(EngineTask(_tr("GridGov: preparing live statistics"), prepare), done)

    @property
    def attaching(self) -> bool:
        """The opened scenario's live statistics are still being prepared (tests and scripts wait)."""
        return self.loader.busy

    def attach(self, grids: QgsVectorLayer, units: QgsVectorLayer, facilities: QgsVectorLayer | None,
               scenario=None, circles=None, live=None) -> None:
        """Bind to the layers being edited (and the scenario they come from; ``live``: its
        ``LiveStats`` when already prepared)."""
        from ..services.live_adapter import LiveAdapter

        self.detach()
        self.layers = {"grids": grids, "units": units}
        if facilities is not None:
            self.layers["facilities"] = facilities
        self.scenario = scenario
        self.adapter = LiveAdapter(grids, units, facilities, scenario, circles, parent=self, live=live)
        self.adapter.updated.connect(self._on_update)
        self.adapter.failed.connect(lambda m: self.message(m, Qgis.Warning))
        grids.selectionChanged.connect(self._on_selection)
        self.panel.set_editing(True, facilities is not None)
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
        self.loader.drop()
        self.checker.drop()
        self._findings_timer.stop()
        self.panel.set_checking(False)
        if self.adapter is not None:
            self.adapter.disconnect_layers()
            try:
                self.layers["grids"].selectionChanged.disconnect(self._on_selection)
            except (TypeError, RuntimeError):
                pass
            self.adapter.deleteLater()
            self.adapter = None
        self.panel.set_editing(False)

    def shutdown(self) -> None:
        """Plugin unload: release the map tools, the layers and the main-window shortcuts."""
        self.detach()
        self.panel.unregister_shortcuts()

    # ------------------------------------------------------------------ tools
    def _tool(self, key: str, factory) -> Any:
        if key not in self.tools:
            tool = factory()
            tool.edited.connect(lambda m, k=key: self._edited(k, m))
            tool.failed.connect(lambda m: self.message(m, Qgis.Warning))
            self.tools[key] = tool
            act = self.panel.actions.get(key)
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

    def use_tool(self, key: str) -> Any:
        """The panel's tool buttons: split, paint, vertex or facility."""
        return {"split": self.use_split, "paint": self.use_paint, "vertex": self.use_vertex,
                "facility": self.use_facility}[key]()

    def use_split(self) -> Any:
        from ..maptools.split_tool import SplitTool

        g = self.layers["grids"]
        return self._activate("split", g, lambda: SplitTool(self.iface.mapCanvas(), g))

    def use_paint(self) -> Any:
        from ..maptools.paint_tool import PaintTool

        u, g = self.layers["units"], self.layers["grids"]
        fresh = "paint" not in self.tools
        tool = self._activate("paint", u, lambda: PaintTool(self.iface.mapCanvas(), u, g))
        if fresh:
            tool.targetChanged.connect(self.panel.set_paint_target)
        return tool

    def use_facility(self) -> Any:
        from ..maptools.facility_tool import FacilityTool

        f = self.layers["facilities"]
        tool = self._activate("facility", f, lambda: FacilityTool(self.iface.mapCanvas(), f))
        self._facility_options()
        return tool

    def _facility_options(self) -> None:
        tool = self.tools.get("facility")
        if tool is not None:
            tool.kind, mode = self.panel.facility_options()
            tool.set_mode(mode)

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
        self.history.remember(g)
        self.message(_tr("Drag a shared vertex: both grids follow (topological editing and snapping are on)."))

    def merge_selected(self, keep_id: str | None = None) -> None:
        from ..maptools.merge_action import merge_selected, selected_grid_ids

        g = self.layers["grids"]
        ids = selected_grid_ids(g)
        if len(ids) < 2:
            self.message(_tr("Select at least two grids to merge"), Qgis.Warning)
            return
        if not isinstance(keep_id, str):
            keep_id = self.panel.ask_merge_keep(ids)
            if keep_id is None:
                return
        try:
            merge_selected(g, keep_id)
        except EditError as exc:
            self.message(str(exc), Qgis.Warning)
            return
        self._edited("merge", _tr("Merged {0} grids into {1}").format(len(ids), keep_id))

    def _edited(self, key: str, text: str) -> None:
        layer = self.layers["units" if key == "paint" else "facilities" if key == "facility" else "grids"]
        self.history.remember(layer)
        self.message(text)

    def undo(self) -> None:
        """Undo the last edit of the tab (on whichever layer it was made)."""
        if not self.history.undo():
            self.message(_tr("Nothing to undo"))

    def redo(self) -> None:
        if not self.history.redo():
            self.message(_tr("Nothing to redo"))

    # ------------------------------------------------------------------ statistics
    def _on_selection(self, *_a) -> None:
        self.show_stats()

    def _on_update(self, update: dict) -> None:
        self.show_stats()
        self.panel.set_status(_tr("Updated {0} grid(s) in {1:.0f} ms").format(len(update["touched"]),
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
        self.panel.show_rows([stats[g] for g in ids if g in stats])
        self.panel.show_totals(self.adapter.live.totals())

    # ------------------------------------------------------------------ validation
    def refresh_findings(self, wait: bool = False) -> None:
        """Re-run the layout checks (a background task; ``wait``: in this thread) and refill
        the list when they finish; a newer request supersedes a running one."""
        self._findings_timer.stop()
        if self.adapter is None:
            self.checker.drop()
            self.panel.show_findings([])
            return
        self.checker.check(self.adapter, wait=wait)

    @property
    def findings_pending(self) -> bool:
        """A background check is running (tests and scripts wait on it)."""
        return self.checker.pending

    def _show_findings(self, found: list) -> None:
        self.panel.set_checking(False)
        self.panel.show_findings(found)

    def _check_failed(self, error: str) -> None:
        self.panel.set_checking(False)
        self.message(_tr("Validation failed: {0}").format(error), Qgis.Warning)

    def zoom_to_finding(self, place) -> None:
        """Zoom the canvas to a finding's box (or around its point): ``(x, y, bbox)``."""
        if self.adapter is None or not place:
            return
        x, y, bbox = place
        canvas = self.iface.mapCanvas()
        crs = canvas.mapSettings().destinationCrs()
        if bbox and all(math.isfinite(v) for v in bbox):
            rect = QgsRectangle(self.adapter.to_crs(bbox[0], bbox[1], crs), self.adapter.to_crs(bbox[2], bbox[3], crs))
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
        from ..services.saving import save_layout

        if self.adapter is None or self.scenario is None:
            raise EditError(_tr("No scenario is open"))
        self.adapter.flush()
        out = save_layout(self.scenario, self.layers, self.adapter.to_metric, dest, overwrite)
        if switch and self.state is not None and self.state.scenario_dir is not None:
            self.switch_to(out)
        else:
            self.adapter.rebase()
            self.show_stats()
        return out

    def switch_to(self, folder: str | Path) -> bool:
        """Leave the open scenario without writing it and open ``folder`` instead.

        The tab lets go of the layers first (so the roll-back is not fed to the live
        statistics); the open scenario's edit buffers are discarded and its groups leave the
        project (``services.project.leave_scenario``); the folder is opened through the dock's
        state (the Scenario tab's validation and styled layers), which re-attaches this tab."""
        from ..services.project import leave_scenario

        extra = list(self.layers.values())
        self.detach()
        self.history.clear()
        self.layers = {}
        leave_scenario(self.state, extra)
        return self.state.open_folder(folder)

    def save_dialog(self) -> None:
        if self.scenario is None:
            self.message(_tr("No scenario is open"), Qgis.Warning)
            return
        start = str(Path(self.scenario.path).parent / f"{Path(self.scenario.path).name}_edited")
        answer = self.panel.ask_save_destination(start)
        if answer is None:
            return
        from ...engine.errors import GridGovError

        try:
            out = self.save_as(*answer)
        except (GridGovError, EditError, OSError) as exc:
            self.message(_tr("Saving failed: {0}").format(exc), Qgis.Critical)
            return
        opened = self.state is not None and self.state.scenario_dir is not None \
            and Path(self.state.scenario_dir).resolve() == Path(out).resolve()
        self.message(_tr("Saved the scenario to {0}; the map now shows the saved scenario.").format(out) if opened
                     else _tr("Saved the scenario to {0}").format(out), Qgis.Success)
