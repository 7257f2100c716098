"""Property: a mutated scenario either validates and runs, or fails with located problems.

Hypothesis mutates copies of the toy scenario (tests/scenario_toy.py): parameter values in
scenario.toml (wrong types, signs, 0, ±inf, NaN, huge), raw field values in the GeoPackage
(written with SQLite, as another tool or a hand edit would leave them: text in an integer
field, 2.5 households, NULL), geometries (moved kilometres away, empty, wrong type, invalid)
and a layer's declared CRS (degrees labelled as metres).  For every case:

* ``validate`` (``engine.workflows.validate``, what every front end calls) never raises anything but returns problems, each located (file, and for layer
  problems the layer), and
* when it finds no error, the run (circles, simulation, scores, results.gpkg and report) must
  succeed: never "validate ok, run fails", never an internal error.

The normal suite runs a bounded, derandomised number of examples; ``make fuzz`` runs the long
profile (``GRIDGOV_FUZZ_EXAMPLES``, random).
"""
from __future__ import annotations

import math
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
import shapely
import tomli_w
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gridgov.engine.errors import GridGovError, Problem
from gridgov.engine.params import DEFAULTS
from scenario_toy import TOML, make_toy, toy_layers

EXAMPLES = int(os.environ.get("GRIDGOV_FUZZ_EXAMPLES", "25"))
LONG = "GRIDGOV_FUZZ_EXAMPLES" in os.environ
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not LONG, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ------------------------------------------------------------------ what is mutated


def _param_paths() -> list[tuple[str, ...]]:
    """Every parameter, and every key of the dict-valued ones: ('demand', 'type_mix', 'dispute')."""
    out = []
    for sec, params in DEFAULTS.items():
        for key, p in params.items():
            out.append((sec, key))
            if isinstance(p.default, dict):
                out += [(sec, key, sub) for sub in p.default]
    return out


PARAM_PATHS = _param_paths()
ODD_NUMBERS = [0, -1, 1, 2, 0.0, -0.0, 1e-300, -5.5, 1e9, 1e300, 2**62, -(2**62), math.inf, -math.inf, math.nan]
toml_values = st.one_of(
    st.sampled_from(ODD_NUMBERS),
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(["", "abc", "walk", "ebike", "drive", "numba", "simpy", "own_grid_first"]),
    st.lists(st.sampled_from(ODD_NUMBERS), max_size=4),
    st.dictionaries(st.sampled_from(["urgent", "normal", "complex", "x", "5min", "target", "min", "max"]),
                    st.sampled_from(ODD_NUMBERS), max_size=3),
)

LAYER_FIELDS = {"units": ["households", "residents", "grid_id", "micro_id", "id"],
                "facilities": ["type", "staff", "capacity", "grid_id", "id"],
                "grids": ["id", "level", "parent_id", "code"],
                "roads": ["class", "oneway", "speed_kmh"]}
raw_values = st.one_of(st.none(), st.sampled_from(["abc", "", " ", "2.5", "1e3", "G1", "M1", "D1", "micro",
                                                   "general", "grid_station", "yes", "-1"]),
                       st.integers(-(2**40), 2**40), st.sampled_from([2.5, -3.0, 0.0, 1e15, math.inf, -math.inf]))

GEOMETRY_CHANGES = ["far_50km", "offset_2km", "empty", "wrong_type", "bowtie", "metres_as_degrees"]

def _default(path: tuple[str, ...]):
    value = DEFAULTS[path[0]][path[1]].default
    return value[path[2]] if len(path) == 3 else value


@st.composite
def near_default(draw):
    """A parameter moved from its default by a plausible factor: most of these must run."""
    path = draw(st.sampled_from([p for p in PARAM_PATHS if isinstance(_default(p), (int, float))
                                 and not isinstance(_default(p), bool)]))
    value = _default(path) * draw(st.sampled_from([0, 0.5, 0.9, 1.1, 2, 10]))
    return ("param", path, type(_default(path))(value) if isinstance(_default(path), int) else float(value))


mutation = st.one_of(
    near_default(),
    st.tuples(st.just("param"), st.sampled_from(PARAM_PATHS), toml_values),
    st.tuples(st.just("field"), st.sampled_from(sorted(LAYER_FIELDS)), st.integers(0, 5), st.data()),
    st.tuples(st.just("geometry"), st.sampled_from(["units", "facilities", "grids", "roads"]), st.integers(0, 5),
              st.sampled_from(GEOMETRY_CHANGES)),
    st.tuples(st.just("crs"), st.sampled_from(["units", "facilities", "grids"])),
)


def _set(doc: dict, path: tuple[str, ...], value) -> None:
    for key in path[:-1]:
        if not isinstance(doc.get(key), dict):
            doc[key] = {}
        doc = doc[key]
    doc[path[-1]] = value


def _geometry(kind: str, geom):
    if kind == "far_50km":
        return shapely.transform(geom, lambda c: c + (0.5, 0.0))        # ~48 km east
    if kind == "offset_2km":
        return shapely.transform(geom, lambda c: c + (0.0, 0.018))      # ~2 km north
    if kind == "empty":
        return shapely.Point() if shapely.get_type_id(geom) == 0 else shapely.from_wkt("POLYGON EMPTY")
    if kind == "wrong_type":
        c = shapely.get_coordinates(geom)[0]
        return shapely.LineString([c, c + 0.0005]) if shapely.get_type_id(geom) != 1 else shapely.Point(c)
    if kind == "bowtie":
        x, y = shapely.get_coordinates(geom)[0]
        d = 0.0005
        return shapely.Polygon([(x, y), (x + d, y + d), (x + d, y), (x, y + d)])
    if kind == "metres_as_degrees":  # lon/lat values written as if they were metres
        return shapely.transform(geom, lambda c: c * 1000.0)
    raise AssertionError(kind)


def _apply(folder: Path, mutations: list) -> None:
    doc = __import__("tomllib").loads(TOML)
    layers = toy_layers()
    raw_edits, crs_edits = [], []
    for m in mutations:
        if m[0] == "param":
            _set(doc, m[1], m[2])
        elif m[0] == "geometry":
            _, layer, row, kind = m
            geoms = layers[layer]["geometry"]
            row %= len(geoms)
            geoms[row] = _geometry(kind, geoms[row])
            layers[layer]["geometry_type"] = "Geometry"  # let any type be written, as GDAL allows
        elif m[0] == "field":
            _, layer, row, data = m
            field = data.draw(st.sampled_from(LAYER_FIELDS[layer]))
            raw_edits.append((layer, field, row % len(layers[layer]["geometry"]) + 1, data.draw(raw_values)))
        else:
            crs_edits.append(m[1])
    (folder / "scenario.toml").write_text(tomli_w.dumps(doc), encoding="utf-8")
    make_toy(folder, layers=layers, toml=None)
    with sqlite3.connect(folder / "layers.gpkg") as db:
        for name in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):  # named by GDAL's R-tree
            db.create_function(name, 1, lambda g: 0)   # triggers; never called (no geometry is changed)
        for layer, field, fid, value in raw_edits:   # raw SQLite storage: no type coercion on the way in
            db.execute(f'UPDATE "{layer}" SET "{field}" = ? WHERE fid = ?', (value, fid))
        for layer in crs_edits:                      # degrees declared as UTM metres
            _declare_crs(db, layer, 32648)
    db.close()


def _declare_crs(db: sqlite3.Connection, layer: str, epsg: int) -> None:
    if not db.execute("SELECT 1 FROM gpkg_spatial_ref_sys WHERE srs_id = ?", (epsg,)).fetchone():
        from osgeo import osr

        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        db.execute("INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, "
                   "definition) VALUES (?, ?, 'EPSG', ?, ?)", (f"EPSG:{epsg}", epsg, epsg, srs.ExportToWkt()))
    db.execute("UPDATE gpkg_geometry_columns SET srs_id = ? WHERE table_name = ?", (epsg, layer))
    db.execute("UPDATE gpkg_contents SET srs_id = ? WHERE table_name = ?", (epsg, layer))


# ------------------------------------------------------------------ the property


def _validate(folder: Path) -> list[Problem]:
    from gridgov.engine.workflows.validate import validate

    return validate(folder).problems


def _run(folder: Path, out: Path) -> None:
    from gridgov.engine.workflows.run import run_scenario

    run_scenario(folder, out, days=0.5, seed=1, pdf=False, lang="en")


def check_case(mutations: list) -> None:
    with tempfile.TemporaryDirectory(prefix="gridgov-fuzz-") as tmp:
        folder = Path(tmp) / "scenario"
        folder.mkdir()
        _apply(folder, mutations)
        problems = _validate(folder)   # anything raised here is a finding (an internal error)
        for p in problems:
            assert isinstance(p, Problem) and p.message and p.file, p
        errors = [p for p in problems if p.severity == "error"]
        event("refused by validate" if errors else "validated, then ran")
        if errors:
            return
        try:
            _run(folder, Path(tmp) / "out")
        except GridGovError as exc:
            pytest.fail(f"validate ok, run fails: {exc}\nmutations: {mutations}")


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=2))
def test_mutated_scenario_validates_and_runs_or_fails_located(mutations):
    check_case(mutations)


# ------------------------------------------------------------------ the same through the CLI

CLI_CASES = {
    "households_text": [("field", "units", 1, "households", "abc")],
    "households_fraction": [("field", "units", 2, "households", 2.5)],
    "walk_speed_inf": [("param", ("travel", "walk_speed_mps"), math.inf)],
    "facility_50km": [("geometry", "facilities", 1, "far_50km")],
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_cli_exits_0_or_1_never_3(tmp_path, case):
    folder = tmp_path / "scenario"
    folder.mkdir()
    plain = []
    for m in CLI_CASES[case]:
        if m[0] == "field":  # fixed value instead of a Hypothesis draw
            _, layer, row, field, value = m
            plain.append(("field", layer, row, _Fixed(field, value)))
        else:
            plain.append(m)
    _apply(folder, plain)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MPLBACKEND="Agg")
    env.pop("GRIDGOV_DEBUG", None)
    v = subprocess.run([sys.executable, "-m", "gridgov", "validate", str(folder)], capture_output=True, text=True,
                       env=env, timeout=120)
    r = subprocess.run([sys.executable, "-m", "gridgov", "run", str(folder), "--out", str(tmp_path / "out"),
                        "--days", "0.5", "--quiet", "--no-pdf"], capture_output=True, text=True, env=env, timeout=300)
    assert v.returncode in (0, 1) and r.returncode in (0, 1), (v.stderr, r.stderr)
    assert v.returncode == r.returncode, f"validate {v.returncode}, run {r.returncode}: {v.stderr}{r.stderr}"
    assert "Traceback" not in v.stderr + r.stderr and "bug in GridGov" not in v.stderr + r.stderr


class _Fixed:
    """Stands in for ``st.data()`` in a fixed case: the first draw is the field, the second the value."""

    def __init__(self, field, value):
        self.values = [field, value]

    def draw(self, strategy):
        return self.values.pop(0)
