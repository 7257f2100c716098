"""Write outputs so that a failing or killed run never leaves a half-written file.

Everything is written to a temporary sibling and moved into place with ``os.replace``
(atomic on POSIX and Windows when on the same filesystem).
"""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success move it over ``path``.

    The temporary keeps the target's suffix so that drivers choosing a format by extension
    (GDAL's GPKG, matplotlib's PDF) still do.  On an exception the temporary is removed and
    the existing ``path`` (if any) is left untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_dead_temporaries(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.{os.getpid()}-", suffix=suffix or target.suffix,
                               dir=target.parent)
    os.close(fd)
    os.unlink(tmp)  # let the writer create it (GDAL refuses to open an empty file as GPKG)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            if tmp_path.is_dir():
                shutil.rmtree(tmp_path)
            else:
                tmp_path.unlink()
        raise


def remove_dead_temporaries(target: Path) -> None:
    """Temporaries of ``target`` left by a writer killed with SIGKILL (nothing could clean up).

    Their names carry the writer's PID; only those whose process is gone are removed.
    """
    if os.name != "posix":  # os.kill(pid, 0) is a liveness probe only on POSIX (it kills on Windows)
        return
    head = f".{target.stem}."
    for p in target.parent.glob(f"{glob.escape(head)}*-*"):
        pid = p.name[len(head):].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                shutil.rmtree(p) if p.is_dir() else p.unlink()
        except OSError:  # alive (another user's process) or cannot tell: keep it
            pass


def write_text(path: str | os.PathLike, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def swap_folder(tmp: Path, dest: Path) -> None:
    """Put the finished folder ``tmp`` at ``dest``: the old ``dest`` (if any) is moved aside first and
    removed only after the new one is in place, so ``dest`` is never half old and half new."""
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old.", dir=dest.parent))
        os.replace(dest, old / dest.name)
        os.replace(tmp, dest)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, dest)
