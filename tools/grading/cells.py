"""The vocabulary of a course notebook's cells, as nbgrader reads it, in one place (as
nbgrader's own ``utils.is_solution`` / ``is_grade``): what makes a cell an answer or a test,
its id and points, and the markers of the regions a learner must not see. Release,
repair, autograde, feedback and the book all read cells through these.

A cell's nbgrader metadata (``cell.metadata.nbgrader``):

- an **answer** (autograded): ``solution: true``, ``grade: false``; the code between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION`` is the model answer;
- a **test**: ``grade: true``, ``solution: false``, with ``points``; the code between
  ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` is never shown to a learner;
- ``locked: true``: a cell the learner must not change (tests and the course's own code);
- ``grade_id``: the cell's name, which grades, repairs and feedback refer to.
"""

from __future__ import annotations

import re

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
