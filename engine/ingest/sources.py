"""Reading the import's inputs: any OGR layer or an OSM extract, as plain tables in WGS-84.

Every input becomes a ``Table`` (feature ids, shapely geometries in lon/lat, columns) tagged with
the file and layer it came from, so that every later message can name them.  Chinese web-map
coordinates (GCJ-02, BD-09) are converted here, once, before anything is measured.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from ..scenario import gpkg
from ..errors import Problem, ValidationError
from .coords import SYSTEMS, to_wgs84_xy

LONLAT = "EPSG:4326"
OSM_CONFIG = Path(__file__).with_name("osmconf.ini")

# Names a field may have in the planner's layers, besides the one given with --map (lower case).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "building_id", "bldg_id", "楼栋编号", "编号", "osm_id"),
    "households": ("households", "hh", "户数", "住户数"),
    "residents": ("residents", "population", "pop", "人口", "人数", "常住人口"),
    "floors": ("floors", "levels", "building:levels", "storeys", "层数"),
    "height": ("height", "高度"),
    "type": ("type", "building", "kind", "类型"),
    "name": ("name", "名称", "小区名称"),
    "class": ("class", "highway", "fclass", "道路等级"),
    "oneway": ("oneway", "单行"),
    "speed": ("speed_kmh", "maxspeed", "speed", "限速"),
    "community": ("community", "社区"),
    "street": ("street", "街道"),
    "code": ("code", "编码", "网格编码"),
    "level": ("level", "层级"),
    "parent_id": ("parent_id",),
    "lon": ("lon", "lng", "longitude", "x", "经度"),
    "lat": ("lat", "latitude", "y", "纬度"),
    "staff": ("staff",),
    "capacity": ("capacity",),
}


@dataclass
class Table:
    """One input layer: row ``i`` of every array is one feature."""

    file: str
    layer: str
    fid: np.ndarray
    geometry: np.ndarray            # shapely, in ``crs`` (the source's, or lon/lat; then the working CRS)
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    crs: str = LONLAT

    def __len__(self) -> int:
        return len(self.fid)

    def subset(self, keep: np.ndarray) -> "Table":
        return Table(self.file, self.layer, self.fid[keep], self.geometry[keep],
                     {k: v[keep] for k, v in self.columns.items()}, self.crs)

    def where(self, fid=None, field: str = "") -> dict:
        """Location keywords of a Problem about this layer."""
        return {"file": self.file, "layer": self.layer, "fid": fid, "field": field}


def parse_map(text: str | None) -> dict[str, str]:
    """``households=HU_COUNT,floors=FLOORS`` → {"households": "HU_COUNT", ...}; bad pairs raise."""
    out: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in (text or "").split(","))):
        key, sep, value = pair.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value or key not in FIELD_ALIASES:
            raise ValidationError([Problem(
                f"bad field mapping '{pair}': write KEY=FIELD with KEY one of {', '.join(FIELD_ALIASES)}",
                file="--map")])
        out[key] = value
    return out


def column(table: Table, key: str, mapping: dict[str, str]) -> np.ndarray | None:
    """The column holding ``key`` (the --map field first, then the usual names, case-insensitive)."""
    lower = {name.lower(): name for name in table.columns}
    if key in mapping:
        name = mapping[key]
        if name in table.columns:
            return table.columns[name]
        if name.lower() in lower:
            return table.columns[lower[name.lower()]]
        return None
    for alias in FIELD_ALIASES.get(key, (key,)):
        if alias in lower:
            return table.columns[lower[alias]]
    return None


def check_coords(system: str) -> str:
    system = (system or "wgs84").lower().replace("-", "")
    if system not in SYSTEMS:
        raise ValidationError([Problem(f"unknown coordinate system '{system}' (use one of {', '.join(SYSTEMS)})",
                                       file="--coords")])
    return system


def convert(geoms: np.ndarray, system: str) -> np.ndarray:
    """Apply the GCJ-02/BD-09 → WGS-84 correction to lon/lat geometries (vectorised)."""
    if system in ("wgs84", "cgcs2000") or not len(geoms):
        return geoms
    return shapely.transform(geoms, lambda xy: to_wgs84_xy(xy, system))


def read_table(path: str | os.PathLike, layer: str | None, system: str, label: str) -> Table:
    """Read one OGR layer (the first one when ``layer`` is None): in its own CRS (reprojected
    once, later, to the working CRS), or in lon/lat when GCJ-02/BD-09 must be corrected."""
    p = Path(path)
    if not p.exists():
        raise ValidationError([Problem("file not found", file=str(p), field=label)])
    if layer is None:
        names = gpkg.list_layers(p)
        if not names:
            raise ValidationError([Problem("no vector layer in this file", file=str(p), field=label)])
        layer = names[0]
    if system in ("gcj02", "bd09"):
        fids, geoms, cols, _src = gpkg.read_layer(p, layer, crs=LONLAT)
        return Table(str(p), layer, fids, convert(geoms, system), cols, LONLAT)
    fids, geoms, cols, src = gpkg.read_layer(p, layer)
    if src is None:
        raise ValidationError([Problem("layer has no CRS (coordinate reference system); assign one in QGIS "
                                       "(Layer → Set CRS) and save", file=str(p), layer=layer)])
    return Table(str(p), layer, fids, geoms, cols, src)


def split_source(text: str) -> tuple[str, str | None]:
    """``file.gpkg|layername`` (QGIS style) or ``file.gpkg:layername`` → (file, layer)."""
    if "|" in text:
        path, _, rest = text.partition("|")
        return path, rest.removeprefix("layername=") or None
    if not Path(text).exists() and ":" in text[2:]:
        head, _, tail = text.rpartition(":")
        if Path(head).exists():
            return head, tail
    return text, None


@contextmanager
def osm_config():
    """Point GDAL's OSM driver at GridGov's tag list for the duration of a read."""
    from osgeo import gdal

    old = gdal.GetConfigOption("OSM_CONFIG_FILE")
    gdal.SetConfigOption("OSM_CONFIG_FILE", str(OSM_CONFIG))
    try:
        yield
    finally:
        gdal.SetConfigOption("OSM_CONFIG_FILE", old)


def read_osm(path: str | os.PathLike, system: str) -> dict[str, Table]:
    """The ``lines``, ``multipolygons`` and ``points`` layers of an OSM extract (.osm.pbf / .osm)."""
    p = Path(path)
    if not p.exists():
        raise ValidationError([Problem("file not found", file=str(p), field="--osm")])
    out = {}
    with osm_config():
        for layer in ("lines", "multipolygons", "points"):
            try:
                out[layer] = read_table(p, layer, system, "--osm")
            except RuntimeError as exc:
                raise ValidationError([Problem(f"cannot read as OpenStreetMap data: {exc}", file=str(p),
                                               layer=layer)]) from None
    return out
