"""Student versions (``tools.grading.release``, ``make student``).

The command runs as the Makefile runs it (``python -m tools.grading student`` with the
default folders), in a temporary copy of the repository (``tests/grading_support.py``): a
teacher's own ``grading/`` and ``release/`` are never touched, and whatever the command
writes can be told apart from edits made meanwhile by anyone else.
"""

from __future__ import annotations

import subprocess

import nbformat
import pytest

from tests.grading_support import (
    MARKERS,
    NOTEBOOKS,
    REPO_ROOT,
    changed_outside_ignored,
    make_replica,
    nbgrader_meta,
    run_tool,
    snapshot,
)
from tools.grading import config, release
from tools.grading.errors import UsageError

# ---------------------------------------------------------------- student versions

@pytest.fixture(scope="module")
def replica(tmp_path_factory):
    return make_replica(tmp_path_factory.mktemp("repo"))


@pytest.fixture(scope="module")
def released(replica):
    """``make student``: student versions of every notebook into ``release/``."""
    before = snapshot(replica)
    proc = run_tool(replica, "student")
    return {"proc": proc, "release": replica / "release",
            "changed": changed_outside_ignored(replica, before)}


def test_student_command_succeeds_without_touching_the_repository(replica, released):
    proc = released["proc"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    notebooks = sorted(p.name for p in (replica / "notebooks").glob(config.NOTEBOOK_GLOB))
    assert sorted(p.name for p in released["release"].glob("*.ipynb")) == notebooks
    assert released["changed"] == []


def test_default_output_folders_are_git_ignored():
    for folder in (config.COURSE_DIR, config.RELEASE_DIR):
        probe = folder.relative_to(REPO_ROOT) / "probe.ipynb"
        ignored = subprocess.run(["git", "check-ignore", "-q", str(probe)], cwd=REPO_ROOT)
        assert ignored.returncode == 0, f"{probe} is not git-ignored"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_version_has_no_solutions_hidden_tests_or_outputs(replica, released, notebook):
    instructor = nbformat.read(replica / "notebooks" / notebook.name, as_version=4)
    student = nbformat.read(released["release"] / notebook.name, as_version=4)
    nbformat.validate(student)
    assert release.solution_leaks(instructor, student) == []
    for cell in student.cells:
        assert not any(marker in cell.source for marker in MARKERS), cell.source
        assert not cell.get("outputs"), cell.source
    assert "widgets" not in student.metadata  # no stored widget state (rendered widget images)
    # every answer cell is a stub, every graded cell is still there with its points
    answers = [c for c in student.cells
               if nbgrader_meta(c).get("solution") and c.cell_type == "code"]
    assert answers and all("raise NotImplementedError()" in c.source for c in answers)
    points = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c).get("points")
              for c in instructor.cells if nbgrader_meta(c).get("grade")}
    assert points == {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c).get("points")
                      for c in student.cells if nbgrader_meta(c).get("grade")}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_leak_check_flags_the_instructor_version(notebook):
    instructor = nbformat.read(notebook, as_version=4)
    leaks = release.solution_leaks(instructor, instructor)
    assert any("solution or hidden-test line" in leak for leak in leaks)
    assert any("BEGIN SOLUTION" in leak for leak in leaks)


def test_leak_check_names_a_single_leaked_line():
    solution = "    return 2 * x"
    instructor = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"def double(x):\n    ### BEGIN SOLUTION\n{solution}\n    ### END SOLUTION")])
    student = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def double(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()")])
    assert release.solution_leaks(instructor, student) == []
    student.cells[0].source += "\n" + solution
    assert release.solution_leaks(instructor, student) == [
        "cell 0: solution or hidden-test line 'return 2 * x'"]


def test_student_reports_a_notebook_nbgrader_rejects_and_writes_the_others(tmp_path):
    answer = {"grade": False, "grade_id": "ex", "locked": False, "schema_version": 3,
              "solution": True, "task": False}
    good = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION",
        metadata={"nbgrader": answer})])
    bad = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "### BEGIN SOLUTION\nx = 1\n### END SOLUTION")])  # a solution outside an answer cell
    source = tmp_path / "notebooks"
    source.mkdir()
    nbformat.write(good, source / "01_good.ipynb")
    nbformat.write(bad, source / "02_bad.ipynb")
    proc = run_tool(REPO_ROOT, "student", "--source", str(source), "--course-dir",
                    str(tmp_path / "course"), "--release-dir", str(tmp_path / "release"))
    assert proc.returncode == 1
    assert "02_bad" in proc.stderr
    assert sorted(p.name for p in (tmp_path / "release").iterdir()) == [release.MANIFEST, "01_good.ipynb"]


def test_leak_check_flags_stored_widget_state():
    student = nbformat.v4.new_notebook()
    student.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    assert release.solution_leaks(nbformat.v4.new_notebook(), student) == [
        "notebook metadata: stored widget state (rendered widget images)"]


# ---------------------------------------------------------------- nothing a teacher wrote is lost

def test_student_never_replaces_an_edited_student_version_silently(replica, released):
    target = released["release"] / "01_backprop_recap.ipynb"
    edited = target.read_text().replace("Backpropagation", "Backpropagation (our class: see the handout)", 1)
    target.write_text(edited)
    refused = run_tool(replica, "student", "01_backprop_recap")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "release/01_backprop_recap.ipynb" in refused.stderr and "FORCE=1" in refused.stderr
    assert target.read_text() == edited, "the teacher's edit is still there"
    forced = run_tool(replica, "student", "01_backprop_recap", "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_text() != edited and release.edited(released["release"], [target.name]) == []


def test_clean_generated_keeps_grades_checkpoints_and_edits_unless_asked(tmp_path, capsys):
    from tools.grading import clean

    grading, release_dir, outputs = tmp_path / "grading", tmp_path / "release", tmp_path / "outputs"
    for path in (grading / "student_build" / "gradebook.db", grading / "grades.csv",
                 grading / "executed" / "01" / "amy.ipynb", outputs / "04_long.ipynb",
                 outputs / "checkpoints" / "07_long.pt", release_dir / "01.ipynb", release_dir / "02.ipynb"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(path.name)
    for name in ("01.ipynb", "02.ipynb"):
        release._remember(release_dir, name)
    (release_dir / "02.ipynb").write_text("edited by the teacher")
    folders = {"grading": grading, "release_dir": release_dir, "outputs": outputs}
    assert clean.clean(set(), False, **folders) == 0
    said = capsys.readouterr().out
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["grading/executed/01/amy.ipynb", "grading/grades.csv", "outputs/checkpoints/07_long.pt",
                    f"release/{release.MANIFEST}", "release/02.ipynb"]
    assert "ALSO=grades" in said and "ALSO=checkpoints" in said and "FORCE=1" in said and "deleted:" in said
    clean.clean(clean.parse_also("grades,checkpoints"), True, **folders)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    with pytest.raises(UsageError, match="ALSO may name grades, checkpoints; got models"):
        clean.parse_also("grades,models")
