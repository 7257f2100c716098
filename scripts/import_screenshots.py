"""Screenshots of the gridgov:import Processing dialog in a real QGIS (run by ``qgis --code``;
scripts/import_screenshots.sh starts it under Xvfb).  Two dialogs: OSM only, and project layers
plus a household register.  Writes OUT/import_osm.png, OUT/import_layers.png (+ the suffix), OUT/import_shots.json.

Environment: GRIDGOV_SITE (the venv's site-packages: the editable gridgov install),
GRIDGOV_SHOTS_OUT, GRIDGOV_SHOTS_SUFFIX, GRIDGOV_OSM (an .osm.pbf), GRIDGOV_ROADS, GRIDGOV_BUILDINGS, GRIDGOV_REGISTER.
"""
from __future__ import annotations

import json
import os
import site
import traceback
from pathlib import Path

from qgis.core import QgsApplication, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication

site.addsitedir(os.environ["GRIDGOV_SITE"])
OUT = Path(os.environ.get("GRIDGOV_SHOTS_OUT", "out")).resolve()
SUFFIX = os.environ.get("GRIDGOV_SHOTS_SUFFIX", "")    # "_zh" for the Chinese dialogs
STATE = {"ok": False, "shots": [], "errors": []}


def shoot(params: dict, name: str) -> None:
    import processing

    dlg = processing.createAlgorithmDialog("gridgov:import", params)
    dlg.resize(760, 900)
    dlg.show()
    for _ in range(20):
        QApplication.processEvents()
    path = OUT / f"{name}{SUFFIX}.png"
    dlg.grab().save(str(path))
    STATE["shots"].append(str(path))
    dlg.close()


def main() -> None:
    try:
        from processing.core.Processing import Processing

        Processing.initialize()
        from gridgov.plugin.i18n import install_translator
        from gridgov.plugin.processing.provider import GridGovProvider

        translator = install_translator()          # as the plugin does when QGIS loads it (keep a reference:
        STATE["translator"] = translator is not None   # a collected QTranslator uninstalls itself)

        registry = QgsApplication.processingRegistry()
        if registry.providerById("gridgov") is None:
            registry.addProvider(GridGovProvider())
        shoot({"OSM": os.environ["GRIDGOV_OSM"], "OUTPUT": str(OUT / "helsinki")}, "import_osm")
        roads = QgsVectorLayer(os.environ["GRIDGOV_ROADS"], "wuhou_roads", "ogr")
        blds = QgsVectorLayer(os.environ["GRIDGOV_BUILDINGS"], "buildings", "ogr")
        QgsProject.instance().addMapLayers([roads, blds])
        shoot({"ROADS": roads.id(), "BUILDINGS": blds.id(), "HOUSEHOLDS": os.environ["GRIDGOV_REGISTER"],
               "MAP": "id=BLDG_ID,floors=FLOORS", "COORDS": 2, "REGION_CODE": "510107",
               "OUTPUT": str(OUT / "wuhou_real")}, "import_layers")
        STATE["ok"] = True
    except Exception:  # noqa: BLE001 - recorded for the shell script, QGIS must still quit
        STATE["errors"].append(traceback.format_exc())
    (OUT / "import_shots.json").write_text(json.dumps(STATE, indent=2), encoding="utf-8")
    QgsApplication.exit(0)


QTimer.singleShot(1500, main)
