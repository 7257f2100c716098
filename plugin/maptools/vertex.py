"""Shared-boundary editing: QGIS's vertex tool with topological editing and snapping on.

Moving one vertex of a boundary shared by two grids must move it in both, or a gap/overlap
opens.  ``enable_topological_editing`` switches the project to that mode (the Edit panel's
"Move boundary" button then activates QGIS's own vertex tool); ``move_shared_vertex`` is the
same edit done programmatically (scripts, tests): every vertex at the location, in every grid,
moves in one undoable command.
"""
from __future__ import annotations

from qgis.core import (QgsGeometry, QgsPointXY, QgsProject, QgsSnappingConfig, QgsTolerance,
                       QgsVectorLayer)

from .edits import EditError, _editable, tr


def enable_topological_editing(layer: QgsVectorLayer, project: QgsProject | None = None,
                               tolerance_px: float = 12.0) -> QgsSnappingConfig:
    """Topological editing on, snapping to the grids' vertices and segments within ``tolerance_px``."""
    project = project or QgsProject.instance()
    project.setTopologicalEditing(True)
    config = QgsSnappingConfig(project.snappingConfig())
    config.setEnabled(True)
    config.setMode(QgsSnappingConfig.AdvancedConfiguration)
    settings = QgsSnappingConfig.IndividualLayerSettings(
        True, QgsSnappingConfig.VertexFlag | QgsSnappingConfig.SegmentFlag, tolerance_px, QgsTolerance.Pixels,
        0.0, 0.0)
    config.setIndividualLayerSettings(layer, settings)
    project.setSnappingConfig(config)
    return config


def move_shared_vertex(layer: QgsVectorLayer, at: QgsPointXY, to: QgsPointXY, tolerance: float = 1e-6) -> list[int]:
    """Move every vertex lying at ``at`` (within ``tolerance``) to ``to``, in all grids at once."""
    _editable(layer)
    hits: list[tuple[int, int]] = []
    probe = QgsGeometry.fromPointXY(at).buffer(max(tolerance, 1e-9), 4).boundingBox()
    for f in layer.getFeatures(probe):
        geom = f.geometry()
        for i, v in enumerate(geom.vertices()):
            if abs(v.x() - at.x()) <= tolerance and abs(v.y() - at.y()) <= tolerance:
                hits.append((f.id(), i))
    if not hits:
        raise EditError(tr("No grid vertex at this place"))
    layer.beginEditCommand(tr("Move shared boundary vertex"))
    for fid, i in hits:
        layer.moveVertex(to.x(), to.y(), fid, i)
    layer.endEditCommand()
    return sorted({fid for fid, _ in hits})
