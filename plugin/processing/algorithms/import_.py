"""Processing "New scenario from layers" (gridgov:import): ``engine.ingest.import_scenario`` with
the same options as ``gridgov import``; layers come from the project (exported to a file when
they are not already one OGR can read)."""
from __future__ import annotations

from qgis.core import (QgsCoordinateReferenceSystem, QgsProcessingOutputNumber, QgsProcessingParameterBoolean,
                       QgsProcessingParameterCrs, QgsProcessingParameterEnum, QgsProcessingParameterExtent,
                       QgsProcessingParameterFile, QgsProcessingParameterFolderDestination,
                       QgsProcessingParameterString, QgsProcessingParameterVectorLayer, QgsProcessing)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from .base import GridGovAlgorithm, _tr

COORDS = ("wgs84", "cgcs2000", "gcj02", "bd09")
LAYERS = (("ROADS", "roads", QT_TRANSLATE_NOOP("GridGovProcessing", "Roads (replace OSM roads)"), QgsProcessing.TypeVectorLine),
          ("BUILDINGS", "buildings", QT_TRANSLATE_NOOP("GridGovProcessing", "Building footprints"), QgsProcessing.TypeVectorPolygon),
          ("BOUNDARIES", "boundaries", QT_TRANSLATE_NOOP("GridGovProcessing", "Community boundaries"), QgsProcessing.TypeVectorPolygon),
          ("FACILITIES", "facilities", QT_TRANSLATE_NOOP("GridGovProcessing", "Facilities (type field)"), QgsProcessing.TypeVectorAnyGeometry),
          ("GRIDS", "grids", QT_TRANSLATE_NOOP("GridGovProcessing", "Existing grids (else drawn)"), QgsProcessing.TypeVectorPolygon),
          ("CLIP", "clip", QT_TRANSLATE_NOOP("GridGovProcessing", "Clip polygons"), QgsProcessing.TypeVectorPolygon))


class ImportAlgorithm(GridGovAlgorithm):
    NAME = "import"
    DISPLAY = QT_TRANSLATE_NOOP("GridGovProcessing", "New scenario from layers")
    HELP = QT_TRANSLATE_NOOP(
        "GridGovProcessing",
        "Builds a new scenario folder from an OpenStreetMap extract and/or project layers: roads split at "
        "junctions, residential units with households (from a register CSV joined by id or location, a field "
        "named in 'Field mapping', or estimated as footprint × floors ÷ dwelling size), communities, grids drawn "
        "within the size norms (or your own), facilities and one grid workstation per community. Data digitised "
        "on Gaode/Tencent maps is GCJ-02, on Baidu BD-09: choose it under 'Coordinates' and it is converted to "
        "WGS-84. Warnings do not stop the import; every source and assumption is written to scenario.toml and "
        "ATTRIBUTION.md. Same as 'gridgov import' on the command line.")

    def init_parameters(self) -> None:
        self.addParameter(QgsProcessingParameterFile("OSM", _tr("OpenStreetMap extract (.osm.pbf)"),
                                                     extension="pbf", optional=True))
        for key, _, label, kind in LAYERS:
            self.addParameter(QgsProcessingParameterVectorLayer(key, _tr(label), [kind], optional=True))
        self.addParameter(QgsProcessingParameterFile("HOUSEHOLDS", _tr("Household register (CSV)"),
                                                     extension="csv", optional=True))
        self.addParameter(QgsProcessingParameterString(
            "MAP", _tr("Field mapping (e.g. households=HU_COUNT,floors=FLOORS)"), optional=True))
        self.addParameter(QgsProcessingParameterExtent("BBOX", _tr("Clip extent"), optional=True))
        self.addParameter(QgsProcessingParameterEnum("COORDS", _tr("Coordinates of lon/lat inputs"), list(COORDS), False, 0))
        self.addParameter(QgsProcessingParameterCrs("CRS", _tr("Working CRS (empty = UTM zone of the data)"), optional=True))
        self.addParameter(QgsProcessingParameterString("REGION_CODE", _tr("County code (6 digits)"), "000000"))
        self.addParameter(QgsProcessingParameterBoolean("OVERWRITE", _tr("Replace the folder if it is a scenario"), False))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", _tr("New scenario folder")))
        for key, label in (("UNITS", "Residential units"), ("HOUSEHOLDS_TOTAL", "Households"),
                           ("GENERAL_GRIDS", "General grids"), ("WARNINGS", "Warnings")):
            self.addOutput(QgsProcessingOutputNumber(key, _tr(label)))

    def _layer_path(self, parameters, key, context, feedback) -> str | None:
        if parameters.get(key) in (None, ""):
            return None
        path, name = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, key, context, ["gpkg", "shp", "geojson", "fgb"], "gpkg", feedback)
        return f"{path}|layername={name}" if name else path

    def execute(self, parameters, context, feedback, progress):
        from ....engine.workflows.import_ import ImportOptions, import_scenario, summary_line

        layers = {opt: self._layer_path(parameters, key, context, feedback) for key, opt, _, _ in LAYERS}
        bbox = None
        if parameters.get("BBOX") not in (None, ""):
            r = self.parameterAsExtentGeometry(parameters, "BBOX", context,
                                               QgsCoordinateReferenceSystem("EPSG:4326")).boundingBox()
            bbox = f"{r.xMinimum()},{r.yMinimum()},{r.xMaximum()},{r.yMaximum()}"
        crs = self.parameterAsCrs(parameters, "CRS", context)
        out = self.parameterAsString(parameters, "OUTPUT", context)
        opts = ImportOptions(
            out=out, osm=self.parameterAsFile(parameters, "OSM", context) or None,
            households=self.parameterAsFile(parameters, "HOUSEHOLDS", context) or None,
            map=self.parameterAsString(parameters, "MAP", context) or None, bbox=bbox,
            crs=crs.authid() if crs.isValid() else None,
            coords=COORDS[self.parameterAsEnum(parameters, "COORDS", context)],
            region_code=self.parameterAsString(parameters, "REGION_CODE", context) or "000000",
            overwrite=self.parameterAsBool(parameters, "OVERWRITE", context), **layers)
        run = import_scenario(opts, progress)
        for p in run.problems:
            feedback.pushWarning(str(p))
        feedback.pushInfo(summary_line(run))
        s = run.result.summary
        return {"OUTPUT": str(run.result.path), "UNITS": s["units"], "HOUSEHOLDS_TOTAL": s["households"],
                "GENERAL_GRIDS": s["general"], "WARNINGS": len(run.problems)}
