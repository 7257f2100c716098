"""Demand: volumes, time profile, space and mixes of generated incidents; fitting from history."""
from __future__ import annotations

import gzip
import math

import numpy as np
import pytest

from gridgov.engine import params as P
from gridgov.engine.demand import build_demand, default_profile, fit_history, generate_incidents
from gridgov.engine.errors import ValidationError


def _model(residents=(1000, 3000, 0, 6000), **demand):
    p = P.defaults()
    p["demand"].update(demand)
    return build_demand(p, np.array(residents))


def test_profile_is_normalised_and_shaped():
    prof = default_profile(P.defaults()["demand"])
    assert prof.shape == (168,) and prof.mean() == pytest.approx(1.0)
    assert prof[10] / prof[2] == pytest.approx(1.5 / 0.3)           # Monday day vs night
    assert prof[5 * 24 + 10] / prof[10] == pytest.approx(0.8)        # Saturday vs Monday


def test_volume_time_and_space():
    m = _model()
    days = 56
    expected = 8.0 * 10_000 / 1000 / (365.25 / 12) * days
    assert m.rate_per_h * 24 * days == pytest.approx(expected)
    inc = generate_incidents(m, days, np.random.default_rng(1))
    n = inc["time_h"].size
    assert abs(n - expected) < 4 * math.sqrt(expected)
    assert np.all(np.diff(inc["time_h"]) >= 0) and inc["time_h"].max() < days * 24
    hour = (inc["time_h"] % 24).astype(int)
    weekday = ((inc["time_h"] // 24) % 7).astype(int)
    day = (hour >= 7) & (hour < 22) & (weekday < 5)
    night = ~((hour >= 7) & (hour < 22)) & (weekday < 5)
    # per-hour rate ratio day : night = 1.5 : 0.3
    ratio = (day.sum() / 15) / (night.sum() / 9)
    assert ratio == pytest.approx(5.0, rel=0.25)
    share = np.bincount(inc["unit"], minlength=4) / n
    np.testing.assert_allclose(share, [0.1, 0.3, 0.0, 0.6], atol=4 * math.sqrt(0.25 / n))
    mix = np.bincount(inc["urgency"], minlength=3) / n
    np.testing.assert_allclose(mix, m.urgency_p, atol=4 * math.sqrt(0.25 / n))
    assert abs(inc["patrol"].mean() - 0.6) < 4 * math.sqrt(0.25 / n)


def test_hotspots_and_bad_inputs():
    p = P.defaults()
    m = build_demand(p, np.array([100, 100]), hotspot=np.array([1.0, 3.0]))
    np.testing.assert_allclose(m.unit_rate_per_h / m.rate_per_h, [0.25, 0.75])
    with pytest.raises(ValidationError, match="residents"):
        build_demand(p, np.array([100, -1]))
    with pytest.raises(ValidationError, match="hotspot"):
        build_demand(p, np.array([100, 1]), hotspot=np.array([1.0]))
    p["demand"]["type_mix"] = {k: 0.0 for k in p["demand"]["type_mix"]}
    with pytest.raises(ValidationError, match="type_mix"):
        build_demand(p, np.array([100, 1]))


def test_fit_round_trip_synthetic():
    m = _model(residents=(2_000_000,))
    inc = generate_incidents(m, 7 * 8, np.random.default_rng(5))
    start = np.datetime64("2024-01-01T00:00:00", "s")   # a Monday
    times = start + (inc["time_h"] * 3600).astype("timedelta64[s]")
    fit = fit_history(times, np.array(m.type_keys, dtype=object)[inc["type"]])
    assert np.abs(fit["hour_profile"] - m.profile.reshape(7, 24).mean(axis=0)).max() < 0.12
    for k, p in zip(m.type_keys, m.type_p):
        assert fit["type_mix"][k] == pytest.approx(p, abs=0.01)


def _toronto(shared_data):
    import pandas as pd

    path = shared_data / "incidents" / "toronto_mci_2014_2021.csv.gz"
    with gzip.open(path, "rt") as f:
        df = pd.read_csv(f, usecols=["occurrencedate", "occurrencehour", "MCI"])
    day = pd.to_datetime(df["occurrencedate"].str.slice(0, 10), format="%Y/%m/%d", errors="coerce")
    t = day + pd.to_timedelta(df["occurrencehour"], unit="h")
    keep = t.dt.year >= 2014
    return t[keep].to_numpy().astype("datetime64[s]"), df.loc[keep, "MCI"].to_numpy(dtype=object)


def test_fit_toronto_profile_and_mix_come_back(shared_data):
    times, types = _toronto(shared_data)
    fit = fit_history(times, types)
    hours = times.astype("datetime64[h]").astype(np.int64) % 24
    emp = np.bincount(hours, minlength=24) / times.size
    # the fitted hour profile is the empirical one (exposure is uniform over hours of day)
    np.testing.assert_allclose(fit["hour_profile"] / 24, emp, atol=2e-4)
    assert np.argmin(fit["hour_profile"]) in (4, 5, 6, 7)               # quiet early morning
    assert list(fit["type_mix"])[0] == "Assault" and 0.45 < fit["type_mix"]["Assault"] < 0.6
    # generate with the fitted profile and mix, fit again: both come back
    p = P.defaults()
    p["demand"]["events_per_1000_residents_month"] = 8.0

    class History:
        time, type = times, types

    m = build_demand(p, np.array([300_000.0]), history=History)
    assert m.fitted_from == times.size
    inc = generate_incidents(m, 7 * 12, np.random.default_rng(2))
    start = np.datetime64("2024-01-01T00:00:00", "s")
    again = fit_history(start + (inc["time_h"] * 3600).astype("timedelta64[s]"),
                        np.array(m.type_keys, dtype=object)[inc["type"]])
    assert np.abs(again["hour_profile"] - fit["hour_profile"]).max() < 0.15
    for k, v in fit["type_mix"].items():
        assert again["type_mix"][k] == pytest.approx(v, abs=0.015)


def test_fit_spatial_follows_history_and_keeps_a_floor():
    from gridgov.engine.demand import fit_spatial

    ux = np.array([[0.0, 0.0], [100.0, 0.0], [2000.0, 0.0], [5000.0, 0.0]])
    prior = np.array([100.0, 100.0, 100.0, 100.0])
    rng = np.random.default_rng(1)
    hist = np.column_stack([rng.normal(2000, 30, 300), rng.normal(0, 30, 300)])
    share = fit_spatial(hist, ux, prior, 150.0, 0.7)
    assert share.sum() == pytest.approx(1.0)
    assert share[2] == pytest.approx(0.3 * 0.25 + 0.7, abs=1e-9)        # all history at unit 2, nothing within 450 m
    assert share[0] == pytest.approx(0.3 * 0.25) and share[3] > 0
    near = fit_spatial(np.array([[0.0, 0.0]] * 10), ux, prior, 150.0, 1.0)
    assert near[0] > near[1] > 0.5 * near[0] and near[2] == 0.0           # smoothed over the 100 m neighbour
    assert np.allclose(fit_spatial(hist, ux, prior, 150.0, 0.0), 0.25)


def test_history_locations_move_demand():
    from types import SimpleNamespace

    p = P.defaults()
    p["demand"]["fit_min_records"] = 10
    t = np.datetime64("2024-01-01T00:00:00") + np.arange(400).astype("timedelta64[h]")
    hist = SimpleNamespace(time=t, type=np.array(["dispute"] * 400, dtype=object), x=np.full(400, 1000.0),
                           y=np.zeros(400))
    xy = np.array([[0.0, 0.0], [1000.0, 0.0]])
    m = build_demand(p, np.array([100, 100]), history=hist, unit_xy=xy)
    assert m.unit_rate_per_h[1] > 3 * m.unit_rate_per_h[0]
    assert m.rate_per_h == pytest.approx(build_demand(p, np.array([100, 100])).rate_per_h)
