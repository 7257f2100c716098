"""Validation of a scenario folder for the dock: the engine's one ``validate``, nothing added.

Every front end (CLI, Processing, dock) must list the same problems for the same folder, so the
dock never assembles checks of its own: it calls the engine's validate use case here.
"""
from __future__ import annotations

from pathlib import Path


def validate_folder(folder: str | Path) -> list:
    """Every problem (``engine.errors.Problem``, errors and warnings) of a scenario folder."""
    from ...engine.workflows.validate import validate

    return validate(Path(folder)).problems


def errors_of(problems: list) -> list:
    return [p for p in problems if getattr(p, "severity", "error") == "error"]


def warnings_of(problems: list) -> list:
    return [p for p in problems if getattr(p, "severity", "error") != "error"]


def validate_task(folder: str | Path):
    """``validate_folder`` as a background task (result: the problem list)."""
    from qgis.PyQt.QtCore import QCoreApplication

    from ..tasks.engine_task import EngineTask

    folder = Path(folder)
    title = QCoreApplication.translate("ScenarioPanel", "GridGov: checking {0}").format(folder.name)
    return EngineTask(title, lambda _progress: validate_folder(folder))
