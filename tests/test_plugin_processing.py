"""Processing algorithms through processing.run, as the modeller and batch runs call them."""
from __future__ import annotations

import csv
import json

import pytest
from qgis.core import QgsApplication, QgsProcessingException, QgsVectorLayer

from gridgov.plugin.processing.provider import GridGovProvider


@pytest.fixture(scope="module")
def provider(qgis_processing):
    registry = QgsApplication.processingRegistry()
    added = None
    if registry.providerById("gridgov") is None:
        added = GridGovProvider()
        registry.addProvider(added)
    yield registry.providerById("gridgov")
    if added is not None:   # leave the registry as found: the plugin tests register their own
        registry.removeProvider(added)


def test_algorithms_have_modeller_ready_definitions(provider):
    algs = {a.name(): a for a in provider.algorithms()}
    assert set(algs) == {"validate", "servicecircles", "simulate", "score", "compare", "import"}
    for alg in algs.values():
        assert alg.group() and alg.groupId() == "gridgov" and alg.shortHelpString()
        assert alg.createInstance().name() == alg.name()
        assert alg.outputDefinitions(), alg.name()   # outputs a model can chain
        assert all(p.description() for p in alg.parameterDefinitions())


def test_validate_sample_writes_problem_csv(provider, sample_dir, tmp_path):
    import processing

    out = tmp_path / "problems.csv"
    res = processing.run("gridgov:validate", {"SCENARIO": str(sample_dir), "FAIL_ON_ERROR": True,
                                              "OUTPUT": str(out)})
    assert res["VALID"] is True and res["ERRORS"] == 0
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["severity", "file", "layer", "fid", "field", "message"]
    assert len(rows) - 1 == res["WARNINGS"]


def test_validate_reports_broken_feature(provider, sample_copy, tmp_path):
    import processing
    from osgeo import ogr

    ds = ogr.Open(str(sample_copy / "layers.gpkg"), 1)
    ds.ExecuteSQL("UPDATE units SET households = -5 WHERE fid = 3")
    ds = None
    out = tmp_path / "p.csv"
    res = processing.run("gridgov:validate", {"SCENARIO": str(sample_copy), "OUTPUT": str(out)})
    assert res["VALID"] is False and res["ERRORS"] >= 1
    bad = [r for r in csv.DictReader(out.open(encoding="utf-8")) if r["severity"] == "error"]
    assert any(r["layer"] == "units" and r["fid"] == "3" and r["field"] == "households" for r in bad)
    with pytest.raises(QgsProcessingException, match="error"):
        processing.run("gridgov:validate", {"SCENARIO": str(sample_copy), "FAIL_ON_ERROR": True,
                                            "OUTPUT": str(out)})


def test_not_a_scenario_is_a_clear_error(provider, tmp_path, sample_dir):
    import processing

    with pytest.raises(QgsProcessingException, match="not a scenario folder"):
        processing.run("gridgov:validate", {"SCENARIO": str(tmp_path), "OUTPUT": str(tmp_path / "x.csv")})
    with pytest.raises(QgsProcessingException, match="at least two"):
        processing.run("gridgov:compare", {"SCENARIOS": [str(sample_dir / "scenario.toml")],
                                           "OUTPUT_FOLDER": str(tmp_path / "c")})
    with pytest.raises(QgsProcessingException, match="neither a scenario"):
        processing.run("gridgov:compare", {"SCENARIOS": [str(sample_dir), str(tmp_path)],
                                           "OUTPUT_FOLDER": str(tmp_path / "c")})


def test_service_circles_outputs_layers(provider, sample_dir, tmp_path, qgis_new_project):
    import processing
    from qgis.core import QgsProject

    out = tmp_path / "circles.gpkg"
    res = processing.runAndLoadResults("gridgov:servicecircles", {"SCENARIO": str(sample_dir / "scenario.toml"), "MODE": 3,
                                                    "OUTPUT": str(out)})
    bands = QgsVectorLayer(res["BANDS"], "bands", "ogr")
    assert bands.isValid() and bands.featureCount() > 0
    assert {f["band"] for f in bands.getFeatures()} == {0, 1, 2}
    units = QgsVectorLayer(res["UNITS"], "units", "ogr")
    assert units.featureCount() == QgsVectorLayer(f"{sample_dir}/layers.gpkg|layername=units", "u", "ogr").featureCount()
    assert "grid_station_band" in units.fields().names()
    assert QgsVectorLayer(res["SERVICE_AREAS"], "sa", "ogr").isValid()
    # bands and units were added to the project, styled like the dock's results
    loaded = {lyr.name(): lyr for lyr in QgsProject.instance().mapLayers().values()}
    bands_layer = next(lyr for name, lyr in loaded.items() if name.endswith(": bands"))
    assert bands_layer.renderer().type() == "categorizedSymbol" and bands_layer.renderer().classAttribute() == "band"
    units_layer = next(lyr for name, lyr in loaded.items() if name.endswith(": units"))
    assert units_layer.renderer().classAttribute() == "grid_station_band"


def test_simulate_writes_grids_and_summary(provider, sample_dir, tmp_path):
    import processing

    res = processing.run("gridgov:simulate", {"SCENARIO": str(sample_dir), "DAYS": 3, "SEED": 7, "ENGINE": 1,
                                              "OUTPUT": str(tmp_path / "sim.gpkg"),
                                              "SUMMARY": str(tmp_path / "sim.json"),
                                              "INCIDENTS": str(tmp_path / "incidents.parquet")})
    grids = QgsVectorLayer(res["GRIDS"], "g", "ogr")
    assert grids.isValid() and any(n.startswith("sim_") for n in grids.fields().names())
    doc = json.loads((tmp_path / "sim.json").read_text(encoding="utf-8"))
    assert doc["scenario"]["name"] == "chengdu_wuhou" and doc["summary"]
    # the same document as `gridgov simulate` writes: scenario block, per community, backlog, …
    from gridgov.engine.cli import main

    assert main(["simulate", str(sample_dir), "--out", str(tmp_path / "cli"), "--days", "3", "--seed", "7",
                 "--engine", "numba", "--quiet"]) == 0
    cli = json.loads((tmp_path / "cli" / "simulation.json").read_text(encoding="utf-8"))
    assert {"per_community", "backlog", "per_street", "meta"} <= set(doc)
    for run_facts in (doc, cli):    # wall-clock timings are the only thing allowed to differ
        run_facts["meta"].pop("timings_s")
    assert doc == cli
    assert (tmp_path / "incidents.parquet").stat().st_size > 0
    # the same seed gives the same summary (the algorithm passes DAYS/SEED through)
    res2 = processing.run("gridgov:simulate", {"SCENARIO": str(sample_dir), "DAYS": 3, "SEED": 7, "ENGINE": 1,
                                               "OUTPUT": str(tmp_path / "sim2.gpkg"),
                                               "SUMMARY": str(tmp_path / "sim2.json")})
    assert json.loads((tmp_path / "sim2.json").read_text(encoding="utf-8"))["summary"] == doc["summary"]
    assert res2["INCIDENTS"] is None


@pytest.mark.slow
def test_score_then_compare_run_outputs(provider, sample_dir, tmp_path):
    import processing

    res = processing.run("gridgov:score", {"SCENARIO": str(sample_dir), "DAYS": 3, "LANG": 1,
                                           "OUTPUT_FOLDER": str(tmp_path / "a")})
    scores = json.loads(open(res["SCORES"], encoding="utf-8").read())
    assert res["TOTAL"] == scores["total"] and 0 <= res["TOTAL"] <= 100
    assert QgsVectorLayer(res["GRIDS"], "g", "ogr").featureCount() > 0
    assert res["REPORT"].endswith("report.html")
    # compare reuses run outputs (scores.json) instead of recomputing them
    cmp = processing.run("gridgov:compare", {"SCENARIOS": [res["SCORES"], str(tmp_path / "a")], "LANG": 1,
                                             "OUTPUT_FOLDER": str(tmp_path / "cmp")})
    assert cmp["REPORT"].endswith(".html") and cmp["TABLE"].endswith("compare.csv")
    assert "chengdu_wuhou" in open(cmp["TABLE"], encoding="utf-8").read()


def test_algorithms_chain_in_a_model(provider, sample_dir, sample_copy, tmp_path):
    """What the graphical modeller builds: validate (stop on errors) → service circles."""
    from qgis.core import (QgsProcessingContext, QgsProcessingFeedback, QgsProcessingModelAlgorithm,
                           QgsProcessingModelChildAlgorithm, QgsProcessingModelChildDependency,
                           QgsProcessingModelChildParameterSource,
                           QgsProcessingModelOutput, QgsProcessingModelParameter, QgsProcessingParameterFile)

    model = QgsProcessingModelAlgorithm("check and circles", "GridGov")
    model.addModelParameter(QgsProcessingParameterFile("scenario", "Scenario", behavior=QgsProcessingParameterFile.Folder),
                            QgsProcessingModelParameter("scenario"))
    validate = QgsProcessingModelChildAlgorithm("gridgov:validate")
    validate.setChildId("validate")
    validate.addParameterSources("SCENARIO", [QgsProcessingModelChildParameterSource.fromModelParameter("scenario")])
    validate.addParameterSources("FAIL_ON_ERROR", [QgsProcessingModelChildParameterSource.fromStaticValue(True)])
    validate.addParameterSources("OUTPUT", [QgsProcessingModelChildParameterSource.fromStaticValue(str(tmp_path / "p.csv"))])
    model.addChildAlgorithm(validate)
    circles = QgsProcessingModelChildAlgorithm("gridgov:servicecircles")
    circles.setChildId("circles")
    circles.addParameterSources("SCENARIO", [QgsProcessingModelChildParameterSource.fromModelParameter("scenario")])
    circles.addParameterSources("MODE", [QgsProcessingModelChildParameterSource.fromStaticValue(0)])
    circles.setDependencies([QgsProcessingModelChildDependency("validate")])
    out = QgsProcessingModelOutput("circles_gpkg", "Circles")
    out.setChildOutputName("OUTPUT")
    circles.setModelOutputs({"circles_gpkg": out})
    model.addChildAlgorithm(circles)
    model.updateDestinationParameters()

    ok, message = model.canExecute()
    assert ok, message
    context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
    results, ok = model.run({"scenario": str(sample_dir), "circles:circles_gpkg": str(tmp_path / "c.gpkg")},
                            context, feedback)
    assert ok
    assert QgsVectorLayer(f"{tmp_path / 'c.gpkg'}|layername=bands", "b", "ogr").featureCount() > 0
    assert (tmp_path / "p.csv").exists()

    # a broken scenario stops the model at the validation step: no circles are computed
    from osgeo import ogr

    ds = ogr.Open(str(sample_copy / "layers.gpkg"), 1)
    ds.ExecuteSQL("UPDATE grids SET level = 'nonsense' WHERE fid = 1")
    ds = None
    try:
        _, ok = model.run({"scenario": str(sample_copy), "circles:circles_gpkg": str(tmp_path / "bad.gpkg")},
                          QgsProcessingContext(), QgsProcessingFeedback())
    except QgsProcessingException:   # QGIS versions differ: raise or return not-ok
        ok = False
    assert not ok
    assert not (tmp_path / "bad.gpkg").exists()


# ---- one validate for every front end ------------------------------------------------------
BAD_TOML = {   # values the loader's type checks accept and a later stage of `run` rejects
    "walk_speed_zero": "[travel]\nwalk_speed_mps = 0\n",
    "negative_rate": None,   # events_per_1000_residents_month = -5 (replaces the toy's line)
    "negative_weight": "[score.weights]\ncoverage = -1.0\n",
    "zero_type_mix": "[demand.type_mix]\ncity_management = 0.0\nlivelihood = 0.0\nsafety_hazard = 0.0\n"
                     "dispute = 0.0\npublic_order = 0.0\nother = 0.0\nfire = 0.0\ngas_leak = 0.0\nviolence = 0.0\n"
                     "medical = 0.0\n",
    "negative_urgency": "[demand.urgency_mix]\nurgent = -0.5\n",
    "no_workers": "[staffing]\nworkers_per_general_grid = 0\n",
    "negative_households": "",   # layer values and placements, not parameters (see _bad_toy)
    "households_text": "",
    "no_workstation": "",
    "facility_50km": "",
    "unit_outside_its_grid": "",
}


def _bad_toy(tmp_path, case):
    from scenario_toy import TOML, make_toy, toy_layers

    toml = TOML.replace("events_per_1000_residents_month = 10.0", "events_per_1000_residents_month = -5.0") \
        if BAD_TOML[case] is None else TOML + BAD_TOML[case]
    import shapely

    layers = toy_layers()
    if case == "negative_households":
        layers["units"]["columns"]["households"][1] = -5
    elif case == "no_workstation":
        layers["facilities"]["columns"]["type"][0] = "clinic"
    elif case == "facility_50km":
        layers["facilities"]["geometry"][1] = shapely.Point(104.57, 30.63)
    elif case == "unit_outside_its_grid":
        layers["units"]["geometry"][0] = shapely.Point(104.055, 30.36)   # ~30 km south, grid_id G1
    folder = make_toy(tmp_path / case, layers=layers, toml=toml)
    if case == "households_text":   # as a hand edit leaves it in SQLite: GDAL alone would read 0
        import sqlite3

        db = sqlite3.connect(folder / "layers.gpkg")
        for name in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):   # GDAL's R-tree triggers
            db.create_function(name, 1, lambda g: 0)
        with db:
            db.execute("UPDATE units SET households = 'abc' WHERE fid = 2")
        db.close()
    return folder


@pytest.mark.parametrize("case", sorted(BAD_TOML))
def test_cli_processing_dock_and_workflow_list_the_same_problems(provider, tmp_path, capsys, case):
    import processing

    from gridgov.engine.cli import main
    from gridgov.engine.workflows.validate import problem_dict, validate

    folder = _bad_toy(tmp_path, case)
    result = validate(folder)
    assert not result.ok and result.errors, case
    expected = [problem_dict(p) for p in result.problems]
    capsys.readouterr()
    assert main(["validate", str(folder), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["problems"] == expected
    out = tmp_path / f"{case}.csv"
    res = processing.run("gridgov:validate", {"SCENARIO": str(folder), "OUTPUT": str(out)})
    assert res["VALID"] is False and res["ERRORS"] == len(result.errors)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["severity"], r["file"], r["layer"], r["field"], r["message"]) for r in rows] == \
        [(p["severity"], p["file"], p["layer"], p["field"], p["message"]) for p in expected]
    from gridgov.plugin.services.validation import validate_folder   # what the dock shows

    assert [problem_dict(p) for p in validate_folder(folder)] == expected


def test_import_from_project_layers(provider, tmp_path):
    """gridgov:import with layers from the project (a memory copy too: exported before the engine reads it)."""
    import processing

    from gridgov.engine.scenario import load_scenario
    from import_toy import make_district
    from qgis.core import QgsFeatureRequest

    roads, blds = make_district(tmp_path / "src")
    road_layer = QgsVectorLayer(f"{roads}|layername=roads", "roads", "ogr")
    bld_layer = QgsVectorLayer(f"{blds}|layername=buildings", "buildings", "ogr")
    mem = bld_layer.materialize(QgsFeatureRequest())  # a memory layer: no file behind it
    res = processing.run("gridgov:import", {"ROADS": road_layer, "BUILDINGS": mem, "MAP": "floors=FLOORS,id=BLDG_ID",
                                            "REGION_CODE": "510107", "OUTPUT": str(tmp_path / "new")})
    s = load_scenario(tmp_path / "new")
    assert res["UNITS"] == len(s.units) == 144 and res["GENERAL_GRIDS"] == (s.grids.level == "general").sum() > 1
    assert all(c.startswith("510107") for c in s.grids.code)
