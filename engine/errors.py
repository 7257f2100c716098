"""Errors that name what is wrong and where: file, layer, feature id, field."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    message: str
    file: str = ""
    layer: str = ""
    fid: int | str | None = None
    field: str = ""
    severity: str = "error"  # "error" stops a run; "warning" is reported and the run goes on

    def __str__(self) -> str:
        where = [self.file or "?"]
        if self.layer:
            where.append(f"layer '{self.layer}'")
        if self.fid is not None:
            where.append(f"feature {self.fid}")
        if self.field:
            where.append(f"field '{self.field}'")
        tag = "" if self.severity == "error" else f"[{self.severity}] "
        return f"{tag}{', '.join(where)}: {self.message}"


class GridGovError(Exception):
    """A user-facing error: the CLI prints it without a traceback and exits non-zero."""

    exit_code = 1


class UsageError(GridGovError):
    """Command-line options that cannot work (alone or together): exit 2, as argparse does."""

    exit_code = 2


class ValidationError(GridGovError):
    """Input data is wrong; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) found"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class Cancelled(GridGovError):
    """The user cancelled a long computation (QgsTask cancel, Ctrl-C)."""

    exit_code = 130
