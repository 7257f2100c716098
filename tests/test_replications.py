"""Replications on common random numbers: means, 95 % intervals, paired differences, ties."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from gridgov.engine import cli
from gridgov.engine.errors import ValidationError
from gridgov.engine.scenario import load_scenario
from gridgov.engine.score.comparison import comparison_table
from gridgov.engine.score.intervals import interval, paired_difference, unpaired_difference
from gridgov.engine.score.registry import GROUPS, REGISTRY
from gridgov.engine.score.replications import replication_seed
from gridgov.engine.score.sensitivity import ranking_sensitivity, win_shares
from scenario_toy import TOML, make_toy


def test_interval_is_the_student_t_interval():
    x = [3.0, 5.0, 4.0, 6.0, 2.0]
    ci = interval(x)
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=stats.sem(x))
    assert ci["mean"] == 4.0 and ci["lo"] == pytest.approx(lo) and ci["hi"] == pytest.approx(hi)
    assert interval([7.0] * 5) == {"mean": 7.0, "lo": 7.0, "hi": 7.0, "n": 5}
    assert interval([7.0])["lo"] is None and interval([None, float("nan")]) is None


def test_paired_difference_removes_the_common_noise():
    rng = np.random.default_rng(1)
    common = rng.normal(0, 10, 20)                 # the incident stream both layouts see
    a, b = 50 + common, 50.5 + common + rng.normal(0, 0.1, 20)
    d = paired_difference(a, b)
    assert d["significant"] and d["lo"] > 0 and d["mean"] == pytest.approx(0.5, abs=0.1)
    assert not unpaired_difference(a, b)["significant"]     # the same data, unpaired, is inside the noise
    same = paired_difference(a, a)
    assert same["mean"] == 0 and same["significant"] is False
    assert paired_difference([3.0], [3.5], noisy=False)["significant"] is True     # exact, deterministic
    assert paired_difference([3.0], [3.5])["significant"] is None                   # one noisy run: unknown


def test_seeds_are_common_and_the_first_is_the_scenarios_own():
    assert replication_seed(42, 0) == 42
    seeds = [replication_seed(42, r) for r in range(20)]
    assert len(set(seeds)) == 20 and all(s >= 0 for s in seeds)
    assert seeds == [replication_seed(42, r) for r in range(20)]


def test_win_share_counts_leads_inside_the_noise_as_ties():
    """Two layouts with equal totals used to give one of them ~98 % of the random weights."""
    w = {g: 1.0 for g in GROUPS}
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 3, (20, len(GROUPS)))
    a = 50 + noise
    b = 50 + noise[::-1]                          # the same layout quality, other draws: no real difference
    reps = np.stack([a, b])                       # scenarios × replications × groups
    points = reps.mean(axis=1)
    old, _ = win_shares(points, np.random.default_rng(0).dirichlet(np.ones(len(GROUPS)), 5000))
    sens = ranking_sensitivity(points, w, replicates=reps)
    assert sens["tie_share"] > 0.9 and max(sens["win_share"]) < 0.1
    assert abs(sum(sens["win_share"]) + sens["tie_share"] - 1) < 1e-9
    better = np.stack([a, a + 5.0])                # a clear, noise-free lead in every group
    sens = ranking_sensitivity(better.mean(axis=1), w, replicates=better)
    assert sens["win_share"][1] == 1.0 and sens["tie_share"] == 0.0
    identical = ranking_sensitivity(np.stack([points[0], points[0]]), w)
    assert identical["tie_share"] == 1.0


@pytest.fixture(scope="module")
def sample_reps(sample_dir):
    from gridgov.engine.workflows.run import compute_stages

    sc = load_scenario(sample_dir)
    scores = compute_stages(sc, days=14, replications=4).scores
    return sc, scores


def test_every_simulated_metric_carries_a_mean_and_an_interval(sample_reps):
    sc, s = sample_reps
    assert s.replications == 4 and len(set(s.seeds)) == 4 and s.seeds[0] == sc.params["simulation"]["seed"]
    for m in s.metrics:
        if "sim" in REGISTRY[m.key].needs and m.computed:
            assert len(m.replicates) == 4 and m.value == pytest.approx(np.mean(m.replicates)), m.key
            if m.ci is not None:
                assert m.ci[0] <= m.value <= m.ci[1], m.key
    assert s.metric("response_on_duty_p90_min").ci[1] > s.metric("response_on_duty_p90_min").ci[0]
    assert s.metric("coverage_5min_tier").replicates is None and s.metric("coverage_5min_tier").ci is None
    assert s.total_ci[0] <= s.total <= s.total_ci[1] and len(s.total_replicates) == 4
    assert s.total == pytest.approx(np.mean(s.total_replicates))
    back = type(s).from_dict(s.to_dict())
    assert back.total_ci == pytest.approx(s.total_ci) and back.metric("on_time_share").ci is not None


def test_the_same_layout_twice_differs_in_nothing(sample_reps):
    _, s = sample_reps
    rows = comparison_table(["a", "b"], [s, s])
    for r in rows:
        d = r["diff"][1]
        if d is not None:
            assert d["mean"] == 0 and d["significant"] is False, r["key"]
        assert r["vs_baseline"][1] == 0


def test_replications_option_and_parameter_are_checked(tmp_path, capsys):
    folder = make_toy(tmp_path / "toy")
    with pytest.raises(SystemExit) as exc:
        cli.main(["run", str(folder), "--out", str(tmp_path / "o"), "--replications", "0"])
    assert exc.value.code == 2 and "--replications" in capsys.readouterr().err
    bad = make_toy(tmp_path / "bad", toml=TOML + "\n[simulation]\nreplications = 0\n")
    with pytest.raises(ValidationError) as err:
        load_scenario(bad)
    p = next(q for q in err.value.problems if (q.layer, q.field) == ("simulation", "replications"))
    assert p.file.endswith("scenario.toml")
    assert cli.main(["run", str(bad), "--out", str(tmp_path / "o2")]) == 1
