"""The GridGov dock: tabs "Scenario", "Edit" and "Compare" around one shared state.

The Edit tab is engineer E2's ``EditPanel(iface, state, parent)``; when that module is not
there (or fails to import) the tab is simply left out, so the dock never shows a broken page.
"""
from __future__ import annotations

from qgis.core import Qgis, QgsMessageLog
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from ..services.state import ScenarioState
from .compare_panel import ComparePanel
from .scenario_panel import ScenarioPanel


def _tr(text: str) -> str:
    return QCoreApplication.translate("GridGovDock", text)


def _edit_panel_class():
    """E2's EditPanel class, or None (logged) when it is absent or broken."""
    try:
        from .edit_panel import EditPanel
    except ImportError as exc:
        if getattr(exc, "name", "") != f"{__package__}.edit_panel":
            QgsMessageLog.logMessage(f"Edit panel unavailable: {exc}", "GridGov", Qgis.Warning)
        return None
    return EditPanel


class GridGovDock(QgsDockWidget):
    def __init__(self, iface, lang: str = "en", parent=None):
        super().__init__(_tr("GridGov"), parent)
        self.iface = iface
        self.state = ScenarioState(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("gridgovTabs")

        self.scenario_panel = ScenarioPanel(iface, self.state, lang)
        self.tabs.addTab(self.scenario_panel, _tr("Scenario"))

        self.edit_panel = None
        edit_cls = _edit_panel_class()
        if edit_cls is not None:
            try:
                self.edit_panel = edit_cls(iface, self.state, None)
            except Exception as exc:  # noqa: BLE001 - a broken tab must not break the dock
                QgsMessageLog.logMessage(f"Edit panel failed to start: {exc!r}", "GridGov", Qgis.Warning)
            else:
                self.tabs.addTab(self.edit_panel, _tr("Edit"))

        self.compare_panel = ComparePanel(iface, self.state, lang)
        self.tabs.addTab(self.compare_panel, _tr("Compare"))

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        self.setWidget(body)
        self.setMinimumWidth(360)

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def shutdown(self) -> None:
        """Stop running tasks and let the panels release map tools (plugin unload)."""
        self.scenario_panel.shutdown()
        self.compare_panel.shutdown()
        for name in ("shutdown", "unload", "cleanup"):
            fn = getattr(self.edit_panel, name, None)
            if callable(fn):
                fn()
                break
