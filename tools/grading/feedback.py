"""Per-student HTML feedback from a grading run: each executed submission as a web page
(nbconvert's HTML export, as nbgrader's ``generate_feedback`` makes it), headed by the
student's score and a line per test, written to ``<run>/feedback/<student>/<notebook>.html``.

A test cell shows its visible part and, for each failed check, the error's name and
message; the hidden tests' source and the tracebacks (which quote it) are left out unless
the teacher asks for them (``show_tests``)."""

from __future__ import annotations

import html
from pathlib import Path

import nbformat

from helpers.notebook.exercises import HIDDEN_TESTS, is_test
from tools.grading.errors import UsageError
from tools.grading.report import read_tables

HIDDEN_NOTE = "# (hidden tests: not shown; the errors below say which of them failed)"


def without_hidden_tests(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``nb`` with the hidden tests' source removed from every test cell and every error
    output reduced to its name and message (a traceback quotes the code it ran)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if is_test(cell):
            cell.source = HIDDEN_TESTS.sub(HIDDEN_NOTE, cell.source)
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                out.traceback = [f"{out.ename}: {out.evalue}"]
    return nb


def write_feedback(run: Path, show_tests: bool = False) -> list[Path]:
    """One HTML page per graded submission of the run in ``run``; returns their paths.
    ``show_tests``: keep the hidden tests' source and full tracebacks (for the teacher)."""
    from nbconvert import HTMLExporter  # deferred: slow to import, and only feedback pages need it

    _, results = read_tables(run)
    exporter = HTMLExporter()
    written = []
    for r in results:
        executed = run / "executed" / r.notebook / f"{r.student}.ipynb"
        if not executed.is_file():
            continue
        nb = nbformat.read(executed, as_version=4)
        if not show_tests:
            nb = without_hidden_tests(nb)
        rows = "".join(
            f"<tr><td>{html.escape(c.grade_id)}</td><td>{c.score:g} / {c.max_score:g}</td>"
            f"<td>{html.escape(c.outcome)}</td><td>{html.escape(c.repair)}</td></tr>"
            for c in r.cells
        )
        header = (
            f"<h1>{html.escape(r.notebook)}: {r.score:g} / {r.max_score:g}</h1>"
            f"<p>{html.escape(r.status)}</p><table><tr><th>test</th><th>points</th><th>outcome</th>"
            f"<th>repaired</th></tr>{rows}</table>"
        )
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(header))
        body, _ = exporter.from_notebook_node(nb)
        target = run / "feedback" / r.student / f"{r.notebook}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
        written.append(target)
    if not written:
        raise UsageError(f"no executed submissions under {run / 'executed'}: grade first (make grade)")
    return written
