"""Single-scenario report: every metric appears, both languages, self-contained HTML, Chinese PDF."""
from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape

import pytest

from gridgov.engine.errors import GridGovError
from gridgov.engine.report import write_report
from gridgov.engine.report.i18n import TEXT, t
from gridgov.engine.score import REGISTRY, score_scenario
import score_toy as toy


@pytest.fixture(scope="module")
def scored():
    sc = toy.basic()
    circ = toy.circles({"grid_station": [True, True, False, False, True], "clinic": [False, True, True, True, False]},
                       {"grid_station": [0, 0, 1, 2, 0], "clinic": [1, 0, 0, 0, 3]})
    sim = toy.sim()
    return sc, circ, sim, score_scenario(sc, circ, sim)


@pytest.fixture(scope="module")
def zh_report(tmp_path_factory, scored):
    out = tmp_path_factory.mktemp("zh")
    sc, circ, sim, s = scored
    return write_report(out, sc, circ, sim, s, lang="zh_CN")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_every_metric_and_problem_in_html(tmp_path, scored, lang):
    sc, circ, sim, s = scored
    path = write_report(tmp_path, sc, circ, sim, s, lang=lang, pdf=False)
    html = path.read_text(encoding="utf-8")
    assert path.name == "report.html" and not (tmp_path / "report.pdf").exists()
    for key in REGISTRY:
        assert f'data-metric="{key}"' in html, key
        assert s.metric(key).label(lang).replace("&", "&amp;") in html, key
    assert t("map_credit", lang, sources="").strip() in html       # credits from the scenario's sources
    assert t("title_single", lang, name="toy") in html
    assert "G2" in html and ("600" in html)                  # grid out of norm named with its households
    assert t("problems", lang) in html
    # self-contained: every image embedded, nothing fetched from the network
    assert html.count('src="data:image/png;base64,') >= 5
    assert not re.search(r'(src|href)="https?://', html)
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]   # no temporaries left


def test_language_switch_changes_text(tmp_path, scored):
    sc, circ, sim, s = scored
    zh = write_report(tmp_path / "zh", sc, circ, sim, s, lang="zh_CN", pdf=False).read_text(encoding="utf-8")
    en = write_report(tmp_path / "en", sc, circ, sim, s, lang="en", pdf=False).read_text(encoding="utf-8")
    assert "按期结案率" in zh and "Closed on time" in en
    assert "按期结案率" not in en and 'lang="zh-CN"' in zh and 'lang="en"' in en
    for m in s.metrics:                        # norm / source column in the report's language
        assert m.norm_zh in unescape(zh) and m.norm_zh not in unescape(en), m.key
        assert m.norm in unescape(en), m.key
    assert "DOMAIN" not in zh and "Chengdu" not in zh and "成都" not in en


def test_unknown_language_is_a_user_error(tmp_path, scored):
    sc, circ, sim, s = scored
    with pytest.raises(GridGovError, match="unknown report language"):
        write_report(tmp_path, sc, circ, sim, s, lang="fr")


def test_i18n_table_is_complete():
    for key, (en, zh) in TEXT.items():
        assert en and zh, key
        assert set(re.findall(r"{(\w+)", en)) == set(re.findall(r"{(\w+)", zh)), key


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed")
def test_pdf_first_page_shows_chinese(zh_report):
    pdf = zh_report.parent / "report.pdf"
    assert pdf.stat().st_size > 10_000
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"WenQuanYi|Noto.*CJK", fonts), fonts        # a CJK font is embedded
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "网格化治理方案评估报告" in text and "总体结论" in text
    png = zh_report.parent / "page1"
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(png)],
                   check=True)
    assert (zh_report.parent / "page1.png").stat().st_size > 5_000


def test_writing_a_report_pulls_in_no_gui_toolkit(tmp_path):
    import json
    import os
    import sys
    from pathlib import Path

    probe = (
        "import sys, json\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "import score_toy as toy\n"
        "from gridgov.engine.score import score_scenario\n"
        "from gridgov.engine.report import write_report\n"
        "sc = toy.basic()\n"
        f"write_report({str(tmp_path)!r}, sc, None, None, score_scenario(sc), lang='en')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'PyQt5', 'PyQt6', 'PySide2', 'PySide6', 'qgis', 'tkinter'})))\n")
    env = {k: v for k, v in os.environ.items() if k not in {"MPLBACKEND", "QT_QPA_PLATFORM"}}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
    assert (tmp_path / "report.pdf").stat().st_size > 0


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_response_maps_and_street_table_use_on_duty(scored, lang):
    from gridgov.engine.report.document import build_document
    from gridgov.engine.report.figures import build_figures

    sc, circ, sim, s = scored
    titles = [title for title, _ in build_figures([("toy", sc, s)], lang)]
    assert t("map_response", lang) in titles and t("map_response_all", lang) not in titles
    assert t("plot_response", lang) in titles and t("plot_response_all", lang) in titles
    streets = build_document([("toy", sc, s)], lang)["streets"]
    cols = streets["columns"]
    assert cols.index(t("response_on_duty_p90_min", lang)) < cols.index(t("response_p90_min", lang))
    row = {r["street"]: r["cells"] for r in streets["rows"]}["S2"]
    assert row[cols.index(t("response_on_duty_p90_min", lang))] == "12.5"
    assert row[cols.index(t("response_on_duty_within_15min", lang))] == "60.0%"
    assert row[cols.index(t("response_p90_min", lang))] == "40.0"


def test_response_maps_fall_back_to_all_hours_for_old_scores(scored):
    from dataclasses import replace

    from gridgov.engine.report.figures import build_figures

    sc, circ, sim, s = scored
    old = replace(s, grid_sim={k: v for k, v in s.grid_sim.items() if not k.startswith("response_on_duty")})
    titles = [title for title, _ in build_figures([("a", sc, s), ("b", sc, old)], "en")]
    assert t("map_response_all", "en") in titles and t("map_response", "en") not in titles
    assert t("diff_title", "en", a="a", b="b", what=t("diff_response_all", "en")) in titles


def test_pdf_wrap_fits_the_column_and_keeps_every_character():
    from gridgov.engine.report.pdf import NO_BREAK_BEFORE, _cw, _wrap

    from gridgov.engine.params import defaults
    from gridgov.engine.score.norms import figures, fill

    figs = figures(defaults())
    for text in [fill(m.norm_zh, figs) for m in REGISTRY.values()] + [fill(m.norm, figs) for m in REGISTRY.values()] + [
            "参数 cost.worker_yuan_per_year、cost.station_yuan_per_year（假设值）", "按期结案率目标≥95%（福州99.9%，天门75.8%）"]:
        for width in (12, 21, 30):
            lines = _wrap(text, width).split("\n")
            for ln in lines:
                over = sum(_cw(c) for c in ln) - width
                assert over <= 0 or (over <= 2 and ln[-1] in NO_BREAK_BEFORE), (text, width, ln)
            assert not any(ln[:1] in NO_BREAK_BEFORE - {"%", ".", ","} for ln in lines[1:]), lines
            assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@pytest.mark.parametrize("lang,five", [("zh_CN", "5分钟"), ("en", "5-minute")])
def test_types_table_tier_in_report_language(scored, lang, five):
    from gridgov.engine.report.document import types_table

    sc, circ, sim, s = scored
    tiers = {r["type"]: r["tier"] for r in types_table([("toy", sc, s)], lang)["rows"]}
    assert tiers["网格工作站" if lang == "zh_CN" else "Grid workstation"] == f"{five} (300 m)"   # tier and distance in use


def test_metric_texts_stay_in_their_language():
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for m in REGISTRY.values():
        assert not any(cjk.search(x) for x in (m.label_en, m.norm, m.description_en)), m.key
        assert cjk.search(m.label_zh) and cjk.search(m.norm_zh) and cjk.search(m.description_zh), m.key
