"""Processing "Service circles": ``engine.circles.compute_circles`` → GeoPackage with the
life-circle band polygons, the facilities' responsibility areas and every unit's bands."""
from __future__ import annotations

from qgis.core import (QgsProcessingOutputVectorLayer, QgsProcessingParameterEnum,
                       QgsProcessingParameterFileDestination)

from .base import GridGovAlgorithm

MODES = ("scenario", "walk", "elderly", "ebike", "drive")


class ServiceCirclesAlgorithm(GridGovAlgorithm):
    NAME = "servicecircles"
    DISPLAY = "Service circles 生活圈"
    HELP = ("Builds the road network of a scenario and computes 5/10/15-minute community life circles: "
            "for every residential unit the nearest facility of each type, travel time and band; the band "
            "polygons and each facility's responsibility area. Writes a GeoPackage with layers 'bands', "
            "'service_areas' and 'units'. Travel mode 'scenario' uses the scenario's [circles] mode.")

    def init_parameters(self) -> None:
        self.addParameter(self.scenario_parameter())
        self.addParameter(QgsProcessingParameterEnum("MODE", "Travel mode 出行方式", list(MODES), False, 0))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", "Circles GeoPackage 生活圈",
                                                                "GeoPackage (*.gpkg)"))
        self.addOutput(QgsProcessingOutputVectorLayer("BANDS", "Life-circle bands 生活圈分带"))
        self.addOutput(QgsProcessingOutputVectorLayer("SERVICE_AREAS", "Service areas 服务范围"))
        self.addOutput(QgsProcessingOutputVectorLayer("UNITS", "Units with bands 居民单元"))

    def execute(self, parameters, context, feedback, progress):
        from ....engine.circles import compute_circles
        from ....engine.gpkg import write_layers
        from ....engine.scenario import load_scenario

        folder = self.scenario_dir(parameters, context)
        mode = MODES[self.parameterAsEnum(parameters, "MODE", context)]
        overrides = None if mode == "scenario" else {"circles": {"mode": mode}}
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        progress(0.0, f"loading {folder.name}")
        scenario = load_scenario(folder, overrides=overrides)
        circles = compute_circles(scenario, progress=progress.sub(0.05, 0.9))
        progress(0.9, "writing GeoPackage")
        units = scenario.units
        unit_cols = {"unit_id": units.id, "households": units.households, "residents": units.residents,
                     "grid_id": units.grid_id, "micro_id": units.micro_id}
        unit_cols.update(circles.unit_columns())
        write_layers(out, {"bands": circles.band_layer(), "service_areas": circles.responsibility_layer(),
                           "units": {"geometry": units.geometry, "columns": unit_cols}}, scenario.crs)
        progress(1.0, "done")
        return {"OUTPUT": out, "BANDS": f"{out}|layername=bands",
                "SERVICE_AREAS": f"{out}|layername=service_areas", "UNITS": f"{out}|layername=units"}
