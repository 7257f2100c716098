"""What the CLI does to its output folder beyond what the workflows write."""
from __future__ import annotations

from pathlib import Path


def stale_pdf(pdf: Path, no_pdf: bool) -> Path | None:
    """With --no-pdf, a PDF left in OUT by an earlier run would contradict the new HTML and scores:
    the workflow removes it with the new set (engine/outputs.py); this notes it beforehand."""
    return pdf if no_pdf and pdf.is_file() else None


def say_removed(pdf: Path | None, command: str) -> None:
    import sys

    if pdf is not None and not pdf.exists():
        print(f"gridgov {command}: removed {pdf} from an earlier run (not rewritten with --no-pdf)", file=sys.stderr)
