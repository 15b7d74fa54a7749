"""Faulty submissions made from an instructor notebook, for the grading round trip.

Each function returns a new notebook: the instructor version (every answer right) with
one kind of mistake in the named answer cell, the way a student might hand it in.
"""

from __future__ import annotations

import ast
import copy
import re

import nbformat

SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION[ \t]*$",
                      re.DOTALL | re.MULTILINE)


def _nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def exercises(nb: nbformat.NotebookNode) -> list[tuple[str, str, float]]:
    """``(answer grade_id, test grade_id, points)`` of each autograded exercise, in order:
    every code test cell paired with the nearest answer cell above it."""
    found, answer = [], None
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if meta.get("solution") and not meta.get("grade"):
            answer = meta["grade_id"]
        elif meta.get("grade") and cell.cell_type == "code" and answer is not None:
            found.append((answer, meta["grade_id"], float(meta["points"])))
            answer = None
    return found


def _edited(nb: nbformat.NotebookNode, grade_id: str, edit) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose cell ``grade_id`` has source ``edit(old source)``."""
    nb = copy.deepcopy(nb)
    cells = [cell for cell in nb.cells if _nbgrader(cell).get("grade_id") == grade_id]
    if len(cells) != 1:
        raise ValueError(f"expected one cell with grade_id {grade_id!r}, found {len(cells)}")
    cells[0].source = edit(cells[0].source)
    return nb


def _replace_solution(source: str, body: str) -> str:
    """Replace the solution region by ``body``, indented like the region's markers."""
    match = SOLUTION.search(source)
    if match is None:
        raise ValueError("the answer cell has no ### BEGIN/END SOLUTION region")
    indent = match.group(1)
    lines = "\n".join(indent + line for line in body.splitlines())
    return source[:match.start()] + lines + source[match.end():]


def off_by_one(nb: nbformat.NotebookNode, answer_id: str) -> nbformat.NotebookNode:
    """The last ``return`` of the answer adds 1 to its value (to the last item of a tuple):
    right shapes, wrong numbers."""
    def edit(source: str) -> str:
        tree = ast.parse(source)
        returns = [node for node in ast.walk(tree)
                   if isinstance(node, ast.Return) and node.value is not None]
        if not returns:
            raise ValueError(f"answer {answer_id!r} has no return statement to get wrong")
        node = max(returns, key=lambda r: r.lineno)
        plus_one = lambda expr: ast.BinOp(expr, ast.Add(), ast.Constant(1.0))
        if isinstance(node.value, ast.Tuple):
            node.value.elts[-1] = plus_one(node.value.elts[-1])
        else:
            node.value = plus_one(node.value)
        return ast.unparse(ast.fix_missing_locations(tree))
    return _edited(nb, answer_id, edit)


def raising(nb: nbformat.NotebookNode, answer_id: str) -> nbformat.NotebookNode:
    """The answer raises ``RuntimeError`` where the solution was."""
    return _edited(nb, answer_id, lambda source: _replace_solution(
        source, 'raise RuntimeError("a bug in the student\'s code")'))


def looping(nb: nbformat.NotebookNode, answer_id: str) -> nbformat.NotebookNode:
    """The answer never finishes: an endless loop where the solution was."""
    return _edited(nb, answer_id, lambda source: _replace_solution(
        source, "while True:\n    pass"))


def without_cells(nb: nbformat.NotebookNode, *grade_ids: str) -> nbformat.NotebookNode:
    """A copy of ``nb`` with the cells ``grade_ids`` deleted."""
    nb = copy.deepcopy(nb)
    present = {_nbgrader(cell).get("grade_id") for cell in nb.cells}
    missing = set(grade_ids) - present
    if missing:
        raise ValueError(f"no cells with grade_id {sorted(missing)}")
    nb.cells = [cell for cell in nb.cells if _nbgrader(cell).get("grade_id") not in grade_ids]
    return nb
