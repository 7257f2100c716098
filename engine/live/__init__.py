"""Live statistics for the editing tools: what each edit does to the touched grids.

``stats`` (the :class:`LiveStats` object and its edits), ``slots`` (grid table), ``units``
(unit table and memberships), ``updates`` (incremental sums), ``coverage`` (life-circle
times), ``findings`` (the validation list, split for a worker thread).
"""
from .findings import Finding, FindingsJob, layout_findings
from .slots import LEVEL_COLUMN
from .stats import STAT_KEYS, LiveStats, LiveUpdate

__all__ = ["Finding", "FindingsJob", "LEVEL_COLUMN", "LiveStats", "LiveUpdate", "STAT_KEYS", "layout_findings"]
