"""Plugin Optimise action: the task writes a proposal, it shows beside the scenario, and a
selected proposed grid is accepted into the scenario layers' edit buffers (undoable)."""
from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsProject

from gridgov.plugin.controllers.optimise_controller import OptimiseController
from gridgov.plugin.services.layers import load_scenario_layers
from gridgov.plugin.services.state import ScenarioState
from gridgov.plugin.tasks.optimise_task import optimise_task


@pytest.fixture
def opened(qgis_new_project, qgis_iface, sample_copy):
    state = ScenarioState()
    state.set_scenario(sample_copy, load_scenario_layers(sample_copy), [])
    yield state, OptimiseController(qgis_iface, state)
    for name in ("grids", "units"):
        layer = state.layer(name)
        if layer is not None and layer.isEditable():
            layer.rollBack()
    QgsProject.instance().clear()


def test_task_runs_cancels_and_proposal_is_accepted_grid_by_grid(opened, tmp_path):
    state, action = opened
    cancelled = optimise_task(state.scenario_dir, "grids", out_dir=tmp_path / "never", time_limit=2)
    cancelled.cancel()
    assert cancelled.run() is False and cancelled.error == "Cancelled."
    assert not (tmp_path / "never").exists()

    task = optimise_task(state.scenario_dir, "grids", out_dir=tmp_path / "proposal", seed=1, time_limit=3)
    assert task.run() is True, task.error
    proposal = Path(task.result["dir"])
    assert (proposal / "layers.gpkg").is_file() and (proposal / "optimise.json").is_file()

    layers = action.show_proposal(proposal)
    groups = [g.name() for g in QgsProject.instance().layerTreeRoot().children()]
    assert groups[0] == f"GridGov proposal: {proposal.name}" and f"GridGov: {state.name}" in groups
    pg = next(lyr for lyr in layers if lyr.customProperty("gridgov/source") == "scenario:grids")
    pu = next(lyr for lyr in layers if lyr.customProperty("gridgov/source") == "scenario:units")
    # a proposed grid whose units differ from the current layout
    units = state.layer("units")
    current = {str(f["id"]): str(f["grid_id"]) for f in units.getFeatures()}
    changed = sorted({str(f["grid_id"]) for f in pu.getFeatures() if current[str(f["id"])] != str(f["grid_id"])})
    assert changed
    gid = changed[0]
    pg.selectByExpression(f"\"id\" = '{gid}'")
    done = action.accept_selected()
    assert done and done[0]["grid"] == gid and done[0]["units_moved"] > 0
    grids = state.layer("grids")
    assert grids.isEditable() and units.isEditable() and units.isModified()
    members = {str(f["id"]) for f in pu.getFeatures() if str(f["grid_id"]) == gid}
    assert {str(f["id"]) for f in units.getFeatures() if str(f["grid_id"]) == gid} >= members
    new_geom = next(f.geometry() for f in grids.getFeatures() if str(f["id"]) == gid)
    prop_geom = next(f.geometry() for f in pg.getFeatures() if str(f["id"]) == gid)
    assert new_geom.equals(prop_geom)
    micro = {str(f["id"]) for f in grids.getFeatures() if str(f["parent_id"]) == gid}
    assert micro == {str(f["id"]) for f in pg.getFeatures() if str(f["parent_id"]) == gid}
    units.undoStack().undo()
    assert {str(f["id"]): str(f["grid_id"]) for f in units.getFeatures()} == current
