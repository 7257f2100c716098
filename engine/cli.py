"""``gridgov`` command line: one sub-command per module in ``engine/commands/``.

Each command module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args)``
returning an exit code.  User errors (``GridGovError``) print their message, never a
traceback, and exit non-zero.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .errors import GridGovError

# Order = order in --help.  Modules are imported lazily so that `gridgov validate` does not
# pay for Numba compilation or Dask start-up.
COMMANDS = ["validate", "run", "circles", "simulate", "score", "compare", "batch", "params"]


def _load(name: str):
    return importlib.import_module(f"{__package__}.commands.{name}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gridgov",
        description="GridGov: plan, simulate and compare city grid governance layouts (网格化治理).",
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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except GridGovError as exc:
        print(f"gridgov {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"gridgov {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
