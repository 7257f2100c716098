"""Progress and cancellation, independent of the front end.

The engine calls ``progress(fraction, message)`` and checks ``progress.cancelled``.  The CLI
passes a terminal bar (tqdm), the plugin a QgsTask adapter, tests nothing at all.
"""
from __future__ import annotations

from typing import Callable

from .errors import Cancelled


class Progress:
    """Base: silent, never cancelled.  Subclasses override ``update`` / ``cancelled``."""

    def __init__(self, callback: Callable[[float, str], None] | None = None,
                 is_cancelled: Callable[[], bool] | None = None):
        self._callback = callback
        self._is_cancelled = is_cancelled

    @property
    def cancelled(self) -> bool:
        return bool(self._is_cancelled and self._is_cancelled())

    def __call__(self, fraction: float, message: str = "") -> None:
        if self.cancelled:
            raise Cancelled("cancelled by the user")
        if self._callback:
            self._callback(min(max(fraction, 0.0), 1.0), message)

    def sub(self, start: float, stop: float) -> "Progress":
        """A progress for one stage that maps its 0..1 onto ``start..stop`` of this one."""
        parent = self
        return Progress(lambda f, m: parent(start + (stop - start) * f, m), lambda: parent.cancelled)


class TerminalProgress(Progress):
    """A tqdm bar on a terminal; one plain line per stage when stderr is a file or a pipe (logs,
    CI), instead of a bar redrawn with carriage returns."""

    def __init__(self, desc: str = "gridgov"):
        import sys

        self._desc = desc
        self._stream = sys.stderr
        self._last = 0
        self._message = None
        self._bar = None
        if self._stream.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=1000, desc=desc, unit="‰", leave=True, file=self._stream,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed} {postfix}")
        super().__init__(self._update)

    def _update(self, fraction: float, message: str) -> None:
        n = int(fraction * 1000)
        if self._bar is None:
            if message and message != self._message:
                self._stream.write(f"{self._desc}: {n / 10:3.0f}% {message}\n")
                self._stream.flush()
                self._message = message
            return
        if n > self._last:
            self._bar.update(n - self._last)
            self._last = n
        if message:
            self._bar.set_postfix_str(message, refresh=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


NULL = Progress()
