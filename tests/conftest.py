"""Shared fixtures.  QGIS tests run headless (pytest-qgis; qgis_gui_enabled = false)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "scenarios" / "chengdu_wuhou"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The bundled Chengdu Wuhou scenario (read-only: copy it before changing anything)."""
    if not (SAMPLE / "scenario.toml").exists():
        pytest.fail(f"sample scenario missing: {SAMPLE}")
    return SAMPLE


@pytest.fixture
def sample_copy(tmp_path, sample_dir) -> Path:
    """A private, writable copy of the sample scenario."""
    dst = tmp_path / sample_dir.name
    shutil.copytree(sample_dir, dst)
    return dst


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (real OSM/incident files); tests needing it skip when it is absent."""
    if not SHARED_DATA.exists():
        pytest.skip("../shared/data not present")
    return SHARED_DATA


@pytest.fixture(scope="session")
def make_city():
    """scripts/make_city.py as a module (the city generator; scripts/ is not a package)."""
    import importlib.util
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))     # make_city imports its sibling modules
    spec = importlib.util.spec_from_file_location("make_city", ROOT / "scripts" / "make_city.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def district_city(tmp_path_factory, make_city) -> Path:
    """The district-size generated city (``scripts/make_city.py --scale district``: ~977,000
    residents in Wuhou and part of Jinjiang, two districts), generated once per session (~2 s)."""
    out = tmp_path_factory.mktemp("district_city") / "city_district"
    make_city.generate("district", out, seed=make_city.SEED)
    return out


# The bundled scenarios are user-facing data: no test may write into them (QGIS, for one,
# rewrites a GeoPackage's header when it merely opens it for editing).  Fingerprint them at
# the start of the session and fail the session if any byte changed.
def _fingerprint() -> dict[str, str]:
    import hashlib

    return {str(p.relative_to(ROOT)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((ROOT / "scenarios").rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def pytest_sessionstart(session):
    session.config._gridgov_scenarios = _fingerprint()


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_gridgov_scenarios", None)
    if before is None or hasattr(session.config, "workerinput"):
        return
    after = _fingerprint()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        session.config.get_terminal_writer().line(
            "bundled scenario files changed during the tests (a test must work on a copy): " + ", ".join(changed),
            red=True)
        session.exitstatus = 1
