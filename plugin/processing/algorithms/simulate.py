"""Processing "Simulate incidents": ``engine.simulation.simulate_scenario`` → per-grid load and
response statistics (GeoPackage of grids) and the run summary (JSON)."""
from __future__ import annotations

import numpy as np
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
        from ....engine.scenario.gpkg import write_layers
        from ....engine.jsonio import write_json
        from ....engine.scenario import load_scenario
        from ....engine.simulation import simulate_scenario

        folder = self.scenario_dir(parameters, context)
        days = self.optional_int(parameters, "DAYS", context)
        seed = self.optional_int(parameters, "SEED", context)
        engine = ENGINES[self.parameterAsEnum(parameters, "ENGINE", context)]
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        summary_path = self.parameterAsFileOutput(parameters, "SUMMARY", context)
        progress(0.0, f"loading {folder.name}")
        scenario = load_scenario(folder)
        sim = simulate_scenario(scenario, days=days, seed=seed, engine=None if engine == "scenario" else engine,
                                progress=progress.sub(0.05, 0.9))
        progress(0.9, "writing outputs")
        grids = scenario.grids
        cols = {"grid_id": grids.id, "level": grids.level, "name": grids.name}
        for key, values in (getattr(sim, "per_grid", None) or {}).items():
            cols[f"sim_{key}"] = np.asarray(values)
        write_layers(out, {"grids": {"geometry": grids.geometry, "columns": cols, "geometry_type": "MultiPolygon"}},
                     scenario.crs)
        doc = {"scenario": scenario.name, "summary": sim.summary, "per_street": sim.per_street, "meta": sim.meta}
        write_json(summary_path, doc)
        incidents = self.parameterAsFileOutput(parameters, "INCIDENTS", context)
        if incidents:
            sim.to_parquet(incidents)
        progress(1.0, "done")
        return {"OUTPUT": out, "SUMMARY": summary_path, "SUMMARY_FILE": summary_path,
                "GRIDS": f"{out}|layername=grids", "INCIDENTS": incidents or None}
