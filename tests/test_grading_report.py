"""Grade tables and shards (``tools.grading.report``): a class graded in three shards and
merged gives exactly the table of one run; shards of different course versions are refused."""

from __future__ import annotations

import json

import nbformat
import pytest

from tests.faulty_submissions import exercises, off_by_one, raising
from tests.grading_support import (
    CELL_TIMEOUT,
    REPO_ROOT,
    ROUND_TRIP_NOTEBOOK,
    run_tool,
    small_course_folder,
    write_class,
)
from tools.grading import report
from tools.grading.errors import UsageError
from tools.grading.results import CellResult, Result

NAME = ROUND_TRIP_NOTEBOOK


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Five students (one of whom handed in 02 as well), graded as one shard and as three."""
    top = tmp_path_factory.mktemp("shards")
    source = small_course_folder(top / "course", NAME, "02_softmax")   # the tables are the point
    course = nbformat.read(source / f"{NAME}.ipynb", as_version=4)
    answer0, answer1 = exercises(course)[0][0], exercises(course)[1][0]
    folder = write_class(
        top / "submissions",
        NAME,
        {
            "ann": course,
            "ben": off_by_one(course, answer1),
            "cat": raising(course, answer0),
            "dan": course,
            "eve": "{",
        },
    )
    (folder / "ben" / "02_softmax.ipynb").write_bytes((source / "02_softmax.ipynb").read_bytes())
    whole = run_tool(
        REPO_ROOT,
        "grade",
        str(folder),
        "--source",
        str(source),
        "--jobs",
        "2",
        "--timeout",
        str(CELL_TIMEOUT),
        "--out",
        str(top / "whole"),
    )
    shards = [
        run_tool(
            REPO_ROOT,
            "grade",
            str(folder),
            "--source",
            str(source),
            "--jobs",
            "1",
            "--timeout",
            str(CELL_TIMEOUT),
            "--shard",
            f"{i}/3",
            "--out",
            str(top / f"shard{i}"),
        )
        for i in (1, 2, 3)
    ]
    merged = run_tool(REPO_ROOT, "merge", str(top / "merged"), *(str(top / f"shard{i}") for i in (1, 2, 3)))
    return {"top": top, "runs": [whole, *shards, merged]}


def table(path, drop_seconds=True):
    lines = path.read_text().splitlines()
    if not drop_seconds:
        return lines
    return [",".join(line.split(",")[:5]) for line in lines]  # seconds differ from run to run


def test_three_shards_merge_into_the_one_shard_table(graded):
    for proc in graded["runs"]:
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    top = graded["top"]
    assert table(top / "merged" / "grades.csv") == table(top / "whole" / "grades.csv")
    assert table(top / "merged" / "grade_cells.csv", False) == table(top / "whole" / "grade_cells.csv", False)
    rows = [line.split(",") for line in table(top / "whole" / "grades.csv")[1:]]
    assert [(r[0], r[1]) for r in rows][:2] == [("ann", NAME), ("ben", NAME)]
    assert ("ann", "02_softmax", "0", "7", "missing") in {tuple(r) for r in rows}
    shard_students = [json.loads((top / f"shard{i}" / "run.json").read_text())["students"] for i in (1, 2, 3)]
    assert sorted(sum(shard_students, [])) == ["ann", "ben", "cat", "dan", "eve"]


def test_merge_refuses_shards_of_different_course_versions(graded, tmp_path):
    top = graded["top"]
    run = json.loads((top / "shard2" / "run.json").read_text())
    other = tmp_path / "other"
    other.mkdir()
    for name in ("grades.csv", "grade_cells.csv"):
        (other / name).write_text((top / "shard2" / name).read_text())
    (other / "run.json").write_text(json.dumps(dict(run, course_version="0123456789abcdef")))
    with pytest.raises(UsageError, match="different course versions"):
        report.merge([top / "shard1", other], tmp_path / "merged", [NAME])
    with pytest.raises(UsageError, match="two shards"):
        report.merge([top / "shard1", top / "shard1"], tmp_path / "merged", [NAME])
    with pytest.raises(UsageError, match="run.json"):
        report.merge([tmp_path], tmp_path / "merged", [NAME])


def test_missing_rows_and_order():
    cell = [CellResult("t1", 2.0, 2.0, "passed")]
    results = [
        Result("bob", "02_b", 2.0, 2.0, "graded", 1.0, cell),
        Result("amy", "01_a", 2.0, 2.0, "graded", 1.0, cell),
    ]
    rows = report.with_missing(results, ["bob", "amy"], ["01_a", "02_b"])
    assert [(r.student, r.notebook, r.status) for r in rows] == [
        ("amy", "01_a", "graded"),
        ("bob", "01_a", "missing"),
        ("amy", "02_b", "missing"),
        ("bob", "02_b", "graded"),
    ]
    assert rows[1].cells[0].outcome == "not submitted"
