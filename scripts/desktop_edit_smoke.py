"""Real QGIS under Xvfb (``qgis --code``): split a grid and paint units with the Edit panel's
map tools on the Wuhou sample, screenshot both (OUT/desktop_split.png, OUT/desktop_paint.png).

The sample is copied to OUT first and the edits stay in the edit buffer (never committed).
Mouse gestures are synthesised canvas events, exactly what a planner's clicks produce.
Result: OUT/desktop_edit_smoke.json (ok, steps, statistics, latencies); QGIS then quits.

    xvfb-run -a -s "-screen 0 1600x1000x24" qgis --nologo --code scripts/desktop_edit_smoke.py
    (GRIDGOV_SMOKE_OUT=folder, default out/; `make desktop-smoke` runs it after the plugin smoke)
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject, QgsRectangle
from qgis.gui import QgsMapMouseEvent
from qgis.PyQt.QtCore import QCoreApplication, QEvent, QPoint, Qt, QTimer
from qgis.PyQt.QtWidgets import QApplication, QDockWidget
from qgis.utils import iface

# `qgis --code` execs the file without __file__: GRIDGOV_ROOT or the current folder is the checkout
ROOT = Path(os.environ.get("GRIDGOV_ROOT") or (Path(__file__).resolve().parents[1] if "__file__" in globals()
                                              else Path.cwd())).resolve()
OUT = Path(os.environ.get("GRIDGOV_SMOKE_OUT", ROOT / "out")).resolve()
STATE: dict = {"ok": False, "steps": [], "errors": [], "screenshots": [], "stats": {}}
CTX: dict = {}
T0 = time.monotonic()


def log(text: str) -> None:
    STATE["steps"].append(f"{time.monotonic() - T0:6.1f}s {text}")
    print(f"[desktop-edit-smoke] {text}", flush=True)


def finish() -> None:
    if STATE.get("finished"):
        return
    STATE["finished"] = True
    if "panel" in CTX:
        CTX["panel"].shutdown()        # release map tools and rubber bands before QGIS tears down
    for lyr in CTX.get("layers", {}).values():
        if lyr.isEditable():
            lyr.rollBack()
    if "dock" in CTX:
        iface.removeDockWidget(CTX["dock"])
    iface.setActiveLayer(None)
    QgsProject.instance().clear()       # tear the layer tree down while QGIS is still whole
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "desktop_edit_smoke.json").write_text(json.dumps(STATE, ensure_ascii=False, indent=2, default=str),
                                                 encoding="utf-8")
    QTimer.singleShot(300, lambda: QApplication.instance().exit(0 if STATE["ok"] else 1))


def guarded(fn):
    def wrapper(*args):
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 - record and quit, never hang QGIS
            STATE["errors"].append(traceback.format_exc())
            log("FAILED: " + STATE["errors"][-1].strip().splitlines()[-1])
            QTimer.singleShot(200, finish)
    return wrapper


def importable() -> None:
    """``import gridgov`` from this checkout (the repository root is the package)."""
    try:
        import gridgov  # noqa: F401
        return
    except ImportError:
        pass
    link_dir = Path(tempfile.mkdtemp(prefix="gridgov-smoke-"))
    (link_dir / "gridgov").symlink_to(ROOT, target_is_directory=True)
    sys.path.insert(0, str(link_dir))


def settle(ms: int = 1200) -> None:
    canvas = iface.mapCanvas()
    canvas.refreshAllLayers()
    canvas.refresh()
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.02)
    canvas.waitWhileRendering()
    QApplication.processEvents()


def event(kind: str, x: float, y: float, button=Qt.LeftButton, buttons=None, modifiers=Qt.NoModifier):
    canvas = iface.mapCanvas()
    p = canvas.getCoordinateTransform().transform(x, y)
    qtype = {"press": QEvent.MouseButtonPress, "move": QEvent.MouseMove, "release": QEvent.MouseButtonRelease}[kind]
    btn = Qt.NoButton if kind == "move" else button
    if buttons is None:
        buttons = Qt.NoButton if kind == "release" else button
    return QgsMapMouseEvent(canvas, qtype, QPoint(round(p.x()), round(p.y())), btn, buttons, modifiers)


def highlight(layer, field: str, colours: dict[str, str]) -> None:
    """Colour the features whose ``field`` is one of ``colours`` (the rest keep a plain style),
    so the screenshot shows what the edit did."""
    from qgis.core import QgsCategorizedSymbolRenderer, QgsRendererCategory, QgsSymbol
    from qgis.PyQt.QtGui import QColor

    cats = []
    for value, colour in colours.items():
        sym = QgsSymbol.defaultSymbol(layer.geometryType())
        sym.setColor(QColor(colour))
        sym.setOpacity(0.75)
        cats.append(QgsRendererCategory(value, sym, value))
    rest = QgsSymbol.defaultSymbol(layer.geometryType())
    rest.setColor(QColor(235, 235, 235, 90))
    cats.append(QgsRendererCategory(None, rest, "other"))
    layer.setRenderer(QgsCategorizedSymbolRenderer(field, cats))
    layer.triggerRepaint()


def shot(name: str) -> None:
    settle()
    path = OUT / f"{name}.png"
    iface.mainWindow().grab().save(str(path))
    STATE["screenshots"].append(str(path))
    log(f"screenshot {path}")


@guarded
def step_open() -> None:
    importable()
    from gridgov.engine.scenario import load_scenario
    from gridgov.plugin.controllers.edit_controller import EditController
    from gridgov.plugin.gui.edit_panel import EditPanel
    from gridgov.plugin.services.layers import load_scenario_layers

    work = OUT / "desktop_edit_scenario"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(ROOT / "scenarios" / "chengdu_wuhou", work)
    iface.mainWindow().resize(1600, 1000)    # no window manager under Xvfb to maximise it
    crs = QgsCoordinateReferenceSystem("EPSG:32648")
    import qgis.utils

    plugin = qgis.utils.plugins.get("gridgov")
    gdock = getattr(plugin, "dock", None)
    gctl = getattr(plugin, "controller", None)
    t = time.perf_counter()
    if gdock is not None and gctl is not None and gctl.edit is not None:
        # the installed plugin, as a planner uses it: open in the Scenario tab, edit in the Edit tab
        gdock.setUserVisible(True)
        gdock.setMinimumWidth(620)
        if not gctl.scenario.open_scenario(str(work)):
            raise RuntimeError(f"the dock did not open {work}: {gdock.scenario_panel.status.text()}")
        gdock.tabs.setCurrentWidget(gdock.edit_panel)
        panel = gctl.edit               # the Edit tab's controller (its widget: panel.panel)
        while panel.attaching:          # live statistics are prepared in a background task
            QCoreApplication.processEvents()
            time.sleep(0.01)
        layers = {n: gctl.state.layer(n) for n in ("grids", "units", "facilities")}
        log(f"opened in the GridGov dock; Edit tab attached in {1000 * (time.perf_counter() - t):.0f} ms")
    else:
        layers = {lyr.customProperty("gridgov/source").split(":", 1)[1]: lyr for lyr in load_scenario_layers(work)}
        panel = EditController(iface, EditPanel(iface.mainWindow()))
        dock = QDockWidget("GridGov — Edit", iface.mainWindow())
        dock.setObjectName("GridGovEditSmokeDock")
        dock.setWidget(panel.panel)
        iface.addDockWidget(Qt.RightDockWidgetArea, dock)
        dock.setMinimumWidth(620)
        CTX["dock"] = dock
        panel.attach(layers["grids"], layers["units"], layers["facilities"], scenario=load_scenario(work))
        log(f"attached the Edit panel in {1000 * (time.perf_counter() - t):.0f} ms")
    CTX["layers"], CTX["panel"] = layers, panel
    QgsProject.instance().setCrs(crs)
    iface.mapCanvas().setDestinationCrs(crs)
    grids = layers["grids"]
    general = sorted((f for f in grids.getFeatures() if f["level"] == "general"),
                     key=lambda f: -f.geometry().area())
    CTX["target"] = general[len(general) // 3]
    QTimer.singleShot(1500, step_split)


@guarded
def step_split() -> None:
    panel, grids = CTX["panel"], CTX["layers"]["grids"]
    canvas = iface.mapCanvas()
    xf = QgsCoordinateTransform(grids.crs(), canvas.mapSettings().destinationCrs(), QgsProject.instance())
    box = CTX["box"] = xf.transformBoundingBox(CTX["target"].geometry().boundingBox())
    pad = max(box.width(), box.height()) * 0.25
    canvas.setExtent(QgsRectangle(box.xMinimum() - pad, box.yMinimum() - pad, box.xMaximum() + pad,
                                  box.yMaximum() + pad))
    settle(300)
    grids.selectByIds([CTX["target"].id()])
    log(f"canvas {canvas.width()}x{canvas.height()} px, {canvas.mapSettings().destinationCrs().authid()}, "
        f"extent {canvas.extent().toString(0)}, grid box {box.toString(0)}")
    tool = panel.use_split()
    x = box.center().x()
    for y in (box.yMinimum() - box.height() * 0.2, box.yMaximum() + box.height() * 0.2):
        tool.canvasPressEvent(event("press", x, y))
    tool.canvasMoveEvent(event("move", x, box.yMaximum() + box.height() * 0.2))
    tool.finish()
    up = panel.adapter.flush()
    gid = str(CTX["target"]["id"])
    new = sorted(g for g in up["touched"] if g.startswith(gid + "-"))
    if not new:
        raise RuntimeError(f"the split of {gid} produced no new grid (touched {sorted(up['touched'])})")
    STATE["stats"]["split"] = {g: up["stats"][g] for g in (gid, *new)}
    STATE["stats"]["split_ms"] = up["elapsed_ms"]
    CTX["pieces"] = (gid, new[0])
    grids.selectByIds([f.id() for f in grids.getFeatures() if f["id"] in (gid, new[0])])
    iface.setActiveLayer(grids)
    highlight(grids, "id", {gid: "#4e79a7", new[0]: "#f28e2b"})
    log(f"{grids.selectedFeatureCount()} grid(s) selected")
    panel.show_stats()
    panel.refresh_findings(wait=True)
    log(f"split {gid} → {gid} + {new[0]}: households {up['stats'][gid]['households']:.0f} + "
        f"{up['stats'][new[0]]['households']:.0f} (engine {up['elapsed_ms']:.1f} ms)")
    shot("desktop_split")
    QTimer.singleShot(300, step_paint)


@guarded
def step_paint() -> None:
    panel, box = CTX["panel"], CTX["box"]
    units = CTX["layers"]["units"]
    gid, new = CTX["pieces"]
    tool = panel.use_paint()
    tool.radius_px = 18
    # target: the new eastern piece (Shift+click inside it), then a stroke over the western piece
    tool.canvasPressEvent(event("press", box.xMinimum() + box.width() * 0.75, box.center().y(),
                                modifiers=Qt.ShiftModifier))
    if tool.target != new:
        tool.set_target(new)
    before = sum(1 for f in units.getFeatures() if f["grid_id"] == new)
    # drag over the units of the western piece, the way a planner brushes them
    canvas = iface.mapCanvas()
    xf = QgsCoordinateTransform(units.crs(), canvas.mapSettings().destinationCrs(), QgsProject.instance())
    pts = sorted((xf.transform(f.geometry().centroid().asPoint()) for f in units.getFeatures()
                  if f["grid_id"] == gid), key=lambda p: (p.x(), p.y()))[:8]
    if not pts:
        raise RuntimeError(f"no unit left in {gid} to paint")
    tool.canvasPressEvent(event("press", pts[0].x(), pts[0].y()))
    for a, b in zip(pts[:-1], pts[1:]):
        for k in range(1, 6):
            tool.canvasMoveEvent(event("move", a.x() + (b.x() - a.x()) * k / 5, a.y() + (b.y() - a.y()) * k / 5,
                                       buttons=Qt.LeftButton))
    tool.canvasReleaseEvent(event("release", pts[-1].x(), pts[-1].y()))
    up = panel.adapter.flush()
    after = sum(1 for f in units.getFeatures() if f["grid_id"] == new)
    if after <= before or up is None:
        raise RuntimeError(f"painting moved no unit into {new} ({before} → {after})")
    STATE["stats"]["paint"] = {g: up["stats"][g] for g in up["stats"]}
    STATE["stats"]["paint_ms"] = up["elapsed_ms"]
    log(f"painted {after - before} unit(s) from {gid} into {new} (engine {up['elapsed_ms']:.1f} ms)")
    panel.show_stats()
    iface.setActiveLayer(units)
    highlight(units, "grid_id", {gid: "#4e79a7", new: "#f28e2b"})
    log(f"{units.selectedFeatureCount()} unit(s) of {new} selected; active layer selection "
        f"{iface.activeLayer().selectedFeatureCount()}, same layer: {iface.activeLayer() is units}")
    shot("desktop_paint")
    STATE["ok"] = True
    QTimer.singleShot(200, finish)


QTimer.singleShot(120_000, lambda: (STATE["errors"].append("timed out"), finish()))
QTimer.singleShot(2000, step_open)
