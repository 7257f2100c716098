"""Every metric of the registry on the hand-built toy scenario (tests/score_toy.py), worked out by hand."""
from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from gridgov.engine.errors import ValidationError
from gridgov.engine.score import GROUPS, REGISTRY, Scores, score_scenario
from gridgov.engine.score.scorer import weighted_total
from gridgov.engine.score.sensitivity import ranking_sensitivity
import score_toy as toy

HH = 1300.0


@pytest.fixture
def circ():
    # U1..U5: grid_station within 300 m for U1, U2, U5; clinic for U2, U3, U4
    return toy.circles({"grid_station": [True, True, False, False, True], "clinic": [False, True, True, True, False]},
                       {"grid_station": [0, 0, 1, 2, 0], "clinic": [1, 0, 0, 0, 3]})


@pytest.fixture
def full(circ):
    return score_scenario(toy.basic(), circ, toy.sim())


def v(scores, key):
    return scores.metric(key).value


def test_coverage_by_tier_and_band(full):
    assert v(full, "coverage_5min_tier") == pytest.approx((600 / HH + 750 / HH) / 2)
    assert v(full, "complete_life_circle_share") == pytest.approx(50 / HH)
    assert v(full, "uncovered_households") == 1250
    assert v(full, "coverage_le5min") == pytest.approx((600 + 750) / 2 / HH)
    assert v(full, "coverage_le10min") == pytest.approx((700 + 900) / 2 / HH)
    assert v(full, "coverage_le15min") == pytest.approx((1300 + 900) / 2 / HH)
    m = full.metric("coverage_10min_tier")
    assert m.status == "not_computed" and "10min" in m.reason and m.value is None and m.score is None
    assert full.metric("uncovered_households").details["worst_grids"][0] == ("G2", 600.0)


def test_size_balance_shape_cost(full):
    assert v(full, "general_size_share") == pytest.approx(2 / 3)
    assert full.metric("general_size_share").details["out_of_norm"] == [("G2", 600.0)]
    assert v(full, "micro_size_share") == pytest.approx(0.5)
    assert v(full, "households_max_mean") == pytest.approx(600 / (HH / 3))
    assert v(full, "households_gini") == pytest.approx(1200 / (2 * 9 * HH / 3))
    pp = (math.pi / 4 + 4 * math.pi * 3 / 64 + 4 * math.pi * 2 / 64) / 3
    assert v(full, "polsby_popper_mean") == pytest.approx(pp)
    assert v(full, "hull_ratio_mean") == pytest.approx((1 + 6 / 7 + 2 / 3) / 3)
    assert v(full, "contiguous_share") == pytest.approx(4 / 5)
    assert full.metric("contiguous_share").details["multipart"] == [("G3", 2)]
    assert v(full, "workers") == 3 and v(full, "stations") == 2
    assert v(full, "annual_cost_yuan") == 3 * 72000 + 2 * 120000
    assert v(full, "cost_ratio") == pytest.approx(456000 / (HH / 400 * 72000 + 2 * 120000))


def test_simulation_metrics_and_points(full):
    assert v(full, "response_p90_min") == 24.0
    # all-hours response is reported without points (it measures the shift pattern) ...
    assert full.metric("response_p90_min").score is None
    assert full.metric("response_within_15min").score is None
    # ... the on-duty response carries them (anchors 15 min → 100, 60 min → 0)
    assert v(full, "response_on_duty_p90_min") == 24.0
    assert full.metric("response_on_duty_p90_min").score == pytest.approx(100 * (60 - 24) / 45)
    assert full.metric("response_on_duty_within_15min").score == pytest.approx(75.0)
    assert full.groups["response"] == pytest.approx((80 + 75) / 2)
    assert full.groups["closure"] == pytest.approx(50.0)
    assert v(full, "workload_max_mean") == pytest.approx(2.0)
    assert v(full, "workload_gini") == pytest.approx(120 / 360)
    assert full.metric("utilisation_max").details["overloaded"] == [("G3", 0.9)]


def test_topology_metrics_zero_on_clean_layout(full):
    for key in ("overlap_count", "gap_count", "nesting_violations", "units_outside_grid"):
        assert v(full, key) == 0


def test_topology_metrics_find_overlap_and_gap():
    from shapely.geometry import box

    g = toy.grids([("A", "general", "", "C", "S", box(0, 0, 30, 10)), ("B", "general", "", "C", "S", box(0, 20, 30, 30)),
                   ("C", "general", "", "C", "S", box(0, 10, 10, 20)), ("D", "general", "", "C", "S", box(20, 5, 30, 20))])
    u = toy.units([("U", 200, "A", "", 5, 5)])
    s = score_scenario(toy.scenario(g, u, toy.facilities([])))
    assert v(s, "overlap_count") == 1 and v(s, "overlap_area_m2") == pytest.approx(50.0)
    assert v(s, "gap_count") == 1 and v(s, "gap_area_m2") == pytest.approx(100.0)
    assert {p["kind"] for p in s.problems} >= {"overlap", "gap"}


def test_missing_inputs_are_not_computed_never_invented(circ):
    s = score_scenario(toy.basic())
    needs = {k for k, m in REGISTRY.items() if m.needs}
    for m in s.metrics:
        if m.key in needs:
            assert m.status == "not_computed" and m.value is None, m.key
    assert s.groups["coverage"] is None and s.groups["response"] is None and s.groups["closure"] is None
    assert set(s.missing_groups) == {"coverage", "response", "closure"}
    w = s.weights
    avail = [g for g in GROUPS if s.groups[g] is not None]
    assert s.total == pytest.approx(sum(w[g] * s.groups[g] for g in avail) / sum(w[g] for g in avail))
    s2 = score_scenario(toy.basic(), circ)
    assert s2.groups["coverage"] is not None and s2.missing_groups == ["response", "closure"]


def test_every_registered_metric_is_reported(full):
    assert [m.key for m in full.metrics] == list(REGISTRY)
    for m in REGISTRY.values():
        assert m.label_en and m.label_zh and m.unit is not None and m.norm and m.direction in ("higher", "lower")
        # the Chinese norm is Chinese text, not a copy of the English one
        assert re.search(r"[\u4e00-\u9fff]", m.norm_zh) and not re.search(r"DOMAIN|\[A\]", m.norm_zh), m.key
        assert m.norm_text("zh_CN") == m.norm_zh and m.norm_text("en") == m.norm
    r = full.metric("on_time_share")
    assert r.norm_zh.startswith("按期结案率目标") and r.norm_text("zh_CN") == r.norm_zh


def test_weights_change_the_total_as_expected(circ):
    base = score_scenario(toy.basic(), circ, toy.sim())
    g = base.groups
    assert base.total == pytest.approx(sum(base.weights[k] * g[k] for k in GROUPS))
    # all weight on one group: the total is that group's points
    only = score_scenario(toy.scenario(toy.basic().grids, toy.basic().units, toy.basic().facilities,
                                       weights={k: (1.0 if k == "size" else 0.0) for k in GROUPS}), circ, toy.sim())
    assert only.total == pytest.approx(g["size"])
    # raising the weight of the best group raises the total; of the worst group lowers it
    best = max(GROUPS, key=lambda k: g[k])
    worst = min(GROUPS, key=lambda k: g[k])
    assert base.reweighted({best: base.weights[best] * 3}).total > base.total
    assert base.reweighted({worst: base.weights[worst] * 3}).total < base.total
    # weights are normalised: scaling them all changes nothing
    assert base.reweighted({k: 10 * w for k, w in base.weights.items()}).total == pytest.approx(base.total)


def test_bad_weights_are_validation_errors():
    sc = toy.basic()
    sc.params["score"]["weights"]["cost"] = -1.0
    with pytest.raises(ValidationError, match=r"field 'weights.cost': \[score\] weights.cost = -1.0"):
        score_scenario(sc)
    sc.params["score"]["weights"] = {k: 0.0 for k in GROUPS}
    with pytest.raises(ValidationError, match="weights are all 0"):
        score_scenario(sc)


def test_weighted_total_renormalises_over_computed_groups():
    w = {k: 1 / 7 for k in GROUPS}
    groups = {k: None for k in GROUPS}
    groups.update(coverage=80.0, size=40.0)
    total, missing = weighted_total(groups, w)
    assert total == pytest.approx(60.0) and len(missing) == 5


def test_per_grid_columns(full):
    pg = full.per_grid
    assert pg["households"].tolist() == [300, 600, 400, 150, 50]
    assert pg["size_ok"].tolist() == [1, 0, 1, 0, 1]
    assert pg["n_parts"].tolist() == [1, 1, 2, 1, 1]
    assert pg["coverage_share"][0] == pytest.approx((150 * 0.5 + 50 * 1 + 100 * 0.5) / 300)
    assert pg["uncovered_households"].tolist() == [250, 600, 400, 150, 0]
    assert set(full.by_street) == {"S1", "S2"}
    assert full.by_street["S1"]["households"] == 900 and full.by_street["S1"]["general_size_share"] == 0.5
    # response per street comes from the simulation: on duty and all hours side by side
    s2 = full.by_street["S2"]
    assert (s2["response_on_duty_p90_min"], s2["response_on_duty_within_15min"], s2["response_p90_min"]) \
        == (12.5, 0.6, 40.0)
    assert full.grid_sim["response_on_duty_p90_min"][2] == 28.2
    assert full.distributions["response_on_duty_min"][100] == 30.0


def test_json_round_trip(full):
    data = json.loads(json.dumps(full.to_dict()))
    assert data["metrics"]["response_p90_min"]["value"] == 24.0
    back = Scores.from_dict(data)
    assert back.total == pytest.approx(full.total)
    for m in full.metrics:
        assert back.metric(m.key).value == (pytest.approx(m.value) if m.value is not None else None)
    np.testing.assert_allclose(back.per_grid["polsby_popper"], full.per_grid["polsby_popper"])
    assert back.per_unit["grid_row"].tolist() == full.per_unit["grid_row"].tolist()


def test_ranking_sensitivity_flip_point():
    # A: 80 coverage, 50 elsewhere; B: 40 coverage, 60 elsewhere.  Totals cross when the coverage
    # weight is scaled by f with 0.3f·80 + 0.7·50 = 0.3f·40 + 0.7·60, i.e. f = 7/12.
    w = {"coverage": 0.3, "response": 0.25, "closure": 0.15, "balance": 0.1, "size": 0.1, "compactness": 0.05,
         "cost": 0.05}
    pts = np.array([[80, 50, 50, 50, 50, 50, 50], [40, 60, 60, 60, 60, 60, 60.0]])
    r = ranking_sensitivity(pts, w)
    assert r["base_ranks"] == [1, 2] and r["base_totals"] == pytest.approx([59.0, 54.0])
    assert r["flip"]["coverage"]["down"] == pytest.approx(0.55)       # first sweep step below 7/12
    assert r["table"]["coverage"][0.0]["leader"] == 1 and r["table"]["coverage"][2.0]["leader"] == 0
    # cost ×f: A = 56.5 + 2.5f, B = 51 + 3f (same denominator) → they cross only at f = 11
    assert r["flip"]["cost"] == {"down": None, "up": None}
    assert sum(r["win_share"]) == pytest.approx(1.0)


def test_docs_metric_reference_is_current():
    from pathlib import Path

    from gridgov.engine.score.reference import INTRO, markdown_table

    doc = Path(__file__).resolve().parents[1] / "docs" / "scores.md"
    assert doc.read_text(encoding="utf-8") == INTRO + "\n" + markdown_table() + "\n", \
        "regenerate: python -m gridgov.engine.score.reference > docs/scores.md"
