"""Chinese web-map coordinate systems → WGS-84 (and back), vectorised over NumPy arrays.

Data digitised on 高德 (AutoNavi) or 腾讯 maps is in GCJ-02, an obfuscated WGS-84 whose public
forward formula (WGS-84 → GCJ-02) is reproduced here; its inverse has no closed form, so
``gcj02_to_wgs84`` iterates the forward transform until the residual is below 1e-9° (~0.1 mm).
百度 maps add a second shift, BD-09, on top of GCJ-02 (closed-form both ways, inverse refined by
the same fixed-point iteration).  Outside mainland China GCJ-02 equals WGS-84 (the usual
rectangle test).  CGCS2000 (EPSG:4490) differs from WGS-84 by centimetres: it is handled as a CRS
by GDAL, not here.
"""
from __future__ import annotations

import numpy as np

_A = 6378245.0                       # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323         # its first eccentricity squared
_X_PI = np.pi * 3000.0 / 180.0       # BD-09 constant

SYSTEMS = ("wgs84", "cgcs2000", "gcj02", "bd09")


def outside_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """True where GCJ-02 applies no shift (outside the mainland rectangle)."""
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _shift(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 offset (degrees) at WGS-84 ``lon, lat``."""
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sq = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sq) * np.pi)
    dlon = dlon * 180.0 / (_A / sq * np.cos(rad) * np.pi)
    out = outside_china(lon, lat)
    return np.where(out, 0.0, dlon), np.where(out, 0.0, dlat)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    dlon, dlat = _shift(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, tol: float = 1e-9, max_iter: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Fixed-point inverse: w ← w − (forward(w) − g); converges in a few steps (the shift varies slowly)."""
    glon, glat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    return _invert(wgs84_to_gcj02, glon, glat, glon.copy(), glat.copy(), tol, max_iter)


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat, tol: float = 1e-9, max_iter: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """The published closed-form inverse, refined by iteration so that the round trip is exact."""
    blon, blat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    x, y = blon - 0.0065, blat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return _invert(gcj02_to_bd09, blon, blat, z * np.cos(theta), z * np.sin(theta), tol, max_iter)


def _invert(forward, tlon, tlat, lon, lat, tol, max_iter):
    for _ in range(max_iter):
        flon, flat = forward(lon, lat)
        elon, elat = flon - tlon, flat - tlat
        lon, lat = lon - elon, lat - elat
        if not (np.any(np.abs(elon) > tol) or np.any(np.abs(elat) > tol)):
            break
    return lon, lat


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def to_wgs84_xy(xy: np.ndarray, system: str) -> np.ndarray:
    """An (n, 2) lon/lat array in ``system`` as WGS-84 lon/lat (wgs84/cgcs2000 unchanged)."""
    if system in ("wgs84", "cgcs2000") or len(xy) == 0:
        return xy
    convert = {"gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}[system]
    lon, lat = convert(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])
