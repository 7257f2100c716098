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
