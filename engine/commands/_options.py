"""Options shared by several sub-commands, so the same meaning has the same name, type and check.

Argument types raise ``argparse.ArgumentTypeError`` (argparse prints the option name, usage and
exits 2); ``check_out_dir`` runs before any computation so a wrong ``--out`` costs nothing.
"""
from __future__ import annotations

import argparse
import math
import os
import tempfile
from pathlib import Path

from ..errors import GridGovError, UsageError
from ..params import DEFAULTS

MAX_DAYS = DEFAULTS["simulation"]["days"].bounds[1]  # the schema's bound of [simulation] days


def days_type(text: str) -> float:
    """``--days``: a finite number of simulated days in (0, MAX_DAYS]; fractions allowed."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of days") from None
    if not (math.isfinite(value) and 0 < value <= MAX_DAYS):
        raise argparse.ArgumentTypeError(f"must be a number of days in (0, {MAX_DAYS:g}], got {text}")
    return value


def whole_number_type(minimum: int):
    """An argparse type: a whole number ≥ ``minimum`` (``--seed``, ``--replications``,
    ``--workers``, ``--runs-per-task``)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be a whole number ≥ {minimum}, got {text}")
        return value
    parse.__name__ = "whole number"  # argparse names the type in its own messages
    return parse


#: ``--seed``: NumPy seeds cannot be negative; ``--replications``: at least one run
seed_type = whole_number_type(0)
replications_type = whole_number_type(1)


def seconds_type(text: str) -> float:
    """A finite number of seconds > 0 (``--connect-timeout``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0, got {text}")
    return value


def scheduler_type(text: str) -> str:
    """``--scheduler``: a Dask address, ``[protocol://]host:port`` (connecting is checked later)."""
    import re

    if not re.fullmatch(r"([a-z][a-z0-9+.-]*://)?\S+:\d+", text.strip()) and "://" not in text:
        raise argparse.ArgumentTypeError(f"{text!r} is not a Dask scheduler address; expected e.g. tcp://10.0.0.5:8786")
    return text.strip()


def out_type(text: str) -> str:
    """``--out``: any non-blank path (whether it can be written is checked by ``check_out_dir``)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("empty path (give an output folder)")
    return text


def add_replications(parser, per_scenario: bool = False) -> None:
    whose = "each scenario's" if per_scenario else "the scenario's"
    parser.add_argument("--replications", type=replications_type, metavar="R",
                        help=f"simulation replications on common random numbers; every simulated metric gets a "
                             f"mean and a 95%% interval (default: {whose} [simulation] replications, 20)")


def add_out(parser, help_text: str = "output folder (created if missing)") -> None:
    parser.add_argument("--out", required=True, metavar="OUT", type=out_type, help=help_text)


def add_days_seed(parser, per_scenario: bool = False) -> None:
    whose = "each scenario's" if per_scenario else "the scenario's"
    parser.add_argument("--days", type=days_type, metavar="DAYS",
                        help=f"simulated days, fractions allowed (default: {whose} [simulation] days)")
    parser.add_argument("--seed", type=seed_type, metavar="SEED",
                        help=f"random seed, a whole number ≥ 0 (default: {whose} [simulation] seed)")


def add_lang_pdf(parser) -> None:
    parser.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"], help="report language (default zh_CN)")
    parser.add_argument("--no-pdf", action="store_true", help="write only the HTML report")


def add_quiet(parser, what: str = "no progress bar, no summary") -> None:
    parser.add_argument("--quiet", action="store_true", help=what)


def check_out_dir(path: str | os.PathLike, inputs: tuple = ()) -> Path:
    """Fail fast, before minutes of computing, when ``--out`` cannot be a writable folder.

    Nothing is created: the nearest existing ancestor must be a folder we can write in
    (probed with a real temporary file, since ``os.access`` is always true for root).
    ``--out`` may not be one of the ``inputs`` scenario folders: outputs would mix with the
    scenario (and a scenario folder holding scores.json reads as a finished run afterwards).
    """
    out = Path(path)
    if str(path).strip() == "":
        raise UsageError("--out: empty path (give an output folder)")
    for src in inputs:
        src = Path(src)
        src = src.parent if src.name == "scenario.toml" else src
        if (src / "scenario.toml").is_file() and out.resolve() == src.resolve():
            raise UsageError(f"--out {out} is the scenario folder {src} itself: choose a separate output folder")
    if out.exists() and not out.is_dir():
        raise GridGovError(f"--out {out}: is a file, not a folder (choose another path or remove the file)")
    probe = out
    while not probe.exists():
        if probe.is_symlink():
            raise GridGovError(f"--out {out}: {probe} is a broken symbolic link")
        probe = probe.parent
    if not probe.is_dir():
        raise GridGovError(f"--out {out}: cannot create the folder because {probe} is a file")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".gridgov-probe-", dir=probe)
    except OSError as exc:
        raise GridGovError(f"--out {out}: cannot write in {probe}: {exc.strerror or exc}") from None
    os.close(fd)
    os.unlink(tmp)
    return out
