"""Duty rosters: when each worker is on duty, as weekly-periodic slot patterns.

A roster is a boolean pattern over ``period`` slots of ``SLOT_H`` hours (the period is a
whole number of weeks, starting Monday 00:00 = simulation start).  Workers share patterns
(``pattern_of[w]``), so a city of 147,000 workers needs a few dozen rows, not 147,000.
The engines read one table: ``wait[p, s]`` = slots from slot ``s`` to the next on-duty slot
of pattern ``p`` (0 = on duty), so "next time on duty" is one lookup (``next_on_duty``).

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

SLOT_H = 0.25                     # 15-minute resolution of rosters
WEEK_H = 168.0
CLASSES = ("grid", "mobile", "street_duty")
NEVER = np.int32(2 ** 30)         # wait of a pattern with no on-duty slot (rejected by ``check``)


@dataclass
class Rosters:
    pattern_of: np.ndarray        # (W,) pattern row of each worker
    on: np.ndarray                # (P, S) bool: on duty in slot s
    wait: np.ndarray              # (P, S) int32: slots to the next on-duty slot
    slot_h: float = SLOT_H

    @property
    def period_h(self) -> float:
        return self.on.shape[1] * self.slot_h


def daily_pattern(start_hour: float, hours: float, days, weeks: int = 1) -> np.ndarray:
    """On-duty slots of a shift starting ``start_hour`` lasting ``hours`` on weekdays ``days`` (0 = Monday).

    A shift crossing midnight runs into the next day (the pattern wraps round the period).
    """
    n = int(round(weeks * WEEK_H / SLOT_H))
    on = np.zeros(n, bool)
    per_day = int(round(24.0 / SLOT_H))
    first = int(round((float(start_hour) % 24.0) / SLOT_H))
    length = int(round(float(hours) / SLOT_H))
    for week in range(weeks):
        for d in days:
            s0 = (week * 7 + int(d)) * per_day + first
            on[np.arange(s0, s0 + length) % n] = True
    return on


def wait_table(on: np.ndarray) -> np.ndarray:
    """Slots from each slot to the next on-duty slot of the same (periodic) row."""
    P, S = on.shape
    out = np.full((P, S), NEVER, np.int32)
    for p in range(P):
        idx = np.flatnonzero(on[p])
        if idx.size == 0:
            continue
        s = np.arange(S)
        nxt = np.searchsorted(idx, s)                  # first on slot ≥ s in this period …
        wrapped = nxt >= idx.size                      # … or the first one of the next period
        target = np.where(wrapped, idx[0] + S, idx[np.minimum(nxt, idx.size - 1)])
        out[p] = (target - s).astype(np.int32)
    return out


def build_rosters(worker_class: np.ndarray, index_in_grid: np.ndarray, params: dict) -> Rosters:
    """Pattern of every worker from its class and its index within its grid / pool."""
    st, ro = params["staffing"], params["roster"]
    shift_h, first = float(st["shift_hours"]), float(st["shift_start_hour"])
    g = ro["grid"]
    every = int(g["weekend_duty_every_weeks"])
    weeks = max(every, 1)
    workdays = [int(d) for d in g["workdays"]]
    duty_h = float(ro["street_duty"]["hours"])
    posts = int(np.ceil(24.0 / duty_h - 1e-9))
    keys: dict[tuple, int] = {}
    rows: list[np.ndarray] = []
    pattern_of = np.empty(worker_class.size, np.int64)
    for w, (cls, i) in enumerate(zip(worker_class, index_in_grid)):
        if CLASSES[cls] == "street_duty":
            key = ("duty", int(i) % posts)
        else:
            key = ("grid", int(i), int(w) % every if every > 0 else -1, (int(w) // max(every, 1)) % 2)
        p = keys.get(key)
        if p is None:
            p = keys[key] = len(rows)
            if key[0] == "duty":
                rows.append(daily_pattern(float(ro["street_duty"]["start_hour"]) + key[1] * duty_h, duty_h,
                                          range(7), weeks))
            else:
                start = first + key[1] * shift_h
                on = daily_pattern(start, shift_h, workdays, weeks)
                if every > 0:             # holiday duty: Saturday or Sunday of one week in ``every``
                    on |= _one_week_of(daily_pattern(start, shift_h, [key[3] + 5], 1), key[2], weeks)
                rows.append(on)
        pattern_of[w] = p
    n = int(round(weeks * WEEK_H / SLOT_H))
    on = np.array(rows, bool).reshape(len(rows), n)
    return Rosters(pattern_of, on, wait_table(on))


def _one_week_of(week_on: np.ndarray, week: int, weeks: int) -> np.ndarray:
    """A one-week pattern placed in week ``week`` of a ``weeks``-week period, off elsewhere."""
    out = np.zeros(week_on.size * weeks, bool)
    out[week * week_on.size:(week + 1) * week_on.size] = week_on
    return out


def uniform_rosters(n_workers: int, start_hours: np.ndarray, hours: float, days=range(7)) -> Rosters:
    """Daily shifts (one pattern per distinct start hour): tests, benchmarks, simple cases."""
    starts, inv = np.unique(np.asarray(start_hours, dtype=np.float64) % 24.0, return_inverse=True)
    on = np.array([daily_pattern(s, hours, days) for s in starts], bool).reshape(starts.size, -1)
    return Rosters(inv.astype(np.int64).reshape(n_workers), on, wait_table(on))


def next_on_duty(t: np.ndarray, workers: np.ndarray, r: Rosters) -> np.ndarray:
    """Earliest time ≥ t at which each worker is on duty (vectorised twin of the kernels' lookup)."""
    t = np.asarray(t, dtype=np.float64)
    s = np.floor(t / r.slot_h).astype(np.int64)
    wv = r.wait[r.pattern_of[workers], s % r.on.shape[1]]
    return np.where(wv == 0, t, (s + wv) * r.slot_h)


def on_duty(t: np.ndarray, workers: np.ndarray, r: Rosters) -> np.ndarray:
    s = np.floor(np.asarray(t, dtype=np.float64) / r.slot_h).astype(np.int64)
    return r.on[r.pattern_of[workers], s % r.on.shape[1]]


def duty_hours_between(a: np.ndarray, b: np.ndarray, workers: np.ndarray, r: Rosters) -> np.ndarray:
    """On-duty hours of each worker inside [a, b] (exact, from the cumulative pattern)."""
    return _cum(b, workers, r) - _cum(a, workers, r)


def _cum(t: np.ndarray, workers: np.ndarray, r: Rosters) -> np.ndarray:
    S = r.on.shape[1]
    cum = np.concatenate([np.zeros((r.on.shape[0], 1)), np.cumsum(r.on, axis=1)], axis=1) * r.slot_h
    t = np.asarray(t, dtype=np.float64)
    s = np.floor(t / r.slot_h).astype(np.int64)
    p = r.pattern_of[workers]
    full, rem = np.divmod(s, S)
    part = (t - s * r.slot_h) * r.on[p, rem]
    return full * cum[p, S] + cum[p, rem] + part


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
    if isinstance(every, bool) or not float(every).is_integer() or not 0 <= every <= 8:
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
