"""Output folders under faults: one writer at a time, a set of files that changes all at once,
and a full disk or a refused write reported as the user's problem (exit 1, path named), never as
a bug in GridGov."""
from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gridgov.engine import cli, outputs
from gridgov.engine.errors import GridGovError
from scenario_toy import make_toy

ENV = dict(os.environ, QT_QPA_PLATFORM="offscreen", MPLBACKEND="Agg")
ENV.pop("GRIDGOV_DEBUG", None)


@pytest.fixture(scope="module")
def toy(tmp_path_factory) -> Path:
    return make_toy(tmp_path_factory.mktemp("outputs") / "toy")


def _publish(out: Path, files: dict[str, str], command: str = "test") -> None:
    with outputs.output_set(out, command) as staging:
        for name, text in files.items():
            (staging.dir / name).write_text(text)


def test_a_set_appears_together_and_leaves_no_hidden_work_files(tmp_path):
    out = tmp_path / "out"
    _publish(out, {"a.txt": "1", "b.txt": "1"})
    _publish(out, {"a.txt": "2", "b.txt": "2"})
    assert {p.name for p in out.iterdir()} == {"a.txt", "b.txt"}  # no journal once complete, no lock, no stage
    assert (out / "a.txt").read_text() == (out / "b.txt").read_text() == "2"


def test_a_failure_changes_nothing_and_removes_a_folder_it_created(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        with outputs.output_set(out, "test") as staging:
            (staging.dir / "a.txt").write_text("half")
            raise RuntimeError("stage failed")
    assert not out.exists()
    _publish(out, {"a.txt": "old"})
    with pytest.raises(RuntimeError):
        with outputs.output_set(out, "test") as staging:
            (staging.dir / "a.txt").write_text("new")
            raise RuntimeError("stage failed")
    assert (out / "a.txt").read_text() == "old" and not list(out.glob(".gridgov-stage-*"))


def test_second_writer_is_refused_naming_the_holder(tmp_path, toy):
    out = tmp_path / "out"
    with outputs.output_lock(out, "run"):
        with pytest.raises(GridGovError, match=rf"another gridgov command is writing there \(PID {os.getpid()}, "
                                               r"gridgov run\)"):
            with outputs.output_set(out, "score"):
                pass
        proc = subprocess.run([sys.executable, "-m", "gridgov", "simulate", str(toy), "--out", str(out),
                               "--days", "1", "--quiet"], capture_output=True, text=True, env=ENV, timeout=120)
        assert proc.returncode == 1, proc.stderr
        assert f"PID {os.getpid()}, gridgov run" in proc.stderr and "Traceback" not in proc.stderr
        assert not (out / "simulation.json").exists()
    _publish(out, {"a.txt": "free again"})  # the lock went with its holder
    assert not (out / outputs.LOCK_NAME).exists()


KILLED_MID_PUBLISH = """
import os, sys
from pathlib import Path
from gridgov.engine import outputs
out = Path(sys.argv[1])
real = outputs._move_or_remove
moved = []
def move_then_die(src, target, removal):
    real(src, target, removal)
    moved.append(src)
    if len(moved) == 1:
        os._exit(9)  # as kill -9 or a power cut: no cleanup runs
outputs._move_or_remove = move_then_die
with outputs.output_set(out, "run") as staging:
    (staging.dir / "report.html").write_text("new")
    (staging.dir / "scores.json").write_text("new")
"""


def _killed_mid_publish(out: Path) -> None:
    _publish(out, {"report.html": "old", "scores.json": "old"}, "run")
    proc = subprocess.run([sys.executable, "-c", KILLED_MID_PUBLISH, str(out)], env=ENV, timeout=60)
    assert proc.returncode == 9
    assert (out / "report.html").read_text() == "new" and (out / "scores.json").read_text() == "old"


def test_kill_between_renames_is_rolled_forward_by_the_next_command(tmp_path):
    out = tmp_path / "out"
    _killed_mid_publish(out)
    with outputs.output_set(out, "circles") as staging:  # any command into OUT completes it first
        (staging.dir / "circles.json").write_text("{}")
    assert (out / "report.html").read_text() == (out / "scores.json").read_text() == "new"
    assert not list(out.glob(".gridgov-stage-*"))


def test_readers_roll_forward_or_refuse_a_mixed_set(tmp_path):
    out = tmp_path / "out"
    _killed_mid_publish(out)
    outputs.require_complete(out)  # completes the interrupted publish
    assert (out / "scores.json").read_text() == "new"

    _killed_mid_publish(out)
    for stage in out.glob(".gridgov-stage-*"):  # the staged files are gone too: nothing to complete
        for f in stage.iterdir():
            f.unlink()
        stage.rmdir()
    with pytest.raises(GridGovError, match="incomplete .'gridgov run' was stopped while replacing"):
        outputs.require_complete(out, "run outputs")


def test_score_refuses_a_run_folder_left_half_replaced(tmp_path, toy):
    run = tmp_path / "run"
    assert cli.main(["run", str(toy), "--out", str(run), "--days", "1", "--quiet", "--no-pdf"]) == 0
    journal = {"command": "run", "complete": False, "stage": ".gone", "files": ["report.html", "scores.json"],
               "removed": []}
    (run / outputs.JOURNAL_NAME).write_text(json.dumps(journal))
    assert cli.main(["score", str(run), "--out", str(tmp_path / "s"), "--quiet", "--no-pdf"]) == 1
    assert not (tmp_path / "s").exists()


def test_ctrl_c_during_the_renames_lets_them_finish(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _publish(out, {"a.txt": "old", "b.txt": "old"})
    real = os.replace
    calls = []

    def interrupted_once(src, dst):
        if Path(dst).name == "a.txt":  # the first rename of the set (not the journal's)
            calls.append(dst)
            if len(calls) == 1:
                raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(os, "replace", interrupted_once)
    with pytest.raises(KeyboardInterrupt):
        _publish(out, {"a.txt": "new", "b.txt": "new"})
    monkeypatch.undo()
    assert (out / "a.txt").read_text() == (out / "b.txt").read_text() == "new"


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EDQUOT])
@pytest.mark.parametrize("command", ["simulate", "run"])
def test_a_full_disk_or_a_refused_write_is_exit_1_with_the_path(tmp_path, toy, monkeypatch, capsys, command, code):
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "replace", refuse)  # every atomic write ends with os.replace
    out = tmp_path / "out"
    argv = [command, str(toy), "--out", str(out), "--days", "1", "--quiet", *(["--no-pdf"] if command == "run" else [])]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert f"gridgov {command}: {out}" in err and os.strerror(code) in err
    assert "bug" not in err and ".gridgov-stage" not in err
    assert not out.exists()


def test_gdal_writing_past_a_size_limit_is_exit_1_with_the_path(tmp_path, toy):
    """A real failed write inside GDAL (which raises a bare RuntimeError): the file size limit
    stands in for a full disk, which a test cannot create without root."""
    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write with EFBIG instead of dying
        resource.setrlimit(resource.RLIMIT_FSIZE, (30_000, 30_000))

    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "gridgov", "circles", str(toy), "--out", str(out), "--quiet"],
                          capture_output=True, text=True, env=ENV, timeout=120, preexec_fn=limit_file_size)
    assert proc.returncode == 1, proc.stderr
    assert f"gridgov circles: {out}" in proc.stderr and "bug" not in proc.stderr
    assert ".gridgov-stage" not in proc.stderr and not out.exists()


def test_a_file_where_the_output_folder_should_be(tmp_path, toy, capsys):
    """Permissions do not stop root, a file in the way does: the write is refused, the path named."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "simulation.json").mkdir()          # a folder where our file goes …
    (out / "simulation.json" / "keep").write_text("user data")
    assert cli.main(["simulate", str(toy), "--out", str(out), "--days", "1", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"{out / 'simulation.json'}: is a folder" in err and "bug" not in err
    assert (out / "simulation.json" / "keep").read_text() == "user data"
    blocker = tmp_path / "blocked"
    blocker.write_text("a file")                # … and a file where OUT's parent should be
    assert cli.main(["simulate", str(toy), "--out", str(blocker / "out"), "--days", "1", "--quiet"]) == 1
    assert f"{blocker} is a file" in capsys.readouterr().err
