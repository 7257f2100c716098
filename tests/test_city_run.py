"""`gridgov run` end to end on a generated city of two districts (issue 15).

The district-size city (``make_city.py --scale district``: Wuhou and Jinjiang, ~977,000
residents, 7,000 grids, 12,600 units) is generated once per session (~2 s) and run for 28
simulated days, one replication, without the PDF: a city run's stages at a size CI affords.
Checks: finite scores, every district and street in the report's aggregation, and city and
district response quantiles equal to the quantiles of the pooled per-incident data.
"""
from __future__ import annotations

import json

import numpy as np
import pytest

@pytest.fixture(scope="session")
def city_run(tmp_path_factory, district_city):
    from gridgov.engine.workflows.run import run_scenario

    out = tmp_path_factory.mktemp("city_run") / "out"
    result = run_scenario(district_city, out, days=28, replications=1, pdf=False, lang="en")
    return result, out


def _pooled_p90(inc: dict, rows: np.ndarray) -> float:
    r = np.asarray(inc["response_min"], float)[rows]
    reported = ~np.asarray(inc["found_on_patrol"], bool)[rows] & np.isfinite(r)
    return float(np.percentile(r[reported], 90))


def test_city_scores_are_finite_and_every_stage_is_timed(city_run):
    result, out = city_run
    s = result.scores
    assert s.total is not None and np.isfinite(s.total) and 0 <= s.total <= 100
    for m in s.metrics:
        if m.computed and m.value is not None:
            assert np.isfinite(m.value), m.key
    assert {"load", "network", "circles", "simulation", "score", "report", "write"} <= set(result.timings_s)
    assert all(v >= 0 for v in result.timings_s.values())
    doc = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert set(doc["by_district"]) == set(s.by_district)


def test_every_district_and_street_is_in_the_report(city_run):
    result, out = city_run
    sc = result.scenario
    districts = set(np.asarray(sc.grids.attrs["district"]).astype(str))
    streets = set(np.asarray(sc.grids.street).astype(str))
    assert len(districts) == 2 and len(streets) > 10
    assert set(result.scores.by_district) == districts
    assert set(result.scores.by_street) == streets
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="districts"' in html and html.count("<details") == len(districts)
    for name in districts | streets:
        assert f">{name}<" in html, name
    # each street's district is the district of its grids; households add up at every level
    total_hh = float(np.sum(sc.units.households))
    assert sum(r["households"] for r in result.scores.by_district.values()) == pytest.approx(total_hh)
    assert sum(r["households"] for r in result.scores.by_street.values()) == pytest.approx(total_hh)
    assert sum(r["streets"] for r in result.scores.by_district.values()) == len(streets)
    for st, rec in result.scores.by_street.items():
        assert rec["district"] in districts


def test_city_and_district_quantiles_are_those_of_the_pooled_incidents(city_run):
    result, _ = city_run
    inc = result.simulation.incidents
    n = len(inc["response_min"])
    assert n > 5000
    city = _pooled_p90(inc, np.arange(n))
    assert result.scores.metric("response_p90_min").value == pytest.approx(city, rel=1e-12)
    district = np.asarray(result.scenario.grids.attrs["district"]).astype(str)
    grid = np.asarray(inc["grid"], np.int64)
    per = {}
    for d, rec in result.scores.by_district.items():
        rows = np.flatnonzero((grid >= 0) & (district[np.maximum(grid, 0)] == d))
        per[d] = rows
        assert rec["response_p90_min"] == pytest.approx(_pooled_p90(inc, rows), rel=1e-12), d
        assert rec["incidents"] == rows.size
    # the districts' incidents merged are the city's: the city quantile is theirs pooled, not an average
    merged = np.concatenate(list(per.values()))
    assert np.sort(merged).tolist() == np.flatnonzero(grid >= 0).tolist()
    assert _pooled_p90(inc, merged) == pytest.approx(city, rel=1e-12)
    p90s = [r["response_p90_min"] for r in result.scores.by_district.values()]
    assert not np.isclose(np.mean(p90s), city, rtol=1e-9) or len(set(p90s)) == 1
