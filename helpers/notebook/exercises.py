"""The vocabulary of a course notebook's cells, as nbgrader reads it, in one place (as
nbgrader's own ``utils.is_solution`` / ``is_grade``): what makes a cell an answer or a test,
its id and points, and the markers of the regions a learner must not see. Release,
repair, autograde, feedback and the book all read cells through these, and
``show_solution`` looks up a model answer for a learner who is stuck.

A cell's nbgrader metadata (``cell.metadata.nbgrader``):

- an **answer** (autograded): ``solution: true``, ``grade: false``; the code between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION`` is the model answer;
- a **test**: ``grade: true``, ``solution: false``, with ``points``; the code between
  ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` is never shown to a learner;
- ``locked: true``: a cell the learner must not change (tests and the course's own code);
- ``grade_id``: the cell's name, which grades, repairs and feedback refer to.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from helpers.validation import require_int_in

SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
SECRET_REGIONS = ((SOLUTION_BEGIN, SOLUTION_END), (HIDDEN_BEGIN, HIDDEN_END))
# nbgrader's stub for a cleared solution (ClearSolutions), and the lines of its stubs
PLACEHOLDER = "# YOUR CODE HERE\nraise NotImplementedError()"
STUB_LINES = {"# YOUR CODE HERE", "raise NotImplementedError()", "YOUR ANSWER HERE"}


def _region(begin: str, end: str, indent: bool = False) -> re.Pattern:
    lead = r"^([ \t]*)" if indent else r"^[ \t]*"
    return re.compile(lead + re.escape(begin) + r"\n.*?^[ \t]*" + re.escape(end) + r"[ \t]*$",
                      re.DOTALL | re.MULTILINE)


SOLUTION = _region(SOLUTION_BEGIN, SOLUTION_END, indent=True)  # group 1: the region's indentation
HIDDEN_TESTS = _region(HIDDEN_BEGIN, HIDDEN_END)


def nbgrader(cell) -> dict:
    """The cell's nbgrader metadata (``{}`` when it has none)."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_answer(cell) -> bool:
    """An autograded answer cell (code, ``solution`` and not ``grade``)."""
    meta = nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("solution")) and not meta.get("grade")


def is_test(cell) -> bool:
    """An autograded test cell (code, ``grade`` and not ``solution``)."""
    meta = nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_solution(cell) -> bool:
    """Any cell a learner writes in (autograded or manually graded)."""
    return bool(nbgrader(cell).get("solution"))


def is_graded(cell) -> bool:
    """Any cell that carries points (tests and manually graded answers)."""
    return bool(nbgrader(cell).get("grade"))


def is_locked(cell) -> bool:
    return bool(nbgrader(cell).get("locked"))


def grade_id(cell) -> str | None:
    return nbgrader(cell).get("grade_id")


def points(cell) -> float:
    return float(nbgrader(cell).get("points", 0) or 0)


def unanswered(source: str) -> str:
    """An answer cell's source with its solution replaced by ``raise NotImplementedError()``."""
    return SOLUTION.sub(lambda m: f"{m.group(1)}raise NotImplementedError()", source)


def without_hidden_tests(source: str, replacement: str = "") -> str:
    """A test cell's source with each hidden-test region replaced by ``replacement``."""
    return HIDDEN_TESTS.sub(replacement, source)


# ------------------------------------------------------------------ a model answer, on request
COURSE_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SESSION_ENV = "JPY_SESSION_NAME"  # the running notebook's path: Jupyter Server sets it for its kernels


def _course_notebook(notebook) -> Path:
    """The course notebook whose exercises the learner means: ``notebook`` (``"03"``, a file
    name or a path) or, when ``None``, the notebook this kernel runs."""
    if notebook is not None and not isinstance(notebook, str | Path):
        raise TypeError(f"notebook must be a string such as '03', got {type(notebook).__name__}")
    named = str(notebook) if notebook is not None else os.environ.get(SESSION_ENV, "")
    number = re.match(r"(\d\d)", Path(named).name) if named else None
    if number is None:
        raise ValueError("notebook: say which notebook, for example show_solution(2, notebook='03')"
                         + (f" (this kernel runs {named!r})" if named else ""))
    found = sorted(COURSE_NOTEBOOKS.glob(f"{number.group(1)}_*.ipynb"))
    if not found:
        raise ValueError(f"notebook: no course notebook {number.group(1)}_*.ipynb in {COURSE_NOTEBOOKS} "
                         "(the model answers come with a clone of the course repository)")
    return found[0]


def solution(exercise: int, notebook: str | None = None) -> tuple[str, Path]:
    """The model answer of ``exercise`` (1, 2, ... in the notebook's order) and the course
    notebook it comes from: the answer cell's code, its solution region unmarked."""
    path = _course_notebook(notebook)
    with open(path, encoding="utf-8") as handle:
        answers = [cell for cell in json.load(handle)["cells"] if is_answer(cell)]
    if not answers:
        raise ValueError(f"exercise: {path.name} has no exercise")
    exercise = require_int_in(exercise, "exercise", 1, len(answers) + 1)
    source = answers[exercise - 1]["source"]
    source = "".join(source) if isinstance(source, list) else source
    lines = [line for line in source.splitlines() if line.strip() not in (SOLUTION_BEGIN, SOLUTION_END)]
    return "\n".join(lines), path


def show_solution(exercise: int, notebook: str | None = None) -> None:
    """Print the model answer of ``exercise`` of this notebook (or of ``notebook``, e.g.
    ``'03'``), under a line saying that it was looked up."""
    code, path = solution(exercise, notebook)
    print(f"# Looked up: the model answer of exercise {exercise} of {path.stem}, from "
          f"notebooks/{path.name}.\n# Try your own first; type it in rather than pasting it.\n")
    print(code)
