"""What the CLI does to its output folder beyond what the workflows write."""
from __future__ import annotations

from pathlib import Path


def drop_stale_pdf(pdf: Path, command: str) -> None:
    """With --no-pdf, a PDF left in OUT by an earlier run would contradict the new HTML and
    scores: remove it (it is our own output file) and say so."""
    import sys

    if pdf.is_file():
        pdf.unlink()
        print(f"gridgov {command}: removed {pdf} from an earlier run (not rewritten with --no-pdf)", file=sys.stderr)
