"""The layer edits behind the map tools, each one undoable step of the layer's edit buffer.

The map tools only turn mouse gestures into map coordinates; these functions do the edit
(``beginEditCommand`` … ``endEditCommand``), so the panel's buttons, the tests and the
desktop smoke script run exactly the same code.  An edit that changes nothing is dropped
from the undo stack (``destroyEditCommand``) and reported as ``EditError``.
"""
from __future__ import annotations

import warnings
from typing import Iterable

from qgis.core import (Qgis, QgsFeature, QgsLineString, QgsPoint, QgsFeatureRequest, QgsGeometry, QgsPointXY, QgsRectangle,
                       QgsVectorLayer, QgsVectorLayerUtils, QgsWkbTypes)
from qgis.PyQt.QtCore import QCoreApplication, QVariant


class EditError(Exception):
    """An edit that cannot be done; the message is shown to the user as is."""


def tr(text: str) -> str:
    return QCoreApplication.translate("GridGovEdits", text)


def _field(layer: QgsVectorLayer, name: str) -> int:
    idx = layer.fields().indexOf(name)
    if idx < 0:
        raise EditError(tr("Layer '{0}' has no field '{1}'").format(layer.name(), name))
    return idx


def _editable(layer: QgsVectorLayer) -> None:
    if layer is None or not layer.isValid():
        raise EditError(tr("No valid layer to edit"))
    if not layer.isEditable() and not layer.startEditing():
        raise EditError(tr("Layer '{0}' cannot be edited").format(layer.name()))


def unique_id(layer: QgsVectorLayer, base: str, taken: set[str] | None = None) -> str:
    """``base-2``, ``base-3``… : the first value not yet used in the layer's ``id`` field."""
    used = ids_with_prefix(layer, f"{base}-") | (taken or set())
    k = 2
    while f"{base}-{k}" in used:
        k += 1
    return f"{base}-{k}"


def ids_with_prefix(layer: QgsVectorLayer, prefix: str) -> set[str]:
    """Values of the ``id`` field starting with ``prefix`` (edit buffer included).

    Asked as a range ``prefix <= id < prefix⁺`` the provider runs in its own query (an index
    on ``id`` makes it a lookup), instead of reading every id of a 144,000-grid layer."""
    idx = _field(layer, "id")
    if layer.fields().at(idx).type() != QVariant.String or not prefix:
        return {str(v) for v in layer.uniqueValues(idx) if str(v).startswith(prefix)}
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    lo, hi = prefix.replace("'", "''"), upper.replace("'", "''")
    req = (QgsFeatureRequest().setFilterExpression(f"\"id\" >= '{lo}' AND \"id\" < '{hi}'")
           .setFlags(QgsFeatureRequest.NoGeometry).setSubsetOfAttributes([idx]))
    return {str(f[idx]) for f in layer.getFeatures(req) if str(f[idx]).startswith(prefix)}


def split_grids(layer: QgsVectorLayer, line: Iterable[QgsPointXY], topological: bool = True) -> list[int]:
    """Split the grids crossed by ``line`` (only the selected ones when some are selected).

    Each new piece gets a fresh unique ``id`` derived from its parent's; returns the feature
    ids of the new pieces.  Done here rather than by ``QgsVectorLayer.splitFeatures``, which
    reads every feature id of the layer to keep the new features' primary keys unique (0.1 s
    on a city's 144,000 grids): the pieces get an empty primary key, which the provider fills
    when the edits are saved.  As in QGIS, the largest piece stays with the original feature.
    """
    points = [QgsPointXY(p) for p in line]
    if len(points) < 2:
        raise EditError(tr("Draw a line of at least two points across a grid"))
    _editable(layer)
    id_idx = _field(layer, "id")
    bbox = QgsLineString([QgsPoint(p) for p in points]).boundingBox()
    selected = layer.selectedFeatureIds()
    req = QgsFeatureRequest().setFilterFids(list(selected)) if selected else \
        QgsFeatureRequest().setFilterRect(bbox).setFlags(QgsFeatureRequest.ExactIntersect)
    multi = QgsWkbTypes.isMultiType(layer.wkbType())
    keys = set(layer.primaryKeyAttributes())
    layer.beginEditCommand(tr("Split grid"))
    added: list[QgsFeature] = []
    taken: set[str] = set()
    for feat in layer.getFeatures(req):
        if not feat.hasGeometry():
            continue
        geom = QgsGeometry(feat.geometry())
        with warnings.catch_warnings():     # the QgsPoint variant is not callable from PyQGIS 3.22
            warnings.simplefilter("ignore", DeprecationWarning)
            result, pieces, test_points = geom.splitGeometry(points, topological)
        if result != Qgis.GeometryOperationResult.Success or not pieces:
            continue
        largest = max(range(len(pieces)), key=lambda k: pieces[k].area())
        if pieces[largest].area() > geom.area():
            geom, pieces[largest] = pieces[largest], geom
        for g in [geom, *pieces]:
            if multi:
                g.convertToMultiType()
        layer.changeGeometry(feat.id(), geom)
        parent = str(feat[id_idx])
        for piece in pieces:
            new = QgsFeature(layer.fields())
            attrs = feat.attributes()
            for k in keys:
                attrs[k] = None
            gid = unique_id(layer, parent, taken)
            taken.add(gid)
            attrs[id_idx] = gid
            new.setAttributes(attrs)
            new.setGeometry(piece)
            added.append(new)
        if topological:
            for p in test_points:
                layer.addTopologicalPoints(QgsPoint(p))
    if not added:
        layer.destroyEditCommand()
        raise EditError(tr("The line does not split any grid (draw it fully across one)"))
    before = set(layer.editBuffer().addedFeatures().keys())
    layer.addFeatures(added)
    new_fids = sorted(set(layer.editBuffer().addedFeatures().keys()) - before)
    layer.endEditCommand()
    return new_fids


def merge_grids(layer: QgsVectorLayer, fids: Iterable[int], keep: int | None = None) -> int:
    """Merge grids into the one whose attributes are kept (``keep``, default the first).

    Returns the kept feature id; the others are deleted.
    """
    fids = list(dict.fromkeys(int(f) for f in fids))
    if len(fids) < 2:
        raise EditError(tr("Select at least two grids to merge"))
    keep = fids[0] if keep is None else int(keep)
    if keep not in fids:
        raise EditError(tr("The grid whose attributes are kept must be one of the merged grids"))
    _editable(layer)
    feats = {f.id(): f for f in layer.getFeatures(QgsFeatureRequest().setFilterFids(fids))}
    missing = [f for f in fids if f not in feats]
    if missing:
        raise EditError(tr("Grid feature(s) {0} not found").format(missing))
    merged = QgsGeometry.unaryUnion([feats[f].geometry() for f in fids])
    if merged.isNull() or merged.isEmpty():
        raise EditError(tr("The merged geometry is empty"))
    if QgsWkbTypes.isMultiType(layer.wkbType()):
        merged.convertToMultiType()
    layer.beginEditCommand(tr("Merge grids"))
    ok = layer.changeGeometry(keep, merged) and layer.deleteFeatures([f for f in fids if f != keep])
    if not ok:
        layer.destroyEditCommand()
        raise EditError(tr("QGIS refused the merge (is the layer editable?)"))
    layer.endEditCommand()
    return keep


def units_near(layer: QgsVectorLayer, point: QgsPointXY, radius: float) -> list[int]:
    """Feature ids of the units within ``radius`` map units of ``point`` (the paint brush)."""
    rect = QgsRectangle(point.x() - radius, point.y() - radius, point.x() + radius, point.y() + radius)
    centre = QgsGeometry.fromPointXY(point)
    out = []
    for f in layer.getFeatures(QgsFeatureRequest().setFilterRect(rect).setNoAttributes()):
        if f.geometry().distance(centre) <= radius:
            out.append(f.id())
    return out


def paint_units(layer: QgsVectorLayer, fids: Iterable[int], grid_id: str, field: str = "grid_id") -> list[int]:
    """Assign units to a grid (``field`` = ``grid_id`` or ``micro_id``); returns those changed.

    Called once per mouse move of a stroke: the caller opens one edit command for the whole
    stroke (``begin_stroke``/``end_stroke``) so that one Ctrl+Z undoes it.
    """
    idx = _field(layer, field)
    changed = []
    for f in layer.getFeatures(QgsFeatureRequest().setFilterFids(list(fids)).setSubsetOfAttributes([idx])):
        if str(f[idx]) != grid_id:
            layer.changeAttributeValue(f.id(), idx, grid_id, f[idx])
            changed.append(f.id())
    return changed


def place_facility(layer: QgsVectorLayer, point: QgsPointXY, kind: str, name: str = "",
                   staff: int | None = None) -> int:
    """Add a facility of type ``kind`` at ``point``; returns its (temporary) feature id."""
    from ...engine.vocab import FACILITY_TYPES

    if kind not in FACILITY_TYPES:
        raise EditError(tr("Unknown facility type '{0}'").format(kind))
    _editable(layer)
    term = FACILITY_TYPES[kind]
    values = {"id": unique_id(layer, kind), "type": kind, "name": name or term.zh,
              "staff": (1 if term.responder else 0) if staff is None else int(staff), "grid_id": ""}
    attrs = {layer.fields().indexOf(k): v for k, v in values.items() if layer.fields().indexOf(k) >= 0}
    feat = QgsVectorLayerUtils.createFeature(layer, QgsGeometry.fromPointXY(point), attrs)
    layer.beginEditCommand(tr("Place facility"))
    if not layer.addFeature(feat):
        layer.destroyEditCommand()
        raise EditError(tr("QGIS refused the new facility"))
    layer.endEditCommand()
    added = [fid for fid, f in layer.editBuffer().addedFeatures().items() if f["id"] == values["id"]]
    return added[-1] if added else feat.id()


def move_facility(layer: QgsVectorLayer, fid: int, point: QgsPointXY) -> None:
    _editable(layer)
    layer.beginEditCommand(tr("Move facility"))
    if not layer.changeGeometry(fid, QgsGeometry.fromPointXY(point)):
        layer.destroyEditCommand()
        raise EditError(tr("Facility {0} not found").format(fid))
    layer.endEditCommand()


def delete_facility(layer: QgsVectorLayer, fid: int) -> None:
    _editable(layer)
    layer.beginEditCommand(tr("Delete facility"))
    if not layer.deleteFeature(fid):
        layer.destroyEditCommand()
        raise EditError(tr("Facility {0} not found").format(fid))
    layer.endEditCommand()


def nearest_feature(layer: QgsVectorLayer, point: QgsPointXY, radius: float) -> int | None:
    """Feature id of the feature nearest ``point`` within ``radius`` map units, else None."""
    rect = QgsRectangle(point.x() - radius, point.y() - radius, point.x() + radius, point.y() + radius)
    centre = QgsGeometry.fromPointXY(point)
    best, best_d = None, radius
    for f in layer.getFeatures(QgsFeatureRequest().setFilterRect(rect).setNoAttributes()):
        d = f.geometry().distance(centre)
        if d <= best_d:
            best, best_d = f.id(), d
    return best


def feature_at(layer: QgsVectorLayer, point: QgsPointXY, micro: bool = False) -> QgsFeature | None:
    """The grid containing ``point`` (to pick a paint target): a general/dedicated grid, or
    with ``micro`` a micro-grid; layers without a ``level`` field return the first hit."""
    geom = QgsGeometry.fromPointXY(point)
    req = QgsFeatureRequest().setFilterRect(geom.boundingBox().buffered(1e-9))
    has_level = layer.fields().indexOf("level") >= 0
    for f in layer.getFeatures(req):
        if not f.geometry().contains(geom):
            continue
        if not has_level or (str(f["level"]) == "micro") == micro:
            return f
    return None
