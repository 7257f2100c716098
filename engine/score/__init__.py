"""Scores: the metric registry, the scorer and weight sensitivity.

Comparing scenarios is a use case of its own: ``engine/workflows/compare.py``.
"""
from __future__ import annotations

from .registry import GROUPS, REGISTRY, SECTIONS, Metric, MetricValue, NotComputed, metric
from .scorer import MetricResult, Scores, score_scenario

__all__ = ["GROUPS", "REGISTRY", "SECTIONS", "Metric", "MetricValue", "NotComputed", "metric",
           "MetricResult", "Scores", "score_scenario"]
