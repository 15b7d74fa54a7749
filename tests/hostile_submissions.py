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


# Code run inside an answer's function when a test calls it. Each is an attack the
# class-scale grading issue found working against a grader that judged in the student's kernel.
STEAL_SOLUTION = """
import json, os, subprocess
texts = []
for top, folders, files in os.walk("/"):
    if top.startswith(("/usr", "/proc", "/sys", "/dev")):
        folders[:] = []
        continue
    for name in files:
        if name.endswith(".ipynb"):
            try:
                texts.append(open(os.path.join(top, name)).read())
            except OSError:
                pass
try:
    texts.append(subprocess.run(["git", "-C", {repo!r}, "show", "HEAD:notebooks/{notebook}.ipynb"],
                                capture_output=True, text=True).stdout)
except OSError:
    pass
for text in texts:
    if "BEGIN SOLUTION" in text:
        for cell in json.loads(text)["cells"]:
            source = "".join(cell["source"])
            if "def {function}(" in source and "BEGIN SOLUTION" in source:
                found = {{"np": np}}
                exec(source, found)
                return found["{function}"]({arguments})
raise NotImplementedError("no solution found")
"""
# patch the checkers the tests use, three ways that avoid the names a tripwire looks for
PATCH_THROUGH_ALIAS = """
import helpers.notebook.feedback as checks
checks.check_close.__code__ = (lambda *a, **k: None).__code__
"""
PATCH_THROUGH_TYPE = """
import helpers.notebook.feedback as checks
type(checks).__setattr__(checks, "check_close", lambda *a, **k: None)
type(np).__setattr__(np, "allclose", lambda *a, **k: True)
"""
PATCH_THROUGH_FRAME = """
try:
    raise ValueError
except ValueError as caught:
    frame = caught.__traceback__.tb_frame
while frame.f_back is not None:
    frame = frame.f_back
    frame.f_globals.update(check_close=lambda *a, **k: None, check_shape=lambda *a, **k: None)
"""
# bounded so that a 2-core CI survives them: forks that sleep, one large allocation
FORK_BOMB = """
import os, time
for _ in range(400):
    try:
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
    except OSError:
        break
"""
MEMORY_BOMB = """
hog = np.ones(2_500_000_000 // 8)
"""
DAEMON = """
import subprocess
subprocess.Popen(["sleep", "{marker}"], start_new_session=True, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL)
"""


def with_answer(nb, grade_id: str, source: str) -> nbformat.NotebookNode:
    """``nb`` with the answer cell ``grade_id`` replaced by ``source``."""
    nb = copy.deepcopy(nb)
    _answer_cell(nb, grade_id).source = source
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


__all__ = ["DAEMON", "FORK_BOMB", "MEMORY_BOMB", "PATCH_THROUGH_ALIAS", "PATCH_THROUGH_FRAME",
           "PATCH_THROUGH_TYPE", "STEAL_SOLUTION", "duplicated", "exercises", "off_by_one", "renamed",
           "reordered_with_extras", "with_answer", "with_code"]
