"""Every parameter, every kind of bad value: either validate names it (section and key: the
schema's checks plus the stages' dry run, as `gridgov validate`), or the engine stages that read
it run.  Never "validate ok, run fails" (a crash, a hang, exit 3)."""
import copy
import dataclasses
import math

import pytest

from gridgov.engine import params
from gridgov.engine.params import iter_params
from gridgov.engine.scenario import load_scenario
from gridgov.engine.workflows.validate import stage_problems

from scenario_toy import make_toy

NUMBERS = [0, -1, 0.5, 7, 1e9, math.inf, -math.inf, math.nan, True, "x", [1]]
BY_KIND = {"int": NUMBERS, "number": NUMBERS, "bool": [1, "yes", False], "str": ["", "zzz", 1],
           "list": [[], [math.nan], [3, 2, 1], [1, 2, 3, 4], "5"], "any": [math.nan]}
# The stages that read each section (the others only reach the score and the report's text).
SIMULATED = {"travel", "demand", "workflow", "staffing", "simulation"}


def mutations():
    for sec, key, p in iter_params():
        if p.kind == "table":
            for k in (p.keys or ["new_key"]):
                for v in BY_KIND.get(p.item, NUMBERS):
                    yield sec, key, k, v
            yield sec, key, None, "not a table"
        else:
            for v in BY_KIND.get(p.kind, NUMBERS):
                yield sec, key, None, v


CASES = list(mutations())


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    return load_scenario(make_toy(tmp_path_factory.mktemp("fuzz") / "toy"))


def _mutated(base: dict, sec: str, key: str, sub, value) -> dict:
    p = copy.deepcopy(base)
    if sub is None:
        p[sec][key] = value
    else:
        p[sec][key] = {**p[sec][key], sub: value}
    return p


def test_every_parameter_is_mutated():
    assert {(s, k) for s, k, _, _ in CASES} == {(s, k) for s, k, _ in iter_params()}
    assert len(CASES) > 300


@pytest.mark.parametrize("chunk", range(4))
def test_bad_values_are_named_or_run(toy, chunk):
    from gridgov.engine.circles import compute_circles
    from gridgov.engine.score.scorer import normalised_weights
    from gridgov.engine.simulation.run import simulate_scenario

    ran = 0
    for sec, key, sub, value in CASES[chunk::4]:
        p = _mutated(toy.params, sec, key, sub, value)
        what = f"[{sec}] {key}{'.' + sub if sub else ''} = {value!r}"
        problems = params.check(p, "scenario.toml", scenario=toy)
        sc = dataclasses.replace(toy, params=p)
        if not problems:       # the schema passed it: the stages' own checks, as validate's dry run
            problems = [q for q in stage_problems(sc) if q.severity == "error"]
        if problems:
            assert all(q.layer and q.field and q.severity == "error" for q in problems), (what, problems)
            assert any(q.field.split(".")[0] == key or key in q.message or key in q.field for q in problems), \
                (what, problems)
            continue
        try:
            if sec in SIMULATED:
                days = None if sec == "simulation" and key == "days" and value < 30 else 2
                simulate_scenario(sc, days=days, travel="straight_line")
            if sec in ("travel", "circles"):
                compute_circles(sc)
            normalised_weights(p)
        except Exception as exc:  # a value the schema passed but a stage refused or crashed on
            pytest.fail(f"{what}: validate passes, the run fails: {type(exc).__name__}: {exc}")
        ran += 1
    assert ran > 10
