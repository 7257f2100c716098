"""Output folders that change all at once: one writer per folder, a set of files published together.

Every use case that writes a folder (run, score, compare, circles, simulate) goes through
``output_set(out, command)``:

* **lock** — ``OUT/.gridgov.lock`` is held (``flock``, released by the kernel even on ``kill -9``)
  from before the first computation to the last rename, so two commands cannot interleave their
  files in one OUT; the second one stops at once, naming the holder's PID.
* **stage** — the new files are written into a hidden staging folder inside OUT (same filesystem,
  so every move is a rename).
* **publish** — a journal ``OUT/.gridgov-outputs.json`` is written *before* the first rename
  (``complete: false``, naming the staging folder and the files) and removed *after the last*.
  Ctrl-C or SIGTERM during the renames lets them finish first; after a ``kill -9`` or a power
  cut the journal is still there, readers (``require_complete``) refuse the mixed folder, and
  the next command into OUT rolls the publish forward from the complete staging folder.  So a
  new report.html is never taken together with an old scores.json.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .atomic import remove_dead_temporaries, write_text
from .errors import GridGovError

LOCK_NAME = ".gridgov.lock"
JOURNAL_NAME = ".gridgov-outputs.json"
STAGE_PREFIX = ".gridgov-stage-"


class OutputError(GridGovError):
    """An output folder cannot be written (full disk, no permission, locked): exit 1, path named."""


def os_problem(exc: OSError, path: str | os.PathLike | None = None) -> OutputError:
    """A user-facing error naming the path and the cause (``No space left on device`` …)."""
    where = exc.filename or path
    what = exc.strerror or str(exc) or type(exc).__name__
    hint = {errno.ENOSPC: " (free some space or write elsewhere)",
            errno.EFBIG: " (a file size limit was reached: write elsewhere or raise the limit)",
            errno.EDQUOT: " (free some space or write elsewhere)",
            errno.EACCES: " (no permission: write elsewhere or fix the folder's permissions)",
            errno.EROFS: " (write elsewhere)"}.get(exc.errno, "")
    return OutputError(f"{where}: {what}{hint}" if where else f"{what}{hint}")


def write_failure(path: str | os.PathLike, detail: str = "") -> OutputError:
    """A writer that reports no errno (GDAL) failed: name the file and what the disk says."""
    folder = Path(path).parent
    cause = detail.strip()
    try:
        st = os.statvfs(folder)
        if st.f_bavail * st.f_frsize < 1 << 20:
            cause = "No space left on device"
    except (OSError, AttributeError):  # AttributeError: no statvfs on Windows
        pass
    return OutputError(f"{path}: cannot write ({cause or 'is the disk full or the folder not writable?'})")


@dataclass
class Staging:
    """Where a use case writes (``dir``) and where its files will appear (``out``)."""

    dir: Path
    out: Path
    removals: set[str] = field(default_factory=set)

    def final(self, path: str | os.PathLike) -> Path:
        """The published path of a file written under ``dir``."""
        return self.out / Path(path).relative_to(self.dir)

    def finals(self, paths: dict) -> dict:
        return {k: self.final(p) for k, p in paths.items()}

    def remove(self, name: str) -> None:
        """Delete ``OUT/name`` when the set is published (e.g. a report.pdf not rewritten)."""
        if (self.out / name).exists():
            self.removals.add(name)


@contextlib.contextmanager
def output_set(out: str | os.PathLike, command: str) -> Iterator[Staging]:
    """Lock ``out``, yield a ``Staging``; on success publish everything written into it at once.

    On an exception nothing in ``out`` changes (a folder created for this command is removed
    again when it is left empty).
    """
    out = Path(out)
    with output_lock(out, command):
        recover(out)
        stage = _new_stage(out)
        try:
            staging = Staging(stage, out)
            try:
                yield staging
            except OSError as exc:  # e.g. a full disk while writing: name the file, or OUT
                raise _as_final(os_problem(exc, out), staging) from exc
            except OutputError as exc:
                raise _as_final(exc, staging) from exc.__cause__
            publish(staging, command)
        finally:
            shutil.rmtree(stage, ignore_errors=True)


def _as_final(exc: OutputError, staging: Staging) -> OutputError:
    """The same error naming OUT/file instead of the hidden staging path the user never sees."""
    return OutputError(str(exc).replace(str(staging.dir), str(staging.out)))


@contextlib.contextmanager
def output_lock(out: Path, command: str) -> Iterator[None]:
    """Hold ``OUT/.gridgov.lock`` exclusively; raise naming the holder when another has it."""
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise os_problem(exc, out) from None
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; documented as "one command per output folder"
        fcntl = None
    path = out / LOCK_NAME
    fd = _acquire(path, fcntl, command) if fcntl else None
    try:
        yield
    finally:
        if fd is not None:
            with contextlib.suppress(OSError):
                path.unlink()  # before closing: a waiter that opened it re-checks the inode
            os.close(fd)
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()  # only succeeds when the command failed before publishing anything


def _acquire(path: Path, fcntl, command: str) -> int:
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise os_problem(exc, path) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise OutputError(f"{path.parent}: another gridgov command is writing there ({_holder(path)}); "
                              "wait for it to finish or choose another --out") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:  # not a lock file its previous holder unlinked while we were opening it
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()} gridgov {command}\n".encode())
            return fd
        os.close(fd)


def _holder(path: Path) -> str:
    try:
        pid, _, what = path.read_text(encoding="utf-8").strip().partition(" ")
    except OSError:
        return "PID unknown"
    return f"PID {pid}, {what}" if pid.isdigit() else "PID unknown"


def _new_stage(out: Path) -> Path:
    _remove_dead_stages(out)
    try:
        return Path(tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-", dir=out))
    except OSError as exc:
        raise os_problem(exc, out) from None


def _remove_dead_stages(out: Path) -> None:
    """Staging folders of commands that were killed before publishing (the journal names the one
    that was being published; ``recover`` has consumed it by now)."""
    for stale in out.glob(f"{STAGE_PREFIX}*-*"):
        pid = stale.name[len(STAGE_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and stale.is_dir() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)


def _alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) is a liveness probe only on POSIX
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but not ours
        return True
    return True


def publish(staging: Staging, command: str) -> list[str]:
    """Move every entry of ``staging.dir`` into ``staging.out`` under a journal (see module doc)."""
    names = sorted(p.name for p in staging.dir.iterdir())
    for name in names:  # refuse before the first rename, not half-way: a folder of the user's is kept
        target = staging.out / name
        if target.is_dir() and not (staging.dir / name).is_dir():
            raise OutputError(f"{target}: is a folder, not the file GridGov writes there; move it away or "
                              "choose another --out")
    removals = sorted(staging.removals - set(names))
    journal = {"command": command, "complete": False, "stage": staging.dir.name, "files": names,
               "removed": removals, "pid": os.getpid(), "time": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    _write_journal(staging.out, journal)
    _finish(staging.out, journal)
    return names


def _finish(out: Path, journal: dict) -> None:
    """Do the renames of ``journal`` (idempotent: a roll-forward skips what is already moved).

    Ctrl-C / SIGTERM arriving meanwhile is held back until the renames are done: they take
    milliseconds, and stopping half-way is exactly the mixed folder this module prevents.
    """
    stage = out / journal["stage"]
    interrupted: BaseException | None = None
    steps = [(name, False) for name in journal["files"]] + [(name, True) for name in journal["removed"]]
    for name, removal in steps:
        while True:
            try:
                _move_or_remove(stage / name, out / name, removal)
                break
            except KeyboardInterrupt as exc:
                interrupted = exc  # retry this entry, re-raise after the last one
            except OSError as exc:
                raise OutputError(f"{out / name}: {exc.strerror or exc} while replacing the outputs in {out}; "
                                  "the folder is incomplete until the same command is run again") from None
    try:
        (out / JOURNAL_NAME).unlink(missing_ok=True)  # no journal: the folder holds complete sets only
    except OSError as exc:
        raise os_problem(exc, out / JOURNAL_NAME) from None
    shutil.rmtree(stage, ignore_errors=True)
    for name in journal["files"]:  # temporaries of these files left by writers killed before this module
        remove_dead_temporaries(out / name)
    if interrupted is not None:
        raise interrupted


def _move_or_remove(src: Path, target: Path, removal: bool) -> None:
    if removal:
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
    elif src.exists() or src.is_symlink():  # else moved already (a roll-forward after a kill)
        if src.is_dir() and target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)  # an earlier set's folder of ours
        os.replace(src, target)


def _write_journal(out: Path, journal: dict) -> None:
    try:
        write_text(out / JOURNAL_NAME, json.dumps(journal, ensure_ascii=False, indent=1))
    except OSError as exc:
        raise os_problem(exc, out / JOURNAL_NAME) from None


def read_journal(out: Path) -> dict | None:
    try:
        doc = json.loads((Path(out) / JOURNAL_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def recover(out: Path) -> bool:
    """Finish a publish that a killed command left half-done (caller holds the lock).

    Returns True when something was rolled forward.
    """
    journal = read_journal(out)
    if not journal:  # present only while a publish is unfinished
        return False
    if not (out / str(journal.get("stage", ""))).is_dir():
        return False  # nothing left to move: readers keep refusing until a new complete publish
    _finish(out, journal)
    return True


def require_complete(folder: str | os.PathLike, what: str = "outputs") -> None:
    """For readers of a finished folder: refuse a set that a killed command left half-replaced.

    Rolls the interrupted publish forward when possible (nobody else writing there).
    """
    folder = Path(folder)
    journal = read_journal(folder)
    if not journal:  # present only while a publish is unfinished
        return
    try:
        with output_lock(folder, "recover"):
            recover(folder)
    except GridGovError:
        pass
    journal = read_journal(folder)
    if journal:
        raise GridGovError(f"{folder}: its {what} are incomplete ('gridgov {journal.get('command', '?')}' was stopped "
                           f"while replacing {', '.join(journal.get('files', []))}); run the command again "
                           "into this folder")
