"""Scenario parameters: the one place where every default lives (sources: docs/sources.md).

``scenario.toml`` overrides any of these; ``docs/scenario.md`` is generated from this table
(``python -m gridgov.engine.params`` prints it), so documentation and code cannot drift.
Each entry is ``Param(default, unit, doc, source)``.  Nested dict defaults (e.g. mixes) are
replaced key by key.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .vocab import NATIONAL_REQUIRED


@dataclass(frozen=True)
class Param:
    default: Any
    unit: str = ""
    doc: str = ""
    source: str = ""


DEFAULTS: dict[str, dict[str, Param]] = {
    "travel": {
        "walk_speed_mps": Param(1.0, "m/s", "planning walking speed", "docs/sources.md §5; FHWA 1.22, Shanghai 1.24 observed"),
        "elderly_speed_mps": Param(0.8, "m/s", "walking speed of elderly residents", "docs/sources.md §5 [A]"),
        "ebike_speed_kmh": Param(15.0, "km/h", "grid worker on an e-bike", "docs/sources.md §5 [A]"),
        "drive_speed_factor": Param(0.7, "", "share of the road-class speed reached in city traffic", "[A]"),
        "worker_mode": Param("ebike", "", "travel mode of grid workers (walk, ebike, drive)", ""),
        "snap_max_m": Param(300.0, "m", "farthest a unit/facility may lie from a road to be snapped", "[A]"),
        "node_tolerance_m": Param(0.5, "m", "line ends closer than this are the same road node", ""),
    },
    "circles": {
        "mode": Param("walk", "", "travel mode of residents for life circles", ""),
        "band_minutes": Param([5, 10, 15], "min", "travel-time bands reported per unit", "5/10/15 分钟生活圈"),
        "tier_distance_m": Param({"5min": 300.0, "10min": 500.0, "15min": 1000.0}, "m",
                                 "network walking distance per life-circle tier", "GB 50180-2018; docs/sources.md §3"),
    },
    "coverage": {
        "required": Param(list(NATIONAL_REQUIRED), "", "facility types every household should reach; a required type "
                          "with no facility scores 0 % and is listed as a problem",
                          "GB 50180-2018 App. B; TD/T 1062-2021; 110/119 cover (docs/sources.md §3, §4)"),
        "drive_minutes": Param({"police": 5.0, "fire": 4.0}, "min",
                               "emergency cover: driving time from the nearest station to the household",
                               "110 urban 5 min; 建标152-2017 fire 5 min incl. 1 min turn-out (docs/sources.md §4)"),
        "types": Param({}, "", "facility types added or changed: [coverage.types.<key>] label_en, label_zh, "
                       "tier (walking) or mode = \"drive\" + drive_min; optional distance_m", ""),
    },
    "grids": {
        "general_households": Param({"target": 400, "min": 160, "max": 500}, "households",
                                    "size norm of a general grid", "docs/sources.md §1"),
        "micro_households": Param({"target": 30, "min": 20, "max": 100}, "households",
                                  "size norm of a micro-grid", "Chengdu 微网实格; docs/sources.md §5"),
    },
    "import": {
        "dwelling_m2": Param(100.0, "m²", "gross floor area per household when households are estimated from "
                             "footprint × floors", "China 2020 census: 36.5 m² per urban resident × 2.62 residents per "
                             "household ≈ 96 m² usable [A: gross ≈ usable + 5 %]"),
        "residents_per_household": Param(2.62, "residents", "residents per household when the register gives none",
                                         "China 2020 census (7th), mean family household size"),
        "floor_height_m": Param(3.0, "m", "storey height: floors = building height ÷ this", "GB 50096-2011 (≥ 2.8 m) [A]"),
        "default_floors": Param({"house": 2, "apartments": 6, "residential": 6, "dormitory": 5, "other": 4}, "floors",
                                "floors when neither building:levels nor height is known, by building type "
                                "(house = house/detached/semi-detached/terrace/bungalow; other = building=yes etc.)", "[A]"),
        "min_footprint_m2": Param(30.0, "m²", "smaller buildings (sheds, kiosks, garages) hold no dwellings", "[A]"),
        "unknown_type_residential": Param(True, "", "buildings tagged only building=yes are counted as residential "
                                          "(false: only residential building types)", "[A]"),
        "community_households": Param(3000, "households", "households per community drawn when no community "
                                      "boundaries are given", "GB 50180-2018 5-min circle 1,500–4,000 dwellings [A]"),
        "station_staff_per_grid": Param(1, "workers", "grid workers based at a community's workstation per general "
                                        "grid of the community", "[A]"),
    },
    "demand": {
        "events_per_1000_residents_month": Param(8.0, "events", "grid events per 1,000 residents per month",
                                                 "Chengdu 2.16 M / ~20 M residents (docs/sources.md §5)"),
        "day_multiplier": Param(1.5, "", "arrival-rate multiplier by day", "docs/sources.md §5 [A]"),
        "night_multiplier": Param(0.3, "", "arrival-rate multiplier at night", "docs/sources.md §5 [A]"),
        "day_start_hour": Param(7, "h", "first hour counted as day", "[A]"),
        "night_start_hour": Param(22, "h", "first hour counted as night", "[A]"),
        "weekend_multiplier": Param(0.8, "", "arrival-rate multiplier on Saturday and Sunday", "[A]"),
        "type_mix": Param({"city_management": 0.35, "livelihood": 0.25, "safety_hazard": 0.15,
                           "dispute": 0.10, "public_order": 0.05, "other": 0.075, "fire": 0.004,
                           "gas_leak": 0.003, "violence": 0.008, "medical": 0.01}, "share",
                          "incident type mix; fire, gas_leak, violence and medical are emergencies (urgent, "
                          "with a responder of [emergency] responder)", "docs/sources.md §5 [A]; emergency shares [A]"),
        "urgency_mix": Param({"urgent": 0.05, "normal": 0.80, "complex": 0.15}, "share",
                             "urgency mix", "docs/sources.md §5 [A]"),
        "patrol_found_share": Param(0.6, "share", "share of incidents found by grid workers on patrol "
                                    "(the rest are reported by residents or 12345)", "Tianmen 95.7% by supervisors [V]; [A]"),
        "dedicated_events_per_month": Param({"school": 6.0, "hospital": 15.0, "market": 10.0}, "events",
                                            "events per month at each school, hospital or market of a dedicated "
                                            "grid (专属网格), on top of residents' demand", "[A]"),
        "dedicated_types": Param({"school": "safety_hazard,public_order,dispute,medical",
                                  "hospital": "dispute,public_order,medical",
                                  "market": "city_management,safety_hazard,dispute,fire"}, "",
                                 "incident types of each dedicated-site kind (comma list, equal shares)", "[A]"),
        "fit_history": Param(True, "", "fit the hour-of-week profile and type mix from the incidents layer when present", ""),
        "history_bandwidth_m": Param(150.0, "m", "kernel bandwidth smoothing where history incidents happen "
                                     "(0 = per unit, no smoothing)", "[A]"),
        "history_spatial_weight": Param(0.7, "share", "weight of the fitted history locations against residents in "
                                        "each unit's share of incidents (0 = residents only)", "[A]"),
        "fit_min_records": Param(200, "records", "fewest history records needed to fit the profile", "[A]"),
    },
    "workflow": {
        "dispatch_median_min": Param({"urgent": 5.0, "normal": 15.0, "complex": 15.0}, "min",
                                     "report → register + dispatch, lognormal median", "docs/sources.md §5"),
        "dispatch_cap_min": Param({"urgent": 10.0, "normal": 30.0, "complex": 30.0}, "min",
                                  "hard cap on register + dispatch", "Taiyuan code [V]"),
        "onspot_share": Param(0.6, "share", "incidents handled on the spot by the grid worker", "docs/sources.md §5 [A]"),
        "handle_median_min": Param(30.0, "min", "on-the-spot handling time, lognormal median", "docs/sources.md §5 [A]"),
        "handle_p90_min": Param(90.0, "min", "on-the-spot handling time, 90th percentile", "docs/sources.md §5 [A]"),
        "escalation_share": Param({"community": 0.25, "street": 0.12, "district": 0.03}, "share",
                                  "share of incidents escalated to each level", "docs/sources.md §5 [A]"),
        "deadline_h": Param({"urgent": 2.0, "normal": 24.0, "complex": 360.0}, "h",
                            "resolution deadline by urgency", "Taiyuan / Beijing 12345 [V]"),
        "type_deadline_h": Param({"city_management": 24.0, "livelihood": 168.0, "safety_hazard": 24.0,
                                  "dispute": 168.0, "public_order": 24.0, "other": 168.0, "fire": 2.0,
                                  "gas_leak": 2.0, "violence": 2.0, "medical": 2.0}, "h",
                                 "closure deadline of a normal-urgency incident by type (urgent and complex ones "
                                 "keep deadline_h)",
                                 "Taiyuan code: 1 working day for city management; Beijing 12345 draft: 2 h life/"
                                 "property risk, 24 h utilities, 7 days general (docs/sources.md §2) [V]; mapping to types [A]"),
        "escalated_median_h": Param({"community": 8.0, "street": 48.0, "district": 120.0}, "h",
                                    "resolution time once escalated, lognormal median", "[A]"),
        "verification_max_h": Param(1.0, "h", "verification after handling (urban)", "Taiyuan [V]"),
        "max_concurrent_cases": Param(3, "cases", "cases one worker may hold at once", "[A]"),
        "dispatch_policy": Param("own_grid_first", "", "own_grid_first | nearest_available", ""),
        "neighbour_grids": Param(4, "grids", "nearest other grids whose workers may be sent when the own grid's are "
                                 "unavailable (own_grid_first) or as candidates (nearest_available)", "[A]"),
    },
    "staffing": {
        "workers_per_general_grid": Param(1, "workers", "full-time grid workers per general grid", "Taiyuan, Chengdu [V]"),
        "shift_hours": Param(8.0, "h", "length of a worker's shift", "docs/sources.md §5"),
        "shift_start_hour": Param(8, "h", "start of the day shift", "[A]"),
        "patrol_share": Param(0.4, "share", "share of the shift spent on patrol", "docs/sources.md §5 [A]"),
        "mobile_workers_per_street": Param(0, "workers", "workers of a street-level mobile grid (机动网格) that any "
                                           "grid of the street may call on (0 = none)", "[A]"),
        "on_call_urgent": Param(True, "", "an off-shift worker is called out for urgent cases (normal ones wait for the shift)", "[A]"),
    },
    "roster": {
        "grid": Param({"workdays": [0, 1, 2, 3, 4], "weekend_duty_every_weeks": 4}, "",
                      "full-time grid workers (专职网格员): weekdays worked (0 = Monday) on the "
                      "staffing.shift_start_hour / shift_hours shift, and holiday duty (节假日值班): one "
                      "weekend-day shift every N weeks, staggered (0 = none)",
                      "5-day week: 国务院令第174号 (1995) 8 h × 5 days [R]; holiday rota [A]"),
        "street_duty": Param({"on_duty": 1, "start_hour": 8.0, "hours": 8.0}, "",
                             "street duty team at the street 综治中心, on duty around the clock: people on duty "
                             "at any time (0 = no team), first shift start and shift length",
                             "综治中心 run jointly with the 24-hour police command centre (docs/sources.md §1); team size [A]"),
    },
    "emergency": {
        "responder": Param({"fire": "fire", "gas_leak": "fire", "violence": "police", "medical": "clinic"}, "",
                           "facility type whose units respond to each emergency incident type, driving on the "
                           "road network ('' = no responder); grid workers still attend and report",
                           "Chengdu 2020 gas-leak case: 综治中心 → fire brigade (docs/sources.md §4); 110/119/120 [A]"),
        "crew": Param({"fire": 6.0, "police": 4.0, "clinic": 2.0, "health_centre": 2.0}, "staff",
                      "staff per responder unit: a facility has max(1, staff // crew) units", "[A]"),
        "call_min": Param(1.0, "min", "report → responder alerted (call taking or 综治中心 relay)",
                          "[A]; 建标152-2017 allows 2.5 min alarm + dispatch (docs/sources.md §4)"),
        "turnout_min": Param({"fire": 1.0, "police": 1.0, "clinic": 3.0, "health_centre": 3.0}, "min",
                             "alerted → unit leaves its station",
                             "fire 1 min 建标152-2017 [V]; 120 ≤ 3 min 国卫医发〔2020〕19号 [S]; police [A]"),
        "busy_median_min": Param({"fire": 60.0, "police": 45.0, "clinic": 60.0, "health_centre": 60.0}, "min",
                                 "on-scene time of a responder unit, lognormal median", "[A]"),
        "busy_p90_min": Param({"fire": 150.0, "police": 120.0, "clinic": 120.0, "health_centre": 120.0}, "min",
                              "on-scene time, 90th percentile", "[A]"),
    },
    "escalation": {
        "type_factor": Param({"city_management": 0.7, "livelihood": 1.0, "safety_hazard": 1.3, "dispute": 1.5,
                              "public_order": 1.3, "other": 1.0, "fire": 2.0, "gas_leak": 2.0, "violence": 2.0,
                              "medical": 1.0}, "",
                             "relative escalation odds by incident type (normalised over the mix: the overall "
                             "escalated share stays workflow.escalation_share)", "[A]"),
        "urgency_factor": Param({"urgent": 1.5, "normal": 0.8, "complex": 2.5}, "",
                                "relative escalation odds by urgency (normalised like type_factor)", "[A]"),
        "on_duty_share": Param(1.0 / 3.0, "share",
                               "share of a 综治中心's staff (facilities staff) at the desk at any time: its "
                               "desks = max(1, round(staff × share))", "8-hour shifts of a 24-hour centre [A]"),
        "work_median_h": Param({"street": 4.0, "district": 8.0}, "h",
                               "desk time of an escalated case at its centre (coordination, calls to departments), "
                               "lognormal median", "[A]"),
        "work_p90_h": Param({"street": 12.0, "district": 24.0}, "h", "desk time, 90th percentile", "[A]"),
    },
    "routine": {
        "patrols_per_day": Param(2.0, "patrols", "patrols of the grid's roads per workday (一日双巡)",
                                 "一日双巡 practice of grid workers (issue 12; Chengdu) [R]"),
        "patrol_speed_kmh": Param(4.0, "km/h", "patrol speed including stops to look and talk", "[A]"),
        "visit_h_per_household_year": Param(1.0, "h", "household visits (入户走访) per household per year: a "
                                            "15-minute visit each quarter", "[A]"),
        "record_h_per_unit_year": Param(2.0, "h", "checking household and housing records (人房信息核查) per "
                                        "residential unit per year", "[A]"),
        "max_utilisation": Param(0.85, "share", "share of duty hours a worker can fill with incidents + routine "
                                 "(for workers_needed)", "[A]"),
    },
    "micro_member": {
        "enabled": Param(False, "", "micro-grid members (微网格员, residents serving their own micro-grid) make first "
                         "contact with reports from their micro-grid",
                         "Chengdu: 13.3万 micro-grid members vs 1.48万 full-time grid workers (docs/sources.md §1)"),
        "response_median_min": Param(10.0, "min", "report → first contact by the micro-grid member, lognormal median",
                                     "[A]"),
        "response_p90_min": Param(30.0, "min", "report → first contact, 90th percentile", "[A]"),
        "reachable_share": Param(0.7, "share", "share of reports during their hours that a member takes", "[A]"),
        "start_hour": Param(7.0, "h", "members are reachable from this hour …", "[A]"),
        "hours": Param(15.0, "h", "… for this many hours a day (7:00–22:00)", "[A]"),
    },
    "simulation": {
        "days": Param(365, "days", "simulated horizon; a year keeps per-worker workload figures out of Poisson noise (28 days: Gini 0.34 → a year: 0.14 on the Wuhou sample)", ""),
        "seed": Param(20241124, "", "random seed (numpy SeedSequence entropy)", ""),
        "engine": Param("numba", "", "numba | simpy", ""),
        "replications": Param(20, "runs", "independent replications (common random numbers across compared "
                              "scenarios); every simulated metric carries a mean and a 95 % interval", ""),
    },
    "cost": {
        "worker_yuan_per_year": Param(72000.0, "CNY/year", "full cost of one grid worker", "[A]"),
        "station_yuan_per_year": Param(120000.0, "CNY/year", "running cost of one station", "[A]"),
    },
    "score": {
        "weights": Param({"coverage": 0.30, "response": 0.25, "closure": 0.15, "balance": 0.10,
                          "size": 0.10, "compactness": 0.05, "cost": 0.05}, "",
                         "weights of the total score (normalised to sum 1)", ""),
    },
}


def defaults() -> dict[str, dict[str, Any]]:
    """Plain nested dict of default values."""
    return {sec: {k: copy.deepcopy(p.default) for k, p in items.items()} for sec, items in DEFAULTS.items()}


def merge(user: dict[str, Any], where: str = "scenario.toml") -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Merge user parameters over the defaults.

    Returns ``(params, problems)``; each problem names the section and key.  Unknown sections
    and keys are problems (a typo must not silently fall back to a default).
    """
    params = defaults()
    problems: list[str] = []
    for sec, values in user.items():
        if sec not in DEFAULTS:
            continue  # non-parameter tables ([scenario], [layers], ...) are read elsewhere
        if not isinstance(values, dict):
            problems.append(f"{where}: [{sec}] must be a table")
            continue
        for key, value in values.items():
            if key not in DEFAULTS[sec]:
                problems.append(f"{where}: [{sec}] unknown key '{key}' (known: {', '.join(DEFAULTS[sec])})")
                continue
            default = DEFAULTS[sec][key].default
            if isinstance(default, dict):
                if not isinstance(value, dict):
                    problems.append(f"{where}: [{sec}] {key} must be a table like {default}")
                    continue
                merged = dict(params[sec][key])
                for k, v in value.items():
                    if not default:       # an open table (e.g. [coverage] types), checked by its own module
                        merged[k] = v
                    elif k not in default:
                        problems.append(f"{where}: [{sec}] {key}.{k} unknown (known: {', '.join(default)})")
                    elif not _same_kind(default[k], v):
                        problems.append(f"{where}: [{sec}] {key}.{k} = {v!r} must be {type(default[k]).__name__}")
                    else:
                        merged[k] = v
                params[sec][key] = merged
            elif not _same_kind(default, value):
                problems.append(f"{where}: [{sec}] {key} = {value!r} must be {type(default).__name__}")
            else:
                params[sec][key] = value
    return params, problems


def check_values(params: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """Value checks that types alone cannot catch, as ``(field, message)`` pairs.

    Grid size norms must read 0 ≤ min ≤ target ≤ max: a reversed range would silently
    mark every grid as out of norm (or every grid as fine).
    """
    from .coverage_types import check_coverage_params

    problems = []
    reps = params["simulation"]["replications"]
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
        problems.append(("simulation.replications", f"[simulation] replications must be a whole number ≥ 1 "
                                                    f"(got {reps!r})"))
    problems += [(f"coverage.{p.field}", f"[coverage] {p.message}") for p in check_coverage_params(params)]
    for key in ("general_households", "micro_households"):
        norm = params["grids"][key]
        lo, target, hi = norm["min"], norm["target"], norm["max"]
        if not 0 <= lo <= target <= hi:
            problems.append((f"grids.{key}", f"[grids] {key} must satisfy 0 ≤ min ≤ target ≤ max "
                                             f"(got min {lo}, target {target}, max {hi})"))
    return problems


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))


def markdown_table() -> str:
    """The parameter reference used in docs/scenario.md."""
    lines = ["| section | key | default | unit | meaning | basis |", "|---|---|---|---|---|---|"]
    for sec, items in DEFAULTS.items():
        for key, p in items.items():
            lines.append(f"| {sec} | {key} | `{p.default}` | {p.unit} | {p.doc} | {p.source} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
