"""GridGov engine: scenario → network → circles → demand → simulation → score → report.

Use cases (validate, circles, simulate, run, score, compare, batch) live in ``workflows/``, one
module each; the CLI (``commands/``), the plugin and Dask tasks only call them.  See
docs/architecture.md.

Pure Python + NumPy/Numba/SimPy/networkx/scipy/shapely/GDAL (osgeo).  It never imports Qt
or qgis (tests/test_engine_isolation.py checks it in a subprocess), so it runs in the CLI,
on Dask workers and inside the QGIS plugin alike.
"""
__all__ = ["__version__"]
__version__ = "0.1.0"
