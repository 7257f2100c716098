"""Scoring and reporting on the Wuhou sample; topology checks vs. an all-pairs peer.

Scoring (every metric, problems, per-grid columns) and the HTML+PDF report are timed on the
bundled sample (1,264 grids, 1,838 units).  Peer for the topology check (the only part that grows
faster than linearly): the obvious all-pairs overlap test, ``intersection`` on every pair of
same-level grids, which is what a script without a spatial index does.  Both give the same
overlaps (checked).

    python benchmarks/bench_score.py [--quick]
"""
from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))


def all_pairs_overlaps(ids, geoms, min_area: float) -> list[tuple[str, str]]:
    import shapely

    out = []
    for i, j in itertools.combinations(range(len(geoms)), 2):
        if shapely.area(shapely.intersection(geoms[i], geoms[j])) > min_area:
            out.append((str(ids[i]), str(ids[j])))
    return out


def best_of(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="one repeat; overlaps among general grids instead of micro-grids")
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "chengdu_wuhou"))
    args = ap.parse_args()
    repeat = 1 if args.quick else 3

    import numpy as np

    from gridgov.engine.circles import compute_circles
    from gridgov.engine.report import write_report
    from gridgov.engine.scenario import load_scenario
    from gridgov.engine.score import score_scenario
    from gridgov.engine.score.topology import MIN_AREA_M2, find_overlaps

    sc = load_scenario(args.scenario)
    circles = compute_circles(sc)
    g = sc.grids
    print(f"scenario: {sc.name}: {len(g.id)} grids, {len(sc.units.id)} units")

    t_score = best_of(lambda: score_scenario(sc, circles), repeat)
    scores = score_scenario(sc, circles)
    print(f"score_scenario (all {len(scores.metrics)} metrics, circles given): {t_score * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        t_rep = best_of(lambda: write_report(tmp, sc, circles, None, scores, lang="zh_CN"), 1)
    print(f"write_report (HTML + PDF, zh_CN): {t_rep:.2f} s")

    # same-level sets, as topology_report checks them: general+dedicated (quick) or all micro-grids
    rows = np.flatnonzero(g.level != "micro") if args.quick else np.flatnonzero(g.level == "micro")
    ids, geoms = g.id[rows], np.asarray(g.geometry, dtype=object)[rows]
    t_ours = best_of(lambda: find_overlaps(ids, geoms), repeat)
    t_peer = best_of(lambda: all_pairs_overlaps(ids, geoms, MIN_AREA_M2), 1)
    ours = sorted((f["grid_id"], f["other_id"]) for f in find_overlaps(ids, geoms))
    assert ours == sorted(all_pairs_overlaps(ids, geoms, MIN_AREA_M2)), "overlap sets differ"
    print(f"overlaps among {len(rows)} same-level grids: STRtree {t_ours * 1000:.1f} ms, all pairs {t_peer * 1000:.0f} ms "
          f"({len(ours)} overlaps, identical)")
    print(f"ratio: topology overlaps STRtree vs all-pairs peer = {t_peer / t_ours:.1f}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
