"""Use cases: one module per thing a user asks GridGov to do.

A workflow owns, for its use case:
  * the compute steps: which stages run (``scenario`` → ``circles`` → ``simulation`` →
    ``score`` → ``report``), in which order, with which options;
  * its output writers, in one clearly named ``write_*`` function per output set;
  * the shape of its documents (``simulation.json``, ``circles.json``, ``scores.json``,
    ``compare.json``, ``results.gpkg`` …), every one carrying the same ``scenario`` block
    (``documents.scenario_block``).
Front ends — CLI commands (``engine/commands``), Processing algorithms and dock tasks
(``plugin/``), Dask batch tasks (``engine/batch/runner.py``) — only map their parameters onto a
workflow, report progress and print; they never assemble stages themselves.  A new use case
(import, optimise, …) is a new module here in the same shape: a typed result dataclass, a
function computing it, ``write_*`` functions for its outputs.

``validate`` is the gate of every workflow: it runs every check the stages make, so ``run``
never finds a problem that ``validate`` passed.
"""
