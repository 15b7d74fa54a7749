"""The commands around grading: the sandbox requirement, ``check`` for learners and
``feedback`` pages (``tools.grading.cli``)."""

from __future__ import annotations

import json

import nbformat

from tests.faulty_submissions import exercises, off_by_one
from tests.grading_support import (
    CELL_TIMEOUT,
    REPO_ROOT,
    ROUND_TRIP_NOTEBOOK,
    nbgrader_cell,
    read_csv,
    run_tool,
    tiny_course,
    write_class,
)
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
    # the hidden tests' source is not shown to students, only which check failed and why
    hidden_line = "v (hidden test)"   # a string in the hidden tests' source (the highlighter keeps it whole)
    assert hidden_line in course.cells[_test_index(course, exercises(course)[1][1])].source
    assert hidden_line not in page and "hidden tests: not shown" in page
    assert "AssertionError: y differs from the expected value" in page, "the failed check's message"
    assert run_tool(REPO_ROOT, "feedback", "--out", str(tmp_path / "run"), "--show-tests").returncode == 0
    assert hidden_line in (tmp_path / "run" / "feedback" / "ben" / f"{NAME}.html").read_text()


def _test_index(course, grade_id: str) -> int:
    return next(i for i, c in enumerate(course.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_grading_into_the_same_folder_adds_and_the_newest_wins(tmp_path):
    """A second ``make grade`` into the same OUT keeps the earlier students' rows; a student
    graded again gets the new row; an OUT inside the submissions folder, or one holding
    another course version's grades, is refused with a message saying what to do."""
    course = nbformat.read(REPO_ROOT / "notebooks" / f"{NAME}.ipynb", as_version=4)
    wrong = off_by_one(course, exercises(course)[1][0])
    out = tmp_path / "run"
    first = write_class(tmp_path / "first", NAME, {"ann": wrong})
    second = write_class(tmp_path / "second", NAME, {"ann": course, "cid": wrong})
    for folder in (first, second):
        proc = run_tool(REPO_ROOT, "grade", str(folder), "--jobs", "2", "--timeout", str(CELL_TIMEOUT),
                        "--out", str(out))
        assert proc.returncode == 0, proc.stderr[-2000:]
    record = json.loads((out / "run.json").read_text())
    assert record["earlier"] == 1 and record["kept"] == 0 and record["graded"] == 2, record
    assert "added to" in proc.stdout and "the newest wins" in proc.stdout
    rows = {row["student"]: row for row in read_csv(out / "grades.csv")}
    assert sorted(rows) == ["ann", "cid"] and rows["ann"]["score"] == "7" and rows["cid"]["score"] == "5"
    inside = run_tool(REPO_ROOT, "grade", str(second), "--out", str(second / "grading"))
    assert inside.returncode == 2 and "overlap" in inside.stderr
    run = out / "run.json"
    run.write_text(run.read_text().replace(json.loads(run.read_text())["course_version"], "0123456789abcdef"))
    other = run_tool(REPO_ROOT, "grade", str(first), "--out", str(out))
    assert other.returncode == 2 and "course version 0123456789abcdef" in other.stderr
    assert sorted(row["student"] for row in read_csv(out / "grades.csv")) == ["ann", "cid"], "nothing lost"


def test_check_uses_the_grader_cell_timeout_and_reports_errors_outside_the_tests(tmp_path):
    """nbgrader's own cell timeout (30 s) would stop a 35 s training cell and call the
    notebook fine; ``check`` waits as the grader does, and a cell that raises outside the
    tests fails the check, named."""
    nb = tiny_course()
    nb.cells.insert(1, nbgrader_cell("import time\ntime.sleep(35)\nTRAINED = True"))
    nb.cells.append(nbgrader_cell("assert TRAINED, 'the long cell ran to its end'"))
    nbformat.write(nb, tmp_path / "slow.ipynb")
    slow = run_tool(REPO_ROOT, "check", str(tmp_path / "slow.ipynb"))
    assert slow.returncode == 0 and "every test passed, and no other cell raised" in slow.stdout, slow.stderr
    nb.cells[1] = nbgrader_cell("TRAINED = True\nraise RuntimeError('a demo broke')")
    nbformat.write(nb, tmp_path / "broken.ipynb")
    broken = run_tool(REPO_ROOT, "check", str(tmp_path / "broken.ipynb"))
    assert broken.returncode == 1
    assert "ERROR outside the tests, in cell 1: RuntimeError: a demo broke" in broken.stderr
