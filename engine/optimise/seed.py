"""Seed partition: recursive bisection on random spanning trees, which never fails.

A region that must hold ``k`` districts is split into ``k // 2`` and ``k - k // 2`` districts
at one edge of a random spanning tree, choosing the edge whose cut-off weight is closest to
the ideal share.  Each split first asks for a side within 1 % of the ideal, then 3 %, 8 %,
20 %, then anywhere the remaining districts can still meet the norms (``tries`` random trees
per tolerance, eight times as many for the last), and when no tree edge qualifies it takes the cut closest to the feasible band
("relaxed"): the annealing that follows tightens it again.  Both sides of a tree cut are
connected, so every seed district is contiguous.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _kernels

TOLERANCES = (0.01, 0.03, 0.08, 0.20, None)  # None: any side the norms still allow


@dataclass
class SeedReport:
    method: str = "spanning-tree bisection"
    splits: int = 0
    trees: int = 0
    relaxed: int = 0             # splits that took the closest cut outside the band
    reduced: int = 0             # districts dropped because a region had too few units for them
    tolerance_used: dict = field(default_factory=dict)  # tolerance → number of splits

    def to_dict(self) -> dict:
        return {"method": self.method, "splits": self.splits, "trees": self.trees, "relaxed": self.relaxed, "reduced": self.reduced,
                "tolerance_used": {str(k): v for k, v in self.tolerance_used.items()}}


def seed_partition(indptr, indices, hh, regions: list[tuple[np.ndarray, int]], lo: float, hi: float,
                   rng: np.random.Generator, tries: int = 6) -> tuple[np.ndarray, SeedReport]:
    """Labels 0..K-1 (−1 outside every region) for regions given as ``(nodes, k)`` pairs.

    Each region must be connected in the graph; ``k`` districts of ``[lo, hi]`` weight each.
    """
    n = indptr.shape[0] - 1
    labels = np.full(n, -1, np.int64)
    pos = np.full(n, -1, np.int64)
    report = SeedReport()
    rs = _kernels.rng_state(int(rng.integers(2**62)))
    next_label = 0
    stack = [(np.asarray(nodes, np.int64), int(k)) for nodes, k in regions]
    while stack:
        nodes, k = stack.pop()
        if k > nodes.size:            # fewer units than districts asked: one district per unit at most
            report.reduced += k - nodes.size
            k = nodes.size
        if k <= 1:
            labels[nodes] = next_label
            next_label += 1
            continue
        k1 = k // 2
        k2 = k - k1
        total = float(hh[nodes].sum())
        flo, fhi = max(k1 * lo, total - k2 * hi), min(k1 * hi, total - k2 * lo)
        ideal = total * k1 / k
        side = np.empty(nodes.size, np.int64)
        best_side, took = None, None
        report.splits += 1
        for tol in TOLERANCES:
            blo, bhi = (flo, fhi) if tol is None else (max(flo, ideal * (1 - tol)), min(fhi, ideal * (1 + tol)))
            if blo > bhi:
                continue
            for _ in range(tries if tol is not None else 8 * tries):
                report.trees += 1
                w = _kernels.tree_split(indptr, indices, nodes, hh, blo, bhi, ideal, False, pos, side, rs)
                if w >= 0:
                    best_side, took = side.copy(), ("norms" if tol is None else tol)
                    break
                if w <= -2.0 and best_side is None:
                    best_side = side.copy()  # closest cut outside the band, kept in case nothing fits
            if took is not None or (tol is None and best_side is not None):
                break
        if took is None:
            report.relaxed += 1
            if best_side is None:  # not even a tree (cannot happen on a connected region): split by order
                best_side = (np.arange(nodes.size) < nodes.size * k1 // k).astype(np.int64)
        report.tolerance_used[took if took is not None else "relaxed"] = \
            report.tolerance_used.get(took if took is not None else "relaxed", 0) + 1
        one = best_side == 1
        if not one.any() or one.all():  # a cut that leaves a side empty: one district fewer here
            report.reduced += 1
            stack.append((nodes, k - 1))
            continue
        stack.append((nodes[one], k1))
        stack.append((nodes[~one], k2))
    return labels, report
