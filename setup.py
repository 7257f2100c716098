"""Package list for setuptools.

The repository root is the QGIS plugin folder and is installed as the import
package ``gridgov``; ``find_packages`` cannot see a renamed root, so the
sub-packages are found relative to it and prefixed here.  Everything else is in
pyproject.toml.
"""
from setuptools import find_packages, setup

SUBPACKAGES = find_packages(".", include=["engine", "engine.*", "plugin", "plugin.*"])
setup(packages=["gridgov"] + [f"gridgov.{name}" for name in SUBPACKAGES])
