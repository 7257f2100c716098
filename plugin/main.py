"""GridGovPlugin: what QGIS loads (toolbar action, menu, dock, Processing provider).

The plugin must load in a QGIS whose Python lacks the engine's packages: it then shows one
message-bar line with the install command and keeps the dock (runs report the same text).
Nothing here imports numba/simpy; the engine is imported only when work starts.
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import Qgis, QgsApplication, QgsMessageLog
from qgis.PyQt.QtCore import QCoreApplication, Qt, QTranslator
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from . import i18n
from .services import deps

PLUGIN_DIR = Path(__file__).resolve().parents[1]
ICONS = PLUGIN_DIR / "resources" / "icons"
MENU = "&GridGov"


def icon(name: str) -> QIcon:
    return QIcon(str(ICONS / name))


def _tr(text: str) -> str:
    return QCoreApplication.translate("GridGovPlugin", text)


def user_language() -> str:
    """'zh' or 'en' from the locale QGIS uses (reports and engine labels follow it)."""
    return i18n.user_language()


class GridGovPlugin:
    """Created by ``classFactory``; QGIS calls initProcessing, initGui and unload."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.dock = None              # the dock widget (plugin.gui.dock.GridGovDock)
        self.controller = None        # what runs it (plugin.controllers.dock_controller.DockController)
        self.optimiser = None         # plugin.controllers.optimise_controller.OptimiseController (menu actions)
        self.toolbar = None
        self.actions: list[QAction] = []
        self.dependency_report: deps.DependencyReport | None = None
        self.translator: QTranslator | None = None
        self._install_translator()      # first: the start-up messages below are translated
        self.native_problem = deps.isolate_native_libraries()   # before anything imports shapely

    # ---- set-up --------------------------------------------------------------------------
    def _install_translator(self) -> None:
        """zh_CN QGIS → Chinese widgets, anything else → the English source strings."""
        self.translator = i18n.install_translator()

    def initProcessing(self) -> None:  # noqa: N802 - QGIS API
        """Register the Processing provider (called by QGIS, and by initGui as a fallback)."""
        if self.provider is not None:
            return
        from .processing.provider import GridGovProvider

        provider = GridGovProvider()
        if QgsApplication.processingRegistry().addProvider(provider):
            self.provider = provider
        else:   # another "gridgov" provider is registered (a second copy of the plugin)
            QgsMessageLog.logMessage("Processing provider 'gridgov' already registered; not adding another",
                                     "GridGov", Qgis.Warning)

    def initGui(self) -> None:  # noqa: N802 - QGIS API
        self.initProcessing()
        self.dependency_report = deps.check()
        if not self.dependency_report.ok:
            self.iface.messageBar().pushMessage("GridGov", self.dependency_report.message(), Qgis.Warning, 0)
        if self.native_problem:
            self.iface.messageBar().pushMessage("GridGov", self.native_problem, Qgis.Critical, 0)

        from .controllers.dock_controller import DockController

        self.controller = DockController(self.iface, lang=user_language(), parent=self.iface.mainWindow())
        self.dock = self.controller.dock
        self.dock.setObjectName("GridGovDock")
        self.iface.addDockWidget(Qt.RightDockWidgetArea, self.dock)
        self.dock.hide()

        self.toolbar = self.iface.addToolBar("GridGov")
        self.toolbar.setObjectName("GridGovToolbar")
        main = QAction(icon("gridgov.svg"), _tr("GridGov panel"), self.iface.mainWindow())
        main.setObjectName("gridgovShowDock")
        main.setCheckable(True)
        main.setToolTip(_tr("Show the GridGov panel: open a scenario, run it, compare scenarios"))
        main.toggled.connect(self.dock.setUserVisible)
        self.dock.visibilityChanged.connect(main.setChecked)
        sample = QAction(icon("sample.svg"), _tr("Open the Chengdu Wuhou sample"), self.iface.mainWindow())
        sample.setObjectName("gridgovOpenSample")
        sample.triggered.connect(self.open_sample)
        run = QAction(icon("run.svg"), _tr("Run the scenario"), self.iface.mainWindow())
        run.setObjectName("gridgovRun")
        run.triggered.connect(self.run_scenario)
        for action in (main, sample, run):
            self.toolbar.addAction(action)
            self.iface.addPluginToMenu(MENU, action)
            self.actions.append(action)
        self._add_optimise_actions()

    def unload(self) -> None:
        for action in self.actions:
            self.iface.removePluginMenu(MENU, action)
            self.iface.removeToolBarIcon(action)
            action.deleteLater()
        self.actions = []
        if self.toolbar is not None:
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.optimiser is not None:
            self.optimiser.shutdown()
            self.optimiser = None
        if self.controller is not None:
            self.controller.shutdown()
            self.controller.deleteLater()
            self.controller = None
        if self.dock is not None:
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        if self.provider is not None:
            try:
                QgsApplication.processingRegistry().removeProvider(self.provider)
            except RuntimeError:   # already deleted by QGIS
                pass
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None

    # ---- actions -------------------------------------------------------------------------
    def show_dock(self) -> None:
        if self.dock is not None:
            self.dock.setUserVisible(True)
            self.dock.raise_()

    def open_sample(self) -> None:
        self.show_dock()
        self.controller.scenario.open_sample()

    def _add_optimise_actions(self) -> None:
        """Menu entries: optimise the open scenario's grids (a QgsTask), accept selected proposed grids."""
        from .controllers.optimise_controller import OptimiseController

        self.optimiser = OptimiseController(self.iface, self.controller.state, self.controller)
        start = QAction(_tr("Optimise grids (proposal beside the scenario)"), self.iface.mainWindow())
        start.triggered.connect(lambda: self.optimiser.start("grids"))
        accept = QAction(_tr("Accept selected proposal grids"), self.iface.mainWindow())
        accept.triggered.connect(self.optimiser.accept_selected)
        for action in (start, accept):
            self.iface.addPluginToMenu(MENU, action)
            self.actions.append(action)

    def run_scenario(self) -> None:
        self.show_dock()
        self.controller.scenario.start_run()
