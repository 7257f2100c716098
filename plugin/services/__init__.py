"""QGIS ⇄ engine adapters (no widgets): dependency check, layer loading and styling."""
