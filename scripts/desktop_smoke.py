"""Drive a real QGIS desktop (run by ``qgis --code``): install the plugin ZIP the way "Install
from ZIP" does, open the dock, open the sample, run it as a task, compare the run with the
restructured sample from the Compare tab, take screenshots.

Environment (set by scripts/desktop_smoke.sh): GRIDGOV_SMOKE_ZIP (plugin ZIP),
GRIDGOV_SMOKE_OUT (folder for screenshots, run outputs and smoke.json), GRIDGOV_SMOKE_TIMEOUT.
Everything is driven by timers so the GUI stays live; the result is written to
OUT/smoke.json and QGIS quits.  Nothing here raises into QGIS: a failure is recorded and
QGIS still exits, so the shell script can report it.
"""
from __future__ import annotations

import json
import os
import subprocess
import time
import traceback
from pathlib import Path

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication
from qgis.utils import iface

OUT = Path(os.environ.get("GRIDGOV_SMOKE_OUT", "out")).resolve()
ZIP = os.environ.get("GRIDGOV_SMOKE_ZIP", "")
TIMEOUT_S = float(os.environ.get("GRIDGOV_SMOKE_TIMEOUT", "900"))
STATE: dict = {"ok": False, "steps": [], "errors": [], "screenshots": []}
T0 = time.monotonic()


def log(text: str) -> None:
    STATE["steps"].append(f"{time.monotonic() - T0:7.1f}s {text}")
    print(f"[desktop-smoke] {text}", flush=True)


def fail(text: str) -> None:
    STATE["errors"].append(text)
    log(f"FAILED: {text}")
    QTimer.singleShot(500, finish)


def screenshot(name: str) -> None:
    """The whole X screen with ImageMagick's import; Qt's grab as a fallback."""
    path = OUT / f"{name}.png"
    QApplication.processEvents()
    try:
        subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=60, capture_output=True)
    except (OSError, subprocess.SubprocessError):
        iface.mainWindow().grab().save(str(path))
    STATE["screenshots"].append(str(path))
    log(f"screenshot {path}")


def finish() -> None:
    if STATE.get("finished"):
        return
    STATE["finished"] = True
    STATE["elapsed_s"] = round(time.monotonic() - T0, 1)
    (OUT / "smoke.json").write_text(json.dumps(STATE, ensure_ascii=False, indent=2), encoding="utf-8")
    QTimer.singleShot(200, lambda: QApplication.instance().exit(0 if STATE["ok"] else 1))


def guarded(fn):
    def wrapper(*args):
        try:
            fn(*args)
        except Exception:  # noqa: BLE001 - record and quit, never hang QGIS
            fail(traceback.format_exc())
    return wrapper


@guarded
def step_install() -> None:
    import pyplugin_installer
    import qgis.utils

    log(f"installing {ZIP} with QGIS's Install-from-ZIP code")
    pyplugin_installer.instance().installFromZipFile(ZIP)
    plugin = qgis.utils.plugins.get("gridgov")
    if plugin is None:
        return fail("plugin 'gridgov' did not start after installing the ZIP")
    where = Path(qgis.utils.home_plugin_path) / "gridgov"
    if not (where / "metadata.txt").exists():
        return fail(f"ZIP not extracted into {where}")
    log(f"plugin started from {where}")
    STATE["plugin_dir"] = str(where)
    # no window manager under Xvfb: size the window to the screen instead of maximising
    screen = QApplication.primaryScreen().geometry()
    iface.mainWindow().setGeometry(screen)
    QTimer.singleShot(1500, lambda: step_open(plugin))


@guarded
def step_open(plugin) -> None:
    plugin.show_dock()
    panel = plugin.dock.scenario_panel
    panel.out.setFilePath(str(OUT / "run"))
    if not plugin.controller.scenario.open_sample():
        return fail(f"sample did not open: {panel.status.text() or panel.info.text()}")
    from qgis.core import QgsProject

    crs = QgsProject.instance().crs().authid()
    log(f"sample opened: {len(plugin.controller.state.layer_ids)} layers, project CRS {crs}")
    STATE["project_crs"] = crs
    QTimer.singleShot(3000, lambda: step_run(plugin))


@guarded
def step_run(plugin) -> None:
    screenshot("desktop_smoke_opened")
    panel, ctl = plugin.dock.scenario_panel, plugin.controller.scenario
    ctl.runDone.connect(lambda ok, text: QTimer.singleShot(4000, lambda: step_done(plugin, ok, text)))
    if not ctl.start_run():
        return fail(f"run did not start: {panel.status.text()}")
    log("run started as a QgsTask")


@guarded
def step_done(plugin, ok: bool, text: str) -> None:
    panel = plugin.dock.scenario_panel
    if not ok:
        screenshot("desktop_smoke")
        return fail(f"run failed: {text}")
    rows = panel.scores.row_texts()
    STATE["scores"] = rows
    log(f"run finished: {len(rows)} score rows, results in {text}")
    if not rows:
        return fail("no scores in the dock")
    iface.mapCanvas().refreshAllLayers()
    QTimer.singleShot(3000, lambda: step_shoot(plugin))


@guarded
def step_shoot(plugin) -> None:
    from qgis.core import QgsProject

    STATE["project_crs_after_run"] = QgsProject.instance().crs().authid()
    log(f"project CRS after the run: {STATE['project_crs_after_run']}")
    screenshot("desktop_smoke")
    plugin.dock.tabs.setCurrentWidget(plugin.dock.compare_panel)
    QTimer.singleShot(800, lambda: step_compare_tab(plugin))


@guarded
def step_compare_tab(plugin) -> None:
    """Compare the run just made with the restructured sample from the Compare tab."""
    panel, ctl = plugin.dock.compare_panel, plugin.controller.compare
    ctl.open_report_when_done = False   # no web browser under Xvfb
    panel.list.clear()
    restructured = Path(STATE["plugin_dir"]) / "scenarios" / "chengdu_wuhou_restructured"
    if not (ctl.add_scenario(OUT / "run") and ctl.add_scenario(restructured)):
        return fail(f"compare list refused the inputs: {panel.status.text()}")
    panel.out.setFilePath(str(OUT / "compare"))
    ctl.compareDone.connect(lambda ok, text: QTimer.singleShot(1500, lambda: step_compared(plugin, ok, text)))
    if not ctl.start_compare():
        return fail(f"compare did not start: {panel.status.text()}")
    log("compare started as a QgsTask")


@guarded
def step_compared(plugin, ok: bool, text: str) -> None:
    screenshot("desktop_smoke_compare")
    if not ok:
        return fail(f"compare failed: {text}")
    STATE["compare_report"] = text
    log(f"compare report {text}")
    plugin.dock.tabs.setCurrentIndex(0)
    STATE["ok"] = not STATE["errors"]
    finish()


def watchdog() -> None:
    if not STATE.get("finished"):
        fail(f"timed out after {TIMEOUT_S:.0f} s")
        screenshot("desktop_smoke_timeout")


def _log_message(message: str, tag: str, level) -> None:
    if tag == "GridGov":
        STATE.setdefault("gridgov_log", []).append(message)
        print(f"[desktop-smoke] GridGov log: {message}", flush=True)


OUT.mkdir(parents=True, exist_ok=True)
QgsApplication.messageLog().messageReceived.connect(_log_message)
QTimer.singleShot(int(TIMEOUT_S * 1000), watchdog)
QTimer.singleShot(2000, step_install)
