"""What a submission's code can still see, change or lose under the grader (``tools.grading``).

A small course of two exercises that share one random generator (as notebook 08's do) is
graded once, with two jobs, as ``make grade`` runs it. Each student is one attack or accident
of the grading issue's second pass; the ones that paid before, or cost an honest student
points, each earn what they deserve here:

- an answer that looks for the test's expected value, by name through ``__main__``, through
  the caller's frame with split strings, or anywhere in memory, finds nothing: a test cell
  never runs in the student's kernel;
- an answer that calls the course's own implementation through a module it reached at run
  time fails, whatever its source says;
- an answer that changes its input in place fails where the test computes its expected value
  from that input after the call;
- an answer that kills its kernel costs its own exercise only: the next exercise's inputs
  come from the verdict kernel, whose generator is where the course left it;
- nothing of the grader's environment or host paths is readable in the sandbox's ``/proc``;
- a change to the shell or to builtins, made with no name the source check looks for, puts
  the submission up for review; a loop variable named ``_i`` does not.
"""

from __future__ import annotations

import textwrap

import nbformat
import pytest

from tests.grading_support import (
    REPO_ROOT,
    nbgrader_cell,
    read_csv,
    run_tool,
    short_scratch,
    write_class,
)

NAME = "01_shared_generator"
SECRET = "grader-secret-3f9c1e"  # set in the grading run's environment: must not reach a sandbox
SETUP = """import numpy as np
from helpers.notebook.feedback import check_close, check_own_work
from helpers.numpy_nets import activations as act
rng = np.random.default_rng(0)"""
DOUBLE = '''def double(x):
    """2 x, for an array x."""
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION'''
DOUBLE_TEST = """check_own_work(double)
_x = rng.normal(size=3)
_expected = 2 * _x
check_close(double(_x), _expected, name="double")
### BEGIN HIDDEN TESTS
_x = rng.normal(size=4)
_expected = 2 * _x
check_close(double(_x), _expected, name="double (hidden)")
### END HIDDEN TESTS"""
TRIPLE = '''def triple(x):
    """3 x, for an array x."""
    ### BEGIN SOLUTION
    return 3 * x
    ### END SOLUTION'''
TRIPLE_TEST = """check_own_work(triple)
_z = rng.normal(size=5)
check_close(triple(_z), 3 * _z, name="triple")"""


def course() -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(
        cells=[
            nbgrader_cell(SETUP),
            nbgrader_cell(DOUBLE, grade=False, solution=True, grade_id="double"),
            nbgrader_cell(DOUBLE_TEST, grade=True, solution=False, grade_id="double_test", points=1.0),
            nbgrader_cell(TRIPLE, grade=False, solution=True, grade_id="triple"),
            nbgrader_cell(TRIPLE_TEST, grade=True, solution=False, grade_id="triple_test", points=1.0),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


def answering(grade_id: str, body: str) -> nbformat.NotebookNode:
    """The course with one answer's body replaced (its ``def`` line kept)."""
    nb = course()
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    cell.source = cell.source.splitlines()[0] + "\n" + textwrap.indent(textwrap.dedent(body).strip(), "    ")
    return nb


LEAK_DETECTOR = """
import gc, sys
target = 2 * x
def holds(value):
    return (isinstance(value, np.ndarray) and value is not target and value.shape == target.shape
            and value.dtype == target.dtype and np.array_equal(value, target))
seen = [o for o in gc.get_objects() if isinstance(o, dict | list | tuple)]
frame = getattr(sys, "_get" + "frame")(0)
while frame is not None:
    seen.append(dict(getattr(frame, "f_loc" + "als")))
    seen.append(getattr(frame, "f_glo" + "bals"))
    frame = getattr(frame, "f_" + "back")
for container in seen:
    values = container.values() if isinstance(container, dict) else container
    if any(holds(value) for value in list(values)):
        return 3 * x   # found the expected value somewhere: report it by failing
return target
"""
ENVIRON_READER = f"""
import os
needles = ({SECRET!r}, {str(REPO_ROOT)!r}, "/tmp/gt-")
for pid in os.listdir("/proc"):
    for part in ("environ", "cmdline"):
        try:
            text = open(f"/proc/{{pid}}/{{part}}", "rb").read().decode(errors="replace")
        except OSError:
            continue
        if any(needle in text for needle in needles):
            return 3 * x   # the grader's environment or a host path is readable: report it by failing
return 2 * x
"""
# each student: (submission, score, status prefix, {test: outcome} for tests that do not pass)
CASES = {
    "honest": (course(), 2, "graded", {}),
    "reads_main": (
        answering(
            "double",
            """
        import __main__ as m
        return getattr(m, "_ex" + "pected")""",
        ),
        1,
        "graded",
        {"double_test": "failed: AttributeError"},
    ),
    "reads_frames": (
        answering(
            "double",
            """
        import sys
        frame = getattr(sys, "_get" + "frame")(1)
        while "_ex" + "pected" not in getattr(frame, "f_glo" + "bals"):
            frame = getattr(frame, "f_" + "back")
        return getattr(frame, "f_glo" + "bals")["_ex" + "pected"]""",
        ),
        1,
        "graded",
        {"double_test": "failed: AttributeError"},
    ),
    "searches_memory": (answering("double", LEAK_DETECTOR), 2, "needs review", {}),
    "helper_through_main": (
        answering(
            "double",
            """
        import __main__ as m
        return getattr(m, "act").linear(2 * x)""",
        ),
        1,
        "graded",
        {"double_test": "failed: AssertionError"},
    ),
    "changes_its_input": (
        answering(
            "triple",
            """
        x[...] = 0
        return 3 * x""",
        ),
        1,
        "graded",
        {"triple_test": "failed: AssertionError"},
    ),
    "crashes_first": (
        answering(
            "double",
            """
        import os
        getattr(os, "_ex" + "it")(1)""",
        ),
        1,
        "graded",
        {"double_test": "kernel died (restarted)"},
    ),
    "reads_environ": (answering("double", ENVIRON_READER), 2, "graded", {}),
    "adds_a_transformer": (
        answering(
            "double",
            """
        import __main__ as m
        shell = getattr(m, "get_" + "ipython")()
        getattr(shell, "input_transformers_" + "post").append(lambda lines: lines)
        return 2 * x""",
        ),
        2,
        "needs review: found when the tests ran: input transformers changed",
        {},
    ),
    "patches_builtins": (
        answering(
            "double",
            """
        import __main__ as m
        box = getattr(m, "__buil" + "tins__")
        type(box).__setattr__(box, "sorted", lambda *a, **k: [])
        return 2 * x""",
        ),
        2,
        "needs review: found when the tests ran: builtins changed: sorted",
        {},
    ),
    "loop_variable_i": (
        answering(
            "double",
            """
        out = np.empty_like(x)
        for _i in range(len(x)):
            out[_i] = 2 * x[_i]
        return out""",
        ),
        2,
        "graded",
        {},
    ),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    top = tmp_path_factory.mktemp("isolation")
    (top / "course").mkdir()
    nbformat.write(course(), top / "course" / f"{NAME}.ipynb")
    write_class(top / "subs", NAME, {student: case[0] for student, case in CASES.items()})
    proc = run_tool(
        REPO_ROOT,
        "grade",
        str(top / "subs"),
        "--source",
        str(top / "course"),
        "--out",
        str(top / "out"),
        "--jobs",
        "2",
        "--timeout",
        "60",
        scratch=short_scratch(),
        env={"RNN_GRADER_TOKEN": SECRET},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    cells = {}
    for row in read_csv(top / "out" / "grade_cells.csv"):
        cells.setdefault(row["student"], {})[row["grade_id"]] = row["outcome"]
    return {row["student"]: row for row in read_csv(top / "out" / "grades.csv")}, cells


@pytest.mark.parametrize("student", list(CASES))
def test_each_student_earns_what_they_deserve(graded, student):
    grades, cells = graded
    _, score, status, outcomes = CASES[student]
    row = grades[student]
    assert float(row["score"]) == score, row
    assert row["status"].startswith(status), row
    for grade_id, outcome in cells[student].items():
        assert outcome == outcomes.get(grade_id, "passed"), (grade_id, outcome)
