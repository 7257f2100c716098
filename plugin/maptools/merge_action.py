"""Merge action: merge the selected grids, keeping the attributes of the chosen one."""
from __future__ import annotations

from qgis.core import QgsVectorLayer

from .edits import EditError, merge_grids, tr


def merge_selected(layer: QgsVectorLayer, keep_id: str | None = None) -> int:
    """Merge the selected grids of ``layer``; ``keep_id`` names the grid whose attributes stay.

    Returns the feature id of the merged grid (default: the selected grid listed first).
    """
    fids = sorted(layer.selectedFeatureIds())
    if len(fids) < 2:
        raise EditError(tr("Select at least two grids to merge"))
    keep = None
    if keep_id is not None:
        ids = {str(f["id"]): f.id() for f in layer.getSelectedFeatures()}
        if keep_id not in ids:
            raise EditError(tr("Grid '{0}' is not among the selected grids").format(keep_id))
        keep = ids[keep_id]
    merged = merge_grids(layer, fids, keep)
    layer.selectByIds([merged])
    return merged


def selected_grid_ids(layer: QgsVectorLayer) -> list[str]:
    """The ids of the selected grids (the merge dialog offers them as attribute sources)."""
    return sorted(str(f["id"]) for f in layer.getSelectedFeatures())
