"""Whether a working CRS measures true metres where the data lies (a [scenario] crs check).

Geographic CRSs, feet, and Web Mercator (×1/cos(latitude): ×1.16 in Chengdu, ×1.56 in Prague)
or a far-away UTM zone would make every walking distance and life circle wrong.
"""
from __future__ import annotations

import math

from osgeo import osr

from . import gpkg


def crs_scale(crs: str, lon: float, lat: float) -> float:
    """Map metres per true metre of ``crs`` at (lon, lat): 1 for a good working CRS, 1/cos(lat) in
    Web Mercator.  True lengths from the WGS 84 radii of curvature over ~100 m steps."""
    wgs = osr.SpatialReference()
    wgs.ImportFromEPSG(4326)
    wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(wgs, gpkg.srs_from(crs))
    a, e2 = 6378137.0, 0.00669437999014
    phi = math.radians(lat)
    w = math.sqrt(1 - e2 * math.sin(phi) ** 2)
    m_per_deg_lat = math.radians(1) * a * (1 - e2) / w ** 3
    m_per_deg_lon = math.radians(1) * a * math.cos(phi) / w
    d = 0.001
    (x0, y0, *_), (x1, y1, *_), (x2, y2, *_) = ct.TransformPoints([(lon, lat), (lon + d, lat), (lon, lat + d)])
    kx = math.hypot(x1 - x0, y1 - y0) / (d * m_per_deg_lon)
    ky = math.hypot(x2 - x0, y2 - y0) / (d * m_per_deg_lat)
    return math.sqrt(kx * ky)


MAX_SCALE_ERROR = 0.02   # 2 %: a 300 m life circle read as 306 m; UTM stays under 0.1 % inside its zone


def working_crs_problem(crs: str, lonlat: tuple[float, float] | None = None) -> str:
    """Why ``crs`` cannot be the working CRS ('' when it can): distances must be true metres.

    ``lonlat`` (the data's centre) lets the scale be measured where the data is; without it
    only geographic, non-metre and world Mercator CRSs are recognised.
    """

    srs = gpkg.srs_from(crs)
    fix = "use the data's UTM zone (EPSG:326xx north, 327xx south) or a local projected CRS in metres"
    if srs.IsGeographic() or not srs.IsProjected():
        return f"crs {crs} is geographic (degrees): lengths and distances would be in degrees; {fix}"
    if abs(srs.GetLinearUnits() - 1.0) > 1e-9:
        return f"crs {crs} is not in metres ({srs.GetLinearUnitsName()}); {fix}"
    if lonlat is not None and all(math.isfinite(v) for v in lonlat) and abs(lonlat[1]) < 85:
        k = crs_scale(crs, *lonlat)
        if math.isfinite(k) and abs(k - 1) > MAX_SCALE_ERROR:
            return (f"crs {crs} stretches distances ×{k:.2f} where the data lies (latitude {lonlat[1]:.1f}°"
                    + (", Web Mercator grows as 1/cos(latitude)" if "mercator" in _method(srs) else "")
                    + f"): every walking distance and life circle would be wrong; {fix}")
        return ""
    if _method(srs).startswith("mercator") and abs(srs.GetProjParm("standard_parallel_1")) < 1:
        return (f"crs {crs} is (Web) Mercator: its metres grow as 1/cos(latitude) (×1.56 at Prague, ×1.16 in "
                f"Chengdu), so every walking distance and life circle would be wrong; {fix}")
    return ""


def _method(srs) -> str:
    return (srs.GetAttrValue("PROJECTION") or "").lower()
