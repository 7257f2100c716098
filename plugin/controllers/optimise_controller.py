"""The Optimise actions: run ``gridgov optimise`` on the open scenario as a QgsTask (progress and
cancel in QGIS's task bar), show the proposal beside it, and accept the proposed grids the
planner selects (grid by grid).  Menu actions rather than a dock tab: it needs only the shared
``ScenarioState`` and the message bar.
"""
from __future__ import annotations

from qgis.core import Qgis, QgsProject
from qgis.PyQt.QtCore import QCoreApplication, QObject

from ..services.proposal import accept_grid, load_proposal_layers
from ..services.runner import TaskRunner
from ..tasks.engine_task import cancelled_text
from ..tasks.optimise_task import optimise_task


def _tr(text: str) -> str:
    return QCoreApplication.translate("OptimiseController", text)


class OptimiseController(QObject):
    def __init__(self, iface, state, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.state = state
        self.runner = TaskRunner(self)
        self.proposal_layers = []

    def _bar(self, text: str, level=Qgis.Info) -> None:
        self.iface.messageBar().pushMessage("GridGov", text, level, 8 if level == Qgis.Info else 0)

    def start(self, mode: str = "grids", seed: int = 0, time_limit: float | None = None):
        """Optimise the open scenario in the background (progress and cancel in the task bar)."""
        if self.state.scenario_dir is None:
            self._bar(_tr("Open a scenario first."), Qgis.Warning)
            return None
        return self.runner.start(optimise_task(self.state.scenario_dir, mode, seed=seed, time_limit=time_limit),
                                 self._finished)

    def _finished(self, ok: bool, result, error: str) -> None:
        if not ok:
            self._bar(error, Qgis.Info if error == cancelled_text() else Qgis.Critical)
            return
        self.show_proposal(result["dir"])
        moved = sum(level["units_moved"] for level in result["summary"].get("grids", {}).get("changes", [])[:1])
        self._bar(_tr("Proposal ready ({0} units moved): select proposed grids and use 'Accept selected "
                      "proposal grids'.").format(moved))

    def shutdown(self) -> None:
        self.runner.shutdown()

    def show_proposal(self, proposal_dir) -> list:
        self.proposal_layers = load_proposal_layers(proposal_dir)
        return self.proposal_layers

    def _proposal_layer(self, name: str):
        for layer in self.proposal_layers:
            if QgsProject.instance().mapLayer(layer.id()) is not None and \
                    layer.customProperty("gridgov/source") == f"scenario:{name}":
                return layer
        return None

    def accept_selected(self) -> list[dict]:
        """Accept every selected general grid of the proposal into the open scenario's layers."""
        pg, pu = self._proposal_layer("grids"), self._proposal_layer("units")
        grids, units = self.state.layer("grids"), self.state.layer("units")
        if None in (pg, pu, grids, units):
            self._bar(_tr("Run Optimise first, with the scenario's grids and units layers open."), Qgis.Warning)
            return []
        chosen = [str(f["id"]) for f in pg.selectedFeatures() if str(f["level"]) == "general"]
        if not chosen:
            self._bar(_tr("Select one or more general grids in the proposal layer."), Qgis.Warning)
            return []
        done = [accept_grid(gid, pg, pu, grids, units) for gid in chosen]
        self._bar(_tr("{0} grid(s) accepted into the scenario's edit buffer (save the layers to keep them).")
                  .format(len(done)))
        return done
