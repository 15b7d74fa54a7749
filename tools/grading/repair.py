"""Repairing a submission against the course version before it is run.

The notebook that is graded is always built from the **course version**: its setup and
its test cells (with the hidden tests), in its order, with each answer cell replaced by the
student's answer. So a deleted, edited, duplicated or reordered test cell changes nothing,
and accidents are repaired and reported:

- an answer cell is found by its nbgrader ``grade_id``; a duplicate (JupyterLab's
  copy-paste copies the metadata) is ignored, the first copy graded; an answer whose
  ``grade_id`` was renamed or lost is found by the function the exercise asks for;
- extra cells the student added keep their definitions, run just before the next answer;
- an answer is **run as its definitions only** (imports, ``def``, ``class`` and plain
  assignments without calls); other top-level statements (prints, experiments, ``exit()``,
  and any attempt to patch the checkers) are not run, and each is reported;
- code that reaches for the grader's machinery (``globals()``, ``builtins``, ``__code__``,
  ``get_ipython``, ``setattr`` on a module, frames, ``sys.modules``, …), rebinds a name the
  tests use, or assigns to an attribute of a module the notebook imported, marks the
  submission ``needs review`` with the reason.
"""

from __future__ import annotations

import ast
import copy
import json
from dataclasses import dataclass, field

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from helpers.notebook.exercises import is_answer, is_test, nbgrader, unanswered, without_hidden_tests
from tools.grading.config import SHOWN_LINE_CHARS

SUSPICIOUS_NAMES = {
    "globals",
    "vars",
    "__builtins__",
    "builtins",
    "get_ipython",
    "exec",
    "eval",
    "compile",
    "__import__",
    "setattr",
    "delattr",
    "breakpoint",
}
# IPython's input and output history (the cells run before): suspicious when read without
# the answer having bound the name itself (a loop variable `_i` is an ordinary name)
HISTORY_NAMES = {"In", "Out", "_ih", "_oh", "_i", "_ii", "_iii", "_dh"}
SUSPICIOUS_ATTRIBUTES = {
    "__code__",
    "__globals__",
    "__builtins__",
    "__dict__",
    "f_globals",
    "f_locals",
    "f_back",
    "input_transformers_cleanup",
    "input_transformers_post",
    "ast_transformers",
    "set_custom_exc",
    "modules",
    "_getframe",
    "_exit",
    "excepthook",
    "user_ns",
}
SUSPICIOUS_MODULES = {
    "builtins",
    "ctypes",
    "gc",
    "inspect",
    "importlib",
    "subprocess",
    "signal",
    "IPython",
    "ipykernel",
    "jupyter_client",
    "zmq",
    "multiprocessing",
    "threading",
    "pty",
    "linecache",
    "traceback",
    "graded_calls",
}
EXIT_CALLS = {"exit", "quit"}


@dataclass
class Repaired:
    """The notebook to run, and what was repaired or found on the way: ``notes`` per test
    ``grade_id``, notebook-level ``notes``, and ``flags`` (reasons for ``needs review``)."""

    notebook: nbformat.NotebookNode
    test_notes: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


class Unreadable(Exception):
    """The submission is not a notebook nbformat can read."""


def tests_of_answers(course: nbformat.NotebookNode) -> dict[str, list[str]]:
    """answer grade_id -> the grade_ids of the test cells that follow it (up to the next answer)."""
    owner, found = None, {}
    for cell in course.cells:
        if is_answer(cell):
            owner = nbgrader(cell)["grade_id"]
            found[owner] = []
        elif is_test(cell) and owner is not None:
            found[owner].append(nbgrader(cell)["grade_id"])
    return found


def read_submission(path) -> nbformat.NotebookNode:
    """The submitted notebook; ``Unreadable`` with a clear reason when it is empty, not
    JSON, or not a notebook."""
    raw = path.read_bytes()
    if not raw.strip():
        raise Unreadable("empty file")
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise Unreadable(f"not JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise Unreadable("JSON but not a notebook (no list of cells)")
    try:
        return nbformat.reads(raw.decode(), as_version=4)
    except Exception as error:  # nbformat raises several kinds for malformed notebooks
        raise Unreadable(f"not a valid notebook ({type(error).__name__}: {error})") from None


def _python(source: str) -> str:
    """Cell source as plain Python (IPython magics become ``get_ipython()`` calls)."""
    return TransformerManager().transform_cell(source)


def _bound(node: ast.stmt) -> set[str]:
    """Names a top-level statement binds."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
    return {t.id for t in targets if isinstance(t, ast.Name)}


def _is_definition(node: ast.stmt) -> bool:
    """Kept when an answer runs under the grader: imports, def, class, and assignments of
    names to expressions without calls."""
    if isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return True
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        value = node.value
        return (
            value is not None
            and all(isinstance(t, ast.Name) for t in targets)
            and not any(isinstance(n, ast.Call) for n in ast.walk(value))
        )
    return False


def protected_names(course: nbformat.NotebookNode) -> tuple[set[str], set[str]]:
    """Names the tests rely on: ``(imported, checkers)``, everything the course's own
    imports bind (modules such as ``np``, functions such as ``check_close``) and, among
    them, what it imports from ``helpers.notebook.feedback``. An answer may import a module under
    the same name, but may not define any of these names nor import over a checker."""
    names, checkers = set(), set()
    for cell in course.cells:
        if cell.cell_type == "code" and not is_answer(cell):
            try:
                tree = ast.parse(_python(cell.source))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    names |= _bound(node)
                if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("feedback"):
                    checkers |= _bound(node)
    return names, checkers


def test_names(course: nbformat.NotebookNode) -> set[str]:
    """Names the course's test cells assign (``_expected``, ``_r``, ...): an answer has no
    business reading them."""
    found = set()
    for cell in course.cells:
        if is_test(cell):
            try:
                tree = ast.parse(_python(cell.source))
            except SyntaxError:
                continue
            found |= {
                n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
    return found


def _reads_test_names(tree: ast.AST, tested: set[str]) -> list[tuple[int, str]]:
    """(line, reason) for every name a test cell sets that the answer reads without setting it."""
    own = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del)}
    own |= {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    return [
        (n.lineno, f"reads `{n.id}`, which only a test cell sets")
        for n in ast.walk(tree)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in tested - own
    ]


def _suspicious(tree: ast.AST, protected: set[str]) -> list[tuple[int, str]]:
    """(line, reason) for every use of the grader's machinery anywhere in ``tree``."""
    found = []
    bound = {n.id for n in ast.walk(tree)
             if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del)}
    bound |= {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Name) and (node.id in SUSPICIOUS_NAMES or node.id in HISTORY_NAMES - bound):
            found.append((line, f"uses `{node.id}`"))
        elif isinstance(node, ast.Attribute) and node.attr in SUSPICIOUS_ATTRIBUTES:
            found.append((line, f"uses `.{node.attr}`"))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = (
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            )
            for module in modules:
                if module.split(".")[0] in SUSPICIOUS_MODULES:
                    found.append((line, f"imports `{module}`"))
        elif isinstance(node, ast.Global | ast.Nonlocal):
            for name in set(node.names) & protected:
                found.append((line, f"declares `global {name}`, a name the tests use"))
        targets = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            base = target
            while isinstance(base, ast.Attribute | ast.Subscript):
                base = base.value
            if base is not target and isinstance(base, ast.Name) and base.id in protected:
                found.append((line, f"assigns to `{ast.unparse(target)}`, part of a module the tests use"))
    return found


def sanitize(
    source: str, protected: set[str], checkers: set[str] = frozenset(), tested: set[str] = frozenset()
) -> tuple[str, list[str], list[str]]:
    """``(code to run, removed statements, flags)`` for one answer: its definitions only.
    ``protected``: names the course imports; ``checkers``: those of them that check answers."""
    try:
        code = _python(source)
        tree = ast.parse(code)
    except SyntaxError:
        return source, [], []  # it fails on its own, in its own cell
    lines = code.splitlines()
    kept, removed, flags = [], [], []
    for node in tree.body:
        first = lines[node.lineno - 1].strip()
        shadowed = checkers if isinstance(node, ast.Import | ast.ImportFrom) else protected
        rebound = _bound(node) & shadowed if _is_definition(node) else set()
        if _is_definition(node) and not rebound:
            kept.append(ast.get_source_segment(code, node, padded=True) or ast.unparse(node))
        else:
            removed.append(f"line {node.lineno}: `{first[:SHOWN_LINE_CHARS]}`")
            if rebound:
                flags.append(
                    f"line {node.lineno}: rebinds `{', '.join(sorted(rebound))}`, which the tests use"
                )
    outer_exits = {
        id(node.value)
        for node in tree.body
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and ast.unparse(node.value.func) in EXIT_CALLS | {"sys.exit"}
    }
    for line, reason in _suspicious(tree, protected) + _reads_test_names(tree, tested):
        if "`get_ipython`" not in reason or "get_ipython" in source:  # magics become get_ipython() calls
            flags.append(f"line {line}: {reason}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and id(node) not in outer_exits
            and ast.unparse(node.func) in EXIT_CALLS | {"sys.exit", "os._exit", "os.kill"}
        ):
            flags.append(f"line {node.lineno}: calls `{ast.unparse(node.func)}` inside the answer")
    return "\n".join(kept) if kept else "pass", removed, sorted(set(flags), key=flags.index)


def _defined_functions(source: str) -> set[str]:
    try:
        return {n.name for n in ast.parse(_python(source)).body if isinstance(n, ast.FunctionDef)}
    except SyntaxError:
        return set()


def answer_names(course: nbformat.NotebookNode) -> list[str]:
    """The functions the course's answer cells define (what a test may call)."""
    return sorted(
        {name for cell in course.cells if is_answer(cell) for name in _defined_functions(cell.source)}
    )


def answer_sources(repaired: nbformat.NotebookNode, course: nbformat.NotebookNode) -> dict[str, str]:
    """function name -> the source of the graded answer cell that defines it (what
    ``check_own_work`` reads in the verdict kernel)."""
    sources = {}
    for cell in repaired.cells:
        if is_answer(cell):
            for name in _defined_functions(cell.source):
                sources.setdefault(name, cell.source)
    return {name: sources.get(name, "") for name in answer_names(course)}


def _lines(source: str) -> list[str]:
    return [line.rstrip() for line in source.splitlines() if line.strip()]


def same_test(submitted: str, course: str) -> bool:
    """Whether a submitted test cell is the course's, as the course has it or as the student
    version shows it (hidden tests removed), blank lines and trailing spaces aside."""
    return _lines(submitted) in (_lines(course), _lines(without_hidden_tests(course)))


def _student_cells(course, student, answer_notes: dict, tests: dict) -> list[tuple]:
    """``(kind, grade_id, cell)`` for the student's code cells, in order: ``answer`` and
    ``test`` cells by their grade id, ``extra`` for any other code the course lacks."""
    course_ids = {nbgrader(c).get("grade_id") for c in course.cells} - {None}
    course_sources = {c.source.strip() for c in course.cells if c.cell_type == "code" and not is_answer(c)}
    kinds = []
    for cell in (c for c in student.cells if c.get("cell_type") == "code"):
        grade_id = nbgrader(cell).get("grade_id")
        if grade_id in answer_notes:
            kinds.append(("answer", grade_id, cell))
        elif grade_id in tests:
            kinds.append(("test", grade_id, cell))
        elif cell.source.strip() and grade_id not in course_ids and cell.source.strip() not in course_sources:
            kinds.append(("extra", None, cell))
    return kinds


def _adopt_lost_answers(course, kinds: list[tuple], answer_notes: dict) -> None:
    """An answer whose cell lost its grade id is found by the function it defines."""
    present = {grade_id for kind, grade_id, _ in kinds if kind == "answer"}
    for answer in (a for a in answer_notes if a not in present):
        course_answer = next(c.source for c in course.cells if nbgrader(c).get("grade_id") == answer)
        wanted = _defined_functions(course_answer)
        for k, (kind, _, cell) in enumerate(kinds):
            if kind == "extra" and wanted & _defined_functions(cell.source):
                kinds[k] = ("answer", answer, cell)
                answer_notes[answer].append(
                    "answer found by the function it defines (its grade_id was renamed or lost)"
                )
                break
        else:
            answer_notes[answer].append("answer cell missing: graded as unanswered")


def _answer_sources(
    kinds: list[tuple], tests: dict, repaired: Repaired, answer_notes: dict
) -> tuple[dict, set]:
    """Each answer's source (with the extra cells before it) and the tests the student kept."""
    found: dict[str, str] = {}
    order, pending, seen_tests = [], [], set()
    for kind, grade_id, cell in kinds:
        if kind == "extra":
            pending.append(cell.source)
        elif kind == "test":
            seen_tests.add(grade_id)
            if not same_test(cell.source, tests[grade_id]):
                repaired.test_notes.setdefault(grade_id, []).append(
                    "edited test cell replaced by the course's"
                )
        elif grade_id in found:
            answer_notes[grade_id].append(
                "a duplicate of this answer cell was ignored (the first copy is graded)"
            )
        else:
            found[grade_id] = "\n".join(pending + [cell.source])
            if pending:
                answer_notes[grade_id].append(
                    f"{len(pending)} extra cell(s) before it: their definitions run with it"
                )
            pending = []
            order.append(grade_id)
    if order != [a for a in answer_notes if a in order]:
        repaired.notes.append("answer cells were reordered: graded in the course's order")
    if pending:
        repaired.notes.append(f"{len(pending)} cell(s) after the last answer were not run")
    return found, seen_tests


def _fill_in(course, repaired: Repaired, found: dict, seen_tests: set, answer_notes: dict) -> None:
    """The course notebook's answers replaced by the student's, sanitized; outputs cleared."""
    protected, checkers = protected_names(course)
    tested = test_names(course)
    for cell in repaired.notebook.cells:
        cell.pop("outputs", None) if cell.cell_type != "code" else cell.update(
            outputs=[], execution_count=None
        )
        if is_answer(cell):
            grade_id = nbgrader(cell)["grade_id"]
            if grade_id not in found:
                cell.source = unanswered(cell.source)
                continue
            cell.source, removed, flags = sanitize(found[grade_id], protected, checkers, tested)
            if removed:
                answer_notes[grade_id].append(f"not run (not a definition): {'; '.join(removed)}")
            repaired.flags += [f"{grade_id} {flag}" for flag in flags]
        elif is_test(cell) and nbgrader(cell)["grade_id"] not in seen_tests:
            repaired.test_notes.setdefault(nbgrader(cell)["grade_id"], []).append(
                "test cell restored from the course version"
            )


def build(course: nbformat.NotebookNode, student: nbformat.NotebookNode) -> Repaired:
    """The notebook to grade: the course version with the student's answers (definitions
    only), plus every repair and flag."""
    answer_notes: dict[str, list[str]] = {nbgrader(c)["grade_id"]: [] for c in course.cells if is_answer(c)}
    tests = {nbgrader(c)["grade_id"]: c.source for c in course.cells if is_test(c)}
    repaired = Repaired(copy.deepcopy(course))
    kinds = _student_cells(course, student, answer_notes, tests)
    _adopt_lost_answers(course, kinds, answer_notes)
    found, seen_tests = _answer_sources(kinds, tests, repaired, answer_notes)
    _fill_in(course, repaired, found, seen_tests, answer_notes)
    owners = tests_of_answers(course)
    for answer, notes in answer_notes.items():
        for test in owners.get(answer, []):
            repaired.test_notes.setdefault(test, [])[:0] = notes
    return repaired
