"""Service metrics from the simulated closed loop: response times, closure, workload balance.

Anchors of the 0–100 sub-scores: on-duty response p90 15 min → 100, 60 min → 0 (Taiyuan: on scene within
1 h); on-time closure 95 % → 100 (DOMAIN §7 target), 50 % → 0; 24 h closure 90 % → 100 (Chengdu
reports >90 % within 24 h), 50 % → 0; workload max/mean 1 → 100, 2 → 0; Gini 0 → 100, 0.5 → 0.
Household balance needs no simulation, so a layout can be judged before it is simulated.
"""
from __future__ import annotations

import numpy as np

from .geometry import gini, max_over_mean
from .registry import MetricValue, NotComputed, metric

#: utilisation above which a worker is reported as overloaded [A]
OVERLOAD_UTILISATION = 0.85


def _summary(key: str):
    return lambda ctx: MetricValue(ctx.summary(key))


# Two views of response.  All incidents: reports that arrive while nobody is on shift wait for
# the next shift (unless urgent), so these mostly measure the shift pattern and are reported
# without points.  On duty: reports made while the grid's worker is on shift; this is what a
# layout (grid sizes, station places) changes, so these carry the response points.
for _q in ("p50", "p90", "p95"):
    metric(f"response_{_q}_min", label_en=f"Response time {_q}, all hours (report → worker on scene)",
           label_zh=f"响应时间{_q}（全时段，上报→网格员到场）", unit="min", direction="lower", section="response",
           norm="Taiyuan code: on scene within 1 h; police urban 5 min (DOMAIN §2, §4)", needs=("sim",),
           norm_zh="太原市规定：1小时内到场；城区警情5分钟到场",
           description_en=f"{_q[1:]}th percentile of simulated response times over all reported incidents, "
                          "including waits for the next shift.",
           description_zh=f"全部上报事件（含等待下一班次）模拟响应时间的第{_q[1:]}百分位数。")(_summary(f"response_{_q}_min"))

for _m in (5, 10, 15):
    metric(f"response_within_{_m}min", label_en=f"Incidents reached within {_m} min, all hours",
           label_zh=f"{_m}分钟内到场的事件比例（全时段）", unit="share", direction="higher", section="response",
           norm="Chengdu: gas leak handled within 5 min (DOMAIN seed facts)", needs=("sim",),
           norm_zh="成都：燃气泄漏5分钟内处置",
           description_en=f"Share of reported incidents with a worker on scene within {_m} minutes of the report.",
           description_zh=f"上报后{_m}分钟内网格员到场的事件占比。")(_summary(f"response_within_{_m}min"))

for _q in ("p50", "p90"):
    metric(f"response_on_duty_{_q}_min", label_en=f"Response time {_q}, worker on duty",
           label_zh=f"响应时间{_q}（在岗时段）", unit="min", direction="lower", section="response",
           norm="Taiyuan code: on scene within 1 h; police urban 5 min (DOMAIN §2, §4)", needs=("sim",),
           norm_zh="太原市规定：1小时内到场；城区警情5分钟到场",
           good=15.0 if _q == "p90" else None, bad=60.0 if _q == "p90" else None,
           description_en=f"{_q[1:]}th percentile of response times of incidents reported while the grid's "
                          "worker was on shift.",
           description_zh=f"网格员在岗时段上报事件响应时间的第{_q[1:]}百分位数。")(_summary(f"response_on_duty_{_q}_min"))

metric("response_on_duty_within_15min", label_en="Reached within 15 min, worker on duty",
       label_zh="15分钟内到场比例（在岗时段）", unit="share", direction="higher", section="response",
       norm="15-minute life circle; Chengdu: gas leak handled within 5 min (DOMAIN seed facts)", needs=("sim",),
       norm_zh="15分钟生活圈；成都：燃气泄漏5分钟内处置",
       good=1.0, bad=0.0,
       description_en="Share of incidents reported while the worker was on shift that were reached within 15 minutes.",
       description_zh="在岗时段上报、15分钟内网格员到场的事件占比。")(_summary("response_on_duty_within_15min"))

metric("on_time_share", label_en="On-time closure", label_zh="按期结案率", unit="share", direction="higher",
       section="closure", norm="on-time closure target ≥95% (DOMAIN §7; Fuzhou 99.9%, Tianmen 75.8%)",
       norm_zh="按期结案率目标≥95%（福州99.9%，天门75.8%）",
       needs=("sim",), good=0.95, bad=0.5,
       description_en="Share of incidents closed within the deadline of their urgency (2 h / 24 h / 15 days).",
       description_zh="在对应紧急程度时限内（2小时/24小时/15天）结案的事件占比。")(_summary("on_time_share"))

metric("closed_24h_share", label_en="Closed within 24 h", label_zh="24小时结案率", unit="share",
       direction="higher", section="closure", norm="Chengdu: 24 h response rate >90% (DOMAIN seed facts)",
       norm_zh="成都：24小时响应率>90%",
       needs=("sim",), good=0.9, bad=0.5,
       description_en="Share of incidents closed within 24 hours of the report.",
       description_zh="上报后24小时内结案的事件占比。")(_summary("closed_24h_share"))


@metric("workload_max_mean", label_en="Worker workload max / mean", label_zh="网格员工作量 最大/平均",
        unit="ratio", direction="lower", section="balance", norm="CJ/T 213 principle: load balance",
        norm_zh="CJ/T 213 原则：工作量均衡",
        needs=("sim",), good=1.0, bad=2.0,
        description_en="Busiest worker's simulated busy hours divided by the mean over workers.",
        description_zh="最忙网格员的模拟工作小时数与平均值之比。")
def workload_max_mean(ctx) -> MetricValue:
    busy = ctx.worker_busy_h
    if busy.size == 0:
        raise NotComputed("no workers")
    return MetricValue(max_over_mean(busy), {"workers": int(busy.size), "max_h": float(busy.max()),
                                             "mean_h": float(busy.mean())})


@metric("workload_gini", label_en="Worker workload Gini", label_zh="网格员工作量基尼系数", unit="",
        direction="lower", section="balance", norm="CJ/T 213 principle: load balance", needs=("sim",),
        norm_zh="CJ/T 213 原则：工作量均衡",
        good=0.0, bad=0.5,
        description_en="Gini coefficient of simulated busy hours over workers (0 = equal).",
        description_zh="各网格员模拟工作小时数的基尼系数（0为完全均衡）。")
def workload_gini(ctx) -> MetricValue:
    busy = ctx.worker_busy_h
    if busy.size == 0:
        raise NotComputed("no workers")
    return MetricValue(gini(busy))


@metric("utilisation_max", label_en="Highest worker utilisation", label_zh="网格员最高利用率", unit="share",
        direction="lower", section="balance", norm=f"overloaded above {OVERLOAD_UTILISATION:.0%} [A]",
        norm_zh=f"利用率高于{OVERLOAD_UTILISATION:.0%}即为超负荷（假设值）",
        needs=("sim",),
        description_en="Busy time over shift time of the busiest worker; workers above the threshold are listed.",
        description_zh="最忙网格员的忙碌时间占班次时间之比；超过阈值的网格员列为问题。")
def utilisation_max(ctx) -> MetricValue:
    ctx.need("sim")
    pw = ctx.sim.per_worker
    if "utilisation" not in pw or len(pw["utilisation"]) == 0:
        return MetricValue(ctx.summary("utilisation_max"))
    u = np.asarray(pw["utilisation"], dtype=float)
    rows = np.asarray(pw.get("grid_row", np.full(u.size, -1)), dtype=np.int64)
    over = [(str(ctx.scenario.grids.id[r]) if r >= 0 else "", float(u[k]))
            for k, r in enumerate(rows) if u[k] > OVERLOAD_UTILISATION]
    over.sort(key=lambda t: -t[1])
    return MetricValue(float(np.nanmax(u)), {"overloaded": over, "threshold": OVERLOAD_UTILISATION})


def _general_households(ctx) -> np.ndarray:
    rows = np.flatnonzero(ctx.level == "general")
    if rows.size == 0:
        raise NotComputed("no general grids")
    return ctx.households_per_grid[rows]


@metric("households_max_mean", label_en="Households per general grid max / mean",
        label_zh="一般网格户数 最大/平均", unit="ratio", direction="lower", section="balance",
        norm="CJ/T 213 principle: load balance", good=1.0, bad=2.0,
        norm_zh="CJ/T 213 原则：工作量均衡",
        description_en="Largest general grid's households divided by the mean (static load, no simulation).",
        description_zh="户数最多的一般网格与平均户数之比（静态负荷，无需模拟）。")
def households_max_mean(ctx) -> MetricValue:
    return MetricValue(max_over_mean(_general_households(ctx)))


@metric("households_gini", label_en="Households per general grid Gini", label_zh="一般网格户数基尼系数",
        unit="", direction="lower", section="balance", norm="CJ/T 213 principle: load balance",
        norm_zh="CJ/T 213 原则：工作量均衡",
        good=0.0, bad=0.5,
        description_en="Gini coefficient of households over general grids (0 = equal).",
        description_zh="各一般网格户数的基尼系数（0为完全均衡）。")
def households_gini(ctx) -> MetricValue:
    return MetricValue(gini(_general_households(ctx)))
