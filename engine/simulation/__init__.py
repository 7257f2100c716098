"""Closed-loop incident response simulation: SimPy reference model + Numba event engine.

Both engines consume the same pre-drawn random streams (``streams.py``) and give identical
per-incident results; ``simulate_scenario`` is the entry point used by the CLI, the scorer,
the reports and the batch runner.
"""
from __future__ import annotations

from .run import SimulationResult, simulate_scenario

__all__ = ["SimulationResult", "simulate_scenario"]
