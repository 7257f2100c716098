"""``gridgov params``: print every scenario parameter with its default, unit and source."""
from __future__ import annotations

NAME = "params"
HELP = "list scenario parameters, defaults and their sources (Markdown)"


def add_arguments(parser) -> None:
    pass


def run(args) -> int:
    from ..params import markdown_table

    print(markdown_table())
    return 0
