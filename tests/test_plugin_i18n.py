"""The plugin speaks the language QGIS speaks: English sources, zh_CN from the .ts/.qm."""
from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from gridgov.plugin import i18n

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u4e00-\u9fff]")
sys.path.insert(0, str(ROOT / "resources" / "i18n"))
import update_ts  # noqa: E402


class Iface:
    """Just enough iface for the dock's constructor (no map actions are used)."""

    def __init__(self):
        from qgis.gui import QgsMapCanvas

        self.canvas = QgsMapCanvas()

    def mapCanvas(self):  # noqa: N802
        return self.canvas

    def mainWindow(self):  # noqa: N802
        return None


@pytest.fixture(scope="module")
def qm(tmp_path_factory) -> Path:
    """The zh_CN .qm built from the .ts exactly as ``make translations`` builds it."""
    lrelease = shutil.which("lrelease") or "/usr/lib/qt5/bin/lrelease"
    if not Path(lrelease).exists():
        pytest.skip("lrelease not installed")
    out = tmp_path_factory.mktemp("qm") / "gridgov_zh_CN.qm"
    subprocess.run([lrelease, "-silent", str(update_ts.TS), "-qm", str(out)], check=True)
    return out


@pytest.fixture
def zh(qm):
    tr = QTranslator()
    assert tr.load(str(qm))
    QCoreApplication.installTranslator(tr)
    yield tr
    QCoreApplication.removeTranslator(tr)


@pytest.fixture
def settings():
    s = QgsSettings()
    saved = {k: s.value(k) for k in ("locale/userLocale", "locale/overrideFlag")}
    yield s
    for k, v in saved.items():
        s.remove(k) if v is None else s.setValue(k, v)


def test_every_source_string_has_a_translation():
    found = update_ts.extract()
    assert sum(map(len, found.values())) > 150     # the scanner really sees the plugin's strings
    known = update_ts.read_ts(update_ts.TS)
    missing = [(c, t) for c, texts in found.items() for t in texts if not known.get((c, t), "").strip()]
    assert not missing, f"run resources/i18n/update_ts.py and translate: {missing[:5]}"
    # the dock's main widgets and every Processing name are among them
    assert {"Run scenario", "Open", "Output", "Cancel"} <= set(found["ScenarioPanel"])
    assert {"Validate scenario", "Grid governance", "Scenario folder"} <= set(found["GridGovProcessing"])


def test_no_chinese_literal_outside_the_translations():
    """UI text is English in the source; Chinese lives in the .ts only (no "Open 打开" literals)."""
    offenders = []
    for path in sorted((ROOT / "plugin").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef)) and n.body
                      and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value) \
                    and id(node) not in docstrings:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:30]}")
    assert not offenders, offenders


def test_ts_is_well_formed_and_untranslated_markers_are_absent():
    text = update_ts.TS.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text and 'language="zh_CN"' in text


def test_locale_follows_qgis_rules(settings, monkeypatch):
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("zh_CN")))
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "en_US")
    assert i18n.qgis_locale() == "en_US" and i18n.user_language() == "en"
    settings.setValue("locale/userLocale", "zh_CN")
    assert i18n.qgis_locale() == "zh_CN" and i18n.user_language() == "zh"
    settings.setValue("locale/overrideFlag", False)
    settings.remove("locale/userLocale")
    assert i18n.qgis_locale() == "zh_CN"          # no override: the system locale, as QGIS does
    settings.setValue("locale/overrideFlag", "false")   # a string from an .ini file
    settings.setValue("locale/userLocale", "en_GB")
    assert i18n.user_language() == "en"


def test_install_translator_picks_the_qm_of_the_locale(qm, tmp_path, monkeypatch):
    shutil.copy(qm, tmp_path / qm.name)
    monkeypatch.setattr(i18n, "I18N_DIR", tmp_path)
    assert i18n.install_translator("en_US") is None
    assert i18n.qm_file("zh_TW") is None            # only zh_CN is shipped
    tr = i18n.install_translator("zh_CN")
    try:
        assert tr is not None
        assert QCoreApplication.translate("ScenarioPanel", "Run scenario") == "运行方案"
    finally:
        QCoreApplication.removeTranslator(tr)
    assert QCoreApplication.translate("ScenarioPanel", "Run scenario") == "Run scenario"


def _dock_texts():
    from gridgov.plugin.controllers.dock_controller import DockController

    ctl = DockController(Iface())
    dock = ctl.dock
    p = dock.scenario_panel
    texts = {"title": dock.windowTitle(), "tabs": dock.tab_titles(), "run": p.run_button.text(),
             "open": p.open_button.text(), "info": p.info.text(),
             "metric": p.scores.horizontalHeaderItem(0).text(), "compare": dock.compare_panel.compare_button.text()}
    ctl.shutdown()
    dock.deleteLater()
    return texts


def test_dock_is_chinese_with_the_translator(qgis_app, zh):
    t = _dock_texts()
    assert t["tabs"][0] == "方案" and t["tabs"][-1] == "对比"
    assert t["run"] == "运行方案" and t["open"] == "打开" and t["metric"] == "指标" and t["compare"] == "对比"
    assert t["title"] == "GridGov 网格治理" and not re.search("[A-Za-z]", t["info"])


def test_dock_is_english_without_translator(qgis_app):
    t = _dock_texts()
    assert t["tabs"][0] == "Scenario" and t["tabs"][-1] == "Compare"
    assert t["run"] == "Run scenario" and t["metric"] == "Metric" and t["title"] == "GridGov"
    assert not any(CJK.search(v if isinstance(v, str) else " ".join(v)) for v in t.values())


def test_processing_names_are_translated(qgis_app, zh):
    from gridgov.plugin.processing.algorithms.validate import ValidateAlgorithm

    alg = ValidateAlgorithm()
    alg.initAlgorithm()
    assert alg.displayName() == "校验方案" and alg.group() == "网格化治理"
    assert alg.parameterDefinition("SCENARIO").description() == "方案文件夹"
    assert alg.parameterDefinition("FAIL_ON_ERROR").description() == "有错误时停止"


def test_make_translations_builds_the_qm(tmp_path):
    if not Path(shutil.which("lrelease") or "/usr/lib/qt5/bin/lrelease").exists():
        pytest.skip("lrelease not installed")
    copy = tmp_path / "repo"
    (copy / "resources" / "i18n").mkdir(parents=True)
    (copy / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "build_translations.sh", copy / "scripts")
    shutil.copy(update_ts.TS, copy / "resources" / "i18n")
    subprocess.run(["bash", str(copy / "scripts" / "build_translations.sh")], check=True)
    tr = QTranslator()
    assert tr.load(str(copy / "resources" / "i18n" / "gridgov_zh_CN.qm"))
    assert tr.translate("GridGovDock", "Scenario") == "方案"


def test_processing_help_is_translated(qgis_app, zh):
    from gridgov.plugin.processing.algorithms.score import ScoreAlgorithm

    alg = ScoreAlgorithm()
    assert "scores.json" in alg.shortHelpString() and CJK.search(alg.shortHelpString())


def test_plugin_installs_the_translator_of_a_chinese_qgis(qgis_iface, settings, qm, tmp_path, monkeypatch):
    import gridgov

    shutil.copy(qm, tmp_path / qm.name)
    monkeypatch.setattr(i18n, "I18N_DIR", tmp_path)
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "zh_CN")
    plugin = gridgov.classFactory(qgis_iface)
    try:
        plugin.initGui()
        assert plugin.translator is not None
        assert plugin.dock.tab_titles() == ["方案", "编辑", "对比"]
        assert plugin.actions[2].text() == "运行方案" and plugin.dock.scenario_panel.lang == "zh"
    finally:
        plugin.unload()
    assert QCoreApplication.translate("GridGovDock", "Scenario") == "Scenario"    # removed on unload
    settings.setValue("locale/userLocale", "en_US")
    plugin = gridgov.classFactory(qgis_iface)
    try:
        plugin.initGui()
        assert plugin.translator is None and plugin.dock.tab_titles() == ["Scenario", "Edit", "Compare"]
    finally:
        plugin.unload()
