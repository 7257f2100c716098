"""Live editing statistics on the Wuhou sample: edit → updated statistics, vs. a full rerun.

Runs headless QGIS (offscreen): the sample's layers are opened, edited in the edit buffer
(never committed) through the same functions the map tools call, and the live adapter is
flushed right after each edit.  Latency = QGIS edit + engine update + write-back, plus the
adapter's debounce delay.  Peer: recomputing the statistics from scratch (load scenario,
life circles, all grids), which is what a plugin that recomputes after saving does.

    python benchmarks/bench_live.py [--quick]
    python benchmarks/bench_live.py --city [--scale chengdu|district|N] [--city-dir DIR] [--images DIR]

``--city``: the generated city instead (opening, rendering, editing at city scale; see
benchmarks/live_city.py).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a few edits only")
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "chengdu_wuhou"))
    ap.add_argument("--city", action="store_true", help="a generated city (scripts/make_city.py) instead")
    ap.add_argument("--scale", default="chengdu", help="--city: make_city's --scale (chengdu, district or N)")
    ap.add_argument("--city-dir", help="--city: a generated city folder (generated into it when empty)")
    ap.add_argument("--images", help="--city: write the first renders as PNG here")
    ap.add_argument("--edits", type=int, default=20, help="--city: edits of each kind")
    args = ap.parse_args()
    n_edits = 5 if args.quick else 30
    if args.city:
        return city(args)

    from qgis.core import QgsApplication, QgsPointXY, QgsVectorLayer

    app = QgsApplication([], False)
    app.initQgis()
    import numpy as np

    from gridgov.engine.circles import compute_circles
    from gridgov.engine.live import LiveStats
    from gridgov.engine.scenario import load_scenario
    from gridgov.plugin.maptools.edits import move_facility, paint_units, split_grids
    from gridgov.plugin.services.live_adapter import LiveAdapter

    # QGIS opens a GeoPackage for update even when every edit is rolled back, which rewrites
    # the file's header: work on a private copy, never on the bundled sample.
    folder = Path(tempfile.mkdtemp(prefix="gridgov-bench-live-")) / Path(args.scenario).name
    shutil.copytree(args.scenario, folder)
    gpkg = folder / "layers.gpkg"
    layers = {n: QgsVectorLayer(f"{gpkg}|layername={n}", n, "ogr") for n in ("grids", "units", "facilities")}
    for lyr in layers.values():
        assert lyr.isValid(), lyr.name()
        lyr.startEditing()
    g, u, f = layers["grids"], layers["units"], layers["facilities"]

    def full_rerun() -> float:
        t = time.perf_counter()
        scn = load_scenario(folder)
        LiveStats.from_scenario(scn, compute_circles(scn)).stats()
        return (time.perf_counter() - t) * 1000

    full = [full_rerun() for _ in range(3)]
    t = time.perf_counter()
    adapter = LiveAdapter(g, u, f, load_scenario(folder), delay_ms=30)
    attach_ms = (time.perf_counter() - t) * 1000
    delay = adapter._timer.interval()
    rng = np.random.default_rng(7)
    general = [x for x in g.getFeatures() if x["level"] == "general"]
    times: dict[str, list[float]] = {"split": [], "paint": [], "facility": []}
    engine_ms: dict[str, list[float]] = {"split": [], "paint": [], "facility": []}

    def timed(kind: str, edit) -> None:
        t0 = time.perf_counter()
        edit()
        up = adapter.flush()
        times[kind].append((time.perf_counter() - t0) * 1000 + delay)
        engine_ms[kind].append(up["elapsed_ms"] if up else 0.0)

    for i in range(n_edits):
        feat = general[int(rng.integers(len(general)))]
        box = feat.geometry().boundingBox()
        x = box.center().x()
        g.selectByIds([feat.id()])
        timed("split", lambda: split_grids(g, [QgsPointXY(x, box.yMinimum() - 1e-4),
                                               QgsPointXY(x, box.yMaximum() + 1e-4)]))
        g.undoStack().undo()
        adapter.flush()
        other = general[int(rng.integers(len(general)))]
        near = [uf.id() for uf in u.getFeatures(box)][:15]

        def paint():
            u.beginEditCommand("paint")
            paint_units(u, near, str(other["id"]))
            u.endEditCommand()
        timed("paint", paint)
        fac = list(f.getFeatures())[int(rng.integers(f.featureCount()))]
        p = fac.geometry().asPoint()
        timed("facility", lambda: move_facility(f, fac.id(), QgsPointXY(p.x() + 0.0015, p.y())))
    t = time.perf_counter()
    n_findings = len(adapter.findings())
    findings_ms = (time.perf_counter() - t) * 1000
    for lyr in layers.values():
        lyr.rollBack()

    full_med = statistics.median(full)
    print(f"sample: {g.featureCount()} grids, {u.featureCount()} units, {f.featureCount()} facilities; "
          f"{n_edits} edits of each kind; debounce {delay} ms included")
    print(f"attach (load + circles + index): {attach_ms:.0f} ms")
    print(f"full rerun (peer): median {full_med:.0f} ms")
    print(f"validation list (gaps, overlaps, multipart, norms, units; whole layout): {n_findings} findings "
          f"in {findings_ms:.0f} ms (refreshed 400 ms after the last edit, off the 200 ms path)")
    print("| edit | latency median ms | p95 ms | max ms | engine update median ms |")
    print("|---|---|---|---|---|")
    ratios = []
    for kind, vals in times.items():
        med = statistics.median(vals)
        p95 = float(np.percentile(vals, 95))
        print(f"| {kind} | {med:.1f} | {p95:.1f} | {max(vals):.1f} | {statistics.median(engine_ms[kind]):.1f} |")
        ratios.append(f"{kind} {full_med / med:.1f}x")
    print("ratios (full rerun / live update): " + ", ".join(ratios))
    # Tearing down QGIS next to shapely's and Numba's native libraries crashes at interpreter
    # exit (no Python frame left; a known PyQGIS shutdown-order problem).  Everything is
    # printed by now, so leave without the teardown and keep the exit status meaningful.
    sys.stdout.flush()
    sys.stderr.flush()
    shutil.rmtree(folder.parent, ignore_errors=True)
    os._exit(0)


def city(args) -> int:
    from qgis.core import QgsApplication

    app = QgsApplication([], True)      # a GUI application: labels need fonts
    app.initQgis()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from live_city import run_city

    run_city(args)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)                         # see main(): no QGIS teardown at exit


if __name__ == "__main__":
    sys.exit(main())
