"""Processing "Validate scenario": the engine's one ``validate`` workflow → problem table."""
from __future__ import annotations

from qgis.core import (QgsProcessingException, QgsProcessingOutputBoolean, QgsProcessingOutputNumber,
                       QgsProcessingParameterBoolean, QgsProcessingParameterFileDestination)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from .base import GridGovAlgorithm, _tr

class ValidateAlgorithm(GridGovAlgorithm):
    NAME = "validate"
    DISPLAY = QT_TRANSLATE_NOOP("GridGovProcessing", "Validate scenario")
    HELP = QT_TRANSLATE_NOOP(
        "GridGovProcessing",
        "Checks a scenario folder (scenario.toml + layers.gpkg): parameters, layers, fields, geometries, "
        "grid nesting and sizes. Every problem names the file, layer, feature id and field. "
        "Writes them to a CSV; with 'Fail on errors' the algorithm stops when there is an error, "
        "which stops a model before later steps run on bad data.")

    def init_parameters(self) -> None:
        self.addParameter(self.scenario_parameter())
        self.addParameter(QgsProcessingParameterBoolean("FAIL_ON_ERROR", _tr("Fail on errors"), False))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", _tr("Problems"), "CSV files (*.csv)", optional=True, createByDefault=True))
        self.addOutput(QgsProcessingOutputNumber("ERRORS", _tr("Errors")))
        self.addOutput(QgsProcessingOutputNumber("WARNINGS", _tr("Warnings")))
        self.addOutput(QgsProcessingOutputBoolean("VALID", _tr("Valid")))

    def execute(self, parameters, context, feedback, progress):
        from ....engine.workflows.validate import validate, write_problems_csv

        folder = self.scenario_dir(parameters, context)
        progress(0.0, f"validating {folder.name}")
        result = validate(folder)
        for p in result.problems:
            (feedback.reportError if p.severity == "error" else feedback.pushWarning)(str(p))
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        if out:
            write_problems_csv(out, result.problems)
        errors, warnings = result.errors, result.warnings
        progress(1.0, f"{len(errors)} error(s), {len(warnings)} warning(s)")
        if errors and self.parameterAsBool(parameters, "FAIL_ON_ERROR", context):
            raise QgsProcessingException(_tr("{0}: {1} error(s); first: {2}").format(folder, len(errors), errors[0]))
        return {"OUTPUT": out or None, "ERRORS": len(errors), "WARNINGS": len(warnings), "VALID": result.ok}
