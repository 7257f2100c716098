"""Closed-loop incident response simulation: SimPy reference model + Numba event engine.

Both engines consume the same pre-drawn random streams (``streams.py``) and give identical
per-incident results; ``simulate_scenario`` is the entry point used by the CLI, the scorer,
the reports and the batch runner.
"""
