"""Grid maps drawn from the polygons with matplotlib (no basemap, no internet).

``grid_map`` colours general/dedicated grids by one value per grid row and outlines micro-grids;
``unit_difference_map`` shows B − A at every residential unit (grids may differ between
scenarios, units do not), the exact place where a restructuring gains or loses.
"""
from __future__ import annotations

import numpy as np
import shapely
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.path import Path as MplPath

from .i18n import t


#: above this many polygons a map layer is rasterised in the PDF (a city's 144,000 grid
#: outlines as vector paths make a PDF no viewer opens); the HTML embeds PNGs anyway
RASTER_ABOVE = 2000
#: micro-grid outlines are drawn up to this many (beyond, a city map shows them as noise)
MAX_MICRO_OUTLINES = 20000


def _paths(geoms) -> tuple[list[MplPath], np.ndarray]:
    """One matplotlib path per polygonal geometry (all rings, holes included) and the indices
    of the geometries that gave one: built from one coordinate array, not ring by ring."""
    from ..scenario.gpkg import promote_to_multi

    geoms = np.asarray(geoms, dtype=object)
    keep = np.flatnonzero(np.array([g is not None for g in geoms], bool))
    if keep.size:
        kinds = shapely.get_type_id(geoms[keep])
        keep = keep[np.isin(kinds, (3, 6)) & ~shapely.is_empty(geoms[keep])]
    if not keep.size:
        return [], keep
    _, coords, (ring_off, poly_off, geom_off) = shapely.to_ragged_array(promote_to_multi(geoms[keep]))
    codes = np.full(coords.shape[0], MplPath.LINETO, dtype=MplPath.code_type)
    codes[ring_off[:-1]] = MplPath.MOVETO
    codes[ring_off[1:] - 1] = MplPath.CLOSEPOLY
    start = ring_off[poly_off[geom_off]]
    return [MplPath(coords[a:b], codes[a:b]) for a, b in zip(start[:-1], start[1:])], keep


def _collection(paths: list[MplPath], **kw) -> PathCollection:
    coll = PathCollection(paths, **kw)
    coll.set_rasterized(len(paths) > RASTER_ABOVE)
    return coll


def map_credit(scenario, lang: str) -> str:
    """The data credit of a map: the scenario's own ``[scenario] sources`` (not a fixed text)."""
    import textwrap

    src = scenario.meta.get("sources") if scenario is not None else None
    if isinstance(src, str):
        src = [src]
    text = "; ".join(str(s) for s in (src or []) if str(s).strip()) or t("no_sources", lang)
    return "\n".join(textwrap.wrap(t("map_credit", lang, sources=text), 120))


def _frame(ax, geoms, lang: str, credit: str = "") -> None:
    bounds = shapely.total_bounds(np.asarray(geoms, dtype=object))
    if np.all(np.isfinite(bounds)):
        pad = 0.03 * max(bounds[2] - bounds[0], bounds[3] - bounds[1], 1.0)
        ax.set_xlim(bounds[0] - pad, bounds[2] + pad)
        ax.set_ylim(bounds[1] - pad, bounds[3] + pad)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.99, 0.01, credit, transform=ax.transAxes, ha="right", va="bottom", fontsize=4.5,
            color="#555", bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1})


def draw_grids(ax, scenario, values, *, cmap="viridis", vmin=None, vmax=None, lang="zh_CN", label=""):
    """Choropleth of general/dedicated grids on ``ax``; returns the collection (for a colour bar)."""
    g = scenario.grids
    level = np.asarray(g.level, dtype=object)
    values = np.asarray(values, float)
    top = np.flatnonzero(level != "micro")
    patches, got = _paths(g.geometry[top])
    vals = values[top[got]]
    if np.isfinite(vals).any():
        coll = _collection(patches, cmap=cmap, edgecolor="#333", linewidth=0.5 if len(patches) < RASTER_ABOVE else 0.1)
        coll.set_array(np.ma.masked_invalid(vals))
        if vmin is not None or vmax is not None:
            coll.set_clim(vmin, vmax)
    else:   # outline only (background of the difference maps)
        coll = _collection(patches, facecolor="#f4f4f4", edgecolor="#999", linewidth=0.4)
    ax.add_collection(coll)
    micro_rows = np.flatnonzero(level == "micro")
    if 0 < micro_rows.size <= MAX_MICRO_OUTLINES:
        micro, _ = _paths(g.geometry[micro_rows])
        ax.add_collection(_collection(micro, facecolor="none", edgecolor="#ffffff", linewidth=0.2, alpha=0.5))
    fac = scenario.facilities
    st = fac.of_type("grid_station")
    if st.size:
        ax.plot(fac.x[st], fac.y[st], "^", color="#d62728", markersize=3.5, markeredgecolor="white",
                markeredgewidth=0.3)
    _frame(ax, g.geometry, lang, map_credit(scenario, lang))
    ax.set_title(label, fontsize=8)
    return coll


def grid_maps(entries, key: str, title: str, lang: str, *, cmap="viridis", source="per_grid") -> Figure | None:
    """One panel per scenario with a shared colour scale; None when no scenario has the values."""
    have = [(name, sc, sco) for name, sc, sco in entries if key in getattr(sco, source)]
    if not have:
        return None
    allv = np.concatenate([np.asarray(getattr(s, source)[key], float) for _, _, s in have])
    allv = allv[np.isfinite(allv)]
    vmin, vmax = (float(allv.min()), float(allv.max())) if allv.size else (0.0, 1.0)
    if vmax <= vmin:
        vmax = vmin + 1e-9
    n = len(have)
    fig = Figure(figsize=(min(5.0 * n, 12), 5.0))
    axes = fig.subplots(1, n, squeeze=False)[0]
    coll = None
    for ax, (name, sc, sco) in zip(axes, have):
        coll = draw_grids(ax, sc, getattr(sco, source)[key], cmap=cmap, vmin=vmin, vmax=vmax, lang=lang, label=name)
    fig.colorbar(coll, ax=list(axes), shrink=0.8)
    fig.suptitle(title, fontsize=10)
    return fig


def unit_values(scores, key: str, source: str) -> np.ndarray:
    """Per unit: its own value (per_unit) or its grid's value (per_grid / grid_sim)."""
    if source == "per_unit":
        return np.asarray(scores.per_unit[key], float)
    col = np.asarray(getattr(scores, source)[key], float)
    rows = np.asarray(scores.per_unit["grid_row"], np.int64)
    out = np.full(rows.size, np.nan)
    ok = rows >= 0
    out[ok] = col[rows[ok]]
    return out


def unit_difference_map(base, other, key: str, source: str, what: str, lang: str, *, lower_better=False) -> Figure | None:
    """B − A at every unit present in both scenarios (matched by unit id); green = better."""
    (na, sa, ca), (nb, sb, cb) = base, other
    for c in (ca, cb):
        if "unit_id" not in c.per_unit or (source != "per_unit" and key not in getattr(c, source)) \
                or (source == "per_unit" and key not in c.per_unit):
            return None
    va, vb = unit_values(ca, key, source), unit_values(cb, key, source)
    idx_b = {str(u): i for i, u in enumerate(cb.per_unit["unit_id"])}
    pairs = [(i, idx_b[str(u)]) for i, u in enumerate(ca.per_unit["unit_id"]) if str(u) in idx_b]
    if not pairs:
        return None
    ia, ib = np.array(pairs).T
    d = vb[ib] - va[ia]
    fig = Figure(figsize=(7.5, 6.0))
    ax = fig.subplots()
    draw_grids(ax, sb, np.full(len(sb.grids.id), np.nan), lang=lang)
    lim = float(np.nanmax(np.abs(d))) if np.any(np.isfinite(d)) else 1.0
    lim = lim or 1.0
    cmap = "RdYlGn_r" if lower_better else "RdYlGn"
    hh = np.asarray(ca.per_unit["households"], float)[ia]
    size = 4 + 40 * np.sqrt(hh / max(hh.max(), 1.0))
    sc_ = ax.scatter(np.asarray(ca.per_unit["x"])[ia], np.asarray(ca.per_unit["y"])[ia], c=d, s=size,
                     cmap=cmap, vmin=-lim, vmax=lim, edgecolors="#333", linewidths=0.2, zorder=3)
    fig.colorbar(sc_, ax=ax, shrink=0.8)
    ax.set_title(t("diff_title", lang, a=na, b=nb, what=what), fontsize=9)
    return fig
