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


def stale_pdf(pdf: Path, no_pdf: bool) -> Path | None:
    """With --no-pdf, a PDF left in OUT by an earlier run would contradict the new HTML and scores:
    the workflow removes it with the new set (engine/outputs.py); this notes it beforehand."""
    return pdf if no_pdf and pdf.is_file() else None


def say_removed(pdf: Path | None, command: str) -> None:
    import sys

    if pdf is not None and not pdf.exists():
        print(f"gridgov {command}: removed {pdf} from an earlier run (not rewritten with --no-pdf)", file=sys.stderr)
