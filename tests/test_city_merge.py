"""A city simulated district by district, merged exactly (issue 15): the city-level quantiles and
shares are those of all incidents pooled, and a district draws the same incidents whether it runs
alone (saved and loaded as its own scenario) or within the city."""
from __future__ import annotations

import numpy as np
import pytest

from gridgov.engine.scenario import load_scenario
from gridgov.engine.simulation import simulate_scenario
from gridgov.engine.simulation.city import city_summary, district_part, merge_parts, simulate_city, simulate_district
from gridgov.engine.simulation.districts import districts, split_districts, stream_key

DAYS = 2
SL = "straight_line"     # trip times without the road network: seconds, and the merge is what is tested


@pytest.fixture(scope="module")
def city(district_city):
    sc = load_scenario(district_city)
    return sc, simulate_city(sc, days=DAYS, travel=SL)


def _same(a: dict, b: dict) -> list[str]:
    """Keys whose values differ (NaN equals NaN); bit-identical otherwise."""
    return [k for k in a if not (a[k] == b[k] or (a[k] != a[k] and b[k] != b[k]))]


def test_the_district_city_spans_two_districts_split_without_loss(city):
    sc, res = city
    assert len(districts(sc)) == 2 and districts(sc) == res.meta["districts"]
    subs = split_districts(sc)
    assert sum(len(s.units) for s in subs.values()) == len(sc.units)
    assert sum(len(s.grids) for s in subs.values()) == len(sc.grids)
    assert sum(len(s.facilities) for s in subs.values()) == len(sc.facilities)
    assert res.summary["n_incidents"] == sum(v["n_incidents"] for v in res.per_district.values()) > 300


def test_per_district_runs_merged_equal_the_pooled_city_run(city):
    sc, res = city
    subs = split_districts(sc)
    parts = [district_part(simulate_district(s, k, days=DAYS, travel=SL), k) for k, s in reversed(subs.items())]
    merged = city_summary(parts)                      # arrival order reversed: the merge sorts
    assert _same(merged, res.summary) == []
    inc, _, _ = merge_parts(res.parts)
    r = inc["response_min"][~inc["found_on_patrol"] & np.isfinite(inc["response_min"])]
    for q in (50, 90, 95):
        assert merged[f"response_p{q}_min"] == np.percentile(r, q)
    for m in (5, 10, 15):                             # numerators over denominators, pooled
        assert merged[f"response_within_{m}min"] == np.count_nonzero(r <= m) / r.size
    naive = np.mean([s["response_p90_min"] for s in res.per_district.values()])
    assert abs(naive - merged["response_p90_min"]) > 1.0     # what "adding up the districts" would give


def test_a_district_run_alone_draws_what_it_draws_in_the_city(city, tmp_path):
    from gridgov.engine.scenario.save import save_scenario

    sc, res = city
    key = min(res.per_district, key=lambda k: res.per_district[k]["n_incidents"])   # the smaller one
    alone = load_scenario(save_scenario(split_districts(sc)[key], tmp_path / "jinjiang"))
    own = simulate_district(alone, key, days=DAYS, travel=SL)
    assert _same(own.summary, res.per_district[key]) == []
    inside = next(p for p in res.parts if p["district"] == key)
    np.testing.assert_array_equal(own.incidents["time_h"], inside["incidents"]["time_h"])
    plain = simulate_scenario(alone, days=DAYS, travel=SL)   # unkeyed: another stream
    assert not np.array_equal(plain.incidents["time_h"], own.incidents["time_h"])


def test_stream_keys_and_replications_are_distinct():
    assert stream_key("510107") == 510107
    assert stream_key("武侯区") == stream_key("武侯区") != stream_key("锦江区")
    from gridgov.engine.simulation.streams import replication_seed

    a = np.random.default_rng(replication_seed(1, 0, 510107)).random(4)
    b = np.random.default_rng(replication_seed(1, 1, 510107)).random(4)
    c = np.random.default_rng(replication_seed(1, 0)).random(4)
    assert not np.array_equal(a, b) and not np.array_equal(a, c)


def test_the_documented_district_recipe_runs(district_city, monkeypatch):
    """docs/batch.md's Python block of the district merge, as written (trip times by straight line)."""
    import functools
    import re
    from pathlib import Path

    from gridgov.engine.simulation import city as city_mod

    text = (Path(__file__).resolve().parents[1] / "docs" / "batch.md").read_text(encoding="utf-8")
    recipe, = [b for b in re.findall(r"```python\n(.*?)```", text, flags=re.S) if "simulate_city" in b]
    for name in ("simulate_city", "simulate_district"):
        monkeypatch.setattr(city_mod, name, functools.partial(getattr(city_mod, name), travel=SL))
    names: dict = {}
    exec(recipe.replace('"CITY"', repr(str(district_city))), names)  # noqa: S102 - the doc's code
    assert len(names["pooled"].meta["districts"]) == 2


def _toy_experiment(tmp_path, layers) -> str:
    from scenario_toy import make_toy

    make_toy(tmp_path / "toy", layers)
    path = tmp_path / "exp.toml"
    path.write_text(f'[experiment]\nreplications = 1\ndays = 1\n[[scenario]]\nname = "toy"\n'
                    f'path = "{(tmp_path / "toy").as_posix()}"\nby_district = true\n', encoding="utf-8")
    return str(path)


def test_by_district_plan_lists_districts_from_codes_or_a_district_column(tmp_path):
    from gridgov.engine.workflows.batch import plan
    from scenario_toy import toy_layers

    exp = plan(_toy_experiment(tmp_path / "a", toy_layers()))
    assert list(exp.districts.values()) == [["510107"]] and exp.runs[0].by_district
    layers = toy_layers()
    cols = layers["grids"]["columns"]
    cols["code"] = np.array(["G-1", "G-2", "M-1", "M-2", "M-3", "D-1"], dtype=object)
    cols["district"] = np.array(["武侯区", "锦江区", "武侯区", "武侯区", "锦江区", "锦江区"], dtype=object)
    assert sorted(*plan(_toy_experiment(tmp_path / "b", layers)).districts.values()) == ["武侯区", "锦江区"]


def test_by_district_without_districts_is_a_located_error(tmp_path):
    from gridgov.engine.errors import ValidationError
    from gridgov.engine.workflows.batch import plan
    from scenario_toy import toy_layers

    layers = toy_layers()
    layers["grids"]["columns"]["code"] = np.array(["G-1", "G-2", "M-1", "M-2", "M-3", "D-1"], dtype=object)
    with pytest.raises(ValidationError) as exc:
        plan(_toy_experiment(tmp_path, layers))
    text = str(exc.value)
    assert "cannot run by district" in text and "add a 'district' column" in text and "units" in text
