"""Processing "Simulate incidents": the engine's ``simulate`` workflow → per-grid load and
response statistics (GeoPackage of grids) and ``simulation.json`` (the same document as
``gridgov simulate`` writes)."""
from __future__ import annotations

from qgis.core import (QgsProcessingOutputFile, QgsProcessingOutputVectorLayer, QgsProcessingParameterEnum,
                       QgsProcessingParameterFileDestination)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from .base import GridGovAlgorithm, _tr

ENGINES = ("scenario", "numba", "simpy")


class SimulateAlgorithm(GridGovAlgorithm):
    NAME = "simulate"
    DISPLAY = QT_TRANSLATE_NOOP("GridGovProcessing", "Simulate incidents")
    HELP = QT_TRANSLATE_NOOP(
        "GridGovProcessing",
        "Simulates incident arrivals and the closed-loop response (report → dispatch → travel → handle → "
        "escalate → verify → close) of a scenario's grid workers. Writes per-grid statistics as a "
        "GeoPackage layer 'grids', the run summary as JSON and, optionally, every incident's timeline as "
        "Parquet. Empty days/seed use the scenario's values.")

    def init_parameters(self) -> None:
        self.addParameter(self.scenario_parameter())
        self.add_days_seed_parameters()
        self.addParameter(QgsProcessingParameterEnum("ENGINE", _tr("Engine"), list(ENGINES), False, 0))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", _tr("Per-grid statistics"),
                                                                "GeoPackage (*.gpkg)"))
        self.addParameter(QgsProcessingParameterFileDestination("SUMMARY", _tr("Summary"), "JSON (*.json)"))
        self.addParameter(QgsProcessingParameterFileDestination(
            "INCIDENTS", _tr("Incident log (Parquet, optional)"), "Parquet (*.parquet)", optional=True,
            createByDefault=False))
        self.addOutput(QgsProcessingOutputVectorLayer("GRIDS", _tr("Grids with simulated load")))
        self.addOutput(QgsProcessingOutputFile("SUMMARY_FILE", "Summary file"))

    def execute(self, parameters, context, feedback, progress):
        from ....engine.workflows.simulate import simulate, write_grid_statistics, write_simulation_json

        folder = self.scenario_dir(parameters, context)
        engine = ENGINES[self.parameterAsEnum(parameters, "ENGINE", context)]
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        summary_path = self.parameterAsFileOutput(parameters, "SUMMARY", context)
        result = simulate(folder, days=self.optional_int(parameters, "DAYS", context),
                          seed=self.optional_int(parameters, "SEED", context),
                          engine=None if engine == "scenario" else engine, progress=progress.sub(0.0, 0.9))
        progress(0.9, "writing outputs")
        write_grid_statistics(out, result)
        write_simulation_json(summary_path, result)
        incidents = self.parameterAsFileOutput(parameters, "INCIDENTS", context)
        if incidents:
            result.simulation.to_parquet(incidents)
        progress(1.0, "done")
        return {"OUTPUT": out, "SUMMARY": summary_path, "SUMMARY_FILE": summary_path,
                "GRIDS": f"{out}|layername=grids", "INCIDENTS": incidents or None}
