"""The comparison table of N scored scenarios: means, intervals and paired differences.

One row per metric (and the total and each weight group); the first scenario is the baseline.
Used by ``workflows.compare`` (compare.csv / compare.json) and by the report (tables, figures).
"""
from __future__ import annotations

import csv
import io

import numpy as np

from .intervals import paired_difference, unpaired_difference
from .registry import GROUPS, better
from .scorer import Scores


def comparison_table(names: list[str], scores: list[Scores]) -> list[dict]:
    """One row per metric (and the total and groups): means, 95 % intervals, paired differences
    against the first scenario with their own intervals, and the best scenario."""
    rows = []
    totals = [s.total for s in scores]
    rows.append({"key": "total", "label_en": "Total score", "label_zh": "总分", "unit": "points",
                 "direction": "higher", "values": totals, "ci": [s.total_ci for s in scores],
                 **_verdict(names, totals, "higher", [s.total_replicates or [s.total] for s in scores],
                            _noisy(scores, [s.total_replicates for s in scores]), scores)})
    for g in GROUPS:
        vals = [s.groups.get(g) for s in scores]
        reps = [s.group_replicates.get(g) for s in scores]
        rows.append({"key": f"group.{g}", "label_en": f"Points: {g}", "label_zh": f"得分：{g}", "unit": "points",
                     "direction": "higher", "values": vals, "ci": [s.group_ci.get(g) for s in scores],
                     **_verdict(names, vals, "higher", [r or [v] for r, v in zip(reps, vals)],
                                _noisy(scores, reps), scores)})
    for m in scores[0].metrics:
        found = []
        for s in scores:
            try:
                found.append(s.metric(m.key))
            except KeyError:
                found.append(None)
        vals = [None if f is None else f.value for f in found]
        reps = [None if f is None else f.replicates for f in found]
        rows.append({"key": m.key, "label_en": m.label_en, "label_zh": m.label_zh, "unit": m.unit,
                     "direction": m.direction, "values": vals, "ci": [None if f is None else f.ci for f in found],
                     **_verdict(names, vals, m.direction, [r or [v] for r, v in zip(reps, vals)],
                                _noisy(scores, reps), scores)})
    return rows


def _noisy(scores: list[Scores], reps: list) -> bool:
    """Does the value depend on the simulation (per-replication values present, or one run only)?"""
    return any(r for r in reps)


def _verdict(names, vals, direction, reps, noisy: bool, scores: list[Scores]) -> dict:
    """Deltas against the first scenario, each with its paired 95 % interval and significance."""
    base = vals[0]
    deltas = [None if (v is None or base is None) else float(v) - float(base) for v in vals]
    paired = all(s.seeds == scores[0].seeds for s in scores)    # common random numbers
    diffs = [None] + [_difference(reps[0], r, noisy, paired) for r in reps[1:]]
    cmp = [0] + [0 if d is not None and d["significant"] is False else better(direction, base, v)
                 for d, v in zip(diffs[1:], vals[1:])]
    finite = [(i, v) for i, v in enumerate(vals) if v is not None and np.isfinite(v)]
    best = ""
    if len(finite) >= 2:
        pick = max if direction == "higher" else min
        bv = pick(v for _, v in finite)
        winners = [names[i] for i, v in finite if abs(v - bv) <= 1e-9 * max(1.0, abs(bv))]
        best = winners[0] if len(winners) == 1 else "="
        if best not in ("", "=") and noisy and not _clear_lead(names, winners[0], vals, reps, paired):
            best = "="      # the leader's lead is inside the noise
    return {"delta": deltas, "diff": diffs, "vs_baseline": cmp, "best": best}


def _difference(a, b, noisy: bool, paired: bool):
    if a is None or b is None or any(x is None for x in a) or any(x is None for x in b):
        return None
    if paired or len(a) == 1 or len(b) == 1:
        return paired_difference(a, b, noisy)
    return unpaired_difference(a, b)


def _clear_lead(names, winner, vals, reps, paired) -> bool:
    i = names.index(winner)
    for j in range(len(vals)):
        if j == i or vals[j] is None:
            continue
        d = _difference(reps[j], reps[i], True, paired)
        if d is None or not d["significant"]:
            return False
    return True


def csv_table(names: list[str], table: list[dict]) -> str:
    """compare.csv: values, their 95 % intervals, differences with paired intervals, significance."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["key", "label_en", "label_zh", "unit", "direction", *names,
                *[f"{n}_ci95_{e}" for n in names for e in ("lo", "hi")],
                *[f"delta_{n}" for n in names[1:]], *[f"delta_{n}_ci95_{e}" for n in names[1:] for e in ("lo", "hi")],
                *[f"significant_{n}" for n in names[1:]], "best"])

    def num(v, sign=""):
        return "" if v is None else f"{v:{sign}.6g}"

    for r in table:
        vals = [num(v) for v in r["values"]]
        cis = [num(c[k] if c else None) for c in r["ci"] for k in (0, 1)]
        ds = [num(d, "+") for d in r["delta"][1:]]
        dci = [num(d[k] if d else None, "+") for d in r["diff"][1:] for k in ("lo", "hi")]
        sig = ["" if d is None or d["significant"] is None else str(d["significant"]).lower() for d in r["diff"][1:]]
        w.writerow([r["key"], r["label_en"], r["label_zh"], r["unit"], r["direction"], *vals, *cis, *ds, *dci, *sig,
                    r["best"]])
    return buf.getvalue()
