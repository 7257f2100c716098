"""Processing "Score scenario": the whole ``engine.pipeline.run_scenario`` (scores need the
circles and the simulation), outputs the scores, the results GeoPackage and the report."""
from __future__ import annotations

import json

from qgis.core import (QgsProcessingOutputFile, QgsProcessingOutputHtml, QgsProcessingOutputNumber,
                       QgsProcessingOutputVectorLayer, QgsProcessingParameterEnum,
                       QgsProcessingParameterFolderDestination, QgsProcessingParameterNumber)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from .base import GridGovAlgorithm, _tr

LANGS = ("zh_CN", "en")


class ScoreAlgorithm(GridGovAlgorithm):
    NAME = "score"
    DISPLAY = QT_TRANSLATE_NOOP("GridGovProcessing", "Score scenario")
    HELP = QT_TRANSLATE_NOOP(
        "GridGovProcessing",
        "Runs a scenario end to end (service circles, incident simulation, scores) and writes "
        "scores.json, results.gpkg (units, grids, facilities, service areas, bands) and report.html "
        "into the output folder. TOTAL is the weighted total score.")

    def init_parameters(self) -> None:
        self.addParameter(self.scenario_parameter())
        self.addParameter(QgsProcessingParameterNumber("DAYS", _tr("Simulated days (empty = scenario)"),
                                                       QgsProcessingParameterNumber.Integer, None, True, 1, 3650))
        self.addParameter(QgsProcessingParameterNumber("SEED", _tr("Random seed (empty = scenario)"),
                                                       QgsProcessingParameterNumber.Integer, None, True, 0))
        self.addParameter(QgsProcessingParameterEnum("LANG", _tr("Report language"), list(LANGS), False, 0))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", _tr("Output folder")))
        self.addOutput(QgsProcessingOutputNumber("TOTAL", _tr("Total score")))
        self.addOutput(QgsProcessingOutputFile("SCORES", "scores.json"))
        self.addOutput(QgsProcessingOutputFile("RESULTS", "results.gpkg"))
        self.addOutput(QgsProcessingOutputHtml("REPORT", _tr("Report")))
        self.addOutput(QgsProcessingOutputVectorLayer("GRIDS", _tr("Scored grids")))
        self.addOutput(QgsProcessingOutputVectorLayer("UNITS", _tr("Units with life-circle bands")))

    def execute(self, parameters, context, feedback, progress):
        from ....engine.pipeline import run_scenario

        folder = self.scenario_dir(parameters, context)
        out = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        days = parameters.get("DAYS")
        seed = parameters.get("SEED")
        result = run_scenario(folder, out,
                              days=None if days in (None, "") else self.parameterAsInt(parameters, "DAYS", context),
                              seed=None if seed in (None, "") else self.parameterAsInt(parameters, "SEED", context),
                              lang=LANGS[self.parameterAsEnum(parameters, "LANG", context)], pdf=False,
                              progress=progress)
        paths = {k: str(v) for k, v in result.paths.items()}
        total = json.loads(open(paths["scores"], encoding="utf-8").read()).get("total")
        feedback.pushInfo(f"total score: {total}")
        self.load_styled(context, paths["results"], ("grids", "units"), f"GridGov {folder.name}")
        return {"OUTPUT_FOLDER": out, "TOTAL": total, "SCORES": paths["scores"], "RESULTS": paths["results"],
                "REPORT": paths.get("report"), "GRIDS": f"{paths['results']}|layername=grids",
                "UNITS": f"{paths['results']}|layername=units"}
