"""Which facility types a scenario requires, and how each is judged: walking tier or drive time.

The defaults are the national lists (``vocab.NATIONAL_REQUIRED``: GB 50180-2018 Appendix B and
TD/T 1062-2021 5/10/15-minute life circles, plus police and fire cover).  ``scenario.toml`` may

* replace the required list: ``[coverage] required = ["clinic", "pharmacy", ...]``;
* add or change a type: ``[coverage.types.pharmacy] label_en = "Pharmacy"; label_zh = "药店";
  tier = "10min"`` (walking, the tier's ``[circles] tier_distance_m``; ``distance_m`` overrides it)
  or ``mode = "drive"; drive_min = 8`` (emergency cover, judged by driving time on the roads);
* change the emergency drive thresholds: ``[coverage] drive_minutes = {police = 5, fire = 4}``.

A required type with no facility in the layer is not skipped: it covers nobody (0 %) and is
listed as a problem, so deleting a poorly covered type cannot raise a score.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import Problem
from .vocab import FACILITY_TYPES, TIERS

MODES = ("walk", "drive")
TYPE_KEYS = {"label_en": str, "label_zh": str, "tier": str, "mode": str, "distance_m": (int, float),
             "drive_min": (int, float)}


@dataclass(frozen=True)
class CoverageType:
    """One facility type as the coverage metrics judge it."""

    key: str
    label_en: str
    label_zh: str
    mode: str                    # "walk" (life-circle tier, network distance) | "drive" (minutes)
    tier: str | None             # "5min" | "10min" | "15min" for walking types
    threshold: float             # metres (walk) or minutes (drive)
    custom: bool = False         # defined or changed in scenario.toml

    def label(self, lang: str) -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en

    @property
    def threshold_text(self) -> str:
        return f"{self.threshold:g} m" if self.mode == "walk" else f"{self.threshold:g} min"


def coverage_types(params: dict) -> dict[str, CoverageType]:
    """Every facility type the scenario knows (built-in and ``[coverage.types]``), resolved.

    Types with neither a tier nor a drive time (grid stations, governance centres) are not
    life-circle facilities and are left out.  Call ``check_coverage_params`` first for messages.
    """
    tiers = params["circles"]["tier_distance_m"]
    cov = params.get("coverage", {})
    drive = cov.get("drive_minutes", {})
    out: dict[str, CoverageType] = {}
    for key, ft in FACILITY_TYPES.items():
        if ft.drive_min is not None:
            out[key] = CoverageType(key, ft.en, ft.zh, "drive", None, float(drive.get(key, ft.drive_min)))
        elif ft.tier:
            out[key] = CoverageType(key, ft.en, ft.zh, "walk", ft.tier, float(tiers[ft.tier]))
    for key, spec in (cov.get("types") or {}).items():
        base = FACILITY_TYPES.get(key)
        prev = out.get(key)
        mode = spec.get("mode", prev.mode if prev else "walk")
        tier = spec.get("tier", prev.tier if prev and prev.tier else None) if mode == "walk" else None
        if mode == "walk":
            threshold = float(spec["distance_m"] if "distance_m" in spec else tiers.get(tier, math.nan))
        else:
            threshold = float(spec.get("drive_min", prev.threshold if prev and prev.mode == "drive" else math.nan))
        out[key] = CoverageType(key, str(spec.get("label_en", base.en if base else key)),
                                str(spec.get("label_zh", base.zh if base else key)), mode, tier, threshold, True)
    return out


def required_types(params: dict) -> list[str]:
    """The required facility types, in the order given (duplicates dropped)."""
    return list(dict.fromkeys(str(k) for k in params.get("coverage", {}).get("required", [])))


def known_facility_types(params: dict) -> set[str]:
    """Keys allowed in the facilities layer's ``type``: the vocabulary plus ``[coverage.types]``."""
    return set(FACILITY_TYPES) | set((params.get("coverage", {}).get("types") or {}))


def check_coverage_params(params: dict, file: str = "scenario.toml") -> list[Problem]:
    """Located problems (file, section ``coverage``, field) of the coverage configuration."""
    cov = params.get("coverage", {})
    problems: list[Problem] = []

    def bad(field: str, msg: str):
        problems.append(Problem(msg, file, "coverage", field=field))

    types = cov.get("types") or {}
    for key, spec in types.items():
        where = f"types.{key}"
        if not isinstance(spec, dict):
            bad(where, f"[coverage.types.{key}] must be a table (label_en, label_zh, tier or mode/drive_min)")
            continue
        for k, v in spec.items():
            if k not in TYPE_KEYS:
                bad(f"{where}.{k}", f"unknown key '{k}' (known: {', '.join(TYPE_KEYS)})")
            elif isinstance(v, bool) or not isinstance(v, TYPE_KEYS[k]):
                bad(f"{where}.{k}", f"{k} = {v!r} has the wrong type")
        base = FACILITY_TYPES.get(key)
        mode = spec.get("mode", "drive" if base is not None and base.drive_min is not None else "walk")
        if mode not in MODES:
            bad(f"{where}.mode", f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        elif mode == "walk":
            tier = spec.get("tier", base.tier if base else None)
            if tier not in TIERS and "distance_m" not in spec:
                bad(f"{where}.tier", f"a walking type needs tier = one of {', '.join(TIERS)} (or distance_m), "
                                     f"got {tier!r}")
            elif tier is not None and tier not in TIERS:
                bad(f"{where}.tier", f"tier must be one of {', '.join(TIERS)}, got {tier!r}")
            d = spec.get("distance_m")
            if d is not None and not (isinstance(d, (int, float)) and d > 0 and math.isfinite(d)):
                bad(f"{where}.distance_m", f"distance_m must be positive metres, got {d!r}")
        else:
            m = spec.get("drive_min", base.drive_min if base else None)
            if not (isinstance(m, (int, float)) and not isinstance(m, bool) and m > 0 and math.isfinite(m)):
                bad(f"{where}.drive_min", f"a driving type needs drive_min = positive minutes, got {m!r}")
    for key, m in (cov.get("drive_minutes") or {}).items():
        if not (isinstance(m, (int, float)) and m > 0 and math.isfinite(m)):
            bad(f"drive_minutes.{key}", f"must be positive minutes, got {m!r}")
    required = cov.get("required", [])
    if not isinstance(required, list) or not all(isinstance(k, str) for k in required):
        bad("required", f"required must be a list of facility type keys, got {required!r}")
        return problems
    judged = set(coverage_types(params)) if not problems else known_facility_types(params)
    for k in required:
        if k not in known_facility_types(params):
            bad("required", f"unknown facility type '{k}' (known: {', '.join(sorted(known_facility_types(params)))}; "
                            f"add new ones as [coverage.types.{k}])")
        elif k not in judged:
            bad("required", f"'{k}' has neither a life-circle tier nor a drive time; give it one in "
                            f"[coverage.types.{k}] or remove it from the list")
    return problems
