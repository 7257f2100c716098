"""Add a scenario's (or a run's) GeoPackage layers to the QGIS project, styled from QML.

Styles live in ``resources/styles/`` and are looked up per layer as
``<prefix>_<layer>_<geometry>.qml``, then ``<prefix>_<layer>.qml`` (prefix ``scenario``,
``results`` or ``circles``), so a units layer of points and one of polygons both get a
matching symbol.  Each load replaces the previous group of the same name, so re-running a
scenario does not pile up copies.
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsLayerTreeGroup, QgsProject, QgsVectorLayer, QgsWkbTypes
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

STYLES_DIR = Path(__file__).resolve().parents[2] / "resources" / "styles"

# Draw order, top first: points over lines over polygons.
SCENARIO_ORDER = ("incidents", "facilities", "units", "roads", "grids")
RESULTS_ORDER = ("facilities", "units", "grids", "service_areas", "bands")

LABELS = {
    "roads": QT_TRANSLATE_NOOP("GridGovLayers", "Roads"),
    "grids": QT_TRANSLATE_NOOP("GridGovLayers", "Grids"),
    "units": QT_TRANSLATE_NOOP("GridGovLayers", "Residential units"),
    "facilities": QT_TRANSLATE_NOOP("GridGovLayers", "Facilities"),
    "incidents": QT_TRANSLATE_NOOP("GridGovLayers", "Incident history"),
    "service_areas": QT_TRANSLATE_NOOP("GridGovLayers", "Service areas"),
    "bands": QT_TRANSLATE_NOOP("GridGovLayers", "Life-circle bands"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("GridGovLayers", text)


def layer_label(name: str) -> str:
    """The Layers-panel name of a GeoPackage layer, in the UI language (``name`` if unknown)."""
    return QCoreApplication.translate("GridGovLayers", LABELS[name]) if name in LABELS else name


def gpkg_layer_names(path: str | Path) -> list[str]:
    """Names of the vector layers in a GeoPackage ([] when the file is missing)."""
    from osgeo import ogr

    path = Path(path)
    if not path.exists():
        return []
    ds = ogr.Open(str(path))
    if ds is None:
        return []
    try:
        return [ds.GetLayerByIndex(i).GetName() for i in range(ds.GetLayerCount())]
    finally:
        ds = None


def style_path(prefix: str, layer_name: str, geometry_type: int | None = None) -> Path | None:
    """The QML file for a layer, or None when there is none."""
    candidates = []
    if geometry_type is not None:
        geom = {QgsWkbTypes.PointGeometry: "point", QgsWkbTypes.LineGeometry: "line",
                QgsWkbTypes.PolygonGeometry: "polygon"}.get(geometry_type)
        if geom:
            candidates.append(STYLES_DIR / f"{prefix}_{layer_name}_{geom}.qml")
    candidates.append(STYLES_DIR / f"{prefix}_{layer_name}.qml")
    return next((c for c in candidates if c.exists()), None)


def open_layer(gpkg: str | Path, layer_name: str, prefix: str, display: str | None = None) -> QgsVectorLayer:
    """One styled layer of a GeoPackage (not yet added to any project)."""
    layer = QgsVectorLayer(f"{gpkg}|layername={layer_name}", display or layer_label(layer_name), "ogr")
    if not layer.isValid():
        raise ValueError(_tr("{0}: layer '{1}' cannot be opened").format(gpkg, layer_name))
    qml = style_path(prefix, layer_name, layer.geometryType())
    if qml is not None:
        msg, ok = layer.loadNamedStyle(str(qml))
        if not ok:
            raise ValueError(f"{qml}: {msg}")
    layer.setCustomProperty("gridgov/source", f"{prefix}:{layer_name}")
    return layer


def add_gpkg_group(gpkg: str | Path, group_name: str, prefix: str, order: tuple[str, ...],
                   project: QgsProject | None = None, visible: set[str] | None = None,
                   position: int = 0) -> list[QgsVectorLayer]:
    """Add every layer of ``gpkg`` under a fresh top-level group; returns the layers.

    Layers named in ``order`` come first in that order, others after them by name.
    ``visible`` (layer names) switches the rest off, so a results group does not hide the
    scenario under it.
    """
    project = project or QgsProject.instance()
    names = gpkg_layer_names(gpkg)
    if not names:
        raise ValueError(_tr("{0}: no layers (missing or not a GeoPackage)").format(gpkg))
    names.sort(key=lambda n: (order.index(n) if n in order else len(order), n))
    layers = [open_layer(gpkg, n, prefix) for n in names]

    root = project.layerTreeRoot()
    remove_group(group_name, project)
    # build the group detached and insert it whole: a layer tree view cannot expand a group
    # that is empty when it appears, so filling it afterwards left it collapsed in QGIS
    group = QgsLayerTreeGroup(group_name)
    group.setCustomProperty("gridgov/group", prefix)
    for layer in layers:
        project.addMapLayer(layer, False)
        node = group.addLayer(layer)
        node.setExpanded(False)   # legends stay one click away; the layer list stays short
        name = layer.customProperty("gridgov/source").split(":", 1)[1]
        if visible is not None:
            node.setItemVisibilityChecked(name in visible)
    root.insertChildNode(position, group)
    return layers


def remove_group(group_name: str, project: QgsProject | None = None) -> None:
    """Remove a top-level group and its layers from the project (no-op when absent)."""
    project = project or QgsProject.instance()
    root = project.layerTreeRoot()
    for old in [g for g in root.children() if isinstance(g, QgsLayerTreeGroup) and g.name() == group_name]:
        ids = [n.layerId() for n in old.findLayers()]
        root.removeChildNode(old)
        project.removeMapLayers(ids)


def load_scenario_layers(scenario_dir: str | Path, project: QgsProject | None = None) -> list[QgsVectorLayer]:
    """The scenario's input layers (layers.gpkg) in a group named after the folder."""
    scenario_dir = Path(scenario_dir)
    results = (project or QgsProject.instance()).layerTreeRoot().findGroup(f"GridGov results: {scenario_dir.name}")
    if results is not None:   # results of an earlier run of this scenario no longer match
        remove_group(results.name(), project)
    return add_gpkg_group(scenario_dir / "layers.gpkg", f"GridGov: {scenario_dir.name}", "scenario",
                          SCENARIO_ORDER, project)


def load_result_layers(out_dir: str | Path, scenario_name: str, project: QgsProject | None = None,
                       facility_type: str = "grid_station") -> list[QgsVectorLayer]:
    """A run's results.gpkg above the scenario group; units, grids and bands shown, the rest
    off; units and bands show the life circle of ``facility_type``."""
    loaded = add_gpkg_group(Path(out_dir) / "results.gpkg", f"GridGov results: {scenario_name}", "results",
                            RESULTS_ORDER, project, visible={"units", "bands", "grids"})
    scenario_group = (project or QgsProject.instance()).layerTreeRoot().findGroup(f"GridGov: {scenario_name}")
    if scenario_group is not None:
        scenario_group.setExpanded(False)
    results_group = (project or QgsProject.instance()).layerTreeRoot().findGroup(f"GridGov results: {scenario_name}")
    if results_group is not None:
        results_group.setExpanded(True)
    set_circle_type(loaded, facility_type)
    return loaded


def circle_types(loaded: list[QgsVectorLayer]) -> list[str]:
    """Facility types that have a band column in the results' units layer (vocabulary order)."""
    from ...engine.vocab import FACILITY_TYPES

    units = _by_name(loaded).get("units")
    names = set(units.fields().names()) if units is not None else set()
    return [t for t in FACILITY_TYPES if f"{t}_band" in names]


def set_circle_type(loaded: list[QgsVectorLayer], facility_type: str) -> None:
    """Show the bands of one facility type: units coloured by ``<type>_band``, band polygons
    filtered to that type (all types at once would be an unreadable pile of polygons)."""
    by = _by_name(loaded)
    units, bands = by.get("units"), by.get("bands")
    if units is not None and f"{facility_type}_band" in units.fields().names():
        renderer = units.renderer()
        if hasattr(renderer, "setClassAttribute"):
            renderer.setClassAttribute(f"{facility_type}_band")
            units.triggerRepaint()
            units.emitStyleChanged()
    if bands is not None:
        safe = facility_type.replace("'", "''")
        bands.setSubsetString(f"\"type\" = '{safe}'")
        bands.triggerRepaint()


def _by_name(loaded: list[QgsVectorLayer]) -> dict[str, QgsVectorLayer]:
    out = {}
    for layer in loaded:
        try:
            source = layer.customProperty("gridgov/source") or ""
        except RuntimeError:   # deleted C++ object (the user removed the layer)
            continue
        out[source.split(":", 1)[-1]] = layer
    return out
