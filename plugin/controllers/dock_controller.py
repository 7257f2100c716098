"""The dock and everything behind it: the shared state, one controller per tab.

Layering (docs/plugin.md): ``gui`` widgets emit signals and show what they are given;
``controllers`` (this package) connect those signals to ``services`` (everything that talks to
QGIS and the engine: layers, validation, saving, the project, background tasks), which call
``engine`` use cases, heavy ones as ``tasks``.  A new dock action gets a button (and signal) in
its tab's widget, a method on the tab's controller, the QGIS-side work in a service, and the
engine call as a task run by the controller's ``services.runner.TaskRunner``.
"""
from __future__ import annotations

from qgis.core import Qgis, QgsMessageLog
from qgis.PyQt.QtCore import QObject

from ..gui.dock import GridGovDock
from ..services.state import ScenarioState
from .compare_controller import CompareController
from .scenario_controller import ScenarioController


class DockController(QObject):
    """``DockController(iface, lang)``: ``dock`` (the widget), ``state``, and the tab controllers
    ``scenario``, ``edit`` (None without an Edit tab) and ``compare``."""

    def __init__(self, iface, lang: str = "en", parent=None):
        super().__init__(parent)
        self.iface = iface
        window_fn = getattr(iface, "mainWindow", None)
        window = window_fn() if callable(window_fn) else None
        self.dock = GridGovDock(lang, window, parent)
        self.state = ScenarioState(self)
        self.scenario = ScenarioController(iface, self.state, self.dock.scenario_panel, lang, self)
        self.edit = None
        if self.dock.edit_panel is not None:
            try:
                from .edit_controller import EditController

                self.edit = EditController(iface, self.dock.edit_panel, self.state, self)
            except Exception as exc:  # noqa: BLE001 - a broken tab must not break the dock
                QgsMessageLog.logMessage(f"Edit tab failed to start: {exc!r}", "GridGov", Qgis.Warning)
                self.dock.edit_panel.unregister_shortcuts()
                self.dock.tabs.removeTab(self.dock.tabs.indexOf(self.dock.edit_panel))
                self.dock.edit_panel = None
        self.compare = CompareController(iface, self.state, self.dock.compare_panel, lang, self)

    def shutdown(self) -> None:
        """Stop running tasks and let the tabs release map tools and shortcuts (plugin unload)."""
        self.scenario.shutdown()
        self.compare.shutdown()
        if self.edit is not None:
            self.edit.shutdown()
