"""Hostile and careless submissions, made from an instructor notebook, for the grading tests.

Each function returns a new notebook: the instructor version (every answer right), or the
off-by-one wrong version, with one accident or one attack, the way a careless or hostile
class hands them in (the cases of the class-scale grading issue)."""

from __future__ import annotations

import copy

import nbformat

from tests.faulty_submissions import _nbgrader, exercises, off_by_one


def _answer_cell(nb, grade_id):
    return next(cell for cell in nb.cells if _nbgrader(cell).get("grade_id") == grade_id)


def with_code(nb, grade_id: str, code: str, inside: bool = False) -> nbformat.NotebookNode:
    """``nb`` with ``code`` added to the answer cell ``grade_id``: at the top level, or
    (``inside``) inside the answer's function, just before its last ``return``, so it runs
    when a test calls the function."""
    nb = copy.deepcopy(nb)
    cell = _answer_cell(nb, grade_id)
    if inside:
        lines = cell.source.splitlines()
        at = max(i for i, line in enumerate(lines) if line.lstrip().startswith("return "))
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        cell.source = "\n".join(lines[:at] + [indent + line for line in code.splitlines()] + lines[at:])
    else:
        cell.source = cell.source + "\n" + code
    return nb


def duplicated(nb, grade_id: str) -> nbformat.NotebookNode:
    """The answer cell pasted twice (metadata copied); the second copy is wrong."""
    nb = copy.deepcopy(nb)
    index = next(i for i, c in enumerate(nb.cells) if _nbgrader(c).get("grade_id") == grade_id)
    second = copy.deepcopy(nb.cells[index])
    second.source = "raise RuntimeError('scratch copy')"
    nb.cells.insert(index + 1, second)
    return nb


def renamed(nb, grade_id: str) -> nbformat.NotebookNode:
    """The answer cell's grade_id renamed and its metadata partly lost."""
    nb = copy.deepcopy(nb)
    cell = _answer_cell(nb, grade_id)
    cell.metadata["nbgrader"]["grade_id"] = "cell-renamed-by-a-jupyter-extension"
    return nb


def reordered_with_extras(nb) -> nbformat.NotebookNode:
    """Answer cells moved to the end in reverse order, with an extra scratch cell."""
    nb = copy.deepcopy(nb)
    answers = [c for c in nb.cells if _nbgrader(c).get("solution") and not _nbgrader(c).get("grade")]
    nb.cells = [c for c in nb.cells if c not in answers] + [
        nbformat.v4.new_code_cell("print('trying things')")
    ]
    nb.cells += list(reversed(answers))
    return nb


__all__ = ["duplicated", "exercises", "off_by_one", "renamed", "reordered_with_extras", "with_code"]
