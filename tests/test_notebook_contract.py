"""Every notebook against the notebook contract (../shared/COURSE_GUIDE.md, section 3).

Cheap structural checks, no kernel: nbval executes the notebooks separately.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
NAME = re.compile(r"^(\d\d)_[a-z0-9_]+\.ipynb$")
MACHINE_PATH = re.compile(r"(/work/|/tmp/|/root/|/home/\w+/|/Users/\w+/|[A-Z]:\\\\Users)")
NBGRADER_KEYS = {"grade", "grade_id", "locked", "schema_version", "solution", "task"}


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def graded(nb):
    """(answer cells, test cells) by nbgrader metadata."""
    answers, tests = [], []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            answers.append(cell)
        elif meta.get("grade"):
            tests.append(cell)
    return answers, tests


def is_exercise_notebook(path: Path) -> bool:
    return int(path.name[:2]) >= 1


ids = [p.name for p in NOTEBOOKS]


def test_there_are_notebooks_with_unique_numbers():
    assert NOTEBOOKS, "no notebooks found"
    numbers = [p.name[:2] for p in NOTEBOOKS]
    assert len(set(numbers)) == len(numbers), f"two notebooks share a number: {numbers}"
    assert NOTEBOOKS[0].name == "00_start_here.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_file_name_and_format(path):
    assert NAME.match(path.name), f"{path.name}: expected NN_lower_snake_case.ipynb"
    nb = load(path)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_opening_and_closing_sections(path):
    nb = load(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), "start with a # title"
    text = markdown(nb).lower()
    for needed in ("why this matters", "learning objectives", "prerequisites", "estimated time",
                   "## summary", "what's next"):
        assert needed in text, f"{path.name}: no '{needed}' in the markdown"
    assert text.index("learning objectives") < text.index("## summary")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_setup_cell_comes_first(path):
    first_code = code_cells(load(path))[0].source
    assert "setup_notebook(" in first_code and "from helpers" in first_code, \
        f"{path.name}: the first code cell must import from helpers and call setup_notebook()"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_executed_in_order_with_outputs_and_no_errors(path):
    cells = code_cells(load(path))
    counts = [c.execution_count for c in cells]
    assert counts == list(range(1, len(cells) + 1)), \
        f"{path.name}: execution counts {counts}; re-run with `make notebooks`"
    assert any(c.outputs for c in cells), f"{path.name}: stored without outputs"
    for cell in cells:
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name}: stored error {out.get('ename')}"
            if out.output_type == "stream" and out.name == "stderr":
                assert "Warning" not in out.text, f"{path.name}: a warning is stored: {out.text[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_machine_paths(path):
    match = MACHINE_PATH.search(path.read_text(encoding="utf-8"))
    assert not match, f"{path.name} contains a machine path: {match.group(0)}..."


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if is_exercise_notebook(p)],
                         ids=[p.name for p in NOTEBOOKS if is_exercise_notebook(p)])
def test_parameters_cell(path):
    tagged = [c for c in code_cells(load(path)) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: expected one cell tagged `parameters`, found {len(tagged)}"
    assert re.search(r"^[A-Z_][A-Z0-9_]* *=", tagged[0].source, re.M), \
        "the parameters cell should assign UPPER_CASE budgets"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if is_exercise_notebook(p)],
                         ids=[p.name for p in NOTEBOOKS if is_exercise_notebook(p)])
def test_at_least_three_autograded_exercises(path):
    answers, tests = graded(load(path))
    autograded = [c for c in tests if c.cell_type == "code" and c.metadata.nbgrader.get("points", 0) > 0]
    assert len(autograded) >= 3, f"{path.name}: {len(autograded)} autograded test cells, need >= 3"
    assert len([a for a in answers if a.cell_type == "code"]) >= 3
    for cell in autograded:
        src = cell.source
        hidden = src.find("### BEGIN HIDDEN TESTS")
        assert hidden > 0 and "### END HIDDEN TESTS" in src, \
            f"{cell.metadata.nbgrader['grade_id']}: needs a hidden-tests block"
        visible = src[:hidden]
        assert re.search(r"\bassert\b|check_\w+\(", visible), \
            f"{cell.metadata.nbgrader['grade_id']}: needs visible checks before the hidden ones"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_nbgrader_metadata_is_complete_and_unique(path):
    nb = load(path)
    seen = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if "### BEGIN SOLUTION" in cell.source or "### BEGIN HIDDEN TESTS" in cell.source:
            assert meta, f"{path.name}: a cell has solution/hidden markers but no nbgrader metadata"
        if not meta:
            continue
        assert NBGRADER_KEYS <= set(meta), f"{path.name}: nbgrader metadata lacks {NBGRADER_KEYS - set(meta)}"
        assert meta["schema_version"] == 3
        assert meta["grade_id"] not in seen, f"{path.name}: grade_id {meta['grade_id']} used twice"
        seen.add(meta["grade_id"])
        if meta["solution"] and cell.cell_type == "code":
            assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
            assert not meta["locked"], "answer cells must stay editable"
        if meta["grade"] and not meta["solution"]:
            assert meta["locked"] and meta.get("points", 0) > 0


def test_start_here_links_every_notebook():
    start = markdown(load(ROOT / "notebooks" / "00_start_here.ipynb"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"({path.name})" in start, f"00_start_here.ipynb does not link {path.name}"
        assert f"notebooks/{path.name}" in readme, f"README.md series map lacks {path.name}"
    for target in re.findall(r"\]\((\d\d_[a-z0-9_]+\.ipynb)\)", start):
        assert (ROOT / "notebooks" / target).exists(), f"00 links {target}, which does not exist"


def test_contract_checks_catch_a_broken_notebook(tmp_path):
    """The checks above must be able to fail: an unexecuted copy with an error and a path does."""
    nb = load(ROOT / "notebooks" / "00_start_here.ipynb")
    cell = code_cells(nb)[1]
    cell.execution_count = None
    cell.outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="", traceback=[])]
    nb.cells[0].source = "Untitled"
    broken = tmp_path / "99_broken.ipynb"
    nbformat.write(nb, broken)
    for check in (test_executed_in_order_with_outputs_and_no_errors, test_opening_and_closing_sections):
        with pytest.raises(AssertionError):
            check(broken)
    broken.write_text(json.dumps({"x": "/root/secret"}))
    with pytest.raises(AssertionError):
        test_no_machine_paths(broken)


def parameters_cell(nb) -> str:
    tagged = [c for c in code_cells(nb) if "parameters" in c.metadata.get("tags", [])]
    return tagged[0].source if tagged else ""


def assigned_names(source: str) -> set[str]:
    import ast

    names = set()
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AnnAssign) else []
        names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if is_exercise_notebook(p)],
                         ids=[p.name for p in NOTEBOOKS if is_exercise_notebook(p)])
def test_papermill_can_set_every_parameter(path):
    """Every name the parameters cell assigns is one `papermill -p NAME VALUE` can set."""
    import logging

    import papermill

    logging.getLogger("papermill").setLevel(logging.ERROR)
    declared = assigned_names(parameters_cell(load(path)))
    inspected = papermill.inspect_notebook(str(path))
    assert declared, f"{path.name}: the parameters cell assigns nothing"
    assert declared == set(inspected), (
        f"{path.name}: papermill cannot parse {sorted(declared - set(inspected))} "
        f"(or sees unknown names {sorted(set(inspected) - declared)}); simplify those lines")


def documented_papermill_calls():
    """(file, notebook name, parameter name) for every `papermill NOTEBOOK ... -p NAME` in the
    README and the notebooks."""
    sources = {"README.md": (ROOT / "README.md").read_text(encoding="utf-8")}
    sources.update({path.name: markdown(load(path)) for path in NOTEBOOKS})
    calls = []
    for where, text in sources.items():
        for match in re.finditer(r"papermill\s+\S*?(\d\d_[a-z0-9_]+\.ipynb)([^\n]*)", text):
            options = match.group(2)
            for name in re.findall(r"-p\s+([A-Za-z_]\w*)", options) + re.findall(
                    r"-y\s+[\"']?([A-Za-z_]\w*)\s*:", options):
                calls.append((where, match.group(1), name))
    return calls


def test_documented_papermill_examples_use_real_parameter_names():
    calls = documented_papermill_calls()
    assert calls, "the README and notebook 00 should show how to train longer with papermill -p"
    for where, notebook, name in calls:
        declared = assigned_names(parameters_cell(load(ROOT / "notebooks" / notebook)))
        assert name in declared, f"{where}: `-p {name}` is not a parameter of {notebook} ({sorted(declared)})"


def estimated_minutes(nb) -> int:
    match = re.search(r"estimated time[:.*\s]*(\d+)", markdown(nb), re.I)
    assert match, "no estimated time in minutes"
    return int(match.group(1))


def test_readme_times_agree_with_the_notebooks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        row = re.search(rf"\(notebooks/{re.escape(path.name)}\)[^\n]*\|\s*(\d+) min\s*\|", readme)
        assert row, f"README.md's series table gives no time for {path.name}"
        assert int(row.group(1)) == estimated_minutes(load(path)), (
            f"{path.name}: README says {row.group(1)} min, the notebook {estimated_minutes(load(path))}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_papermill_commands_work_from_the_repository_root(path):
    """A papermill line in a notebook is the README's: the venv's papermill, the notebook's
    path from the repository root, and a copy written to the git-ignored outputs/ folder."""
    for match in re.finditer(r"(\S*papermill)\s+(\S+\.ipynb)\s+(\S+)", markdown(load(path))):
        line = match.group(0).strip("`")
        assert match.group(1).strip("`") == ".venv/bin/papermill", (
            f"{path.name}: `{line}`: call .venv/bin/papermill")
        assert match.group(2).startswith("notebooks/"), (
            f"{path.name}: `{line}`: name the notebook from the repository root (notebooks/...)")
        assert match.group(3).startswith("outputs/"), (
            f"{path.name}: `{line}`: write the copy to the git-ignored outputs/ folder")


def asserts_without_message(nb) -> list[str]:
    """Every `assert` in a code cell that has no message, as 'cell N: source'."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        source = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Assert) and node.msg is None:
                found.append(f"cell {index}: {ast.unparse(node)[:80]}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_every_assert_says_what_should_hold(path):
    missing = asserts_without_message(load(path))
    assert not missing, f"{path.name}: asserts without a message: {missing}"


def test_the_assert_check_catches_a_bare_assert():
    cell = nbformat.v4.new_code_cell("x = 1\nassert x == 1, 'x is one'\nassert x")
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert asserts_without_message(nb) == ["cell 0: assert x"]
