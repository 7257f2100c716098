"""Writing large GeoPackage layers fast: OGR creates the tables (CRS, metadata), SQLite inserts
the rows in one ``executemany`` with GeoPackage geometry blobs built from shapely's WKB, and OGR
builds each R-tree in bulk at the end.

``gpkg.write_layers`` sets every field of every feature through OGR (~10 µs per value): a
1 M-building import spent minutes there.  Same input format as ``gpkg.write_layers``; the file
is written under a temporary name and moved into place (``engine.atomic.atomic_path``).
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from osgeo import gdal, ogr

from ..atomic import atomic_path
from ..scenario import gpkg

_HEADER = np.dtype([("magic", "S2"), ("version", "u1"), ("flags", "u1"), ("srs_id", "<i4"),
                    ("minx", "<f8"), ("maxx", "<f8"), ("miny", "<f8"), ("maxy", "<f8")])


def _blobs(geoms: np.ndarray, srs_id: int) -> list:
    """GeoPackage binary geometries: 40-byte header (little endian, xy envelope) + ISO WKB."""
    wkb = shapely.to_wkb(geoms, output_dimension=2, flavor="iso", byte_order=1)
    box = shapely.bounds(geoms)
    hdr = np.zeros(len(geoms), dtype=_HEADER)
    hdr["magic"], hdr["flags"], hdr["srs_id"] = b"GP", 0b00000011, srs_id
    hdr["minx"], hdr["maxx"], hdr["miny"], hdr["maxy"] = box[:, 0], box[:, 2], box[:, 1], box[:, 3]
    heads = hdr.view(np.dtype((np.void, _HEADER.itemsize))).tolist()   # one bytes object per row, in C
    missing = shapely.is_missing(geoms)
    if missing.any():
        return [None if gone else h + w for h, w, gone in zip(heads, wkb, missing.tolist())]
    return list(map(bytes.__add__, heads, wkb))


_SQLITE_VALUES = frozenset({str, int, float, type(None)})


def _python_column(values: np.ndarray) -> list:
    """Plain Python values for sqlite3 (NaN → NULL)."""
    v = np.asarray(values)
    if v.dtype.kind == "f":
        nan = np.flatnonzero(np.isnan(v))
        if nan.size > v.size // 16:         # many NULLs (micro-grids' simulation columns)
            out = v.astype(object)
            out[nan] = None
            return out.tolist()
        values = v.tolist()
        for i in nan.tolist():      # a few: patched in place rather than an object copy
            values[i] = None
        return values
    if v.dtype.kind in "iub":
        return v.astype(np.int64).tolist()
    values = v.tolist()
    if set(map(type, values)) <= _SQLITE_VALUES:     # text columns: as they are
        return values
    return [None if x is None else (x if isinstance(x, (str, int, float)) else str(x)) for x in values]


@contextmanager
def _sqlite_unsynced():
    """OGR's SQLite connections of this thread skip fsync (the file is a temporary one)."""
    before = gdal.GetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", None)
    gdal.SetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", "OFF")
    try:
        yield
    finally:
        gdal.SetThreadLocalConfigOption("OGR_SQLITE_SYNCHRONOUS", before)


@contextmanager
def _feature_count_triggers_off(con: sqlite3.Connection, table: str):
    """OGR keeps gpkg_ogr_contents.feature_count by a trigger per inserted row (an UPDATE
    each: a quarter of a city layer's insert time); drop them for the bulk insert, set the
    count once and put the triggers back as they were."""
    like = f"trigger_%_feature_count_{table}"
    triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE ?",
                           (table, like)).fetchall()
    for name, _ in triggers:
        con.execute(f'DROP TRIGGER "{name}"')
    yield
    for _, sql in triggers:
        con.execute(sql)
    if triggers:
        con.execute("UPDATE gpkg_ogr_contents SET feature_count = (SELECT count(*) FROM \"%s\") "
                    "WHERE lower(table_name) = lower(?)" % table.replace('"', '""'), (table,))


def write_layers_bulk(path: str | os.PathLike, layers: dict[str, dict[str, Any]], crs: str) -> Path:
    target = Path(path)
    srs = gpkg.srs_from(crs)
    with atomic_path(target) as tmp:
        ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(tmp))
        for name, spec in layers.items():
            lyr = ds.CreateLayer(name, srs, gpkg._GEOM_TYPES[spec.get("geometry_type", "Geometry")],
                                 options=["GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=NO"])
            for col, values in spec.get("columns", {}).items():
                ftype, sub = gpkg._field_type(np.asarray(values))
                fd = ogr.FieldDefn(col, ftype)
                fd.SetSubType(sub)
                lyr.CreateField(fd)
        ds = None  # noqa: F841 - flush the tables before SQLite writes into them
        con = sqlite3.connect(str(tmp))
        # A file under a temporary name, discarded on any error: no rollback journal, no
        # fsync per transaction (atomic_path publishes it by rename once it is complete).
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute("PRAGMA cache_size = -65536")     # 64 MB: the B-trees of a city layer
        try:
            for name, spec in layers.items():
                geoms = np.asarray(spec["geometry"], dtype=object)
                if spec.get("geometry_type", "").startswith("Multi"):
                    geoms = gpkg.promote_to_multi(geoms)
                srs_id = con.execute("SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (name,)).fetchone()[0]
                cols = list(spec.get("columns", {}))
                data = [_blobs(geoms, srs_id)] + [_python_column(spec["columns"][c]) for c in cols]
                names = ", ".join(['"geom"'] + [f'"{c}"' for c in cols])
                marks = ", ".join("?" * (len(cols) + 1))
                with _feature_count_triggers_off(con, name):
                    con.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({marks})', zip(*data))
                if len(geoms):
                    box = shapely.total_bounds(geoms)
                    con.execute("UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?",
                                (*map(float, box), name))
            con.commit()
        finally:
            con.close()
        with _sqlite_unsynced():
            ds = ogr.Open(str(tmp), 1)
            for name, spec in layers.items():
                ds.ExecuteSQL(f"SELECT CreateSpatialIndex('{name}', 'geom')")
                gpkg.index_key_columns(ds, name, spec.get("columns", {}))
            ds = None  # noqa: F841
    return target
