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
