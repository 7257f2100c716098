"""``bench_live.py --city``: open, render and edit a generated city in headless QGIS.

The city (``scripts/make_city.py``) is opened the way the dock opens a scenario (styled layers
from ``plugin.services.layers``), rendered with ``QgsMapRendererParallelJob`` at full extent
and at a community scale, then edited through the map tools' functions (edit buffers with
undo) with the live adapter flushed after each edit, as the Edit tab does.  Each edit's
latency = QGIS edit + live update (engine + write-back) + the statistics the panel shows
(selected grids and totals) + the adapter's debounce delay.

Peers measured in the same run: the same statistics recomputed from scratch (``LiveStats``
built again from the scenario, circles given), and QGIS's own redraw of the edited view (the
three edited layers rendered at the community scale), which every edit triggers anyway.
"""
from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
COMMUNITY_SCALE = 5000.0        # 1:5,000: a community fills the screen
IMAGE = (1280, 800)


def ms_since(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0


def make_city(scale: str, out: Path) -> float:
    """Generate the city (seconds); kept when ``out`` already holds one."""
    if (out / "layers.gpkg").exists():
        return 0.0
    t0 = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_city.py"), "--scale", scale, "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def render(layers, extent, scale: float | None = None, path: Path | None = None) -> float:
    """One render of ``layers`` (top first) at ``extent`` (or centred there at 1:``scale``): ms."""
    from qgis.core import QgsMapRendererParallelJob, QgsMapSettings, QgsRectangle
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    ms = QgsMapSettings()
    ms.setLayers(layers)
    ms.setDestinationCrs(layers[-1].crs())
    ms.setOutputSize(QSize(*IMAGE))
    ms.setOutputDpi(96)
    ms.setBackgroundColor(QColor("white"))
    if scale is not None:
        c = extent.center()
        half_w = IMAGE[0] * 0.0254 / 96 * scale / 2
        half_h = half_w * IMAGE[1] / IMAGE[0]
        extent = QgsRectangle(c.x() - half_w, c.y() - half_h, c.x() + half_w, c.y() + half_h)
    ms.setExtent(extent)
    t0 = time.perf_counter()
    job = QgsMapRendererParallelJob(ms)
    job.start()
    job.waitForFinished()
    elapsed = ms_since(t0)
    if path is not None:
        job.renderedImage().save(str(path))
    return elapsed


def log(msg: str) -> None:
    print(f"[bench_live --city] {msg}", file=sys.stderr, flush=True)


def summary(vals: list[float]) -> tuple[float, float, float]:
    return statistics.median(vals), float(np.percentile(vals, 95)), max(vals)


def run_city(args) -> None:
    from qgis.core import QgsPointXY, QgsProject

    from gridgov.engine.circles import compute_circles
    from gridgov.engine.live import LiveStats
    from gridgov.engine.scenario import load_scenario
    from gridgov.plugin.maptools.edits import move_facility, paint_units, split_grids, units_near
    from gridgov.plugin.services.layers import load_scenario_layers
    from gridgov.plugin.services.live_adapter import LiveAdapter

    n_edits = 5 if args.quick else args.edits
    work = Path(args.city_dir) if args.city_dir else Path(tempfile.mkdtemp(prefix="gridgov-city-")) / "city"
    gen_s = make_city(args.scale, work)
    # QGIS rewrites a GeoPackage's header when it opens it for update: bench a private copy
    folder = Path(tempfile.mkdtemp(prefix="gridgov-bench-city-")) / work.name
    shutil.copytree(work, folder)
    out_dir = Path(args.images) if args.images else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    loaded = load_scenario_layers(folder)          # the dock's path: styled layers in a group
    open_ms = ms_since(t0)
    by_name = {lyr.customProperty("gridgov/source").split(":", 1)[1]: lyr for lyr in loaded}
    g, u, f = by_name["grids"], by_name["units"], by_name["facilities"]
    order = [lyr for lyr in loaded if QgsProject.instance().layerTreeRoot().findLayer(lyr.id()).isVisible()]
    full = g.extent()
    first_full = render(order, full, path=out_dir / "city_full.png" if out_dir else None)
    again_full = render(order, full)
    community = full          # rendered at 1:5,000 around the city centre (the densest part)
    first_comm = render(order, community, COMMUNITY_SCALE, out_dir / "city_community.png" if out_dir else None)
    street = render(order, community, 25000.0, out_dir / "city_street.png" if out_dir else None)

    log(f"opened in {open_ms:.0f} ms, rendered ({first_full:.0f}, {first_comm:.0f}, {street:.0f} ms)")
    t0 = time.perf_counter()
    scn = load_scenario(folder)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    circles = compute_circles(scn)
    circles_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    adapter = LiveAdapter(g, u, f, scn, circles, delay_ms=30)
    attach_s = time.perf_counter() - t0
    log(f"attached: load {load_s:.1f} s, circles {circles_s:.1f} s, adapter {attach_s:.1f} s")
    for lyr in (g, u, f):
        lyr.startEditing()
    delay = adapter._timer.interval()

    def scratch() -> float:
        t = time.perf_counter()
        LiveStats(scn.grids, scn.units, scn.facilities, scn.params, circles)
        return ms_since(t)

    scratch_ms = [scratch() for _ in range(2)]
    rng = np.random.default_rng(7)
    general = [x.id() for x in g.getFeatures("\"level\" = 'general'")]
    fac_ids = [x.id() for x in f.getFeatures()]
    times: dict[str, list[float]] = {"split": [], "paint": [], "facility": []}
    engine_ms: dict[str, list[float]] = {k: [] for k in times}
    redraw_ms: list[float] = []

    def timed(kind: str, edit, selected: list[str]) -> None:
        t = time.perf_counter()
        edit()
        up = adapter.flush()
        adapter.stats_for(selected + sorted(adapter.edited))     # what the panel shows
        adapter.live.totals()
        times[kind].append(ms_since(t) + delay)
        engine_ms[kind].append(up["elapsed_ms"] if up else 0.0)

    log(f"from scratch: {scratch_ms[0]:.0f} ms")
    for i in range(n_edits):
        feat = g.getFeature(general[int(rng.integers(len(general)))])
        box = feat.geometry().boundingBox()
        x, pad = box.center().x(), box.height() * 0.01
        g.selectByIds([feat.id()])
        sel = [str(feat["id"])]
        timed("split", lambda: split_grids(g, [QgsPointXY(x, box.yMinimum() - pad),
                                               QgsPointXY(x, box.yMaximum() + pad)]), sel)
        g.undoStack().undo()
        adapter.flush()
        other = g.getFeature(general[int(rng.integers(len(general)))])

        def paint():        # one brush stroke of two dabs, one undo command (the paint tool's way)
            u.beginEditCommand("paint")
            for dx in (-20.0, 20.0):
                paint_units(u, units_near(u, QgsPointXY(box.center().x() + dx, box.center().y()), 60.0),
                            str(other["id"]))
            u.endEditCommand()
            u.selectByExpression(f"\"grid_id\" = '{other['id']}'")    # the tool then shows the target's units
        timed("paint", paint, [str(other["id"])])
        fac = f.getFeature(fac_ids[int(rng.integers(len(fac_ids)))])
        p = fac.geometry().asPoint()
        timed("facility", lambda: move_facility(f, fac.id(), QgsPointXY(p.x() + 150.0, p.y())), [])
        redraw_ms.append(render(order, box, COMMUNITY_SCALE))
        log(f"edit {i}: " + ", ".join(f"{k} {v[-1]:.0f} ms" for k, v in times.items()))

    t0 = time.perf_counter()
    job = adapter.live.findings_job()
    snap_ms = ms_since(t0)
    t0 = time.perf_counter()
    n_findings = len(job.run())
    check_ms = ms_since(t0)
    for lyr in (g, u, f):
        lyr.rollBack()

    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"city: {g.featureCount()} grids, {u.featureCount()} units, {f.featureCount()} facilities "
          f"({args.scale}; generated in {gen_s:.1f} s)" if gen_s else f"city: {g.featureCount()} grids, "
          f"{u.featureCount()} units, {f.featureCount()} facilities ({work})")
    print(f"open (styled layers into the project): {open_ms:.0f} ms; first render full extent "
          f"{first_full:.0f} ms (again {again_full:.0f} ms), community 1:{COMMUNITY_SCALE:.0f} {first_comm:.0f} ms, "
          f"street 1:25000 {street:.0f} ms ({IMAGE[0]}x{IMAGE[1]} px)")
    print(f"attach: load_scenario {load_s:.1f} s, life circles {circles_s:.1f} s, live adapter {attach_s:.1f} s")
    print(f"validation list: snapshot on the GUI thread {snap_ms:.0f} ms, background check {check_ms:.0f} ms "
          f"({n_findings} findings)")
    scratch_med = statistics.median(scratch_ms)
    redraw_med = statistics.median(redraw_ms)
    print(f"peers: statistics from scratch (LiveStats rebuilt, circles given) median {scratch_med:.0f} ms; "
          f"QGIS redraw of the edited view at 1:{COMMUNITY_SCALE:.0f} median {redraw_med:.0f} ms")
    print(f"{n_edits} edits of each kind; debounce {delay} ms included")
    print("| edit | p50 ms | p95 ms | max ms | live update p50 ms | vs scratch | vs redraw |")
    print("|---|---|---|---|---|---|---|")
    for kind, vals in times.items():
        med, p95, mx = summary(vals)
        print(f"| {kind} | {med:.1f} | {p95:.1f} | {mx:.1f} | {statistics.median(engine_ms[kind]):.1f} | "
              f"{scratch_med / med:.1f}x | {redraw_med / med:.2f}x |")
    print(f"peak RSS {usage.ru_maxrss / 1024:.0f} MB; CPU {usage.ru_utime + usage.ru_stime:.1f} s; "
          f"load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    shutil.rmtree(folder.parent, ignore_errors=True)
