"""CJK fonts for matplotlib: the PDF must show Chinese, not empty boxes.

WenQuanYi Zen Hei (TrueType outlines) embeds cleanly in matplotlib's PDF backend as a Type 42
font; Noto Sans CJK (.ttc with CFF outlines) renders on screen but is only a fallback.  Both come
from Debian (fonts-wqy-zenhei, fonts-noto-cjk; installed by scripts/setup_env.sh).
"""
from __future__ import annotations

import warnings
from pathlib import Path

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
_FAMILIES: list[str] | None = None


def silence_axes3d_warning() -> None:
    """Hide matplotlib's "Unable to import Axes3D" warning (see ``quiet_matplotlib``); called when
    engine.report is imported, because its modules import matplotlib at module level."""
    warnings.filterwarnings("ignore", message="Unable to import Axes3D", category=UserWarning)


def quiet_matplotlib():
    """Import matplotlib without its one spurious warning; the backend is left as it is.

    With QGIS installed, Debian's own matplotlib sits on the path beside the venv's, and its
    regular ``mpl_toolkits`` package shadows the venv's namespace one; matplotlib then warns that
    3D axes are unavailable.  The engine draws no 3D plots, so that one warning is silenced.
    """
    silence_axes3d_warning()
    import matplotlib

    return matplotlib


def cjk_families() -> list[str]:
    """Register the installed CJK fonts with matplotlib once; return their family names."""
    global _FAMILIES
    if _FAMILIES is None:
        from matplotlib import font_manager as fm

        _FAMILIES = []
        for path in CANDIDATES:
            if Path(path).exists():
                fm.fontManager.addfont(path)
                name = fm.FontProperties(fname=path).get_name()
                if name not in _FAMILIES:
                    _FAMILIES.append(name)
    return list(_FAMILIES)


def rc() -> dict:
    """rcParams for every report figure (use with ``matplotlib.rc_context``)."""
    return {"font.family": cjk_families() + ["DejaVu Sans"], "pdf.fonttype": 42,
            "axes.unicode_minus": False, "font.size": 9, "savefig.dpi": 110}
