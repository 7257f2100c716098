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
from qgis.PyQt.QtCore import QCoreApplication, pyqtSignal

LOG_TAG = "GridGov"


def _tr(text: str) -> str:
    return QCoreApplication.translate("EngineTask", text)


def cancelled_text() -> str:
    """The error text of a task the user cancelled (panels show it as information, not failure)."""
    return _tr("Cancelled.")


def describe_error(exc: BaseException) -> str:
    """A one-paragraph explanation of ``exc`` for the message bar (never a traceback)."""
    from ..services import deps

    if isinstance(exc, ModuleNotFoundError):
        req = deps.requirement_for(exc.name or "")
        if req:
            return _tr("Python package '{0}' is missing. Install it with: {1}  — then restart QGIS.").format(
                exc.name, deps.install_command([req]))
        return _tr("Python module '{0}' is missing: {1}").format(exc.name, exc)
    try:
        from ...engine.errors import Cancelled, GridGovError
    except ImportError:  # pragma: no cover - engine is part of the plugin
        Cancelled = GridGovError = ()  # type: ignore[assignment]
    if Cancelled and isinstance(exc, Cancelled):
        return cancelled_text()
    if GridGovError and isinstance(exc, GridGovError):
        return str(exc)
    return _tr("Unexpected error ({0}: {1}). Details are in the GridGov log panel.").format(type(exc).__name__, exc)


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
            self.error = cancelled_text() if self.cancelled_by_user else describe_error(exc)
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
            self.error = cancelled_text() if self.isCanceled() else _tr("The task stopped without a result.")
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
