"""Processing "Compare scenarios": two or more scenario folders → comparison report."""
from __future__ import annotations

from pathlib import Path

from qgis.core import (QgsProcessing, QgsProcessingException, QgsProcessingOutputFile, QgsProcessingOutputHtml,
                       QgsProcessingParameterEnum, QgsProcessingParameterFolderDestination,
                       QgsProcessingParameterMultipleLayers)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from .base import GridGovAlgorithm, _tr
from .score import LANGS


class CompareAlgorithm(GridGovAlgorithm):
    NAME = "compare"
    DISPLAY = QT_TRANSLATE_NOOP("GridGovProcessing", "Compare scenarios")
    HELP = QT_TRANSLATE_NOOP(
        "GridGovProcessing",
        "Runs and compares two or more scenarios (the first is the baseline) and writes a comparison "
        "report (compare.html) and table (compare.csv). Pick each scenario's scenario.toml file, or the "
        "scores.json of an earlier run (then it is not recomputed).")

    def init_parameters(self) -> None:
        self.addParameter(QgsProcessingParameterMultipleLayers(
            "SCENARIOS", _tr("Scenarios (their scenario.toml files)"), QgsProcessing.TypeFile))
        self.addParameter(QgsProcessingParameterEnum("LANG", _tr("Report language"), list(LANGS), False, 0))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT_FOLDER", _tr("Output folder")))
        self.addOutput(QgsProcessingOutputHtml("REPORT", _tr("Comparison report")))
        self.addOutput(QgsProcessingOutputFile("TABLE", _tr("Comparison table")))

    def execute(self, parameters, context, feedback, progress):
        from ....engine.workflows.compare import compare_scenarios

        raw = parameters.get("SCENARIOS") or []
        if isinstance(raw, str):
            raw = [s for s in raw.split(";") if s]
        dirs = []
        for item in raw:
            p = Path(str(item))
            p = p.parent if p.name in ("scenario.toml", "scores.json") else p
            if not (p / "scenario.toml").is_file() and not (p / "scores.json").is_file():
                raise QgsProcessingException(_tr("'{0}' is neither a scenario (scenario.toml) nor a run output "
                                                 "(scores.json)").format(item))
            dirs.append(p)
        if len(dirs) < 2:
            raise QgsProcessingException(_tr("Compare needs at least two scenarios."))
        out = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        lang = LANGS[self.parameterAsEnum(parameters, "LANG", context)]
        result = compare_scenarios(dirs, out, lang, pdf=False, progress=progress)
        paths = {k: str(v) for k, v in result.paths.items()}
        return {"OUTPUT_FOLDER": out, "REPORT": paths.get("report"), "TABLE": paths.get("table")}
