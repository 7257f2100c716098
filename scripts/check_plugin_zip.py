"""Check a GridGov plugin ZIP the way QGIS's "Install from ZIP" reads it, then start it.

1. Structure: one top folder ``gridgov/``; QGIS takes the plugin name from the *first* sorted
   entry ending in ``metadata.txt``, so that must be ``gridgov/metadata.txt``; no tests,
   benchmarks, venv, caches or outputs; the icon, styles and the sample scenario are inside.
2. Metadata: QGIS's own reader (``qgis.utils``) finds the plugin and its required keys.
3. Start-up: in a fresh interpreter whose ``gridgov`` is the extracted copy (not the
   developer's checkout), ``classFactory → initGui → unload`` on a headless QGIS, and the
   engine's ``validate`` on the bundled sample.

Usage: python scripts/check_plugin_zip.py dist/gridgov-<version>.zip   (exit 1 on a problem)
"""
from __future__ import annotations

import configparser
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import PurePosixPath

FORBIDDEN_PARTS = {"tests", "benchmarks", ".venv", "__pycache__", ".git", ".pytest_cache", ".numba_cache",
                   "out", "dist"}
FORBIDDEN_SUFFIXES = (".pyc", ".pyo", ".nbi", ".nbc", ".gpkg-wal", ".gpkg-shm")
REQUIRED_KEYS = ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email",
                 "repository")
REQUIRED_FILES = ("gridgov/__init__.py", "gridgov/__main__.py", "gridgov/LICENSE", "gridgov/plugin/main.py",
                  "gridgov/engine/__init__.py", "gridgov/scenarios/chengdu_wuhou/scenario.toml",
                  "gridgov/scenarios/chengdu_wuhou/layers.gpkg")

START_SCRIPT = r'''
import os, sys
plugins = sys.argv[1]
sys.path.insert(0, plugins)
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
import qgis.utils
qgis.utils.plugin_paths[:] = [plugins]
qgis.utils.updateAvailablePlugins()
assert "gridgov" in qgis.utils.available_plugins, qgis.utils.available_plugins
assert qgis.utils.pluginMetadata("gridgov", "name") == "GridGov"
import gridgov
where = os.path.realpath(gridgov.__file__)
assert where.startswith(os.path.realpath(plugins)), f"imported the wrong gridgov: {where}"
from qgis.gui import QgsMapCanvas, QgsMessageBar
from qgis.PyQt.QtWidgets import QMainWindow, QToolBar


class Iface:
    """The part of QgisInterface the plugin uses at start-up and unload."""

    def __init__(self):
        self.window, self.canvas, self.bar = QMainWindow(), QgsMapCanvas(), QgsMessageBar()
        self.menus = []

    def mainWindow(self): return self.window
    def mapCanvas(self): return self.canvas
    def messageBar(self): return self.bar
    def addDockWidget(self, area, dock): self.window.addDockWidget(area, dock)
    def removeDockWidget(self, dock): self.window.removeDockWidget(dock)
    def addToolBar(self, name): return self.window.addToolBar(name)
    def addPluginToMenu(self, menu, action): self.menus.append(action)
    def removePluginMenu(self, menu, action): self.menus.remove(action)
    def removeToolBarIcon(self, action): pass


iface = Iface()
plugin = gridgov.classFactory(iface)
plugin.initGui()
assert plugin.dock is not None and len(iface.menus) >= 1
assert QgsApplication.processingRegistry().providerById("gridgov") is not None
assert plugin.controller.scenario.open_sample(), plugin.dock.scenario_panel.status.text()
plugin.unload()
assert not iface.menus
from gridgov.engine.cli import main
code = main(["validate", os.path.join(plugins, "gridgov", "scenarios", "chengdu_wuhou")])
assert code == 0, f"gridgov validate on the bundled sample exited {code}"
print("check: plugin starts from the ZIP and validates its sample")
app.exitQgis()
'''


def check_structure(zip_path: str) -> list[str]:
    problems = []
    with zipfile.ZipFile(zip_path) as zf:
        bad = zf.testzip()
        if bad:
            problems.append(f"corrupt entry {bad}")
        names = zf.namelist()
        if not names:
            return ["empty ZIP"]
        tops = {n.split("/", 1)[0] for n in names}
        if tops != {"gridgov"}:
            problems.append(f"top-level entries must be only gridgov/, found {sorted(tops)}")
        metas = sorted(n for n in names if n.endswith("metadata.txt"))
        if not metas or metas[0] != "gridgov/metadata.txt":
            problems.append(f"QGIS would read the plugin name from {metas[:1]}, not gridgov/metadata.txt")
        for n in names:
            parts = PurePosixPath(n).parts
            if FORBIDDEN_PARTS.intersection(parts) or n.endswith(FORBIDDEN_SUFFIXES):
                problems.append(f"must not be packaged: {n}")
        for req in REQUIRED_FILES:
            if req not in names:
                problems.append(f"missing {req}")
        if not any(n.startswith("gridgov/resources/styles/") and n.endswith(".qml") for n in names):
            problems.append("no QML styles in resources/styles/")
        if "gridgov/metadata.txt" in names:
            cp = configparser.ConfigParser()
            cp.read_string(zf.read("gridgov/metadata.txt").decode("utf-8"))
            general = cp["general"] if cp.has_section("general") else {}
            for key in REQUIRED_KEYS:
                if not general.get(key):
                    problems.append(f"metadata.txt: missing {key}")
            if "plugin_dependencies" in general and not general["plugin_dependencies"].strip():
                problems.append("metadata.txt: empty plugin_dependencies= breaks QGIS 3.22's Install from ZIP")
            icon = general.get("icon", "")
            if icon and f"gridgov/{icon}" not in names:
                problems.append(f"metadata.txt: icon {icon} is not in the ZIP")
        init = zf.read("gridgov/__init__.py").decode("utf-8") if "gridgov/__init__.py" in names else ""
        if "def classFactory" not in init:
            problems.append("__init__.py has no classFactory")
    return problems


def check_startup(zip_path: str) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="gridgov-zipcheck-") as plugins:
        with zipfile.ZipFile(zip_path) as zf:
            zf.extractall(plugins)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
        env.setdefault("NUMBA_CACHE_DIR", os.path.join(plugins, ".numba_cache"))
        proc = subprocess.run([sys.executable, "-c", START_SCRIPT, plugins], cwd=plugins, env=env,
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            tail = (proc.stdout + proc.stderr).strip().splitlines()[-15:]
            return ["plugin does not start from the extracted ZIP:\n    " + "\n    ".join(tail)]
        print(proc.stdout.strip())
    return []


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    problems = check_structure(argv[0])
    if not problems:
        problems = check_startup(argv[0])
    for p in problems:
        print(f"check_plugin_zip: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
