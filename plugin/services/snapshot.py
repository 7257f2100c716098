"""Write the layout being edited (layers with unsaved edits) as a scenario folder.

Comparing "edited vs saved" needs the edit buffer on disk in the scenario format: the saved
folder is copied and every scenario layer with pending edits is rewritten into the copy's
layers.gpkg (feature iteration of an editable layer includes its edit buffer).  The user's
own files are never touched.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from qgis.core import QgsProject, QgsVectorFileWriter, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication

from .state import ScenarioState


def write_layer(layer: QgsVectorLayer, gpkg: Path, name: str) -> None:
    """Replace layer ``name`` of ``gpkg`` with the features of ``layer`` (edits included)."""
    opts = QgsVectorFileWriter.SaveVectorOptions()
    opts.driverName = "GPKG"
    opts.layerName = name
    opts.fileEncoding = "UTF-8"
    opts.actionOnExistingFile = (QgsVectorFileWriter.CreateOrOverwriteLayer if gpkg.exists()
                                 else QgsVectorFileWriter.CreateOrOverwriteFile)
    result = QgsVectorFileWriter.writeAsVectorFormatV3(layer, str(gpkg), QgsProject.instance().transformContext(), opts)
    if result[0] != QgsVectorFileWriter.NoError:
        raise ValueError(QCoreApplication.translate("GridGovSnapshot", "{0}: cannot write layer '{1}': {2}")
                         .format(gpkg, name, result[1]))


def snapshot_edited(state: ScenarioState, dest: str | Path) -> Path:
    """A copy of the open scenario with its unsaved edits applied; returns the new folder.

    Raises ValueError when no scenario is open or it has no pending edits (nothing to compare).
    """
    if state.scenario_dir is None:
        raise ValueError(QCoreApplication.translate("GridGovSnapshot", "No scenario is open."))
    edited = {name: state.layer(name) for name in state.layer_ids}
    edited = {n: lyr for n, lyr in edited.items() if lyr is not None and lyr.isEditable() and lyr.isModified()}
    if not edited:
        raise ValueError(QCoreApplication.translate(
            "GridGovSnapshot", "The open scenario has no unsaved edits to compare with its saved version."))
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(state.scenario_dir, dest, ignore=shutil.ignore_patterns("out", "*.gpkg-wal", "*.gpkg-shm"))
    for name, layer in edited.items():
        write_layer(layer, dest / "layers.gpkg", name)
    _rename(dest / "scenario.toml", f"{state.name} (edited)")
    return dest


def _rename(toml: Path, name: str) -> None:
    """Give the copy its own scenario name so reports tell it from the saved version."""
    import json
    import re

    text = toml.read_text(encoding="utf-8")
    new, n = re.subn(r'(?m)^(\s*name\s*=\s*)(["\']).*?\2\s*$', lambda m: m.group(1) + json.dumps(name, ensure_ascii=False),
                     text, count=1)
    if n:
        toml.write_text(new, encoding="utf-8")
