"""The QGIS project around an open scenario: its working CRS, zooming to it, expanding its
layer groups, and leaving it (edit buffers discarded, its groups removed)."""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject
from qgis.PyQt.QtCore import QTimer

from . import layers as layer_service
from .state import ScenarioState


def scenario_crs(folder: Path | None) -> QgsCoordinateReferenceSystem | None:
    """The scenario's metric working CRS ([scenario] crs), so the map is not drawn in degrees."""
    try:
        import tomllib

        with open(Path(folder) / "scenario.toml", "rb") as fh:
            code = str(tomllib.load(fh).get("scenario", {}).get("crs", ""))
    except (OSError, ValueError, TypeError, ImportError):
        return None
    crs = QgsCoordinateReferenceSystem(code) if code else None
    return crs if crs is not None and crs.isValid() else None


def zoom_to_scenario(iface, loaded: list, scenario_dir: Path | None) -> None:
    """Zoom the canvas to the scenario's grids; in a project holding only GridGov layers (or
    without a CRS) the project takes the scenario's working CRS."""
    project = QgsProject.instance()
    grids = next((lyr for lyr in loaded if lyr.customProperty("gridgov/source") == "scenario:grids"), None)
    target = grids or (loaded[0] if loaded else None)
    if target is None:
        return
    only_ours = all(lyr.customProperty("gridgov/source") for lyr in project.mapLayers().values())
    if only_ours or not project.crs().isValid():
        crs = scenario_crs(scenario_dir) or target.crs()
        project.setCrs(crs)
        # QGIS desktop applies "CRS of the first layer added" after the event loop runs
        # again; set ours once more after it so the map is drawn in metres, not degrees
        QTimer.singleShot(0, lambda: _set_crs_and_zoom(iface, crs, target))
    _set_crs_and_zoom(iface, None, target)


def _set_crs_and_zoom(iface, crs, target) -> None:
    project = QgsProject.instance()
    try:
        target.id()
    except RuntimeError:   # layer deleted meanwhile
        return
    if crs is not None and project.crs() != crs:
        project.setCrs(crs)
    canvas = iface.mapCanvas()
    extent = QgsCoordinateTransform(target.crs(), canvas.mapSettings().destinationCrs(),
                                    project).transformBoundingBox(target.extent())
    extent.scale(1.05)
    canvas.setExtent(extent)
    canvas.refresh()


def expand_group(iface, group_name: str) -> None:
    """Open a group in the Layers panel (the tree view does not follow the node's expanded
    flag for groups added by a plugin in QGIS 3.22)."""
    view_fn = getattr(iface, "layerTreeView", None)
    view = view_fn() if callable(view_fn) else None
    group = QgsProject.instance().layerTreeRoot().findGroup(group_name)
    if view is None or group is None or not hasattr(view, "node2index"):
        return
    try:
        index = view.node2index(group)
        if index.isValid():
            view.setExpanded(index, True)
    except (TypeError, RuntimeError):
        return


def refresh_symbology(iface, layers: list) -> None:
    view = getattr(iface, "layerTreeView", None)
    if callable(view) and view() is not None:
        for layer in layers:
            view().refreshLayerSymbology(layer.id())


def leave_scenario(state: ScenarioState, extra_layers: list) -> None:
    """Close the open scenario without writing it: discard the edit buffers of its layers (and
    of ``extra_layers``) and take its layer groups out of the project."""
    old_dir = state.scenario_dir
    old_layers = [state.layer(n) for n in state.layer_ids] + list(extra_layers)
    for layer in {id(x): x for x in old_layers if x is not None}.values():
        try:
            if layer.isEditable():
                layer.rollBack()
        except RuntimeError:        # removed by the user meanwhile
            continue
    if old_dir is not None:
        for group in (f"GridGov results: {old_dir.name}", f"GridGov: {old_dir.name}"):
            layer_service.remove_group(group)
