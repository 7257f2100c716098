"""Duty rosters: when each worker is on duty, as daily shifts on a periodic set of days.

A worker's roster is one shift window a day — it starts at ``shift_start`` (hour of day)
and lasts ``shift_len`` hours, possibly past midnight — on the days whose bit is set in
``day_mask``.  The bits cover a period of ``days`` days (a whole number of weeks, at most
8, day 0 = Monday of week 0 = simulation start).  Everything is a scalar per worker, so the
engines decide "next time on duty" with a few arithmetic operations (``next_on_duty`` here
and ``_kernels.next_on_shift`` agree exactly).

Worker classes (defaults in ``params.py`` [roster], each with its source):

* ``grid``: full-time grid workers (专职网格员), daily shift ``staffing.shift_start_hour`` /
  ``shift_hours`` on ``roster.grid.workdays`` (5-day week); the i-th worker of a grid starts
  i shifts later.  Holiday duty (节假日值班): every ``weekend_duty_every_weeks`` weeks a
  worker does one weekend-day shift, Saturday or Sunday, staggered by worker index.
* ``mobile``: the street's mobile grid (机动网格), same roster as grid workers.
* ``street_duty``: the street duty team at the 综治中心, on duty around the clock: each
  post is covered by ``ceil(24 / hours)`` staggered shifts, every day.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import Problem, ValidationError

CLASSES = ("grid", "mobile", "street_duty")
MAX_WEEKS = 8                     # 56 days fit in the bits of one int64


@dataclass
class Rosters:
    shift_start: np.ndarray       # (W,) hour of day the shift starts
    shift_len: np.ndarray         # (W,) hours
    day_mask: np.ndarray          # (W,) int64: bit d = on duty on day d of the period
    days: int = 7                 # period in days

    @property
    def n_workers(self) -> int:
        return int(self.shift_start.size)


def build_rosters(worker_class: np.ndarray, index_in_grid: np.ndarray, params: dict) -> Rosters:
    """Roster of every worker from its class and its index within its grid / pool."""
    st, ro = params["staffing"], params["roster"]
    shift_h, first = float(st["shift_hours"]), float(st["shift_start_hour"])
    every = int(ro["grid"]["weekend_duty_every_weeks"])
    weeks = max(every, 1)
    days = 7 * weeks
    work = sum(1 << (7 * wk + int(d)) for wk in range(weeks) for d in ro["grid"]["workdays"])
    duty_h = float(ro["street_duty"]["hours"])
    posts = int(np.ceil(24.0 / duty_h - 1e-9))
    W = worker_class.size
    w = np.arange(W)
    duty = worker_class == CLASSES.index("street_duty")
    start = np.where(duty, float(ro["street_duty"]["start_hour"]) + (index_in_grid % posts) * duty_h,
                     first + index_in_grid * shift_h) % 24.0
    length = np.where(duty, duty_h, shift_h)
    holiday = np.zeros(W, np.int64)
    if every > 0:                      # Saturday or Sunday of one week in ``every``, staggered
        holiday = np.left_shift(np.int64(1), (7 * (w % every) + 5 + (w // every) % 2).astype(np.int64))
    mask = np.where(duty, np.int64((1 << days) - 1), np.int64(work) | holiday).astype(np.int64)
    return Rosters(start.astype(np.float64), length.astype(np.float64), mask, days)


def uniform_rosters(n_workers: int, start_hours: np.ndarray, hours: float, days=range(7)) -> Rosters:
    """Daily shifts on the given weekdays (tests, benchmarks, simple cases)."""
    mask = sum(1 << int(d) for d in days)
    return Rosters(np.asarray(start_hours, dtype=np.float64).reshape(n_workers) % 24.0, np.full(n_workers, float(hours)),
                   np.full(n_workers, mask, np.int64), 7)


def _bit(mask: np.ndarray, d: np.ndarray, days: int) -> np.ndarray:
    return (np.right_shift(mask, np.mod(d, days).astype(np.int64)) & 1).astype(bool)


def _window(t, workers, r: Rosters):
    y = np.asarray(t, dtype=np.float64) - r.shift_start[workers]
    d = np.floor(y / 24.0)
    return y, d, y - 24.0 * d


def on_duty(t: np.ndarray, workers: np.ndarray, r: Rosters) -> np.ndarray:
    _, d, rest = _window(t, workers, r)
    return (rest < r.shift_len[workers]) & _bit(r.day_mask[workers], d.astype(np.int64), r.days)


def next_on_duty(t: np.ndarray, workers: np.ndarray, r: Rosters) -> np.ndarray:
    """Earliest time ≥ t at which each worker is on duty (vectorised twin of the kernels')."""
    t = np.asarray(t, dtype=np.float64)
    _, d, rest = _window(t, workers, r)
    mask = r.day_mask[workers]
    out = np.where((rest < r.shift_len[workers]) & _bit(mask, d.astype(np.int64), r.days), t, np.inf)
    for i in range(1, r.days + 1):
        todo = ~np.isfinite(out) & _bit(mask, (d + i).astype(np.int64), r.days)
        out[todo] = (r.shift_start[workers] + 24.0 * (d + i))[todo]
    return out


def duty_hours_between(a: np.ndarray, b: np.ndarray, workers: np.ndarray, r: Rosters) -> np.ndarray:
    """On-duty hours of each worker inside [a, b] (exact, from the cumulative roster)."""
    return _cum(b, workers, r) - _cum(a, workers, r)


def _cum(t: np.ndarray, workers: np.ndarray, r: Rosters) -> np.ndarray:
    """On-duty hours from the window of day −1 up to t (t ≥ 0, so day ≥ −1)."""
    y, d, rest = _window(t, workers, r)
    mask, length = r.day_mask[workers], r.shift_len[workers]
    d = d.astype(np.int64)
    full, rem = np.divmod(np.maximum(d, 0), r.days)
    bits = np.array([[(int(m) >> j) & 1 for j in range(r.days)] for m in np.unique(mask)]) if mask.size else \
        np.zeros((0, r.days), np.int64)
    prefix = np.concatenate([np.zeros((bits.shape[0], 1)), np.cumsum(bits, axis=1)], axis=1)
    row = np.searchsorted(np.unique(mask), mask)
    before = (full * prefix[row, r.days] + prefix[row, rem]) * length
    before += np.where(d >= 0, _bit(mask, np.full(d.shape, -1), r.days) * length, 0.0)
    return before + _bit(mask, d, r.days) * np.clip(rest, 0.0, length)


def check_roster_params(params: dict) -> list[Problem]:
    """A roster that covers no hour, or is not a roster, is a located problem."""
    ro, out = params["roster"], []

    def bad(field, msg):
        out.append(Problem(msg, "scenario.toml", "roster", field=field))

    days = ro["grid"]["workdays"]
    if not isinstance(days, list) or any(isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6
                                         for d in days):
        bad("grid.workdays", f"must be a list of weekdays 0..6 (0 = Monday), got {days!r}")
    every = ro["grid"]["weekend_duty_every_weeks"]
    if isinstance(every, bool) or not float(every).is_integer() or not 0 <= every <= MAX_WEEKS:
        bad("grid.weekend_duty_every_weeks", f"must be a whole number 0..8 (0 = no holiday duty), got {every!r}")
    elif isinstance(days, list) and not days and every == 0:
        bad("grid.workdays", "grid workers' roster covers no hour: give workdays or weekend duty")
    sd = ro["street_duty"]
    if not 0 < float(sd["hours"]) <= 24:
        bad("street_duty.hours", f"must be in (0, 24] hours, got {sd['hours']!r}")
    if not 0 <= float(sd["start_hour"]) < 24:
        bad("street_duty.start_hour", f"must be in [0, 24), got {sd['start_hour']!r}")
    n = sd["on_duty"]
    if isinstance(n, bool) or not float(n).is_integer() or n < 0:
        bad("street_duty.on_duty", f"must be a whole number ≥ 0, got {n!r}")
    return out


def raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError(problems)
