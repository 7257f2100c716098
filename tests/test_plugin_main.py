"""The plugin as QGIS sees it: classFactory → initGui → unload on the pytest-qgis iface."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from qgis.core import Qgis, QgsApplication

import gridgov
from gridgov.plugin.services import deps

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def plugin(qgis_iface):
    qgis_iface.messageBar().clear_messages()
    plug = gridgov.classFactory(qgis_iface)
    plug.initGui()
    yield plug
    if plug.dock is not None:
        plug.unload()


def test_init_gui_adds_dock_actions_and_provider(plugin, qgis_iface):
    assert plugin.dock is not None
    assert plugin.dock.tab_titles()[0].startswith("Scenario")
    assert plugin.dock.tab_titles()[-1].startswith("Compare")
    names = [a.objectName() for a in plugin.toolbar.actions()]
    assert names == ["gridgovShowDock", "gridgovOpenSample", "gridgovRun"]
    assert all(not a.icon().isNull() for a in plugin.toolbar.actions())
    provider = QgsApplication.processingRegistry().providerById("gridgov")
    assert provider is not None
    ids = sorted(a.id() for a in provider.algorithms())
    assert ids == ["gridgov:compare", "gridgov:import", "gridgov:score", "gridgov:servicecircles", "gridgov:simulate",
                   "gridgov:validate"]
    plugin.actions[0].setChecked(True)
    assert not plugin.dock.isHidden()   # (the mock main window itself is never shown)


def test_unload_removes_everything(qgis_iface):
    plug = gridgov.classFactory(qgis_iface)
    plug.initGui()
    plug.unload()
    assert plug.dock is None and plug.actions == [] and plug.toolbar is None
    assert QgsApplication.processingRegistry().providerById("gridgov") is None
    plug.initGui()   # a reload (Plugin Reloader) works
    assert QgsApplication.processingRegistry().providerById("gridgov") is not None
    plug.unload()


def test_missing_package_gives_install_command_not_traceback(monkeypatch, qgis_iface):
    monkeypatch.setitem(deps.REQUIRED, "gridgov_no_such_pkg", "gridgov-no-such-pkg==1.0")
    qgis_iface.messageBar().clear_messages()
    plug = gridgov.classFactory(qgis_iface)
    plug.initGui()
    try:
        warnings = qgis_iface.messageBar().get_messages(Qgis.Warning)
        assert len(warnings) == 1
        assert re.search(r"python3 -m pip install --user (--break-system-packages )?gridgov-no-such-pkg==1\.0 numpy==",
                         warnings[0]), warnings[0]
        assert "Traceback" not in warnings[0]
        assert plug.dock is not None   # the plugin still loads
    finally:
        plug.unload()


def test_all_present_gives_no_message(plugin, qgis_iface):
    assert plugin.dependency_report.ok
    assert qgis_iface.messageBar().get_messages(Qgis.Warning) == []


def test_pins_match_requirements_txt():
    pins = {}
    for line in (ROOT / "scripts" / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[re.sub(r"\[.*\]", "", name).lower()] = version
    for req in list(deps.REQUIRED.values()) + list(deps.OPTIONAL.values()):
        name, version = req.split("==")
        assert pins[re.sub(r"\[.*\]", "", name).lower()] == version, req


def test_describe_error_for_missing_module():
    from gridgov.plugin.tasks.engine_task import describe_error

    text = describe_error(ModuleNotFoundError("No module named 'simpy'", name="simpy"))
    assert "simpy==4.1.2" in text and "pip install" in text
    from gridgov.engine.errors import GridGovError

    assert describe_error(GridGovError("layers.gpkg, layer 'grids': bad")) == "layers.gpkg, layer 'grids': bad"
    assert "ZeroDivisionError" in describe_error(ZeroDivisionError("x"))


def test_metadata_is_valid_for_plugin_manager():
    import configparser

    cp = configparser.ConfigParser()
    cp.read(ROOT / "metadata.txt", encoding="utf-8")
    g = cp["general"]
    for key in ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email",
                "repository", "icon"):
        assert g.get(key), key
    assert g["name"] == "GridGov" and g["qgisMinimumVersion"] == "3.22"
    assert (ROOT / g["icon"]).is_file()
    for key in ("about", "description"):   # both in English and Chinese
        assert re.search(r"[\u4e00-\u9fff]", g[key]) and len(re.findall(r"[A-Za-z]{3,}", g[key])) >= 8, key
    assert g["hasProcessingProvider"] == "yes"
    # an empty plugin_dependencies= makes QGIS 3.22's Install-from-ZIP look for a plugin named ""
    # and crash in its dependency dialog (found by the desktop smoke test)
    assert g.get("plugin_dependencies", "x").strip() != ""


GEOS_SYSTEM = Path("/usr/lib/x86_64-linux-gnu/libgeos_c.so.1")


@pytest.mark.skipif(not GEOS_SYSTEM.exists(), reason="no system GEOS to clash with")
@pytest.mark.parametrize("preimport, expect_ok", [(False, True), (True, False)])
def test_shapely_isolated_from_qgis_geos(preimport, expect_ok):
    """In the QGIS executable the system GEOS is global (LD_PRELOAD reproduces that): the
    plugin's deep-bound import must make shapely work; a shapely imported before it is reported."""
    import os
    import subprocess
    import sys

    code = ("import shapely\n" if preimport else "") + (
        "from gridgov.plugin.services import deps\nprint(repr(deps.isolate_native_libraries()))")
    env = dict(os.environ, LD_PRELOAD=str(GEOS_SYSTEM))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    message = eval(out.stdout.strip().splitlines()[-1])
    assert (message == "") is expect_ok, message
    if not expect_ok:
        assert "Restart QGIS" in message


def test_install_command_on_a_pep668_python(monkeypatch):
    """QGIS on Debian 12 runs the system Python, which refuses pip without the flag."""
    monkeypatch.setattr(deps, "externally_managed", lambda: True)
    assert deps.install_command(["simpy==4.1.2"]).startswith(
        "python3 -m pip install --user --break-system-packages simpy==4.1.2 numpy==")
    monkeypatch.setattr(deps, "externally_managed", lambda: False)
    assert deps.install_command(["simpy==4.1.2"]).startswith("python3 -m pip install --user simpy==4.1.2 numpy==")


def test_second_copy_does_not_break_the_first(qgis_iface):
    """Two plugin objects (e.g. a reload gone wrong): the second leaves the first's provider."""
    first = gridgov.classFactory(qgis_iface)
    first.initGui()
    second = gridgov.classFactory(qgis_iface)
    second.initGui()
    assert second.provider is None
    second.unload()
    assert QgsApplication.processingRegistry().providerById("gridgov") is first.provider
    first.unload()
    assert QgsApplication.processingRegistry().providerById("gridgov") is None
