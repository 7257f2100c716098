"""An optimised proposal beside the current scenario, and accepting it grid by grid.

The proposal (a scenario folder written by ``gridgov optimise``) is shown as its own layer
group.  Accepting a proposed general grid edits the *current* scenario's layers in their edit
buffers (undo works, nothing is saved until the planner saves): the grid's polygon and
attributes, its micro-grids, and the ``grid_id``/``micro_id`` of the units the proposal puts in
it.  Neighbouring grids keep their old polygons until they are accepted too (the validation
list shows the overlap meanwhile).
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsFeature, QgsFeatureRequest, QgsProject, QgsVectorLayer

from .layers import SCENARIO_ORDER, add_gpkg_group

GROUP = "GridGov proposal: {0}"


def load_proposal_layers(proposal_dir: str | Path, project: QgsProject | None = None) -> list[QgsVectorLayer]:
    """The proposal's grids and units (roads and facilities hidden) in a group above the scenario."""
    proposal_dir = Path(proposal_dir)
    layers = add_gpkg_group(proposal_dir / "layers.gpkg", GROUP.format(proposal_dir.name), "scenario", SCENARIO_ORDER,
                            project, visible={"grids", "units"})
    for layer in layers:   # a proposal layer is not a scenario input: panels must not mistake it
        layer.setCustomProperty("gridgov/proposal", str(proposal_dir))
    return layers


def _features(layer: QgsVectorLayer, field: str, values) -> list[QgsFeature]:
    quoted = ",".join("'" + str(v).replace("'", "''") + "'" for v in values)
    return list(layer.getFeatures(QgsFeatureRequest().setFilterExpression(f'"{field}" IN ({quoted})'))) if quoted else []


def accept_grid(grid_id: str, proposal_grids: QgsVectorLayer, proposal_units: QgsVectorLayer,
                grids: QgsVectorLayer, units: QgsVectorLayer) -> dict:
    """Copy one proposed general grid (polygon, attributes, micro-grids, unit membership) into
    the current ``grids``/``units`` layers' edit buffers; returns what changed."""
    new = _features(proposal_grids, "id", [grid_id])
    if not new or str(new[0]["level"]) != "general":
        raise ValueError(f"'{grid_id}' is not a general grid of the proposal")
    new_micro = _features(proposal_grids, "parent_id", [grid_id])
    for layer in (grids, units):
        if not layer.isEditable():
            layer.startEditing()
    grids.beginEditCommand(f"accept proposed grid {grid_id}")
    units.beginEditCommand(f"accept proposed grid {grid_id}")
    try:
        names = [f.name() for f in grids.fields()]
        old_micro = [f.id() for f in _features(grids, "parent_id", [grid_id]) if str(f["level"]) == "micro"]
        grids.deleteFeatures(old_micro)
        replaced = 0
        for feat in [new[0], *new_micro]:
            existing = _features(grids, "id", [feat["id"]])
            if existing:
                fid = existing[0].id()
                grids.changeGeometry(fid, feat.geometry())
                for name in names:
                    if name in feat.fields().names() and name != "fid":
                        grids.changeAttributeValue(fid, grids.fields().indexOf(name), feat[name])
                replaced += 1
            else:
                add = QgsFeature(grids.fields())
                add.setGeometry(feat.geometry())
                for name in names:
                    if name in feat.fields().names() and name != "fid":
                        add[name] = feat[name]
                grids.addFeature(add)
        members = {str(f["id"]): (f["grid_id"], f["micro_id"]) for f in _features(proposal_units, "grid_id", [grid_id])}
        gi, mi = units.fields().indexOf("grid_id"), units.fields().indexOf("micro_id")
        moved = 0
        for unit in _features(units, "id", list(members)):
            gid, mid = members[str(unit["id"])]
            if str(unit["grid_id"]) != str(gid) or str(unit["micro_id"]) != str(mid):
                units.changeAttributeValue(unit.id(), gi, gid)
                units.changeAttributeValue(unit.id(), mi, mid)
                moved += 1
    finally:
        grids.endEditCommand()
        units.endEditCommand()
    return {"grid": grid_id, "units_moved": moved, "micro_grids": len(new_micro), "replaced": replaced}
