"""The commands around grading: the sandbox requirement, ``check`` for learners and
``feedback`` pages (``tools.grading.cli``)."""

from __future__ import annotations

import nbformat

from tests.faulty_submissions import exercises, off_by_one
from tests.grading_support import CELL_TIMEOUT, REPO_ROOT, ROUND_TRIP_NOTEBOOK, run_tool, write_class
from tools.grading import cli, sandbox

NAME = ROUND_TRIP_NOTEBOOK


def test_grading_refuses_without_a_sandbox_unless_told_unsafe(tmp_path, monkeypatch, capsys):
    folder = write_class(tmp_path / "subs", NAME, {"ann": "{"})
    monkeypatch.setattr(sandbox, "problem", lambda: "bubblewrap (bwrap) is not installed")
    assert (
        cli.main(["grade", str(folder), "--course-dir", str(tmp_path / "g"), "--out", str(tmp_path / "o")])
        == 2
    )
    err = capsys.readouterr().err
    assert "bubblewrap (bwrap) is not installed" in err and "UNSAFE=1" in err
    assert not (tmp_path / "o").exists()
    assert (
        cli.main(
            [
                "grade",
                str(folder),
                "--unsafe",
                "--course-dir",
                str(tmp_path / "g"),
                "--out",
                str(tmp_path / "o"),
            ]
        )
        == 0
    )
    assert "WITHOUT a sandbox" in capsys.readouterr().err
    assert (
        (tmp_path / "o" / "grades.csv").read_text().splitlines()[1].startswith(f"ann,{NAME},0,7,unreadable")
    )


def test_the_sandbox_is_available_here():
    assert sandbox.problem() is None, sandbox.problem()


def test_check_exits_nonzero_when_a_test_fails(tmp_path):
    course = nbformat.read(REPO_ROOT / "notebooks" / f"{NAME}.ipynb", as_version=4)
    nbformat.write(course, tmp_path / "right.ipynb")
    nbformat.write(off_by_one(course, exercises(course)[1][0]), tmp_path / "wrong.ipynb")
    right = run_tool(REPO_ROOT, "check", str(tmp_path / "right.ipynb"))
    assert right.returncode == 0 and "every test passed" in right.stdout, right.stderr[-2000:]
    wrong = run_tool(REPO_ROOT, "check", str(tmp_path / "wrong.ipynb"))
    assert wrong.returncode == 1 and "1 test(s) failed" in wrong.stderr


def test_feedback_pages_for_every_graded_submission(tmp_path):
    course = nbformat.read(REPO_ROOT / "notebooks" / f"{NAME}.ipynb", as_version=4)
    folder = write_class(
        tmp_path / "subs", NAME, {"ann": course, "ben": off_by_one(course, exercises(course)[1][0])}
    )
    graded = run_tool(
        REPO_ROOT,
        "grade",
        str(folder),
        "--jobs",
        "2",
        "--timeout",
        str(CELL_TIMEOUT),
        "--out",
        str(tmp_path / "run"),
    )
    assert graded.returncode == 0, graded.stderr[-2000:]
    proc = run_tool(REPO_ROOT, "feedback", "--out", str(tmp_path / "run"))
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "run" / "feedback" / "ben" / f"{NAME}.html").read_text()
    assert f"{NAME}: 5 / 7" in page and "failed: AssertionError" in page
    assert (tmp_path / "run" / "feedback" / "ann" / f"{NAME}.html").is_file()
