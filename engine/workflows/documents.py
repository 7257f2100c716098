"""What every output document says about its scenario, under the same key and in the same shape.

``scores.json`` (run, score), ``simulation.json`` (simulate), ``circles.json`` (circles) and
the inputs of ``compare.json`` carry ``"scenario": {"name", "path", "synthetic"}``, so a reader
never has to guess which file came from which scenario or whether its data are synthetic.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..scenario.model import Scenario


def scenario_block(scenario: Scenario) -> dict[str, Any]:
    return {"name": scenario.name, "path": str(Path(scenario.path).resolve()),
            "synthetic": bool(scenario.meta.get("synthetic", False))}
