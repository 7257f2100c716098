"""Scores: the metric registry, the scorer, weight sensitivity and scenario comparison."""
from __future__ import annotations

from .registry import GROUPS, REGISTRY, SECTIONS, Metric, MetricValue, NotComputed, metric
from .scorer import MetricResult, Scores, score_scenario

__all__ = ["GROUPS", "REGISTRY", "SECTIONS", "Metric", "MetricValue", "NotComputed", "metric",
           "MetricResult", "Scores", "score_scenario", "compare_scenarios"]


def compare_scenarios(*args, **kwargs):
    """See ``engine.score.compare.compare_scenarios`` (imported lazily: it pulls in matplotlib)."""
    from .compare import compare_scenarios as _compare

    return _compare(*args, **kwargs)
