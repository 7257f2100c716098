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

from qgis.core import (QgsApplication, QgsCategorizedSymbolRenderer, QgsFeatureRequest, QgsFillSymbol, QgsGraduatedSymbolRenderer,  # noqa: E402
                       QgsLineSymbol, QgsMarkerSymbol, QgsPalLayerSettings, QgsRendererCategory,
                       QgsRendererRange, QgsRuleBasedRenderer, QgsTextBufferSettings, QgsTextFormat,
                       QgsUnitTypes, QgsVectorLayer, QgsVectorLayerSimpleLabeling, QgsVectorSimplifyMethod)
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


# City scale (issue 15): a whole city (~40 km, 1:120,000 on a screen) draws general grids,
# arterial roads and nothing finer; units, facilities, dedicated grids and minor roads appear
# below DETAIL_SCALE (a district fills the screen), micro-grids and labels nearer still.
DETAIL_SCALE = 100_000
MINOR_ROADS_SCALE = 60_000

_KEEP: list = []   # layers stay alive until exit: deleting them mid-run crashed QGIS 3.22


def layer(geom: str, fields: str) -> QgsVectorLayer:
    lyr = QgsVectorLayer(f"{geom}?crs=EPSG:32648&{fields}", "tmp", "memory")
    assert lyr.isValid(), (geom, fields)
    _KEEP.append(lyr)
    return lyr


def visible_below(lyr: QgsVectorLayer, scale_denominator: float) -> None:
    """Draw the layer only when zoomed in past 1:``scale_denominator``."""
    lyr.setScaleBasedVisibility(True)
    lyr.setMinimumScale(scale_denominator)   # QGIS: "minimum" = most zoomed-out scale shown
    lyr.setMaximumScale(0)


def simplified(lyr: QgsVectorLayer) -> None:
    """Generalise geometries to a pixel while drawing (thousands of polygons at city scale)."""
    method = QgsVectorSimplifyMethod()
    method.setSimplifyHints(QgsVectorSimplifyMethod.GeometrySimplification
                            | QgsVectorSimplifyMethod.AntialiasingSimplification)
    method.setThreshold(1.0)
    method.setForceLocalOptimization(True)
    lyr.setSimplifyMethod(method)


def save(lyr: QgsVectorLayer, name: str) -> None:
    """Write the layer's style as QML (UTF-8, written by us so the file is always complete)."""
    from qgis.PyQt.QtXml import QDomDocument

    doc = QDomDocument("qgis")
    error = lyr.exportNamedStyle(doc)
    if error:
        raise SystemExit(f"{name}: {error}")
    (OUT / f"{name}.qml").write_text(doc.toString(2), encoding="utf-8")
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
                                               0, DETAIL_SCALE, "\"level\" = 'dedicated'", "Dedicated grid 专属网格"))
    return QgsRuleBasedRenderer(root)


def scenario_styles() -> None:
    lyr = layer("MultiPolygon", "field=id:string&field=level:string&field=name:string&field=community:string")
    lyr.setRenderer(grids_renderer())
    labels(lyr, "if(\"level\" = 'general', \"name\", NULL)", 7.5, 20000)
    simplified(lyr)
    save(lyr, "scenario_grids")

    lyr = layer("Polygon", "field=id:string&field=households:integer")
    ranges = [(0, 50, "#f3e9dc", "≤ 50"), (50, 150, "#e2cfb4", "51–150"), (150, 300, "#cfae84", "151–300"),
              (300, 100000, "#b08455", "> 300")]
    lyr.setRenderer(QgsGraduatedSymbolRenderer("households", [
        QgsRendererRange(lo, hi, fill(c, "#8c6d46", 0.1), f"{lab} households 户") for lo, hi, c, lab in ranges]))
    visible_below(lyr, DETAIL_SCALE)
    simplified(lyr)
    save(lyr, "scenario_units_polygon")
    lyr = layer("Point", "field=id:string&field=households:integer")
    lyr.setRenderer(QgsGraduatedSymbolRenderer("households", [
        QgsRendererRange(lo, hi, QgsMarkerSymbol.createSimple({"name": "circle", "color": c, "size": str(1.2 + i * 0.6),
                                                                "outline_color": "#8c6d46", "outline_width": "0.1"}),
                         f"{lab} households 户") for i, (lo, hi, c, lab) in enumerate(ranges)]))
    visible_below(lyr, DETAIL_SCALE)
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
        rule = QgsRuleBasedRenderer.Rule(sym, 0, MINOR_ROADS_SCALE if expr == "ELSE" else 0,
                                         None if expr == "ELSE" else expr, label)
        if expr == "ELSE":
            rule.setIsElse(True)
        root.appendChild(rule)
    lyr.setRenderer(QgsRuleBasedRenderer(root))
    simplified(lyr)
    save(lyr, "scenario_roads")

    for prefix in ("scenario", "results"):
        lyr = layer("Point", "field=id:string&field=type:string&field=name:string")
        cats = []
        for key, term in vocab.FACILITY_TYPES.items():
            colour, shape = FACILITY_LOOK.get(key, ("#555555", "circle"))
            line_only = shape in ("cross2", "cross", "line")   # drawn by the outline only
            sym = QgsMarkerSymbol.createSimple({"name": shape, "color": colour, "size": "3.2" if term.responder else "2.6",
                                                "outline_color": colour if line_only else "#ffffff",
                                                "outline_width": "0.6" if line_only else "0.3"})
            cats.append(QgsRendererCategory(key, sym, f"{term.en} {term.zh}"))
        lyr.setRenderer(QgsCategorizedSymbolRenderer("type", cats))
        labels(lyr, "\"name\"", 6.5, 8000)
        visible_below(lyr, DETAIL_SCALE)
        save(lyr, f"{prefix}_facilities")

    lyr = layer("Point", "field=type:string")
    lyr.setRenderer(QgsCategorizedSymbolRenderer("type", [QgsRendererCategory(
        k, QgsMarkerSymbol.createSimple({"name": "cross2", "color": "#c0392b", "size": "1.6"}), f"{t.en} {t.zh}")
        for k, t in vocab.INCIDENT_TYPES.items()]))
    save(lyr, "scenario_incidents")


def band_categories(kind: str) -> list[QgsRendererCategory]:
    """Band 0/1/2 (≤5, 5–10, 10–15 min) and, for units, 3 (> 15 min or unreachable)."""
    cats = []
    for b, (key, term) in enumerate(vocab.BANDS.items()):
        if kind == "polygon" and b == 3:
            break
        colour = QColor(BAND_COLOURS[key])
        if kind == "polygon":
            colour.setAlpha(70)
            sym = QgsFillSymbol.createSimple({"color": colour.name(QColor.HexArgb), "outline_style": "no"})
        else:
            sym = fill(colour.name(), "#5d5d5d", 0.1)
        cats.append(QgsRendererCategory(b, sym, f"{term.en} {term.zh}"))
    return cats


def results_styles() -> None:
    # units: coloured by the band of the facility type picked in the dock (the plugin swaps the
    # attribute <type>_band; grid workstations by default)
    lyr = layer("Polygon", "field=unit_id:string&field=grid_station_band:integer")
    lyr.setRenderer(QgsCategorizedSymbolRenderer("grid_station_band", band_categories("unit")))
    save(lyr, "results_units_polygon")
    lyr = layer("Point", "field=unit_id:string&field=grid_station_band:integer")
    cats = [QgsRendererCategory(c.value(), QgsMarkerSymbol.createSimple(
        {"name": "circle", "color": c.symbol().color().name(), "size": "1.8", "outline_color": "#5d5d5d",
         "outline_width": "0.1"}), c.label()) for c in band_categories("unit")]
    lyr.setRenderer(QgsCategorizedSymbolRenderer("grid_station_band", cats))
    save(lyr, "results_units_point")

    # bands: cumulative polygons, drawn 15 → 10 → 5 so the inner band stays visible
    lyr = layer("MultiPolygon", "field=type:string&field=facility_id:string&field=band:integer&field=minutes:double")
    renderer = QgsCategorizedSymbolRenderer("band", band_categories("polygon"))
    renderer.setOrderBy(QgsFeatureRequest.OrderBy([QgsFeatureRequest.OrderByClause("band", False)]))
    renderer.setOrderByEnabled(True)
    lyr.setRenderer(renderer)
    lyr.setOpacity(0.85)
    save(lyr, "results_bands")

    # grids: general grid outlines labelled with their life-circle coverage (share of the
    # households' life-circle facility types within the GB 50180 tier distance); no fill, so
    # the units' band colours underneath stay readable
    lyr = layer("MultiPolygon", "field=grid_id:string&field=level:string&field=name:string&field=coverage_share:double")
    root = QgsRuleBasedRenderer.Rule(None)
    root.appendChild(QgsRuleBasedRenderer.Rule(fill("0,0,0,0", "#1f3a5f", 0.55, "no"), 0, 0,
                                               "\"level\" = 'general'", "General grid 一般网格"))
    root.appendChild(QgsRuleBasedRenderer.Rule(fill("0,0,0,0", "#d35400", 0.55, "no", "dash"), 0, 0,
                                               "\"level\" = 'dedicated'", "Dedicated grid 专属网格"))
    lyr.setRenderer(QgsRuleBasedRenderer(root))
    labels(lyr, "if(\"level\" = 'general', \"name\" || '\\n' || "
                "coalesce('生活圈覆盖 ' || format_number(100 * \"coverage_share\", 0) || ' %', ''), NULL)", 7, 15000)
    save(lyr, "results_grids")

    lyr = layer("MultiLineString", "field=facility_id:string&field=type:string")
    lyr.setRenderer(QgsCategorizedSymbolRenderer("type", [QgsRendererCategory(
        k, QgsLineSymbol.createSimple({"line_color": FACILITY_LOOK.get(k, ("#555555",))[0], "line_width": "0.7"}),
        f"{t.en} {t.zh}") for k, t in vocab.FACILITY_TYPES.items()]))
    save(lyr, "results_service_areas")


def main() -> int:
    app = QgsApplication([], True)   # GUI app: fonts and symbols need QGuiApplication
    app.initQgis()
    OUT.mkdir(parents=True, exist_ok=True)
    scenario_styles()
    results_styles()
    # no app.exitQgis(): tearing QGIS down with style objects still referenced by Python
    # crashes at exit; the files are written and closed by now
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
