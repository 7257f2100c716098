"""Processing "Validate scenario": ``engine.scenario.validate_scenario`` → problem table."""
from __future__ import annotations

import csv
import io

from qgis.core import (QgsProcessingException, QgsProcessingOutputBoolean, QgsProcessingOutputNumber,
                       QgsProcessingParameterBoolean, QgsProcessingParameterFileDestination)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from .base import GridGovAlgorithm, _tr

FIELDS = ("severity", "file", "layer", "fid", "field", "message")


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
        from ....engine.atomic import write_text
        from ....engine.scenario import validate_scenario

        folder = self.scenario_dir(parameters, context)
        progress(0.0, f"validating {folder.name}")
        problems = validate_scenario(folder)
        errors = [p for p in problems if p.severity == "error"]
        for p in problems:
            (feedback.reportError if p.severity == "error" else feedback.pushWarning)(str(p))
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        if out:
            buf = io.StringIO()
            writer = csv.writer(buf)
            writer.writerow(FIELDS)
            for p in problems:
                writer.writerow([p.severity, p.file, p.layer, "" if p.fid is None else p.fid, p.field, p.message])
            write_text(out, buf.getvalue())
        progress(1.0, f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s)")
        if errors and self.parameterAsBool(parameters, "FAIL_ON_ERROR", context):
            raise QgsProcessingException(_tr("{0}: {1} error(s); first: {2}").format(folder, len(errors), errors[0]))
        return {"OUTPUT": out or None, "ERRORS": len(errors), "WARNINGS": len(problems) - len(errors),
                "VALID": not errors}
