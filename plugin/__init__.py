"""GridGov QGIS plugin: dock, tasks, Processing provider and QGIS ⇄ engine adapters.

Layers (couteau/qgis_redistricting style): ``services/`` adapts QGIS objects to the engine,
``tasks/`` runs engine work as ``QgsTask``, ``gui/`` holds widgets only, ``processing/`` the
provider and one module per algorithm.
"""
