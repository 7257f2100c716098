"""Scenario layers in the project: one group, styled from resources/styles, replaced on reload."""
from __future__ import annotations

from pathlib import Path

import pytest
from qgis.core import QgsLayerTreeGroup, QgsProject

from gridgov.plugin.services import layers as L
from gridgov.plugin.services.scores import rows_from_scores

STYLES = Path(__file__).resolve().parents[1] / "resources" / "styles"


@pytest.fixture
def project(qgis_new_project):
    yield QgsProject.instance()
    QgsProject.instance().clear()


def _groups(project):
    return [g.name() for g in project.layerTreeRoot().children() if isinstance(g, QgsLayerTreeGroup)]


def test_sample_layers_load_styled_in_one_group(project, sample_dir):
    loaded = L.load_scenario_layers(sample_dir)
    names = [lyr.customProperty("gridgov/source") for lyr in loaded]
    assert names == ["scenario:facilities", "scenario:units", "scenario:roads", "scenario:grids"]
    assert _groups(project) == ["GridGov: chengdu_wuhou"]
    by = {n.split(":")[1]: lyr for n, lyr in zip(names, loaded)}
    assert by["grids"].renderer().type() == "RuleRenderer"
    assert {r.label() for r in by["grids"].renderer().rootRule().children()} >= {"General grid 一般网格",
                                                                                  "Micro-grid 微网格"}
    assert by["facilities"].renderer().type() == "categorizedSymbol"
    assert by["facilities"].renderer().classAttribute() == "type"
    # every facility type of the sample has its own legend entry (no "all other values" bucket)
    values = {c.value() for c in by["facilities"].renderer().categories()}
    assert set(by["facilities"].uniqueValues(by["facilities"].fields().indexOf("type"))) <= values
    assert by["units"].renderer().classAttribute() == "households"
    assert by["grids"].featureCount() > 0 and by["units"].featureCount() > 0


def test_reload_replaces_the_group(project, sample_dir):
    L.load_scenario_layers(sample_dir)
    L.load_scenario_layers(sample_dir)
    assert _groups(project) == ["GridGov: chengdu_wuhou"]
    assert len(project.mapLayers()) == 4


def test_style_lookup_prefers_geometry_specific_file():
    from qgis.core import QgsWkbTypes

    assert L.style_path("scenario", "units", QgsWkbTypes.PolygonGeometry).name == "scenario_units_polygon.qml"
    assert L.style_path("scenario", "units", QgsWkbTypes.PointGeometry).name == "scenario_units_point.qml"
    assert L.style_path("scenario", "grids", QgsWkbTypes.PolygonGeometry).name == "scenario_grids.qml"
    assert L.style_path("scenario", "nothing_here") is None


def test_every_qml_is_valid_xml_for_qgis():
    import xml.etree.ElementTree as ET

    files = sorted(STYLES.glob("*.qml"))
    assert files
    for qml in files:
        root = ET.parse(qml).getroot()
        assert root.tag == "qgis", qml.name
        assert root.find("renderer-v2") is not None, qml.name


def test_missing_gpkg_is_a_clear_error(project, tmp_path):
    with pytest.raises(ValueError, match="no layers"):
        L.add_gpkg_group(tmp_path / "none.gpkg", "x", "scenario", ())


def test_score_rows_from_engine_format():
    doc = {"total": 71.5, "metrics": {
        "coverage_5min": {"value": 0.8312, "unit": "share", "score": 83.1, "label": "5-min coverage",
                          "label_zh": "5分钟覆盖率", "status": "ok"},
        "response_p90": {"value": 41.25, "unit": "min", "score": 40.0, "label": "Response p90", "label_zh": "响应P90"},
        "closure": {"value": None, "unit": "share", "score": None, "label": "On-time closure", "status": "not_computed",
                    "reason": "no simulation"}}}
    rows = rows_from_scores(doc)
    assert [r.key for r in rows] == ["total", "coverage_5min", "response_p90", "closure"]
    grouped = rows_from_scores({**doc, "groups": {"coverage": 33.3, "cost": None},
                                "weights": {"coverage": 0.3, "cost": 0.05}})
    assert [r.key for r in grouped[:3]] == ["total", "group:coverage", "group:cost"]
    assert grouped[1].label == "Life-circle coverage" and grouped[1].score == 33.3
    assert grouped[1].value_text == "weight 30 %" and grouped[2].score is None
    assert rows[0].is_total and rows[0].score == 71.5
    assert rows[1].value_text == "83.1 %" and rows[1].label == "5-min coverage"
    assert rows[2].value_text == "41.25 min"
    assert rows[3].value_text.startswith("not computed") and rows[3].help == "no simulation"
    assert rows_from_scores(doc, "zh")[1].label == "5分钟覆盖率"
    with pytest.raises(ValueError):
        rows_from_scores({"total": 1})


def test_compare_summary_rows():
    from gridgov.plugin.services.scores import compare_summary

    header, rows = compare_summary({"format": "gridgov-compare/1", "scenarios": ["a", "b", "c"],
                                    "totals": [50.0, 61.26, None], "ranks": [2, 1, None]})
    assert len(header) == 4
    assert rows == [["a (baseline)", "50.0", "", "2"], ["b", "61.3", "+11.3", "1"], ["c", "—", "", ""]]
    with pytest.raises(ValueError):
        compare_summary({"format": "something else"})
