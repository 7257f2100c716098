"""Service circles (生活圈), in one place: who reaches which facility, how fast, and how far.

``compute``: ``compute_circles`` → ``Circles`` (nearest facility, time, distance, band, tier per
unit; shares per grid and community); ``areas``: exact service areas on road edges and band
polygons; ``layers``: the GeoPackage layers of a ``Circles`` result (the files themselves are
written by the use cases, ``engine/workflows/circles.py`` and ``run.py``).  The road graph, snapping
and shortest-path kernels they stand on are ``engine/network`` (shared with the simulation).
"""
from __future__ import annotations

from .compute import (BAND_BUFFER_M, N_BANDS, Circles, band_of, check_circle_params, compute_circles, group_shares,
                      nearest_from, tier_completeness)

__all__ = ["BAND_BUFFER_M", "N_BANDS", "Circles", "band_of", "check_circle_params", "compute_circles", "group_shares",
           "nearest_from", "tier_completeness"]
