"""The Edit tab's validation list, computed off the GUI thread.

The polygon overlay (gaps/overlaps) takes up to a few hundred ms on a city, so it runs as a
background task on a snapshot of the layout (``LiveStats.findings_job``); edits go on
meanwhile.  Each request supersedes the previous one (its task is dropped), so a slow old
check can never overwrite a newer list; the result is adopted into the live statistics'
cache only if it belongs to the adapter still attached.
"""
from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication, QObject, pyqtSignal

from ..tasks.engine_task import EngineTask
from .runner import TaskRunner


class FindingsChecker(QObject):
    started = pyqtSignal()
    found = pyqtSignal(list)          # engine.live.Finding
    failed = pyqtSignal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.runner = TaskRunner(self)

    @property
    def pending(self) -> bool:
        return self.runner.busy

    def check(self, adapter, wait: bool = False) -> None:
        """Check the layout ``adapter`` keeps (its pending edits first); ``wait`` computes in
        the calling thread (scripts that screenshot the list right away)."""
        adapter.flush()
        job = adapter.live.findings_job()

        def done(ok: bool, result, error: str) -> None:
            if not ok:
                self.failed.emit(error)
                return
            adapter.live.adopt(job)
            self.found.emit(list(result))

        if wait:
            self.runner.run_now(lambda _progress: job.run(), done)
            return
        self.started.emit()
        title = QCoreApplication.translate("EditPanel", "GridGov: checking the layout")
        self.runner.start(EngineTask(title, lambda _progress: job.run()), done)

    def drop(self) -> None:
        """Forget the running check: its result is stale (a newer request or a detach)."""
        self.runner.drop()
