"""The command line as a careless user drives it: every mistake gives one clear message naming
the file / layer / feature / field or the option, a non-zero exit, no traceback and no
half-written output.  Each test runs the real ``gridgov`` in a subprocess on tiny inputs."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scenario_toy import TOML, make_toy, toy_layers

ROOT = Path(__file__).resolve().parents[1]
GRIDGOV = [sys.executable, "-m", "gridgov"]
ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen", MPLBACKEND="Agg",
           NUMBA_CACHE_DIR=os.environ.get("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache")))
ENV.pop("GRIDGOV_DEBUG", None)
COMPUTING = ["run", "circles", "simulate", "score"]  # commands taking DIR --out OUT


def gridgov(*args, timeout: float = 120, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([*GRIDGOV, *map(str, args)], capture_output=True, text=True, env=ENV,
                          timeout=timeout, cwd=cwd)


def failed(proc: subprocess.CompletedProcess, code: int = 1, *needles: str) -> str:
    """Assert a clean failure: exit ``code``, no traceback, every needle in stderr."""
    err = proc.stderr
    assert "Traceback" not in err and "Traceback" not in proc.stdout, err
    assert proc.returncode == code, (proc.returncode, err)
    for n in needles:
        assert n in err, f"{n!r} not in:\n{err}"
    return err


@pytest.fixture(scope="module")
def toy(tmp_path_factory) -> Path:
    return make_toy(tmp_path_factory.mktemp("cli") / "toy")


@pytest.fixture
def toy_copy(tmp_path, toy) -> Path:
    dst = tmp_path / "broken"
    shutil.copytree(toy, dst)
    return dst


@pytest.fixture(scope="module")
def toy_run(tmp_path_factory, toy) -> Path:
    """A finished 'gridgov run' output folder of the toy (1 simulated day)."""
    out = tmp_path_factory.mktemp("cli") / "run"
    proc = gridgov("run", toy, "--out", out, "--days", 1, "--quiet", "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    return out


# ------------------------------------------------------------------ wrong paths


@pytest.mark.parametrize("command", ["validate", *COMPUTING])
def test_missing_scenario_folder(tmp_path, command):
    out = tmp_path / "out"
    extra = [] if command == "validate" else ["--out", out]
    err = failed(gridgov(command, tmp_path / "nope", *extra), 1, str(tmp_path / "nope"))
    assert "not found" in err or "neither a scenario folder" in err
    assert not out.exists()


@pytest.mark.parametrize("command", ["validate", "run", "simulate"])
def test_file_given_as_scenario_folder(tmp_path, toy, command):
    extra = [] if command == "validate" else ["--out", tmp_path / "out"]
    failed(gridgov(command, toy / "layers.gpkg", *extra), 1, "is a file, not a scenario folder", str(toy))


def test_empty_scenario_path(tmp_path, toy):
    failed(gridgov("validate", ""), 1, "empty scenario path")
    failed(gridgov("simulate", toy, "--out", ""), 2, "argument --out: empty path", "usage: gridgov simulate")


# ------------------------------------------------------------------ --out that cannot be written


@pytest.mark.parametrize("command", COMPUTING)
def test_out_is_a_file(tmp_path, toy, command):
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    t = time.perf_counter()
    failed(gridgov(command, toy, "--out", afile), 1, f"--out {afile}", "is a file")
    failed(gridgov(command, toy, "--out", afile / "sub"), 1, f"--out {afile / 'sub'}", f"{afile} is a file")
    assert afile.read_text() == "keep me"
    assert time.perf_counter() - t < 30  # refused before computing anything


def test_out_of_compare_and_batch_is_a_file(tmp_path, toy):
    afile = tmp_path / "afile"
    afile.write_text("")
    failed(gridgov("compare", toy, toy, "--out", afile), 1, f"--out {afile}", "is a file")
    exp = tmp_path / "exp.toml"
    exp.write_text(f'[experiment]\nreplications = 1\ndays = 1\n[[scenario]]\nname = "t"\npath = "{toy}"\n')
    failed(gridgov("batch", exp, "--out", afile, "--dry-run"), 1, f"--out {afile}", "is a file")


def test_out_not_writable(tmp_path, toy):
    if os.geteuid() == 0:   # root writes through permissions: use a place no one can write in
        target = Path("/proc/gridgov-test-out")
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        target = locked / "out"
    failed(gridgov("simulate", toy, "--out", target, "--days", 1), 1, f"--out {target}", "cannot write in")
    failed(gridgov("circles", toy, "--out", target), 1, f"--out {target}")
    assert not target.exists()


# ------------------------------------------------------------------ odd options


@pytest.mark.parametrize("option, value, needle", [
    ("--days", "0", "argument --days: must be a number of days in (0, 3660], got 0"),
    ("--days", "-3", "argument --days: must be a number of days in (0, 3660], got -3"),
    ("--days", "nan", "argument --days: must be a number of days"),
    ("--days", "two", "argument --days: 'two' is not a number of days"),
    ("--seed", "-1", "argument --seed: must be a whole number ≥ 0, got -1"),
    ("--seed", "1.5", "argument --seed: '1.5' is not a whole number"),
    ("--lang", "fr", "argument --lang: invalid choice: 'fr'"),
])
def test_bad_option_values(tmp_path, toy, option, value, needle):
    err = failed(gridgov("run", toy, "--out", tmp_path / "o", option, value), 2, needle, "usage: gridgov run")
    assert "gridgov run: error:" in err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("command", ["simulate", "score", "compare"])
def test_same_option_checks_in_every_command(tmp_path, toy, command):
    dirs = [toy, toy] if command == "compare" else [toy]
    for option, value, needle in (("--days", "-3", "argument --days: must be a number of days in (0, 3660], got -3"),
                                  ("--seed", "-1", "argument --seed: must be a whole number ≥ 0, got -1")):
        failed(gridgov(command, *dirs, "--out", tmp_path / "o", option, value), 2, needle, f"usage: gridgov {command}")
    assert not (tmp_path / "o").exists()


def test_fractional_days_accepted_everywhere(tmp_path, toy):
    proc = gridgov("simulate", toy, "--out", tmp_path / "o", "--days", "0.5", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert json.loads((tmp_path / "o" / "simulation.json").read_text())["meta"]["days"] == 0.5


@pytest.mark.parametrize("command", ["run", "simulate"])
def test_unknown_engine(tmp_path, toy, command):
    failed(gridgov(command, toy, "--out", tmp_path / "o", "--engine", "foo"), 2, "argument --engine: invalid choice")


@pytest.mark.parametrize("argv, usage", [
    (["circles", "DIR", "--out", "o", "--days", "1"], "usage: gridgov circles"),
    (["params", "--lang", "fr"], "usage: gridgov params"),
    (["validate"], "usage: gridgov validate"),
    (["run", "DIR"], "the following arguments are required: --out"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_unknown_or_missing_arguments_show_the_commands_usage(argv, usage):
    failed(gridgov(*argv), 2, usage)


def test_score_refuses_options_it_would_ignore(tmp_path, toy, toy_run):
    failed(gridgov("score", toy_run, "--out", tmp_path / "o", "--days", 3), 2, "--days would have no effect",
           "usage: gridgov score")
    failed(gridgov("score", toy, "--out", tmp_path / "o", "--no-sim", "--seed", 3), 2, "--no-sim skips")
    failed(gridgov("score", toy, "--out", tmp_path / "o", "--no-sim", "--weight", "coverage"), 2,
           "--weight 'coverage': expected GROUP=NUMBER")
    failed(gridgov("score", toy, "--out", tmp_path / "o", "--no-sim", "--weight", "coverage=lots"), 2,
           "'lots' is not a number")
    assert not (tmp_path / "o").exists()


def test_compare_names_the_scenario_at_fault(tmp_path, toy, toy_copy):
    _break(toy_copy, "bad_value_in_toml")
    failed(gridgov("compare", toy, toy_copy, "--out", tmp_path / "o", "--days", 1, "--quiet", "--no-pdf"), 1,
           f"{toy_copy / 'scenario.toml'}, layer 'workflow', field 'dispatch_policy'")
    assert not (tmp_path / "o" / "compare.json").exists()


@pytest.mark.parametrize("weight", ["coverage=-1", "coverage=nan", "coverage=1e308"])
def test_score_weight_out_of_range_names_the_option(tmp_path, toy, weight):
    failed(gridgov("score", toy, "--out", tmp_path / "o", "--no-sim", "--weight", weight), 2,
           f"--weight '{weight}': a weight must be a number in [0, 1e+06]")


def test_compare_needs_two(tmp_path, toy):
    failed(gridgov("compare", toy, "--out", tmp_path / "o"), 2, "at least two", "usage: gridgov compare")


# ------------------------------------------------------------------ broken scenario copies


def _break(folder: Path, how: str) -> str:
    """Damage a copy of the toy one way; return what the message must contain."""
    if how == "toml_syntax":
        (folder / "scenario.toml").write_text(TOML + "\n[demand\n")
        return "scenario.toml"
    if how == "unknown_parameter":
        (folder / "scenario.toml").write_text(TOML.replace("[demand]\n", "[demand]\nevents_per_month = 3\n"))
        return "unknown key 'events_per_month'"
    if how == "bad_value_in_toml":  # right type, wrong value: only the simulation's own checks see it
        (folder / "scenario.toml").write_text(TOML + '\n[workflow]\ndispatch_policy = "fastest"\n')
        return "field 'dispatch_policy': [workflow] dispatch_policy = 'fastest' must be one of"
    if how == "truncated_geopackage":  # a copy cut short (full disk, interrupted download)
        data = (folder / "layers.gpkg").read_bytes()
        (folder / "layers.gpkg").write_bytes(data[: len(data) // 3])
        return "layers.gpkg"
    if how == "not_a_geopackage":
        (folder / "layers.gpkg").write_bytes(b"not a geopackage at all")
        return "layers.gpkg: cannot open as a GeoPackage"
    layers = toy_layers()
    if how == "missing_layer":
        del layers["facilities"]
        needle = "missing layer 'facilities'"
    elif how == "negative_households":
        layers["units"]["columns"]["households"][1] = -5
        needle = "layer 'units', feature 2, field 'households'"
    elif how == "missing_field":
        del layers["grids"]["columns"]["level"]
        needle = "layer 'grids'"
    else:
        raise AssertionError(how)
    (folder / "layers.gpkg").unlink()
    make_toy(folder, layers=layers, toml=None)
    return needle


BREAKS = ["toml_syntax", "unknown_parameter", "bad_value_in_toml", "truncated_geopackage", "not_a_geopackage",
          "missing_layer", "negative_households", "missing_field"]


@pytest.mark.parametrize("how", BREAKS)
def test_broken_scenario(tmp_path, toy_copy, how):
    needle = _break(toy_copy, how)
    out = tmp_path / "out"
    v = gridgov("validate", toy_copy)
    failed(v, 1, needle)
    assert "problem(s) in" in v.stderr and "Warning 1" not in v.stderr  # no raw GDAL chatter
    failed(gridgov("run", toy_copy, "--out", out, "--days", 1, "--quiet"), 1, "gridgov run: ", needle)
    assert not out.exists() or not any(out.iterdir())  # nothing half-written


@pytest.mark.parametrize("layer, code, needle", [
    ("roads", 1, "layer 'roads': layer has no features: a scenario needs at least one road"),
    ("units", 1, "layer 'units': layer has no features: a scenario needs at least one residential unit"),
    ("grids", 1, "layer 'grids': layer has no features: a scenario needs at least one grid"),
    ("facilities", 1, "layer 'facilities', field 'type': no grid workstation"),
])
def test_empty_layer(tmp_path, toy_copy, layer, code, needle):
    layers = toy_layers()
    layers[layer]["geometry"] = layers[layer]["geometry"][:0]
    layers[layer]["columns"] = {k: v[:0] for k, v in layers[layer]["columns"].items()}
    (toy_copy / "layers.gpkg").unlink()
    make_toy(toy_copy, layers=layers, toml=None)
    proc = gridgov("validate", toy_copy)
    assert proc.returncode == code and "Traceback" not in proc.stderr
    assert needle in (proc.stderr if code else proc.stdout)
    if layer == "roads":
        failed(gridgov("run", toy_copy, "--out", tmp_path / "o", "--days", 1, "--quiet"), 1, needle)


def test_travel_speed_zero_is_located_in_validate_and_circles(tmp_path, toy_copy):
    (toy_copy / "scenario.toml").write_text(TOML + "\n[travel]\nwalk_speed_mps = 0.0\n")
    where = f"{toy_copy / 'scenario.toml'}, layer 'travel', field 'walk_speed_mps'"
    failed(gridgov("validate", toy_copy), 1, where)
    failed(gridgov("circles", toy_copy, "--out", tmp_path / "o", "--quiet"), 1, where)


@pytest.mark.parametrize("extra, section, key", [
    ("[travel]\nsnap_max_m = -5.0", "travel", "snap_max_m"),
    ("[travel]\nworker_mode = \"rocket\"", "travel", "worker_mode"),
    ("[circles]\nmode = \"fly\"", "circles", "mode"),
    ("[circles]\nband_minutes = [15, 10, 5]", "circles", "band_minutes"),
    ("[circles]\ntier_distance_m = {5min = -300.0}", "circles", "tier_distance_m.5min"),
])
def test_parameter_values_located_by_validate_and_run(tmp_path, toy_copy, extra, section, key):
    (toy_copy / "scenario.toml").write_text(TOML + "\n" + extra + "\n")
    where = f"{toy_copy / 'scenario.toml'}, layer '{section}', field '{key}'"
    failed(gridgov("validate", toy_copy), 1, where)
    if key in ("worker_mode", "band_minutes"):  # one simulation and one circles check through 'run'
        failed(gridgov("run", toy_copy, "--out", tmp_path / "o", "--days", 1, "--quiet", "--no-pdf"), 1, where)


def test_validate_rejects_days_that_run_would_reject(toy_copy):
    (toy_copy / "scenario.toml").write_text(TOML + "\n[simulation]\ndays = -2\n")
    failed(gridgov("validate", toy_copy), 1, str(toy_copy / "scenario.toml"), "field 'days'", "days = -2 is outside")


def test_validate_json_on_a_broken_scenario(toy_copy):
    _break(toy_copy, "negative_households")
    proc = gridgov("validate", toy_copy, "--json")
    assert proc.returncode == 1
    doc = json.loads(proc.stdout)
    assert doc["ok"] is False and doc["errors"] >= 1
    p = next(p for p in doc["problems"] if p["field"] == "households")
    assert p["layer"] == "units" and p["fid"] == 2 and p["file"].endswith("layers.gpkg")


# ------------------------------------------------------------------ broken experiment files


def _experiment(tmp_path: Path, toy: Path, body: str) -> Path:
    path = tmp_path / "exp.toml"
    path.write_text(f'[experiment]\nname = "t"\nseed = 1\nreplications = 2\ndays = 1\n\n'
                    f'[[scenario]]\nname = "toy"\npath = "{toy}"\n\n{body}')
    return path


@pytest.mark.parametrize("body, needle", [
    ("[design.factors\nincident_rate_multiplier = [1, 2]\n", "not valid TOML"),
    ("[design.factors]\n\"demand.events_per_month\" = [1, 2]\n", "unknown factor 'demand.events_per_month'"),
    ("[design]\nkind = \"grid\"\n[design.factors]\n", "[design] lists no factors"),
    ("[design.factors]\n\"staffing.workers_per_general_grid\" = [1, -2]\n",
     "field 'design.factors.staffing.workers_per_general_grid': scenario 'toy', design point 1 "
     "(staffing.workers_per_general_grid = -2): [staffing] workers_per_general_grid = -2 is outside [1, 100]"),
    ("[design.factors]\nincident_rate_multiplier = []\n", "must be a non-empty list"),
])
def test_broken_experiment(tmp_path, toy, body, needle):
    exp = _experiment(tmp_path, toy, body)
    failed(gridgov("batch", exp, "--out", tmp_path / "o", "--dry-run"), 1, str(exp), needle)
    assert not (tmp_path / "o").exists()


def test_experiment_replications_zero_and_missing_file(tmp_path, toy):
    exp = _experiment(tmp_path, toy, "[design.factors]\nincident_rate_multiplier = [1, 2]\n")
    exp.write_text(exp.read_text().replace("replications = 2", "replications = 0"))
    failed(gridgov("batch", exp, "--out", tmp_path / "o", "--dry-run"), 1, "field 'experiment.replications'",
           "replications = 0 must be an integer ≥ 1")
    failed(gridgov("batch", tmp_path / "nope.toml", "--out", tmp_path / "o"), 1, "experiment file not found")
    failed(gridgov("batch", tmp_path, "--out", tmp_path / "o"), 1, "experiment file not found")


@pytest.mark.parametrize("options, needle", [
    (["--workers", "-1"], "argument --workers: must be a whole number ≥ 0, got -1"),
    (["--workers", "two"], "argument --workers: 'two' is not a whole number"),
    (["--runs-per-task", "0"], "argument --runs-per-task: must be a whole number ≥ 1, got 0"),
    (["--connect-timeout", "-1", "--scheduler", "tcp://127.0.0.1:1"], "argument --connect-timeout: must be"),
    (["--connect-timeout", "inf"], "argument --connect-timeout: must be"),
    (["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "cannot be combined with --scheduler"),
    (["--scheduler", "foo", "--connect-timeout", "2"], "argument --scheduler: 'foo' is not a Dask scheduler address"),
    (["--out", ""], "argument --out: empty path"),
])
def test_batch_bad_options(tmp_path, toy, options, needle):
    exp = _experiment(tmp_path, toy, "[design.factors]\nincident_rate_multiplier = [1, 2]\n")
    failed(gridgov("batch", exp, "--out", tmp_path / "o", *options), 2, needle, "usage: gridgov batch")
    assert not (tmp_path / "o" / "runs").exists()


# ------------------------------------------------------------------ damaged scores.json


@pytest.mark.parametrize("damage, needle", [
    (lambda t: t[: len(t) // 3], "scores.json: cannot read"),
    (lambda t: "", "scores.json: cannot read"),
    (lambda t: json.dumps({"format": 1, "total": 50}), "scores.json"),
    (lambda t: json.dumps({**json.loads(t), "metrics": "oops"}), "damaged scores file"),
])
def test_damaged_scores_json(tmp_path, toy_run, damage, needle):
    bad = tmp_path / "bad_run"
    shutil.copytree(toy_run, bad)
    (bad / "scores.json").write_text(damage((toy_run / "scores.json").read_text()))
    failed(gridgov("score", bad, "--out", tmp_path / "o", "--no-pdf"), 1, needle)
    failed(gridgov("compare", bad, toy_run, "--out", tmp_path / "c", "--no-pdf"), 1, needle)
    assert not (tmp_path / "o" / "scores.json").exists() and not (tmp_path / "c" / "compare.json").exists()


def test_scores_json_not_an_object(tmp_path, toy_run):
    bad = tmp_path / "bad_run"
    shutil.copytree(toy_run, bad)
    (bad / "scores.json").write_text("[1, 2]")
    failed(gridgov("score", bad, "--out", tmp_path / "o", "--no-pdf"), 1, "scores.json")


# ------------------------------------------------------------------ Ctrl-C, pipes, bugs


@pytest.mark.parametrize("sig, code, word", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_ctrl_c_mid_run_leaves_nothing_half_written(tmp_path, sample_dir, sig, code, word):
    """Ctrl-C / kill while the life circles of the Wuhou sample are computed: one line, no output."""
    out = tmp_path / "out"
    # A suite started as a background job (`make test &`) inherits SIGINT ignored, and Python then
    # never raises KeyboardInterrupt: give the child the default disposition a terminal would.
    proc = subprocess.Popen([*GRIDGOV, "circles", str(sample_dir), "--out", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=ENV, preexec_fn=_default_sigint)
    seen = b""
    deadline = time.monotonic() + 60
    while b"service circles" not in seen and b"road network" not in seen and time.monotonic() < deadline:
        chunk = proc.stderr.read1(4096)
        if not chunk:
            break
        seen += chunk
    proc.send_signal(sig)
    _, rest = proc.communicate(timeout=60)
    err = (seen + rest).decode(errors="replace")
    assert proc.returncode == code, err
    assert f"gridgov circles: {word}" in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_broken_pipe_is_quiet():
    proc = subprocess.Popen([*GRIDGOV, "params"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err and b"BrokenPipe" not in err


def test_unexpected_exception_is_one_paragraph(monkeypatch, capsys):
    from gridgov.engine import cli
    from gridgov.engine.commands import params

    def boom(args):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(params, "run", boom)
    monkeypatch.delenv("GRIDGOV_DEBUG", raising=False)
    assert cli.main(["params"]) == cli.INTERNAL_ERROR
    err = capsys.readouterr().err
    assert "internal error (RuntimeError: kaboom)" in err and "GRIDGOV_DEBUG=1" in err
    monkeypatch.setenv("GRIDGOV_DEBUG", "1")
    with pytest.raises(RuntimeError):
        cli.main(["params"])


# ------------------------------------------------------------------ consistency


def test_python_m_matches_the_script(tmp_path):
    script = Path(sys.executable).parent / "gridgov"
    if not script.exists():
        pytest.skip("gridgov console script not installed")
    for argv in (["--help"], ["run", "--help"], ["validate", str(tmp_path / "nope")]):
        a = gridgov(*argv)
        b = subprocess.run([str(script), *argv], capture_output=True, text=True, env=ENV, timeout=60)
        assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)


def _help(command: str) -> str:
    proc = gridgov(command, "--help")
    assert proc.returncode == 0
    return re.sub(r"\s+", " ", proc.stdout)


def test_help_uses_the_same_names_for_the_same_things():
    helps = {c: _help(c) for c in ["validate", "run", "circles", "simulate", "score", "compare", "batch", "params"]}
    for c in ["run", "circles", "simulate", "score", "compare", "batch"]:
        assert "--out OUT" in helps[c], c
    for c in ["run", "circles", "simulate", "score", "compare"]:
        assert f"gridgov {c} [-h] --out OUT" in helps[c] and " DIR" in helps[c], c
        assert "--quiet" in helps[c], c
    for c in ["run", "simulate", "score", "compare"]:
        assert "--days DAYS simulated days, fractions allowed" in helps[c], c
        assert "--seed SEED random seed, a whole number ≥ 0" in helps[c], c
    for c in ["run", "score", "compare"]:
        assert "--lang {zh_CN,en} report language" in helps[c] and "--no-pdf" in helps[c], c
    for c in ["run", "simulate"]:
        assert "--engine {numba,simpy} numba (fast) or simpy (reference)" in helps[c], c
    assert "--quiet" in helps["batch"]


def test_output_keys_are_consistent(tmp_path, toy, toy_run):
    """run, score and compare print 'key: path' with the same keys for the same kinds of file."""
    proc = gridgov("score", toy_run, "--out", tmp_path / "s", "--quiet")
    assert proc.returncode == 0, proc.stderr
    keys = dict(line.strip().split(": ", 1) for line in proc.stdout.splitlines() if ": " in line)
    assert set(keys) == {"report", "pdf", "scores"}
    assert keys["pdf"].endswith("report.pdf") and Path(keys["scores"]).is_file()
    doc = json.loads((tmp_path / "s" / "scores.json").read_text())
    assert doc["scenario"]["name"] == json.loads((toy_run / "scores.json").read_text())["scenario"]["name"]
    # --no-pdf into the same OUT: the earlier report.pdf would contradict the new report
    proc = gridgov("score", toy_run, "--out", tmp_path / "s", "--quiet", "--no-pdf")
    assert proc.returncode == 0 and "removed" in proc.stderr and not (tmp_path / "s" / "report.pdf").exists()


def test_json_outputs_name_their_scenario_the_same_way(tmp_path, toy, toy_run):
    assert gridgov("simulate", toy, "--out", tmp_path, "--days", 1, "--quiet").returncode == 0
    assert gridgov("circles", toy, "--out", tmp_path, "--quiet", "--no-facility-bands").returncode == 0
    blocks = [json.loads((d / f).read_text())["scenario"]
              for d, f in ((tmp_path, "simulation.json"), (tmp_path, "circles.json"), (toy_run, "scores.json"))]
    assert blocks[0] == blocks[1] == blocks[2] == {"name": "toy", "path": str(toy.resolve()), "synthetic": True}


def test_ctrl_c_inside_another_exception_is_an_interruption(monkeypatch, capsys):
    from gridgov.engine import cli
    from gridgov.engine.commands import params

    def interrupted_import(args):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise ImportError("numpy._core.multiarray failed to import")

    monkeypatch.setattr(params, "run", interrupted_import)
    assert cli.main(["params"]) == 130
    assert "gridgov params: interrupted" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["run", "simulate", "circles", "score"])
def test_out_may_not_be_the_scenario_folder(toy_copy, command):
    before = sorted(p.name for p in toy_copy.iterdir())
    failed(gridgov(command, toy_copy, "--out", f"{toy_copy}/", "--days" if command != "circles" else "--quiet",
                   *(["1"] if command != "circles" else [])), 2, "is the scenario folder")
    assert sorted(p.name for p in toy_copy.iterdir()) == before


def test_progress_in_a_log_is_plain_lines(tmp_path, toy):
    proc = gridgov("simulate", toy, "--out", tmp_path, "--days", 1)
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("gridgov simulate:") and lines[-1] == "gridgov simulate: 100% done"



def test_simulate_with_no_incident_prints_n_a(tmp_path, toy):
    proc = gridgov("simulate", toy, "--out", tmp_path, "--days", "0.01")
    assert proc.returncode == 0, proc.stderr
    assert "0 incidents" in proc.stdout and "nan" not in proc.stdout and "n/a" in proc.stdout
    assert json.loads((tmp_path / "simulation.json").read_text())["summary"]["response_p90_min"] is None


@pytest.mark.parametrize("crs, needle", [("EPSG:4326", "is geographic (degrees)"),
                                         ("EPSG:999999", "unknown CRS 'EPSG:999999'")])
def test_bad_crs_is_one_problem_not_a_cascade(toy_copy, crs, needle):
    (toy_copy / "scenario.toml").write_text(TOML.replace('crs = "EPSG:32648"', f'crs = "{crs}"'))
    err = failed(gridgov("validate", toy_copy), 1, "1 problem(s)", "field 'crs'", needle)
    assert "zero length" not in err


def test_batch_validates_scenario_layers_before_any_run(tmp_path, toy_copy):
    _break(toy_copy, "negative_households")
    exp = _experiment(tmp_path, toy_copy, "[design.factors]\nincident_rate_multiplier = [1, 2]\n")
    for extra in (["--dry-run"], ["--workers", "0"]):
        failed(gridgov("batch", exp, "--out", tmp_path / "o", *extra), 1, "scenario 'toy'",
               "layer 'units', feature 2, field 'households'")
    assert not (tmp_path / "o").exists()


def test_compare_days_on_finished_runs(tmp_path, toy, toy_run):
    failed(gridgov("compare", toy_run, toy_run, "--out", tmp_path / "o", "--days", 3), 2, "--days would have no effect")
    proc = gridgov("compare", toy_run, toy, "--out", tmp_path / "o", "--days", 1, "--quiet", "--no-pdf")
    assert proc.returncode == 0, proc.stderr
    assert f"{toy_run} is a finished run: --days apply only to the scenario folders" in proc.stderr


@pytest.mark.parametrize("argv, keys", [
    (["simulate", "--days", "1", "--events"], {"simulation", "events"}),
    (["circles", "--no-facility-bands"], {"layers", "summary"}),
    (["run", "--days", "1", "--no-pdf"], {"report", "results", "scores"}),
])
def test_every_command_ends_with_key_path_lines(tmp_path, toy, argv, keys):
    proc = gridgov(argv[0], toy, "--out", tmp_path, "--quiet", *argv[1:])
    assert proc.returncode == 0, proc.stderr
    got = dict(line.strip().split(": ", 1) for line in proc.stdout.splitlines())
    assert set(got) == keys and all(Path(p).is_file() for p in got.values())


def test_run_killed_while_writing_leaves_no_staging_folder_behind(tmp_path, sample_dir, toy):
    """kill -9 cannot be caught: the next run into the same OUT removes the dead run's staging."""
    out = tmp_path / "out"
    proc = subprocess.Popen([*GRIDGOV, "run", str(sample_dir), "--out", str(out), "--days", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    for line in proc.stderr:
        if b"writing results.gpkg" in line or b"writing report" in line:
            break
    proc.kill()
    proc.wait(30)
    staged = list(out.glob(".gridgov-stage-*"))
    assert staged and not (out / "scores.json").exists()  # killed mid-write: nothing moved in
    assert gridgov("run", toy, "--out", out, "--days", 1, "--quiet", "--no-pdf").returncode == 0
    assert not list(out.glob(".gridgov-stage-*")) and (out / "scores.json").is_file()


def test_simulate_killed_while_writing_leaves_no_temporary_behind(tmp_path, toy):
    """A temporary named by a dead writer's PID is removed by the next write of the same file."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / f".simulation.{dead.pid}-x1y2.json").write_text('{"half": ')
    (tmp_path / f".simulation.{os.getpid()}-keep.json").write_text("mine, alive")
    assert gridgov("simulate", toy, "--out", tmp_path, "--days", 1, "--quiet").returncode == 0
    left = sorted(p.name for p in tmp_path.glob(".simulation.*"))
    assert left == [f".simulation.{os.getpid()}-keep.json"]


def test_no_walkable_road_is_located(tmp_path, toy_copy):
    import numpy as np

    layers = toy_layers()
    layers["roads"]["columns"]["class"] = np.array(["motorway", "motorway"], dtype=object)
    layers["roads"]["columns"]["speed_kmh"] = np.array([np.nan, np.nan])
    (toy_copy / "layers.gpkg").unlink()
    make_toy(toy_copy, layers=layers, toml=None)
    failed(gridgov("circles", toy_copy, "--out", tmp_path / "o", "--quiet"), 1,
           f"{toy_copy / 'layers.gpkg'}, layer 'roads': no road usable for mode 'walk'")
