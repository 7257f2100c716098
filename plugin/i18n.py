"""The plugin's UI language: the locale QGIS itself uses, and the translator for it.

QGIS (main.cpp) translates its own UI with ``locale/userLocale`` when ``locale/overrideFlag``
is set and with the system locale otherwise; the plugin follows the same rule so its widgets
never speak a different language than the QGIS around them.  Source strings are English;
``resources/i18n/gridgov_<locale>.qm`` (built by ``make translations``) holds the rest.
"""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parents[1] / "resources" / "i18n"


def _flag(value) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes")


def qgis_locale(settings: QgsSettings | None = None) -> str:
    """The locale code QGIS translates its UI with, e.g. ``zh_CN`` or ``en_US``."""
    settings = settings or QgsSettings()
    user = str(settings.value("locale/userLocale", "") or "")
    if _flag(settings.value("locale/overrideFlag", False)) and user:
        return user
    # without the override QGIS uses the system locale (and records it as userLocale)
    return user or QLocale.system().name()


def user_language(settings: QgsSettings | None = None) -> str:
    """'zh' or 'en': the language of reports and of labels that come from the engine."""
    return "zh" if qgis_locale(settings).lower().startswith("zh") else "en"


def qm_file(locale: str) -> Path | None:
    """``gridgov_zh_CN.qm`` for ``zh_CN`` (``gridgov_zh.qm`` as a fallback), None for English."""
    for name in (f"gridgov_{locale[:5]}.qm", f"gridgov_{locale[:2]}.qm"):
        if locale and (I18N_DIR / name).is_file():
            return I18N_DIR / name
    return None


def install_translator(locale: str | None = None) -> QTranslator | None:
    """Load and install the translator for ``locale`` (default: QGIS's); None when the UI
    stays English (English locale, or no .qm built).  The caller removes it on unload."""
    qm = qm_file(qgis_locale() if locale is None else locale)
    if qm is None:
        return None
    translator = QTranslator()
    if not translator.load(str(qm)):
        return None
    QCoreApplication.installTranslator(translator)
    return translator
