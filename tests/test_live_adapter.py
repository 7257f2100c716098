"""services/live_adapter.py: layer edits (and their undo) reach the engine incrementally."""
from __future__ import annotations

import pytest
from qgis.core import QgsPointXY, QgsProject

from gridgov.plugin.maptools.edits import merge_grids, paint_units, place_facility, split_grids
from gridgov.plugin.services.live_adapter import LiveAdapter
from test_maptools_common import attr, facilities_layer, grids_layer, units_layer


@pytest.fixture
def bound(qgis_new_project):
    g, u, f = grids_layer(), units_layer(), facilities_layer()
    QgsProject.instance().addMapLayers([g, u, f])
    for lyr in (g, u, f):
        lyr.startEditing()
    adapter = LiveAdapter(g, u, f, delay_ms=5)
    yield adapter, g, u, f
    adapter.disconnect_layers()
    for lyr in (g, u, f):
        lyr.rollBack()
    QgsProject.instance().removeAllMapLayers()


def test_split_updates_stats_and_carries_units(bound):
    adapter, g, u, _ = bound
    got = []
    adapter.updated.connect(got.append)
    split_grids(g, [QgsPointXY(100, -10), QgsPointXY(100, 210)])
    up = adapter.flush()
    assert got and {"G1", "G1-2"} <= up["touched"]  # G3 gains a topological vertex
    assert up["stats"]["G1"]["households"] == 80 and up["stats"]["G1-2"]["households"] == 80
    assert up["stats"]["G1"]["delta"]["households"] == -80
    assert up["elapsed_ms"] < 200
    # the units east of the cut now carry the new grid id in the units layer too
    assert list(attr(u, "grid_id").values()).count("G1-2") == 8
    g.undoStack().undo()
    up = adapter.flush()
    assert up["stats"]["G1"]["households"] == 160 and up["stats"]["G1"]["delta"]["households"] == 0
    assert "G1-2" not in adapter.live.stats()
    assert list(attr(u, "grid_id").values()).count("G1-2") == 0


def test_merge_paint_and_facility(bound):
    adapter, g, u, f = bound
    fids = {str(x["id"]): x.id() for x in g.getFeatures()}
    merge_grids(g, [fids["G3"], fids["G4"]], keep=fids["G3"])
    up = adapter.flush()
    assert up["stats"]["G3"]["households"] == 320 and "G4" not in adapter.live.stats()
    ufid = {str(x["id"]): x.id() for x in u.getFeatures()}
    u.beginEditCommand("paint")
    paint_units(u, [ufid["U0"], ufid["U1"]], "G2")
    u.endEditCommand()
    up = adapter.flush()
    assert up["touched"] == {"G1", "G2"} and up["stats"]["G2"]["households"] == 180
    place_facility(f, QgsPointXY(10, 10), "clinic")
    up = adapter.flush()
    assert "clinic-2" in adapter.live.fac
    assert adapter.edited >= {"G1", "G2", "G3", "G4"}


def test_unknown_grid_is_reported_not_raised(bound):
    adapter, _, u, _ = bound
    msgs = []
    adapter.failed.connect(msgs.append)
    fid = next(x.id() for x in u.getFeatures() if x["id"] == "U0")
    u.changeAttributeValue(fid, u.fields().indexOf("grid_id"), "NOPE")
    adapter.flush()
    assert msgs and "NOPE" in msgs[0]


def test_geographic_crs_is_refused(qgis_new_project):
    from qgis.core import QgsVectorLayer

    g = QgsVectorLayer("Polygon?crs=EPSG:4326&field=id:string", "g", "memory")
    with pytest.raises(ValueError, match="metric CRS"):
        LiveAdapter(g, units_layer(), None)
