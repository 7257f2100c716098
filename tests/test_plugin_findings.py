"""The validation list is computed off the GUI thread on a snapshot, and never shows stale results."""
from __future__ import annotations

import time

import numpy as np
import pytest
import shapely
from qgis.core import QgsGeometry, QgsProject
from qgis.PyQt.QtCore import QCoreApplication
from shapely import affinity

from gridgov.engine.live import LiveStats
from gridgov.engine.scenario import load_scenario
from gridgov.plugin.gui.edit_panel import finding_text
from test_edit_panel import StubIface, edit_tab, texts, wait_findings
from test_maptools_common import make_canvas
from test_plugin_i18n import qm, zh  # noqa: F401 - fixtures


@pytest.fixture(scope="module")
def scn(sample_dir):
    return load_scenario(sample_dir)


def general(scn, i: int) -> tuple[str, shapely.Geometry]:
    k = int(np.flatnonzero(scn.grids.level == "general")[i])
    return str(scn.grids.id[k]), scn.grids.geometry[k]


def shifted(geom, dx: float):
    """The grid pushed east by ``dx`` metres: it overlaps its eastern neighbours."""
    return affinity.translate(geom, dx, 0)


def overlaps_naming(found, gid: str) -> list:
    return [f for f in found if f.kind == "overlap" and gid in f.grid_ids]


def test_job_works_on_a_snapshot(scn):
    live = LiveStats.from_scenario(scn)
    gid, geom = general(scn, 5)
    before = live.findings()
    job = live.findings_job()
    live.set_grids({gid: shifted(geom, 150.0)}, relocate=False)   # an edit while the job "runs"
    assert [f.message for f in job.run()] == [f.message for f in before]
    live.adopt(job)                        # stale: a polygon of its level changed since the snapshot
    after = live.findings()
    assert overlaps_naming(after, gid) and not overlaps_naming(before, gid)
    fresh = live.findings_job()
    assert [f.message for f in fresh.run()] == [f.message for f in after]


def test_adopted_checks_are_reused(scn):
    live = LiveStats.from_scenario(scn)
    gid, geom = general(scn, 7)
    live.set_grids({gid: shifted(geom, 120.0)}, relocate=False)
    job = live.findings_job()
    assert any(isinstance(x, tuple) for x in job.layouts)      # general level must be re-checked
    found = job.run()
    live.adopt(job)
    again = live.findings_job()
    assert not any(isinstance(x, tuple) for x in again.layouts)  # cached now: nothing heavy left
    assert [f.message for f in again.run()] == [f.message for f in found]


@pytest.fixture
def sample_panel(qgis_new_project, sample_copy):
    from gridgov.plugin.services.layers import load_scenario_layers

    canvas = make_canvas()
    loaded = load_scenario_layers(sample_copy)
    layers = {lyr.customProperty("gridgov/source").split(":", 1)[1]: lyr for lyr in loaded}
    p = edit_tab(StubIface(canvas))
    p.attach(layers["grids"], layers["units"], layers["facilities"], scenario=load_scenario(sample_copy))
    wait_findings(p)                       # the check started by attach
    yield p, layers
    p.shutdown()
    for lyr in layers.values():
        if lyr.isEditable():
            lyr.rollBack()
    QgsProject.instance().removeAllMapLayers()
    canvas.deleteLater()


def move_grid(layer, gid: str, dx: float) -> None:
    feat = next(f for f in layer.getFeatures() if f["id"] == gid)
    geom = QgsGeometry(feat.geometry())
    geom.translate(dx, 0)
    if not layer.isEditable():
        layer.startEditing()
    layer.changeGeometry(feat.id(), geom)


def test_polygon_edits_give_correct_findings_without_blocking(sample_panel, scn):
    p, layers = sample_panel
    grids = layers["grids"]
    gid_a, _ = general(scn, 3)
    gid_b, _ = general(scn, 11)
    assert not any(gid_a in t and "Overlap" in t for t in texts(p))
    move_grid(grids, gid_a, 0.002)         # layer CRS is EPSG:4326: ~200 m east
    t0 = time.perf_counter()
    p.refresh_findings()
    first_call = time.perf_counter() - t0
    assert p.findings_pending              # returned before the check finished
    move_grid(grids, gid_b, 0.002)         # a second edit while the first check runs
    p.refresh_findings()
    wait_findings(p)
    shown = texts(p)
    # the list is the newest one: both edits are in it, and it equals a synchronous check
    assert any(gid_a in t and t.startswith("Overlap") for t in shown)
    assert any(gid_b in t and t.startswith("Overlap") for t in shown)
    p.adapter.flush()
    expected = [finding_text(f) for f in p.adapter.live.findings()]
    assert shown == expected
    assert first_call < 0.5


def test_a_stale_result_never_overwrites_a_newer_list(sample_panel, scn):
    p, layers = sample_panel
    gid, _ = general(scn, 4)
    p.refresh_findings()                    # a check of the layout before the edit, in the background
    old_task = p.checker.runner.task
    old_result = []
    old_task.taskCompleted.connect(lambda: old_result.append(old_task.result))
    move_grid(layers["grids"], gid, 0.002)
    p.refresh_findings(wait=True)
    newest = texts(p)
    assert any(gid in t and t.startswith("Overlap") for t in newest)
    deadline = time.monotonic() + 30           # the old check finishes late: its list is not shown
    while not old_result and time.monotonic() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.005)
    QCoreApplication.processEvents()
    assert old_result and old_result[0] is not None
    assert not any(gid in f.grid_ids and f.kind == "overlap" for f in old_result[0])   # it was the old layout
    assert texts(p) == newest


def test_finding_lines_in_english_and_chinese(scn, qgis_app):
    from qgis.PyQt.QtCore import QCoreApplication

    from gridgov.engine.live import Finding

    f = Finding("norm", ("G7",), 0.0, 0.0, "general grid G7: 80 households, norm 300–500", args=("general", 80.0, 300, 500))
    assert finding_text(f) == "Outside the norm: General grid G7: 80 households, norm 300–500"
    gap = Finding("gap", ("A", "B"), 0.0, 0.0, "gap of 12 m²: grids A, B", args=(12.4,))
    assert finding_text(gap) == "Gap: 12 m², grids A, B"
    assert finding_text(Finding("odd", (), 0.0, 0.0, "as the engine says")) == "odd: as the engine says"
    assert QCoreApplication.translate("EditPanel", "Gap") == "Gap"


def test_finding_lines_in_chinese(zh):
    from gridgov.engine.live import Finding

    f = Finding("norm", ("G7",), 0.0, 0.0, "", args=("general", 80.0, 300, 500))
    assert finding_text(f, "zh") == "超出规模标准：一般网格 G7：80 户，标准 300–500"
    u = Finding("outside", ("G7",), 0.0, 0.0, "", args=("U1",))
    assert finding_text(u, "zh") == "居民单元位于所属网格之外：居民单元 U1 位于所属网格 G7 之外"
