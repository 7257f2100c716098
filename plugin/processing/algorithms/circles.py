"""Processing "Service circles": ``engine.circles.compute_circles`` → GeoPackage with the
life-circle band polygons, the facilities' responsibility areas and every unit's bands."""
from __future__ import annotations

from qgis.core import (QgsProcessingOutputVectorLayer, QgsProcessingParameterBoolean, QgsProcessingParameterEnum,
                       QgsProcessingParameterFileDestination)

from .base import GridGovAlgorithm

MODES = ("scenario", "walk", "elderly", "ebike", "drive")


class ServiceCirclesAlgorithm(GridGovAlgorithm):
    NAME = "servicecircles"
    DISPLAY = "Service circles 生活圈"
    HELP = ("Builds the road network of a scenario and computes 5/10/15-minute community life circles: "
            "for every residential unit the nearest facility of each type, travel time and band; the band "
            "polygons and each facility's responsibility area. Writes a GeoPackage with layers 'bands', "
            "'service_areas', 'units' and 'facilities' (and 'facility_bands' when asked). Travel mode 'scenario' uses the scenario's [circles] mode.")

    def init_parameters(self) -> None:
        self.addParameter(self.scenario_parameter())
        self.addParameter(QgsProcessingParameterEnum("MODE", "Travel mode 出行方式", list(MODES), False, 0))
        self.addParameter(QgsProcessingParameterBoolean(
            "FACILITY_BANDS", "Also band polygons per facility 每个设施的生活圈", False))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", "Circles GeoPackage 生活圈",
                                                                "GeoPackage (*.gpkg)"))
        self.addOutput(QgsProcessingOutputVectorLayer("BANDS", "Life-circle bands 生活圈分带"))
        self.addOutput(QgsProcessingOutputVectorLayer("SERVICE_AREAS", "Service areas 服务范围"))
        self.addOutput(QgsProcessingOutputVectorLayer("UNITS", "Units with bands 居民单元"))
        self.addOutput(QgsProcessingOutputVectorLayer("FACILITIES", "Facilities with served households 设施"))

    def execute(self, parameters, context, feedback, progress):
        from ....engine.circles import compute_circles, write_circles_gpkg
        from ....engine.network import build_network
        from ....engine.scenario import load_scenario

        folder = self.scenario_dir(parameters, context)
        mode = MODES[self.parameterAsEnum(parameters, "MODE", context)]
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        progress(0.0, f"loading {folder.name}")
        scenario = load_scenario(folder)
        network = None if mode == "scenario" else build_network(scenario, mode)
        circles = compute_circles(scenario, network=network, progress=progress.sub(0.05, 0.9))
        for problem in circles.problems[:20]:
            feedback.pushWarning(str(problem))
        progress(0.9, "writing GeoPackage")
        write_circles_gpkg(out, circles, facility_bands=self.parameterAsBool(parameters, "FACILITY_BANDS", context))
        self.load_styled(context, out, ("bands", "units"), f"Life circles {folder.name}")
        progress(1.0, "done")
        return {"OUTPUT": out, "BANDS": f"{out}|layername=bands", "SERVICE_AREAS": f"{out}|layername=service_areas",
                "UNITS": f"{out}|layername=units", "FACILITIES": f"{out}|layername=facilities"}
