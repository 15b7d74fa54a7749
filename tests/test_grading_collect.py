"""Collecting submissions (``tools.grading.collect``): layouts, what is refused, shards."""

from __future__ import annotations

import pytest

from tools.grading import cli, collect
from tools.grading.errors import UsageError


def test_both_layouts_and_every_skip_reported(tmp_path):
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "01_a.ipynb").write_text("{}")
    (tmp_path / "alice" / "scratch.ipynb").write_text("{}")
    (tmp_path / "bob" / "01_a").mkdir(parents=True)
    (tmp_path / "bob" / "01_a" / "01_a.ipynb").write_text("{}")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "01_a.ipynb").write_text("{}")
    (tmp_path / "carol").mkdir()
    (tmp_path / "loose.ipynb").write_text("{}")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.ipynb"
    outside.write_text("{}")
    (tmp_path / "dave").mkdir()
    (tmp_path / "dave" / "01_a.ipynb").symlink_to(outside)
    (tmp_path / "erin").symlink_to(tmp_path / "alice")
    found = collect.collect(tmp_path, ["01_a", "02_b"])
    assert [(s.student, s.notebook, s.path) for s in found.submissions] == [
        ("alice", "01_a", tmp_path / "alice" / "01_a.ipynb"),
        ("bob", "01_a", tmp_path / "bob" / "01_a" / "01_a.ipynb"),
    ]
    assert found.students == ["alice", "bob", "carol", "dave"]
    reasons = {s.path: s.reason for s in found.skipped}
    assert "symlink" in reasons["dave/01_a.ipynb"] and "symlink" in reasons["erin"]
    assert "hidden" in reasons[".hidden"] and "top" in reasons["loose.ipynb"]
    assert "not a course notebook" in reasons["alice/scratch.ipynb"]


def test_a_path_resolving_outside_the_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere"
    (outside / "01_a").mkdir(parents=True)
    (outside / "01_a" / "01_a.ipynb").write_text("{}")
    folder = tmp_path / "subs"
    (folder / "mallory").mkdir(parents=True)
    (folder / "mallory" / "01_a").symlink_to(outside / "01_a")
    (folder / "alice").mkdir()
    (folder / "alice" / "01_a.ipynb").write_text("{}")
    found = collect.collect(folder, ["01_a"])
    assert [s.student for s in found.submissions] == ["alice"]
    assert any(s.path == "mallory/01_a/01_a.ipynb" and "symlink" in s.reason for s in found.skipped)


def test_shards_partition_the_students_deterministically(tmp_path):
    for student in ("ann", "ben", "cat", "dan", "eve", "fay", "gus"):
        (tmp_path / student).mkdir()
        (tmp_path / student / "01_a.ipynb").write_text("{}")
    found = collect.collect(tmp_path, ["01_a"])
    parts = [collect.shard(found, i, 3) for i in (1, 2, 3)]
    assert [p.students for p in parts] == [["ann", "dan", "gus"], ["ben", "eve"], ["cat", "fay"]]
    assert sorted(s.student for p in parts for s in p.submissions) == found.students
    assert collect.shard(found, 2, 3).students == parts[1].students


@pytest.mark.parametrize("text", ["0/3", "4/3", "2", "a/b", "1/0"])
def test_bad_shards_are_usage_errors(text):
    with pytest.raises(UsageError, match="shard"):
        collect.parse_shard(text)


@pytest.mark.parametrize("layout", ["missing", "empty", "inside the course folder"])
def test_grade_refuses_a_folder_without_usable_submissions(tmp_path, capsys, layout):
    course = tmp_path / "course"
    folder = course / "submitted" if layout == "inside the course folder" else tmp_path / "subs"
    if layout != "missing":
        (folder / "alice").mkdir(parents=True)
        (folder / "alice" / "01_a.ipynb").write_text("{}")
    assert cli.main(["grade", str(folder), "--course-dir", str(course), "--unsafe"]) == 2
    assert str(folder) in capsys.readouterr().err
    assert not (course / "grades.csv").exists()
