"""engine/ must never import Qt or qgis: it runs in the CLI and on Dask workers without them."""
from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = r"""
import importlib, json, pkgutil, sys
import gridgov.engine as engine
failed = {}
for info in pkgutil.walk_packages(engine.__path__, prefix="gridgov.engine."):
    try:
        importlib.import_module(info.name)
    except Exception as exc:  # an import error is a failure of its own
        failed[info.name] = repr(exc)
forbidden = sorted(m for m in sys.modules
                   if m.split(".")[0] in {"PyQt5", "PyQt6", "PySide2", "PySide6", "sip", "qgis"})
print(json.dumps({"forbidden": forbidden, "failed": failed,
                  "modules": sorted(m for m in sys.modules if m.startswith("gridgov.engine"))}))
"""


def test_engine_imports_no_qt_or_qgis():
    env = {k: v for k, v in os.environ.items() if k not in {"MPLBACKEND", "QT_QPA_PLATFORM"}}
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert not result["failed"], result["failed"]
    assert result["forbidden"] == [], f"engine pulled in {result['forbidden']}"
    # the probe really walked the engine, not an empty package
    assert "gridgov.engine.params" in result["modules"]
    assert "gridgov.engine.cli" in result["modules"]


def test_cli_help_and_params_run_without_qgis():
    out = subprocess.run([sys.executable, "-m", "gridgov", "--help"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "validate" in out.stdout or "params" in out.stdout
    out = subprocess.run([sys.executable, "-m", "gridgov", "params"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0
    assert "events_per_1000_residents_month" in out.stdout
