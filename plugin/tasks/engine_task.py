"""Run one engine call as a ``QgsTask``: progress bar, cancel button, no frozen GUI.

The engine reports through ``engine.progress.Progress(callback, is_cancelled)``; this task
maps that onto ``QgsTask.setProgress`` / ``isCanceled`` and turns every failure into one
readable sentence (user errors as they are, missing packages as an install command, bugs
as a short line with the traceback only in the QGIS log).
"""
from __future__ import annotations

import traceback
from typing import Any, Callable

from qgis.core import Qgis, QgsMessageLog, QgsTask
from qgis.PyQt.QtCore import pyqtSignal

LOG_TAG = "GridGov"


def describe_error(exc: BaseException) -> str:
    """A one-paragraph explanation of ``exc`` for the message bar (never a traceback)."""
    from ..services import deps

    if isinstance(exc, ModuleNotFoundError):
        req = deps.requirement_for(exc.name or "")
        if req:
            return (f"Python package '{exc.name}' is missing. Install it with: "
                    f"{deps.install_command([req])}  — then restart QGIS.")
        return f"Python module '{exc.name}' is missing: {exc}"
    try:
        from ...engine.errors import Cancelled, GridGovError
    except ImportError:  # pragma: no cover - engine is part of the plugin
        Cancelled = GridGovError = ()  # type: ignore[assignment]
    if Cancelled and isinstance(exc, Cancelled):
        return "Cancelled."
    if GridGovError and isinstance(exc, GridGovError):
        return str(exc)
    return f"Unexpected error ({type(exc).__name__}: {exc}). Details are in the GridGov log panel."


class EngineTask(QgsTask):
    """``fn(progress) -> result`` in a worker thread; ``done`` fires in the GUI thread."""

    message = pyqtSignal(str)                 # latest stage message from the engine
    done = pyqtSignal(bool, object, str)      # ok, result, error text ("" when ok)

    def __init__(self, description: str, fn: Callable[[Any], Any]):
        super().__init__(description, QgsTask.CanCancel)
        self._fn = fn
        self.result: Any = None
        self.error: str = ""
        self.cancelled_by_user = False

    # worker thread ---------------------------------------------------------
    def run(self) -> bool:
        from ...engine.progress import Progress

        progress = Progress(self._report, self.isCanceled)
        try:
            self.result = self._fn(progress)
            return True
        except BaseException as exc:  # noqa: BLE001 - every failure becomes a message
            self.cancelled_by_user = self.isCanceled()
            self.error = "Cancelled." if self.cancelled_by_user else describe_error(exc)
            if not self.cancelled_by_user and not _is_user_error(exc):
                QgsMessageLog.logMessage(traceback.format_exc(), LOG_TAG, Qgis.Critical)
            return False

    def _report(self, fraction: float, text: str) -> None:
        self.setProgress(100.0 * fraction)
        if text:
            self.message.emit(text)

    # GUI thread ------------------------------------------------------------
    def finished(self, ok: bool) -> None:  # noqa: D401 - QgsTask API
        if not ok and not self.error:
            self.error = "Cancelled." if self.isCanceled() else "The task stopped without a result."
        self.done.emit(ok, self.result, "" if ok else self.error)


def disconnect_task(task: EngineTask) -> None:
    """Detach every receiver of a task's signals (its widgets are about to be deleted)."""
    for signal in (task.done, task.message, task.progressChanged):
        try:
            signal.disconnect()
        except TypeError:   # nothing connected
            pass


def _is_user_error(exc: BaseException) -> bool:
    if isinstance(exc, ModuleNotFoundError):
        return True
    try:
        from ...engine.errors import GridGovError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(exc, GridGovError)
