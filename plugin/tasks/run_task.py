"""Run one scenario in the background; the result maps output names to their paths."""
from __future__ import annotations

from pathlib import Path

from qgis.core import Qgis, QgsMessageLog
from qgis.PyQt.QtCore import QCoreApplication

from .engine_task import EngineTask


def run_task(scenario_dir: Path, out_dir: Path, lang: str = "en") -> EngineTask:
    """A task running the engine's ``run`` workflow (``engine.workflows.run.run_scenario``) (no PDF); result ``{name: path}``."""
    scenario_dir, out = Path(scenario_dir), Path(out_dir)

    def work(progress):
        from ...engine.workflows.run import run_scenario

        result = run_scenario(scenario_dir, out, lang=lang, pdf=False, progress=progress)
        for note in result.notes:   # e.g. no band polygons at city scale; the log is thread-safe
            QgsMessageLog.logMessage(note, "GridGov", Qgis.Info)
        return {key: str(p) for key, p in result.paths.items()}

    return EngineTask(QCoreApplication.translate("ScenarioPanel", "GridGov: run {0}").format(scenario_dir.name), work)
