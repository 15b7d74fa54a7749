"""Repair (``tools.grading.repair``): the graded notebook is the course version with the
student's answers, run as definitions only; accidents are repaired and reported, tricks
are flagged. No kernel runs here (the round trips are in test_grading_autograde.py)."""

from __future__ import annotations

import nbformat
import pytest

from helpers.notebook import exercises as cells
from tests.grading_support import REPO_ROOT, ROUND_TRIP_NOTEBOOK
from tests.hostile_submissions import duplicated, exercises, renamed, reordered_with_extras, with_code
from tools.grading import repair

PROTECTED, CHECKERS = {"np", "check_close", "helpers"}, {"check_close"}


@pytest.mark.parametrize(
    "source, kept, flagged",
    [
        ("def f(x):\n    return x + 1\nprint(f(2))\nexit()", "def f(x):\n    return x + 1", None),
        (
            "import numpy as np\ndef f(x):\n    return np.tanh(x)",
            "import numpy as np\ndef f(x):\n    return np.tanh(x)",
            None,
        ),
        ("RATE = 0.1\nf = lambda x: RATE * x", "RATE = 0.1\nf = lambda x: RATE * x", None),
        ("%time y = 1\nz = 2", "z = 2", None),
        ("check_close = lambda *a, **k: None", "pass", "rebinds `check_close`"),
        ("from numpy import allclose as check_close", "pass", "rebinds `check_close`"),
        ("np.allclose = lambda *a, **k: True", "pass", "assigns to `np.allclose`"),
        (
            "import helpers.notebook.feedback\n"
            "helpers.notebook.feedback.check_close.__code__ = (lambda: 0).__code__",
            "import helpers.notebook.feedback",
            "`.__code__`",
        ),
        (
            "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass'])",
            "pass",
            "`.input_transformers_cleanup`",
        ),
        ("import builtins\nbuiltins.isinstance = lambda *a: True", "import builtins", "imports `builtins`"),
        (
            "def f(x):\n    globals()['check_close'] = print\n    return x",
            "def f(x):\n    globals()['check_close'] = print\n    return x",
            "uses `globals`",
        ),
        (
            "def f(x):\n    import os\n    os._exit(1)",
            "def f(x):\n    import os\n    os._exit(1)",
            "calls `os._exit`",
        ),
        ("x = (1,\n", "x = (1,\n", None),  # a syntax error fails in its own cell
    ],
)
def test_sanitize_keeps_definitions_and_flags_tricks(source, kept, flagged):
    code, _, flags = repair.sanitize(source, PROTECTED, CHECKERS)
    assert code == kept
    assert (flags == []) if flagged is None else any(flagged in f for f in flags), flags


@pytest.fixture(scope="module")
def course():
    return nbformat.read(REPO_ROOT / "notebooks" / f"{ROUND_TRIP_NOTEBOOK}.ipynb", as_version=4)


def answers(nb):
    return {cells.nbgrader(c)["grade_id"]: c.source for c in nb.cells if cells.is_answer(c)}


def test_the_instructor_version_is_rebuilt_unchanged(course):
    repaired = repair.build(course, course)
    assert repaired.flags == [] and repaired.notes == []
    assert all(notes == [] for notes in repaired.test_notes.values())
    assert [c.source for c in repaired.notebook.cells if not cells.is_answer(c)] == [
        c.source for c in course.cells if not cells.is_answer(c)
    ]


def test_tests_always_come_from_the_course_version(course):
    student = nbformat.v4.new_notebook(cells=[c for c in course.cells if not cells.is_test(c)])
    first_test = next(c for c in course.cells if cells.is_test(c))
    edited = nbformat.from_dict(dict(first_test, source="pass"))
    student.cells.insert(3, edited)
    repaired = repair.build(course, student)
    tests = [c.source for c in repaired.notebook.cells if cells.is_test(c)]
    assert tests == [c.source for c in course.cells if cells.is_test(c)]
    notes = repaired.test_notes
    assert "edited test cell replaced" in notes[cells.nbgrader(first_test)["grade_id"]][0]
    assert all("restored" in n[0] for g, n in notes.items() if g != cells.nbgrader(first_test)["grade_id"])


def test_an_untouched_student_version_has_no_edited_test(course):
    """A student version shows the test cells without their hidden tests: handed in
    untouched, they are not "edited" (nbgrader removes the region and leaves a blank line)."""
    student = nbformat.from_dict(course)
    for cell in student.cells:
        if cells.is_test(cell):
            cell.source = cells.without_hidden_tests(cell.source) + "\n"
    notes = repair.build(course, student).test_notes
    assert all(not any("edited" in note for note in n) for n in notes.values()), notes
    course_test = "check(f)\n### BEGIN HIDDEN TESTS\ncheck(g)\n### END HIDDEN TESTS"
    assert repair.same_test("check(f)\n\n", course_test) and not repair.same_test("pass", course_test)


def test_duplicated_renamed_and_reordered_answers_are_repaired(course):
    (a0, t0, _), (a1, t1, _) = exercises(course)[:2]
    expected = answers(repair.build(course, course).notebook)
    for student, note, test in [
        (duplicated(course, a0), "duplicate", t0),
        (renamed(course, a1), "found by the function", t1),
    ]:
        repaired = repair.build(course, student)
        assert answers(repaired.notebook) == expected
        assert any(note in n for n in repaired.test_notes[test])
    repaired = repair.build(course, reordered_with_extras(course))
    assert answers(repaired.notebook) == expected
    assert any("reordered" in n for n in repaired.notes)


def test_a_missing_answer_is_graded_as_unanswered(course):
    a0, t0, _ = exercises(course)[0]
    student = nbformat.v4.new_notebook(
        cells=[c for c in course.cells if cells.nbgrader(c).get("grade_id") != a0]
    )
    repaired = repair.build(course, student)
    assert "raise NotImplementedError()" in answers(repaired.notebook)[a0]
    assert "BEGIN SOLUTION" not in answers(repaired.notebook)[a0]
    assert any("missing" in n for n in repaired.test_notes[t0])


def test_tricks_in_an_answer_flag_the_submission(course):
    a1 = exercises(course)[1][0]
    repaired = repair.build(course, with_code(course, a1, "check_close = lambda *a, **k: None"))
    assert repaired.flags and a1 in repaired.flags[0] and "check_close" in repaired.flags[0]


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty file"),
        ("{not json", "not JSON"),
        ('{"a": 1}', "not a notebook"),
        ('{"cells": [1]}', "not a valid notebook"),
    ],
)
def test_unreadable_submissions_get_a_clear_reason(tmp_path, text, reason):
    path = tmp_path / "x.ipynb"
    path.write_text(text)
    with pytest.raises(repair.Unreadable, match=reason):
        repair.read_submission(path)
