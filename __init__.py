"""GridGov QGIS plugin entry point (the repository root is the plugin folder).

Importing the package must stay cheap and free of Qt so that ``gridgov.engine`` works
without QGIS; the plugin itself is imported only when QGIS calls ``classFactory``.
"""


def classFactory(iface):  # noqa: N802  (name fixed by QGIS)
    from .plugin.main import GridGovPlugin

    return GridGovPlugin(iface)
