"""GeoPackage I/O benchmark: ``engine.scenario.gpkg.read_layer`` / ``write_layers`` and the scenario loader.

Synthetic residential units (polygons, 5 fields incl. Chinese text and NULLs).  Compared in the
same run:

* read + reproject to UTM: ``gpkg.read_layer`` (OGR Arrow stream → NumPy, WKB decoded in bulk by
  shapely, one PROJ call) vs the usual per-feature OGR loop (``ExportToWkb`` + ``GetField`` per
  feature, ``shapely.from_wkb`` per geometry, ``Geometry.Transform`` per feature);
* write: ``gpkg.write_layers`` (one transaction, atomic rename) vs the same OGR calls with the
  default per-feature autocommit;
* ``load_scenario`` on the bundled sample (every check included).

Results are checked equal.  ``--quick`` uses 20,000 features, the default 200,000.  The last line
lists the ratios (peer time / GridGov time).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT.parent))
from gridgov.engine.scenario import gpkg  # noqa: E402
from gridgov.engine.scenario import load_scenario  # noqa: E402
from osgeo import ogr, osr  # noqa: E402


def make_layers(n: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    xy = rng.uniform([408000, 3387000], [412000, 3391000], size=(n, 2))
    geoms = shapely.buffer(shapely.points(xy), 8.0, quad_segs=2)  # 9-vertex building footprints
    residents = rng.integers(10, 300, n).astype(object)
    residents[rng.random(n) < 0.01] = None
    return {"units": {"geometry": geoms, "geometry_type": "Polygon", "columns": {
        "id": np.array([f"U{i:07d}" for i in range(n)], dtype=object),
        "households": rng.integers(4, 120, n), "residents": residents,
        "grid_id": np.array([f"5101070050010{i % 97:02d}" for i in range(n)], dtype=object),
        "community": np.array(["玉林北路社区", "倪家桥社区", "棕南社区"], dtype=object)[rng.integers(0, 3, n)]}}}


def peer_read(path: Path, layer: str, crs: str):
    """The straightforward OGR loop most plugins use."""
    ds = ogr.Open(str(path))
    lyr = ds.GetLayerByName(layer)
    dst = osr.SpatialReference()
    dst.SetFromUserInput(crs)
    dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    src = lyr.GetSpatialRef()
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(src, dst)
    defn = lyr.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    fids, geoms, cols = [], [], {n: [] for n in names}
    for feat in lyr:
        fids.append(feat.GetFID())
        g = feat.GetGeometryRef().Clone()
        g.Transform(ct)
        geoms.append(shapely.from_wkb(bytes(g.ExportToWkb())))
        for n in names:
            cols[n].append(feat.GetField(n))
    return np.array(fids), np.array(geoms, dtype=object), cols


def peer_write(path: Path, layers: dict, crs: str) -> None:
    srs = osr.SpatialReference()
    srs.SetFromUserInput(crs)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    for name, spec in layers.items():
        lyr = ds.CreateLayer(name, srs, ogr.wkbPolygon)
        for k, v in spec["columns"].items():
            kind = ogr.OFTInteger64 if np.asarray(v).dtype.kind == "i" or k == "residents" else ogr.OFTString
            lyr.CreateField(ogr.FieldDefn(k, kind))
        for i, geom in enumerate(spec["geometry"]):
            feat = ogr.Feature(lyr.GetLayerDefn())
            feat.SetGeometry(ogr.CreateGeometryFromWkb(shapely.to_wkb(geom)))
            for k, v in spec["columns"].items():
                if v[i] is not None:
                    feat.SetField(k, v[i] if isinstance(v[i], str) else int(v[i]))
            lyr.CreateFeature(feat)
    ds = None


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="20,000 features instead of 200,000")
    args = ap.parse_args()
    n = 20_000 if args.quick else 200_000
    repeat = 3 if args.quick else 1
    layers = make_layers(n)
    with tempfile.TemporaryDirectory() as tmp:
        ours, peer = Path(tmp) / "ours.gpkg", Path(tmp) / "peer.gpkg"
        t_write = best(lambda: gpkg.write_layers(ours, layers, "EPSG:4326", source_crs="EPSG:32648"), repeat)
        stored = gpkg.transform_geometries(layers["units"]["geometry"], "EPSG:32648", "EPSG:4326")
        peer_layers = {"units": {**layers["units"], "geometry": stored}}
        t_pwrite = best(lambda: (peer.unlink(missing_ok=True), peer_write(peer, peer_layers, "EPSG:4326")), 1)
        t_read = best(lambda: gpkg.read_layer(ours, "units", crs="EPSG:32648"), repeat)
        t_pread = best(lambda: peer_read(ours, "units", "EPSG:32648"), 1)
        fids, geoms, cols, _ = gpkg.read_layer(ours, "units", crs="EPSG:32648")
        pf, pg, pc = peer_read(ours, "units", "EPSG:32648")
        assert (fids == pf).all() and cols["residents"].tolist() == pc["residents"]
        assert cols["community"].tolist() == pc["community"]
        assert np.allclose(shapely.get_coordinates(geoms), shapely.get_coordinates(pg), atol=1e-6)
        assert np.allclose(shapely.area(geoms), shapely.area(layers["units"]["geometry"]), rtol=1e-6)
    sample = ROOT / "scenarios" / "chengdu_wuhou"
    t_load = best(lambda: load_scenario(sample), 3)
    print(f"{n:,} polygons with 5 fields (NULLs, Chinese text), EPSG:4326 on disk ↔ EPSG:32648")
    print(f"write_layers        {t_write:7.3f} s   peer OGR autocommit loop {t_pwrite:7.3f} s")
    print(f"read_layer+reproj.  {t_read:7.3f} s   peer OGR per-feature loop {t_pread:7.3f} s")
    print(f"load_scenario(chengdu_wuhou, all checks) {t_load:.3f} s")
    print(f"ratios: write={t_pwrite / t_write:.1f} read={t_pread / t_read:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
