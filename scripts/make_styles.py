"""Generate the plugin's QML layer styles (resources/styles/*.qml) with PyQGIS.

The styles are committed; this script is how they were made, so a change of colours or of a
field name is one edit here and a re-run (``.venv/bin/python scripts/make_styles.py``), not
hand-edited XML.  Facility labels come from engine.vocab (English + Chinese), so a new
facility type gets a legend entry by re-running it.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "styles"

from qgis.core import (QgsApplication, QgsCategorizedSymbolRenderer, QgsFillSymbol, QgsGraduatedSymbolRenderer,  # noqa: E402
                       QgsLineSymbol, QgsMarkerSymbol, QgsPalLayerSettings, QgsRendererCategory,
                       QgsRendererRange, QgsRuleBasedRenderer, QgsTextBufferSettings, QgsTextFormat,
                       QgsUnitTypes, QgsVectorLayer, QgsVectorLayerSimpleLabeling)
from qgis.PyQt.QtGui import QColor, QFont  # noqa: E402

sys.path.insert(0, str(ROOT.parent))
from gridgov.engine import vocab  # noqa: E402

FONT = "Noto Sans CJK SC"
BAND_COLOURS = {"le5": "#1a9850", "le10": "#a6d96a", "le15": "#fdae61", "gt15": "#d73027"}

# Facility colour and marker: responders (people who travel) are squares/triangles.
FACILITY_LOOK = {
    "grid_station": ("#1f5f99", "square"), "community_service": ("#4a90d9", "circle"),
    "governance_centre": ("#7b2d8b", "star"), "police": ("#203864", "triangle"), "fire": ("#c0392b", "triangle"),
    "clinic": ("#e74c3c", "cross2"), "health_centre": ("#a93226", "cross_fill"), "school": ("#f39c12", "pentagon"),
    "middle_school": ("#d68910", "pentagon"), "kindergarten": ("#f7c948", "circle"), "market": ("#27ae60", "diamond"),
    "supermarket": ("#58d68d", "diamond"), "elderly_care": ("#8e44ad", "circle"), "cultural": ("#16a085", "hexagon"),
    "sports": ("#2ecc71", "hexagon"),
}


def layer(geom: str, fields: str) -> QgsVectorLayer:
    lyr = QgsVectorLayer(f"{geom}?crs=EPSG:32648&{fields}", "tmp", "memory")
    assert lyr.isValid(), (geom, fields)
    return lyr


def save(lyr: QgsVectorLayer, name: str) -> None:
    msg, ok = lyr.saveNamedStyle(str(OUT / f"{name}.qml"))
    if not ok:
        raise SystemExit(f"{name}: {msg}")
    print(f"wrote resources/styles/{name}.qml")


def text_format(size: float, colour: str = "#1b2631", bold: bool = False) -> QgsTextFormat:
    fmt = QgsTextFormat()
    font = QFont(FONT)
    font.setBold(bold)
    fmt.setFont(font)
    fmt.setSize(size)
    fmt.setColor(QColor(colour))
    buf = QgsTextBufferSettings()
    buf.setEnabled(True)
    buf.setSize(0.8)
    buf.setColor(QColor(255, 255, 255, 220))
    fmt.setBuffer(buf)
    return fmt


def labels(lyr: QgsVectorLayer, expression: str, size: float, max_scale_denominator: float,
           placement=QgsPalLayerSettings.OverPoint, bold: bool = False) -> None:
    pal = QgsPalLayerSettings()
    pal.fieldName = expression
    pal.isExpression = True
    pal.setFormat(text_format(size, bold=bold))
    pal.placement = placement
    pal.scaleVisibility = True
    pal.minimumScale = max_scale_denominator   # QGIS: "minimum" = most zoomed-out scale shown
    pal.maximumScale = 0
    lyr.setLabeling(QgsVectorLayerSimpleLabeling(pal))
    lyr.setLabelsEnabled(True)


def fill(colour: str, outline: str, width: float, style: str = "solid", outline_style: str = "solid") -> QgsFillSymbol:
    return QgsFillSymbol.createSimple({"color": colour, "style": style, "outline_color": outline,
                                       "outline_width": str(width), "outline_width_unit": "MM",
                                       "outline_style": outline_style})


def grids_renderer(with_micro: bool = True) -> QgsRuleBasedRenderer:
    root = QgsRuleBasedRenderer.Rule(None)
    if with_micro:
        micro = QgsRuleBasedRenderer.Rule(fill("0,0,0,0", "#7fa7c9", 0.15, "no", "dash"),
                                          0, 12000, "\"level\" = 'micro'", "Micro-grid 微网格")
        root.appendChild(micro)
    root.appendChild(QgsRuleBasedRenderer.Rule(fill("31,95,153,18", "#1f5f99", 0.6),
                                               0, 0, "\"level\" = 'general'", "General grid 一般网格"))
    root.appendChild(QgsRuleBasedRenderer.Rule(fill("230,126,34,40", "#d35400", 0.6, "solid", "dash"),
                                               0, 0, "\"level\" = 'dedicated'", "Dedicated grid 专属网格"))
    return QgsRuleBasedRenderer(root)


def scenario_styles() -> None:
    lyr = layer("MultiPolygon", "field=id:string&field=level:string&field=name:string&field=community:string")
    lyr.setRenderer(grids_renderer())
    labels(lyr, "if(\"level\" = 'general', \"name\", NULL)", 7.5, 20000)
    save(lyr, "scenario_grids")

    lyr = layer("Polygon", "field=id:string&field=households:integer")
    ranges = [(0, 50, "#f3e9dc", "≤ 50"), (50, 150, "#e2cfb4", "51–150"), (150, 300, "#cfae84", "151–300"),
              (300, 100000, "#b08455", "> 300")]
    lyr.setRenderer(QgsGraduatedSymbolRenderer("households", [
        QgsRendererRange(lo, hi, fill(c, "#8c6d46", 0.1), f"{lab} households 户") for lo, hi, c, lab in ranges]))
    save(lyr, "scenario_units_polygon")
    lyr = layer("Point", "field=id:string&field=households:integer")
    lyr.setRenderer(QgsGraduatedSymbolRenderer("households", [
        QgsRendererRange(lo, hi, QgsMarkerSymbol.createSimple({"name": "circle", "color": c, "size": str(1.2 + i * 0.6),
                                                                "outline_color": "#8c6d46", "outline_width": "0.1"}),
                         f"{lab} households 户") for i, (lo, hi, c, lab) in enumerate(ranges)]))
    save(lyr, "scenario_units_point")

    lyr = layer("LineString", "field=class:string&field=name:string")
    root = QgsRuleBasedRenderer.Rule(None)
    for expr, width, colour, label in (
            ("\"class\" IN ('motorway','trunk','trunk_link','motorway_link')", 1.4, "#e8a33d", "Trunk 快速路"),
            ("\"class\" IN ('primary','primary_link')", 1.1, "#f6c66b", "Primary 主干路"),
            ("\"class\" IN ('secondary','secondary_link')", 0.8, "#fbe3a1", "Secondary 次干路"),
            ("ELSE", 0.45, "#ffffff", "Other roads 支路")):
        sym = QgsLineSymbol.createSimple({"line_color": "#9a9a9a", "line_width": str(width + 0.35), "capstyle": "round"})
        inner = QgsLineSymbol.createSimple({"line_color": colour, "line_width": str(width), "capstyle": "round"})
        sym.appendSymbolLayer(inner.symbolLayer(0).clone())
        rule = QgsRuleBasedRenderer.Rule(sym, 0, 0, None if expr == "ELSE" else expr, label)
        if expr == "ELSE":
            rule.setIsElse(True)
        root.appendChild(rule)
    lyr.setRenderer(QgsRuleBasedRenderer(root))
    save(lyr, "scenario_roads")

    for prefix in ("scenario", "results"):
        lyr = layer("Point", "field=id:string&field=type:string&field=name:string")
        cats = []
        for key, term in vocab.FACILITY_TYPES.items():
            colour, shape = FACILITY_LOOK.get(key, ("#555555", "circle"))
            sym = QgsMarkerSymbol.createSimple({"name": shape, "color": colour, "size": "3.2" if term.responder else "2.6",
                                                "outline_color": "#ffffff", "outline_width": "0.3"})
            cats.append(QgsRendererCategory(key, sym, f"{term.en} {term.zh}"))
        lyr.setRenderer(QgsCategorizedSymbolRenderer("type", cats))
        labels(lyr, "\"name\"", 6.5, 8000)
        save(lyr, f"{prefix}_facilities")

    lyr = layer("Point", "field=type:string")
    lyr.setRenderer(QgsCategorizedSymbolRenderer("type", [QgsRendererCategory(
        k, QgsMarkerSymbol.createSimple({"name": "cross2", "color": "#c0392b", "size": "1.6"}), f"{t.en} {t.zh}")
        for k, t in vocab.INCIDENT_TYPES.items()]))
    save(lyr, "scenario_incidents")


def main() -> int:
    app = QgsApplication([], False)
    app.initQgis()
    OUT.mkdir(parents=True, exist_ok=True)
    scenario_styles()
    app.exitQgis()
    return 0


if __name__ == "__main__":
    sys.exit(main())
