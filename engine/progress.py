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
    """A tqdm bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, desc: str = "gridgov"):
        import sys

        from tqdm import tqdm

        self._bar = tqdm(total=1000, desc=desc, unit="‰", leave=True, file=sys.stderr,
                         bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed} {postfix}")
        self._last = 0
        super().__init__(self._update)

    def _update(self, fraction: float, message: str) -> None:
        n = int(fraction * 1000)
        if n > self._last:
            self._bar.update(n - self._last)
            self._last = n
        if message:
            self._bar.set_postfix_str(message, refresh=True)

    def close(self) -> None:
        self._bar.close()


NULL = Progress()
