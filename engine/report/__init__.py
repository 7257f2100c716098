"""Reports officials can act on: bilingual HTML (self-contained) and PDF, single or comparison."""
from __future__ import annotations

from pathlib import Path

from .fonts import silence_axes3d_warning
from .i18n import LANGS, check_lang

silence_axes3d_warning()   # before any report module imports matplotlib

__all__ = ["LANGS", "check_lang", "write_report", "write_documents"]


def write_documents(out_dir: str | Path, entries, lang: str = "zh_CN", stem: str = "report",
                    sensitivity: dict | None = None, pdf: bool = True) -> dict[str, Path]:
    """Write ``<stem>.html`` (+ ``<stem>.pdf``) for ``entries = [(name, scenario, scores), ...]``."""
    # Figures are plain matplotlib.figure.Figure objects (no pyplot, no GUI backend), so writing a
    # report inside QGIS neither needs nor changes the application's matplotlib backend.
    from . import fonts

    fonts.quiet_matplotlib()
    from matplotlib import rc_context

    from .document import build_document
    from .figures import build_figures
    from .html import write_html
    from .pdf import write_pdf

    check_lang(lang)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    with rc_context(fonts.rc()):
        doc = build_document(entries, lang, sensitivity, build_figures(entries, lang))
        paths["report"] = write_html(out / f"{stem}.html", doc)
        if pdf:
            paths["pdf"] = write_pdf(out / f"{stem}.pdf", doc)
    return paths


def write_report(out_dir, scenario, circles, sim, scores, lang: str = "zh_CN", pdf: bool = True) -> Path:
    """OUT/report.html (+ report.pdf) for one scenario; returns the HTML path.

    ``circles`` and ``sim`` are accepted for callers holding all stages; everything drawn comes
    from ``scores`` (which carries the per-grid, per-unit and distribution data) and the scenario.
    """
    paths = write_documents(out_dir, [(scenario.name, scenario, scores)], lang=lang, stem="report", pdf=pdf)
    return paths["report"]
