"""What every JSON output says about its scenario, under the same key and in the same shape.

``scores.json`` (run, score), ``simulation.json`` (simulate) and ``circles.json`` (circles) all
carry ``"scenario": {"name", "path", "synthetic"}``, so a reader never has to guess which file
came from which scenario or whether its data are synthetic.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any


def scenario_block(scenario) -> dict[str, Any]:
    return {"name": scenario.name, "path": str(Path(scenario.path).resolve()),
            "synthetic": bool(scenario.meta.get("synthetic", False))}


def drop_stale_pdf(pdf: Path, command: str) -> None:
    """With --no-pdf, a PDF left in OUT by an earlier run would contradict the new HTML and
    scores: remove it (it is our own output file) and say so."""
    import sys

    if pdf.is_file():
        pdf.unlink()
        print(f"gridgov {command}: removed {pdf} from an earlier run (not rewritten with --no-pdf)", file=sys.stderr)
