"""Processing "Score scenario": the engine's whole ``run`` workflow (scores need the
circles and the simulation), outputs the scores, the results GeoPackage and the report."""
from __future__ import annotations

from qgis.core import (QgsProcessingOutputFile, QgsProcessingOutputHtml, QgsProcessingOutputNumber,
                       QgsProcessingOutputVectorLayer, QgsProcessingParameterEnum,
                       QgsProcessingParameterFolderDestination)
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
        self.add_days_seed_parameters()
        self.addParameter(QgsProcessingParameterEnum("LANG", _tr("Report language"), list(LANGS), False, 0))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", _tr("Output folder")))
        self.addOutput(QgsProcessingOutputNumber("TOTAL", _tr("Total score")))
        self.addOutput(QgsProcessingOutputFile("SCORES", "scores.json"))
        self.addOutput(QgsProcessingOutputFile("RESULTS", "results.gpkg"))
        self.addOutput(QgsProcessingOutputHtml("REPORT", _tr("Report")))
        self.addOutput(QgsProcessingOutputVectorLayer("GRIDS", _tr("Scored grids")))
        self.addOutput(QgsProcessingOutputVectorLayer("UNITS", _tr("Units with life-circle bands")))

    def execute(self, parameters, context, feedback, progress):
        from ....engine.workflows.run import run_scenario

        folder = self.scenario_dir(parameters, context)
        out = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        result = run_scenario(folder, out,
                              days=self.optional_int(parameters, "DAYS", context),
                              seed=self.optional_int(parameters, "SEED", context),
                              lang=LANGS[self.parameterAsEnum(parameters, "LANG", context)], pdf=False,
                              progress=progress)
        paths = {k: str(v) for k, v in result.paths.items()}
        total = result.scores.total
        feedback.pushInfo(f"total score: {total}")
        for note in result.notes:
            feedback.pushInfo(note)
        self.load_styled(context, paths["results"], ("grids", "units"), f"GridGov {folder.name}")
        return {"OUTPUT_FOLDER": out, "TOTAL": total, "SCORES": paths["scores"], "RESULTS": paths["results"],
                "REPORT": paths.get("report"), "GRIDS": f"{paths['results']}|layername=grids",
                "UNITS": f"{paths['results']}|layername=units"}
