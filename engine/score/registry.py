"""The metric registry: each metric is a small named function plus the facts an official needs.

GerryChain-style: a metric is a plain callable ``fn(ctx) -> MetricValue`` registered with its
labels (zh/en), unit, direction (higher/lower is better), the norm it comes from (zh/en), the inputs it
needs (``circles``/``sim``) and the weight group of the total score it feeds.  The scorer only
composes them; each can be called and tested alone.

The 0–100 sub-score of a metric is a straight line between two anchors: ``good`` (100) and
``bad`` (0), clipped.  The anchors are part of the record so a report can say exactly how
a value became points.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

#: weight groups of the total score = keys of params["score"]["weights"]
GROUPS = ("coverage", "response", "closure", "balance", "size", "compactness", "cost")
#: display sections: the weight groups plus checks that list problems but carry no weight
SECTIONS = GROUPS + ("topology",)


@dataclass(frozen=True)
class MetricValue:
    """What a metric function returns: the value and whatever explains it."""

    value: float
    details: dict[str, Any] = field(default_factory=dict)


class NotComputed(Exception):
    """Raised by a metric when its inputs do not allow a value (e.g. no micro-grids)."""


@dataclass(frozen=True)
class Metric:
    key: str
    label_en: str
    label_zh: str
    unit: str
    direction: str                      # "higher" | "lower" is better
    section: str                        # one of SECTIONS
    fn: Callable[[Any], MetricValue]
    norm: str = ""                      # the norm / source the threshold comes from
    description_en: str = ""
    description_zh: str = ""
    needs: tuple[str, ...] = ()         # "circles", "sim"
    good: float | None = None           # value that scores 100 (None = not in the total)
    bad: float | None = None            # value that scores 0
    norm_zh: str = ""                   # ``norm`` in Chinese (zh_CN reports)

    @property
    def scored(self) -> bool:
        return self.good is not None and self.bad is not None and self.section in GROUPS

    def score(self, value: float) -> float | None:
        """0–100 sub-score of ``value`` (linear between ``bad`` and ``good``); None if not scored."""
        if not self.scored or value is None or not np.isfinite(value):
            return None
        span = self.good - self.bad
        return float(100.0 * np.clip((value - self.bad) / span, 0.0, 1.0))

    def label(self, lang: str) -> str:
        return self.label_zh if lang.startswith("zh") else self.label_en

    def description(self, lang: str) -> str:
        return self.description_zh if lang.startswith("zh") else self.description_en

    def norm_text(self, lang: str) -> str:
        return (self.norm_zh or self.norm) if lang.startswith("zh") else self.norm


REGISTRY: dict[str, Metric] = {}


def metric(key: str, *, label_en: str, label_zh: str, unit: str, direction: str, section: str,
           norm: str = "", norm_zh: str = "", description_en: str = "", description_zh: str = "",
           needs: tuple[str, ...] = (), good: float | None = None, bad: float | None = None):
    """Decorator: register ``fn(ctx) -> MetricValue`` under ``key``."""
    if direction not in ("higher", "lower"):
        raise ValueError(f"metric {key}: direction must be 'higher' or 'lower'")
    if section not in SECTIONS:
        raise ValueError(f"metric {key}: unknown section {section!r}")

    def wrap(fn):
        if key in REGISTRY:
            raise ValueError(f"metric {key} registered twice")
        REGISTRY[key] = Metric(key, label_en, label_zh, unit, direction, section, fn, norm,
                               description_en, description_zh, tuple(needs), good, bad, norm_zh)
        return fn

    return wrap


def better(direction: str, a: float | None, b: float | None, rel_tol: float = 1e-9) -> int:
    """+1 if ``b`` is better than ``a``, -1 if worse, 0 if equal or not comparable."""
    if a is None or b is None or not (np.isfinite(a) and np.isfinite(b)):
        return 0
    if abs(b - a) <= rel_tol * max(1.0, abs(a), abs(b)):
        return 0
    up = b > a
    return 1 if up == (direction == "higher") else -1

