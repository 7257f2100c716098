"""The comparison report in a real browser (headless Chromium, Debian package ``chromium``, installed by
scripts/setup_env.sh): no console errors, every figure decodes, problems point to a map; a screenshot
is kept (tests/artifacts/compare_report.png, or $GRIDGOV_ARTIFACTS)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("GRIDGOV_ARTIFACTS", Path(__file__).resolve().parent / "artifacts"))

# Appended to a copy of the report: records script errors and, once loaded, whether every image decoded.
PROBE = """<script>
window.__errors = [];
window.addEventListener("error", e => window.__errors.push(String(e.message || e.type)), true);
window.addEventListener("load", () => {
  const imgs = Array.from(document.images);
  const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt);
  const out = document.createElement("pre");
  out.id = "gridgov-probe";
  out.textContent = JSON.stringify({images: imgs.length, broken: broken, errors: window.__errors});
  document.body.appendChild(out);
});
</script>"""


def chromium(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--no-first-run", "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def compare_report(tmp_path_factory, sample_dir):
    from gridgov.engine.workflows.compare import compare_scenarios

    restructured = sample_dir.parent / "chengdu_wuhou_restructured"
    out = tmp_path_factory.mktemp("browser")
    res = compare_scenarios([sample_dir, restructured], out / "cmp", lang="zh_CN", pdf=False, days=14,
                            replications=3)
    return res.paths["report"]


def test_chromium_is_installed():
    assert CHROMIUM, "chromium missing: scripts/setup_env.sh installs the Debian package 'chromium'"


def test_report_loads_in_chromium_without_errors(compare_report, tmp_path):
    html = compare_report.read_text(encoding="utf-8")
    probed = tmp_path / "probed.html"
    probed.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    run = chromium("--virtual-time-budget=20000", "--dump-dom", probed.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    m = re.search(r'<pre id="gridgov-probe">(.*?)</pre>', run.stdout, re.S)
    assert m, "the report did not finish loading"
    import html as _html
    import json

    probe = json.loads(_html.unescape(m.group(1)))
    assert probe["images"] >= 8 and probe["broken"] == [] and probe["errors"] == [], probe
    console = [ln for ln in run.stderr.splitlines() if "CONSOLE" in ln and ":ERROR:" in ln]
    assert console == [], console


def test_problems_point_to_a_map_and_a_screenshot_is_kept(compare_report):
    html = compare_report.read_text(encoding="utf-8")
    assert 'id="problem-map-1"' in html and 'href="#problem-map-1"' in html
    # no bare projected coordinates in the problem tables (e.g. "413250, 3389120")
    tables = re.findall(r'<table class="problems">(.*?)</table>', html, re.S)
    assert tables and not any(re.search(r"\b\d{6}, \d{7}\b", tb) for tb in tables)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "compare_report.png"
    shot.unlink(missing_ok=True)
    run = chromium("--window-size=1280,2400", "--hide-scrollbars", f"--screenshot={shot}", compare_report.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 20_000


def test_compare_gives_intervals_for_every_simulated_metric_and_difference(compare_report):
    import json

    from gridgov.engine.score import REGISTRY

    doc = json.loads((compare_report.parent / "compare.json").read_text(encoding="utf-8"))
    rows = {r["key"]: r for r in doc["table"]}
    simulated = [k for k, m in REGISTRY.items() if "sim" in m.needs and rows[k]["values"][0] is not None]
    assert len(simulated) >= 10 and doc["replications"] == [3, 3]
    for key in simulated + ["total"]:
        r = rows[key]
        assert all(ci is not None and ci[0] <= v <= ci[1] for ci, v in zip(r["ci"], r["values"])), key
        d = r["diff"][1]
        assert d is not None and d["lo"] <= d["mean"] <= d["hi"] and isinstance(d["significant"], bool), key
    html = compare_report.read_text(encoding="utf-8")
    assert "95%置信区间" in html                        # the report says what the brackets are
    header = (compare_report.parent / "compare.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "delta_chengdu_wuhou_restructured_ci95_lo" in header and "chengdu_wuhou_ci95_hi" in header
