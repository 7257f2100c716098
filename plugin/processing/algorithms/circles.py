"""Processing "Service circles": the engine's ``circles`` workflow → GeoPackage with the
life-circle band polygons, the facilities' responsibility areas and every unit's bands."""
from __future__ import annotations

from qgis.core import (QgsProcessingOutputVectorLayer, QgsProcessingParameterBoolean, QgsProcessingParameterEnum,
                       QgsProcessingParameterFileDestination)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from .base import GridGovAlgorithm, _tr

MODES = ("scenario", "walk", "elderly", "ebike", "drive")


class ServiceCirclesAlgorithm(GridGovAlgorithm):
    NAME = "servicecircles"
    DISPLAY = QT_TRANSLATE_NOOP("GridGovProcessing", "Service circles")
    HELP = QT_TRANSLATE_NOOP(
        "GridGovProcessing",
        "Builds the road network of a scenario and computes 5/10/15-minute community life circles: "
        "for every residential unit the nearest facility of each type, travel time and band; the band "
        "polygons and each facility's responsibility area. Writes a GeoPackage with layers 'bands', "
        "'service_areas', 'units' and 'facilities' (and 'facility_bands' when asked). Travel mode 'scenario' uses the scenario's [circles] mode.")

    def init_parameters(self) -> None:
        self.addParameter(self.scenario_parameter())
        self.addParameter(QgsProcessingParameterEnum("MODE", _tr("Travel mode"), list(MODES), False, 0))
        self.addParameter(QgsProcessingParameterBoolean(
            "FACILITY_BANDS", _tr("Also band polygons per facility"), False))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", _tr("Circles GeoPackage"),
                                                                "GeoPackage (*.gpkg)"))
        self.addOutput(QgsProcessingOutputVectorLayer("BANDS", _tr("Life-circle bands")))
        self.addOutput(QgsProcessingOutputVectorLayer("SERVICE_AREAS", _tr("Service areas")))
        self.addOutput(QgsProcessingOutputVectorLayer("UNITS", _tr("Units with bands")))
        self.addOutput(QgsProcessingOutputVectorLayer("FACILITIES", _tr("Facilities with served households")))

    def execute(self, parameters, context, feedback, progress):
        from ....engine.workflows.circles import circles, write_circles_gpkg

        folder = self.scenario_dir(parameters, context)
        mode = MODES[self.parameterAsEnum(parameters, "MODE", context)]
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        result = circles(folder, mode=None if mode == "scenario" else mode, progress=progress.sub(0.0, 0.9))
        for problem in result.circles.problems[:20]:
            feedback.pushWarning(str(problem))
        progress(0.9, "writing GeoPackage")
        write_circles_gpkg(out, result, facility_bands=self.parameterAsBool(parameters, "FACILITY_BANDS", context))
        self.load_styled(context, out, ("bands", "units"), f"Life circles {folder.name}")
        progress(1.0, "done")
        return {"OUTPUT": out, "BANDS": f"{out}|layername=bands", "SERVICE_AREAS": f"{out}|layername=service_areas",
                "UNITS": f"{out}|layername=units", "FACILITIES": f"{out}|layername=facilities"}
