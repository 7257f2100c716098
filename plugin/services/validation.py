"""Validation of a scenario folder for the dock: the engine's one ``validate``, nothing added.

Every front end (CLI, Processing, dock) must list the same problems for the same folder, so the
dock never assembles checks of its own: it calls the engine's validate use case here.
"""
from __future__ import annotations

from pathlib import Path


def validate_folder(folder: str | Path) -> list:
    """Every problem (``engine.errors.Problem``, errors and warnings) of a scenario folder."""
    from ...engine.scenario import validate_scenario

    return validate_scenario(Path(folder))


def errors_of(problems: list) -> list:
    return [p for p in problems if getattr(p, "severity", "error") == "error"]


def warnings_of(problems: list) -> list:
    return [p for p in problems if getattr(p, "severity", "error") != "error"]
