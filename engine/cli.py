"""``gridgov`` command line: one sub-command per module in ``engine/commands/``.

Each command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args)``
returning an exit code.  User errors (``GridGovError``, and ``OSError`` on a path the user
named) print one paragraph, never a traceback, and exit 1; bad options exit 2 (argparse, and
``UsageError`` for options that cannot work together);
Ctrl-C exits 130; an unexpected exception is reported as an internal error (exit 3, the
traceback only with ``GRIDGOV_DEBUG=1``).
"""
from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys

from . import __version__
from .errors import GridGovError, UsageError

INTERNAL_ERROR = 3  # exit code of an unexpected exception (1 = bad input, 2 = bad options, 130 = Ctrl-C, 143 = SIGTERM)

# Order = order in --help.  Modules are imported lazily so that `gridgov validate` does not
# pay for Numba compilation or Dask start-up.
COMMANDS = ["import_", "validate", "run", "circles", "simulate", "score", "compare", "optimise", "batch", "params"]


SUBPARSERS: dict[str, argparse.ArgumentParser] = {}  # filled by build_parser: usage of each command


def _load(name: str):
    return importlib.import_module(f"{__package__}.commands.{name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gridgov",
        description="GridGov: plan, simulate and compare city grid governance layouts (网格化治理).",
        epilog="Run 'gridgov COMMAND --help' for a command's options. Exit codes: 0 done, 1 bad input "
               "(every problem is listed with file, layer, feature id and field), 2 bad command-line "
               "options, 3 internal error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).",
    )
    parser.add_argument("--version", action="version", version=f"gridgov {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            mod = _load(name)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(f"{__package__}.commands"):
                continue  # command not built yet in this checkout
            raise
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=getattr(mod, "DESCRIPTION", mod.HELP))
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
        SUBPARSERS[mod.NAME] = p
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # name the command and show its usage, not the top-level one
        SUBPARSERS.get(getattr(args, "command", None) or "", parser).error(
            f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    quiet_gdal = not os.environ.get("GRIDGOV_DEBUG") and "CPL_LOG" not in os.environ
    if quiet_gdal:
        # GDAL's own "Warning 1: ..." lines would come on top of our located Problems (failures
        # are exceptions, engine/gpkg.py): keep them for GRIDGOV_DEBUG=1 or an explicit CPL_LOG.
        os.environ["CPL_LOG"] = os.devnull
    previous = _terminate_like_ctrl_c()
    try:
        return int(args._run(args) or 0)
    except UsageError as exc:        # options checked after parsing: same shape as argparse's own
        SUBPARSERS[args.command].print_usage(sys.stderr)
        print(f"gridgov {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except GridGovError as exc:
        print(f"gridgov {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        what = "terminated" if isinstance(exc, Terminated) else "interrupted"
        print(f"gridgov {args.command}: {what} (outputs already in place are complete; "
              "nothing half-written was kept)", file=sys.stderr)
        return 143 if isinstance(exc, Terminated) else 130
    except BrokenPipeError:          # e.g. `gridgov params | head`: the reader left, not an error
        _silence_stdout()
        return 0
    except OSError as exc:           # a file or folder cannot be read or written (full disk, permissions)
        from .outputs import os_problem

        print(f"gridgov {args.command}: {os_problem(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:         # a bug: one paragraph for the user, the traceback on request
        if _caused_by_ctrl_c(exc):   # e.g. Ctrl-C during an import surfaces as ImportError
            print(f"gridgov {args.command}: interrupted", file=sys.stderr)
            return 130
        if os.environ.get("GRIDGOV_DEBUG"):
            raise
        print(f"gridgov {args.command}: internal error ({type(exc).__name__}: {exc}). This is a bug in "
              f"GridGov, not in your input; rerun with GRIDGOV_DEBUG=1 to see the traceback and report it.",
              file=sys.stderr)
        return INTERNAL_ERROR
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if quiet_gdal:  # main() called in-process (tests): leave the environment as found
            os.environ.pop("CPL_LOG", None)


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a job scheduler's time limit): unwound like Ctrl-C so that temporary
    files and staging folders are removed, instead of dying on the spot."""


def _terminate_like_ctrl_c():
    def handler(signum, frame):
        raise Terminated()

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (e.g. main() called from a worker thread)
        return None


def _caused_by_ctrl_c(exc: BaseException) -> bool:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the interpreter's final flush is quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
