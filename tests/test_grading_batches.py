"""A grading batch as a whole (``tools.grading``): every student of every batch keeps a row,
an interrupted batch leaves nothing behind, and the cgroup limits are set where the machine
allows them and reported where it does not. The course is the tiny one (one answer, one
test): the point is the grader, not the notebook."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tests.grading_support import (
    REPO_ROOT,
    leftover_cgroups,
    read_csv,
    run_tool,
    short_scratch,
    tiny_course,
)
from tests.test_grading_scale import STUCK_ANSWER, with_answer
from tools.grading import cgroups, cli
from tools.grading.usage import grading_processes, run_markers

NAME = "01_doubling"


def _course(tmp_path: Path) -> Path:
    source = tmp_path / "course"
    source.mkdir(exist_ok=True)
    nbformat.write(tiny_course(), source / f"{NAME}.ipynb")
    return source


def test_a_refused_student_keeps_a_row_marked_refused_after_an_append(tmp_path):
    source, out = _course(tmp_path), tmp_path / "out"
    first = tmp_path / "first"
    (first / "ann").mkdir(parents=True)
    nbformat.write(tiny_course(), first / "ann" / f"{NAME}.ipynb")
    (first / "bob").mkdir()
    (first / "bob" / f"{NAME}.ipynb").symlink_to(source / f"{NAME}.ipynb")
    (first / "notes.txt").write_text("a loose file")
    second = tmp_path / "second"
    (second / "cid").mkdir(parents=True)
    nbformat.write(tiny_course(), second / "cid" / f"{NAME}.ipynb")
    for folder in (first, second):
        proc = run_tool(REPO_ROOT, "grade", str(folder), "--source", str(source), "--out", str(out))
        assert proc.returncode == 0, proc.stderr[-2000:]
        if folder == first:
            skipped = dict(json.loads((out / "run.json").read_text())["skipped"])
            assert skipped["notes.txt"].startswith("not a notebook"), skipped
    rows = {row["student"]: row for row in read_csv(out / "grades.csv")}
    assert sorted(rows) == ["ann", "bob", "cid"], rows
    assert rows["bob"]["status"].startswith("refused: a symlink") and rows["bob"]["score"] == "0"
    assert rows["ann"]["score"] == rows["cid"]["score"] == "1"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_batch_leaves_no_scratch_folder_cgroup_or_process(tmp_path, signum):
    source = _course(tmp_path)
    stuck = with_answer(tiny_course(), STUCK_ANSWER)
    for student in ("ann", "bob", "cid"):
        (tmp_path / "subs" / student).mkdir(parents=True)
        nbformat.write(stuck, tmp_path / "subs" / student / f"{NAME}.ipynb")
    scratch, out = short_scratch(), tmp_path / "out"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tools.grading",
            "grade",
            str(tmp_path / "subs"),
            "--source",
            str(source),
            "--out",
            str(out),
            "--jobs",
            "2",
            "--timeout",
            "600",
        ],
        cwd=REPO_ROOT,
        env=dict(os.environ, TMPDIR=str(scratch)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = set()

    def running() -> int:
        seen.update(run_markers(str(scratch)))
        return grading_processes(*seen)[0]

    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and running() < 4:
            time.sleep(0.5)  # both jobs have their two kernels running (one stuck in the answer)
        assert running() >= 4, "the kernels never started"
        time.sleep(2)
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, stderr[-2000:]
    assert "interrupted" in stderr
    assert list(scratch.iterdir()) == [], "the scratch folder was left behind"
    assert grading_processes(*seen) == (0, 0), "processes of the batch outlived it"
    labels = [marker.split("=", 1)[1] for marker in seen]
    assert labels and not [
        p
        for label in labels
        for pattern in (f"{label}-*", f"*/{label}-*", f"*/*/*/{label}-*")
        for p in Path("/sys/fs/cgroup").glob(pattern)
    ], "cgroups of the batch were left"
    assert not (out / "grades.csv").exists(), "an interrupted batch writes no table"


def test_leftover_cgroups_helper_sees_this_machines_groups():
    """The helper the interrupt test relies on finds a group the grader makes here."""
    group = cgroups.create(8, 64 << 20, "rnn-grade-probe")
    try:
        if group:
            assert leftover_cgroups("rnn-grade-probe") != []
    finally:
        cgroups.kill_and_remove(group)
    assert leftover_cgroups("rnn-grade-probe") == []


def test_cgroup_v2_children_get_the_process_and_memory_caps(tmp_path):
    """On a v2 hierarchy whose pids and memory controllers are enabled for children (a
    folder laid out as the kernel lays it out), the kernel's group caps both, and swap."""
    parent = tmp_path / "grader.slice"
    parent.mkdir()
    (parent / "cgroup.procs").write_text("")
    (parent / "cgroup.controllers").write_text("cpu pids memory\n")
    (parent / "cgroup.subtree_control").write_text("pids memory\n")
    group = cgroups.create_v2(parent, 64, 1 << 30, "rnn-grade-x")
    assert group is not None
    assert (Path(group) / "pids.max").read_text() == "64" and (Path(group) / "memory.max").read_text() == str(
        1 << 30
    )
    (parent / "cgroup.subtree_control").write_text("cpu\n")  # not delegated: pids and memory not offered
    (parent / "cgroup.controllers").write_text("cpu\n")
    assert cgroups.create_v2(parent, 64, 1 << 30, "rnn-grade-y") is None


def test_where_no_cgroup_caps_the_kernels_the_command_says_so(tmp_path, monkeypatch, capsys):
    """The warning goes to the command's output and into the run's notes."""
    monkeypatch.setattr(cgroups, "create", lambda *args: "")
    cgroups.problem.cache_clear()
    try:
        source = _course(tmp_path)
        (tmp_path / "subs" / "ann").mkdir(parents=True)
        (tmp_path / "subs" / "ann" / f"{NAME}.ipynb").write_text("{")
        assert (
            cli.main(
                ["grade", str(tmp_path / "subs"), "--source", str(source), "--out", str(tmp_path / "out")]
            )
            == 0
        )
    finally:
        cgroups.problem.cache_clear()
    err = capsys.readouterr().err
    assert "warning: no cgroup caps the kernels' processes and memory here" in err
    notes = json.loads((tmp_path / "out" / "run.json").read_text())["notes"]
    assert any("only rlimits apply" in note for note in notes)


def test_this_machine_caps_processes_and_memory():
    assert cgroups.problem() is None, cgroups.problem()
