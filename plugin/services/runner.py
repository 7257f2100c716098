"""Background jobs of one controller: at most one ``EngineTask`` at a time, off the GUI thread.

A controller asks ``start(task, done)``; the runner wires the task's progress and stage messages
to its own signals, hands the task to QGIS's task manager and calls ``done(ok, result, error)``
in the GUI thread when it ends.  ``drop()`` forgets a task whose result is stale (a newer request,
another scenario) without waiting for it; ``shutdown()`` also cancels it (plugin unload).
"""
from __future__ import annotations

from typing import Any, Callable

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QObject, pyqtSignal

from ..tasks.engine_task import EngineTask, disconnect_task

Done = Callable[[bool, Any, str], None]


class TaskRunner(QObject):
    progress = pyqtSignal(float)      # 0..100
    message = pyqtSignal(str)         # the engine's latest stage message

    def __init__(self, parent=None):
        super().__init__(parent)
        self.task: EngineTask | None = None

    @property
    def busy(self) -> bool:
        return self.task is not None

    def start(self, task: EngineTask, done: Done) -> EngineTask:
        """Run ``task`` in the background; ``done`` gets its outcome unless it is dropped first."""
        self.drop()
        self.task = task
        task.progressChanged.connect(self.progress.emit)
        task.message.connect(self.message.emit)
        task.done.connect(lambda ok, result, error: self._finished(task, done, ok, result, error))
        QgsApplication.taskManager().addTask(task)
        return task

    def run_now(self, fn: Callable[[Any], Any], done: Done) -> None:
        """The same contract in the calling thread (scripts that need the result at once)."""
        from ...engine.progress import NULL

        self.drop()
        try:
            result = fn(NULL)
        except Exception as exc:  # noqa: BLE001 - reported like a task failure
            from ..tasks.engine_task import describe_error

            done(False, None, describe_error(exc))
            return
        done(True, result, "")

    def _finished(self, task: EngineTask, done: Done, ok: bool, result: Any, error: str) -> None:
        if task is not self.task:
            return              # dropped meanwhile: a newer job owns the runner
        self.task = None
        done(ok, result, error)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def drop(self) -> None:
        """Forget the running task: its result is stale."""
        if self.task is not None:
            disconnect_task(self.task)
            self.task = None

    def shutdown(self) -> None:
        """Plugin unload: stop listening and cancel."""
        task = self.task
        self.drop()
        if task is not None:
            task.cancel()
