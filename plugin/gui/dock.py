"""The GridGov dock: tabs "Scenario", "Edit" and "Compare".

Widgets only: ``controllers.dock_controller.DockController`` creates this dock, the shared
``ScenarioState`` and one controller per tab.  When the Edit tab's module is absent or fails to
import or start, the tab is simply left out, so the dock never shows a broken page.
"""
from __future__ import annotations

from qgis.core import Qgis, QgsMessageLog
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from .compare_panel import ComparePanel
from .scenario_panel import ScenarioPanel


def _tr(text: str) -> str:
    return QCoreApplication.translate("GridGovDock", text)


def _edit_panel(window):
    """The Edit tab's widget, or None (logged) when it is absent or broken."""
    try:
        from .edit_panel import EditPanel
    except ImportError as exc:
        if getattr(exc, "name", "") != f"{__package__}.edit_panel":
            QgsMessageLog.logMessage(f"Edit panel unavailable: {exc}", "GridGov", Qgis.Warning)
        return None
    try:
        return EditPanel(window)
    except Exception as exc:  # noqa: BLE001 - a broken tab must not break the dock
        QgsMessageLog.logMessage(f"Edit panel failed to start: {exc!r}", "GridGov", Qgis.Warning)
        return None


class GridGovDock(QgsDockWidget):
    """``window``: the main window that holds the Edit tab's keyboard shortcuts (or None)."""

    def __init__(self, lang: str = "en", window=None, parent=None):
        super().__init__(_tr("GridGov"), parent)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("gridgovTabs")
        self.scenario_panel = ScenarioPanel(lang)
        self.tabs.addTab(self.scenario_panel, _tr("Scenario"))
        self.edit_panel = _edit_panel(window)
        if self.edit_panel is not None:
            self.tabs.addTab(self.edit_panel, _tr("Edit"))
        self.compare_panel = ComparePanel(lang)
        self.tabs.addTab(self.compare_panel, _tr("Compare"))

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)
        self.setWidget(body)
        self.setMinimumWidth(360)

    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]
