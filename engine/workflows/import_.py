"""The ``import`` use case: a new scenario folder from OpenStreetMap, the planner's layers and a
household register (``engine/ingest``), then checked by ``validate`` like every scenario.

Front ends (``gridgov import``, the Processing algorithm ``gridgov:import`` and the dock's
"New scenario from layers…") map their options onto ``ImportOptions`` and call ``import_scenario``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import ValidationError
from ..ingest import ImportOptions, ImportResult
from ..ingest import import_scenario as build_scenario
from ..progress import Progress
from .validate import Validation, validate

__all__ = ["ImportOptions", "ImportRun", "import_scenario", "summary_line"]


@dataclass
class ImportRun:
    result: ImportResult
    validation: Validation | None     # None when the check was skipped

    @property
    def problems(self) -> list:
        """The import's warnings, then the new scenario's own (validate) warnings."""
        return list(self.result.problems) + (self.validation.warnings if self.validation else [])


def import_scenario(options: ImportOptions, progress: Progress | None = None, check: bool = True) -> ImportRun:
    """Build ``options.out``; with ``check`` validate it (an error there is reported, located)."""
    result = build_scenario(options, progress)
    if not check:
        return ImportRun(result, None)
    if progress is not None:
        progress(0.95, "validating the new scenario")
    validation = validate(result.path)
    if not validation.ok:
        raise ValidationError(validation.errors)
    return ImportRun(result, validation)


def summary_line(run: ImportRun) -> str:
    s = run.result.summary
    return (f"imported {run.result.path}: {s['roads']} roads, {s['units']} units ({s['households']} households), "
            f"{s['communities']} communities, {s['general']} general / {s['micro']} micro / {s['dedicated']} "
            f"dedicated grids, {s['facilities']} facilities, CRS {s['crs']}; {len(run.problems)} warning(s)")
