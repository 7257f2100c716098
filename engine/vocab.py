"""Vocabularies shared by the engine, the CLI, the reports and the plugin.

One place for every controlled word: facility types, grid levels, incident types and
urgencies, travel modes, life-circle bands and tiers.  Labels are (en, zh_CN).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    key: str
    en: str
    zh: str

    def label(self, lang: str = "en") -> str:
        return self.zh if lang.startswith("zh") else self.en


def _index(terms):
    return {t.key: t for t in terms}


# Grid hierarchy (CJ/T 349 codes nest street → community → grid → micro-grid).
GRID_LEVELS = _index([
    Term("general", "General grid", "一般网格"),
    Term("micro", "Micro-grid", "微网格"),
    Term("dedicated", "Dedicated grid", "专属网格"),
])

# Facilities / resources a scenario can place.  ``tier`` is the GB 50180-2018 / TD/T 1062-2021
# life-circle tier whose walking distance applies (None = not a life-circle facility);
# ``drive_min`` marks an emergency facility scored by driving time from it to the households
# (police 110, fire 119, 120), not by a walking tier.  docs/sources.md §3 and §4 give the sources.
@dataclass(frozen=True)
class FacilityType(Term):
    tier: str | None = None
    responder: bool = False  # staffed by people who travel to incidents
    drive_min: float | None = None


FACILITY_TYPES = _index([
    FacilityType("grid_station", "Grid workstation", "网格工作站", responder=True),
    FacilityType("community_service", "Community service station", "社区服务站", tier="5min"),
    FacilityType("governance_centre", "Comprehensive governance centre", "综治中心", responder=True),
    FacilityType("police", "Police station", "派出所", responder=True, drive_min=5.0),
    FacilityType("fire", "Fire station", "消防站", responder=True, drive_min=4.0),
    FacilityType("clinic", "Community health station", "社区卫生服务站", tier="5min"),
    FacilityType("health_centre", "Community health centre", "社区卫生服务中心", tier="15min"),
    FacilityType("school", "Primary school", "小学", tier="10min"),
    FacilityType("middle_school", "Junior middle school", "初中", tier="15min"),
    FacilityType("kindergarten", "Kindergarten", "幼儿园", tier="5min"),
    FacilityType("market", "Vegetable market", "菜市场", tier="15min"),
    FacilityType("supermarket", "Supermarket / shops", "超市", tier="10min"),
    FacilityType("elderly_care", "Elderly day-care station", "养老服务站", tier="5min"),
    FacilityType("cultural", "Cultural activity station", "文化活动站", tier="5min"),
    FacilityType("sports", "Sports ground", "运动场地", tier="10min"),
])

#: Facility types a household should reach by default: the national 5/10/15-minute lists of
#: GB 50180-2018 (Appendix B) and TD/T 1062-2021 that GridGov knows, plus the police (110) and
#: fire (119) emergency cover (docs/sources.md §3, §4).  ``[coverage] required`` replaces it.
NATIONAL_REQUIRED = ("community_service", "kindergarten", "elderly_care", "clinic", "cultural",
                     "school", "supermarket", "sports",
                     "middle_school", "health_centre", "market",
                     "police", "fire")

# 5/10/15-minute life-circle tiers (GB 50180-2018): walking network distance thresholds in
# metres.  DOMAIN.md §3: use the standard's distances, not speed × time.
TIERS = _index([
    Term("5min", "5-minute circle", "5分钟生活圈"),
    Term("10min", "10-minute circle", "10分钟生活圈"),
    Term("15min", "15-minute circle", "15分钟生活圈"),
])

# Travel-time bands reported per unit (minutes); band index 3 = beyond 15 min / unreachable.
BAND_MINUTES = (5, 10, 15)
BANDS = _index([
    Term("le5", "≤ 5 min", "≤5分钟"),
    Term("le10", "5–10 min", "5–10分钟"),
    Term("le15", "10–15 min", "10–15分钟"),
    Term("gt15", "> 15 min", ">15分钟"),
])

TRAVEL_MODES = _index([
    Term("walk", "Walking", "步行"),
    Term("elderly", "Walking (elderly)", "老年人步行"),
    Term("ebike", "E-bike", "电动自行车"),
    Term("drive", "Driving", "驾车"),
])

INCIDENT_TYPES = _index([
    Term("city_management", "City management (市容)", "城市管理"),
    Term("livelihood", "Livelihood request", "民生诉求"),
    Term("safety_hazard", "Safety hazard", "安全隐患"),
    Term("dispute", "Dispute", "矛盾纠纷"),
    Term("public_order", "Public order", "治安问题"),
    Term("other", "Other", "其他"),
    Term("fire", "Fire (emergency)", "火灾"),
    Term("gas_leak", "Gas leak (emergency)", "燃气泄漏"),
    Term("violence", "Violence (emergency)", "暴力事件"),
    Term("medical", "Medical emergency", "急病急救"),
])

URGENCIES = _index([
    Term("urgent", "Urgent", "紧急"),
    Term("normal", "Normal", "一般"),
    Term("complex", "Complex", "复杂"),
])

# Escalation levels of the closed loop (grid → community → street → district).
ESCALATION_LEVELS = _index([
    Term("grid", "Grid worker on the spot", "网格员就地处置"),
    Term("community", "Community", "社区"),
    Term("street", "Street office", "街道"),
    Term("district", "District department", "区级部门"),
])

# OSM-style road classes and their default driving speeds (km/h); walk/e-bike ignore class.
ROAD_CLASS_SPEED_KMH = {
    "motorway": 60.0, "trunk": 50.0, "primary": 40.0, "secondary": 35.0, "tertiary": 30.0,
    "unclassified": 25.0, "residential": 20.0, "living_street": 10.0, "service": 15.0,
    "pedestrian": 5.0, "footway": 5.0, "path": 5.0, "cycleway": 15.0, "track": 15.0,
}
# Classes that cars may not use (walk/e-bike only).
NON_DRIVABLE_CLASSES = frozenset({"pedestrian", "footway", "path", "cycleway", "steps"})
