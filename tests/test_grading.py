"""The teacher tooling: student versions and the nbgrader grading round trip.

The commands run as the Makefile runs them (``python -m tools.grading ...`` with the
default folders), in a temporary copy of the repository: a teacher's own ``grading/`` and
``release/`` are never touched, and whatever the commands write can be told apart from
edits made meanwhile by anyone else. The round trip grades six submissions of a real
course notebook: the instructor version, the untouched student version, and four made
from the instructor version with one fault each (tests/faulty_submissions.py).
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests import faulty_submissions as faults
from tools import grading

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob(grading.NOTEBOOK_GLOB))
# the quickest course notebook with at least three graded tests (about 20 s a run)
ROUND_TRIP_NOTEBOOK = "01_backprop_recap"
# seconds a cell may run in the round trip: far above that notebook's slowest cell
# (the setup cell, about 5 s on a busy 2-core machine), and what the looping answer costs
LOOP_TIMEOUT = 30
STUDENTS = ("instructor", "untouched", "wrong", "raising", "looping", "deleted")
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def run_tool(replica: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m tools.grading ARGS`` from ``replica``, as the Makefile runs it."""
    return subprocess.run([sys.executable, "-m", "tools.grading", *args], cwd=replica,
                          capture_output=True, text=True, timeout=900)


def visible_files(root: Path) -> list[str]:
    """Paths (relative to ``root``) of the files git does not ignore."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=root, capture_output=True, check=True).stdout
    return [name for name in listed.decode().split("\0") if name and (root / name).is_file()]


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root``."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def changed_outside_ignored(root: Path, before: dict[str, str]) -> list[str]:
    """Files under ``root`` created, changed or deleted since ``before`` that git (with the
    repository's ignore rules) would not ignore."""
    after = snapshot(root)
    changed = sorted(name for name in before.keys() | after.keys()
                     if before.get(name) != after.get(name))
    if not changed:
        return []
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "--stdin"], cwd=REPO_ROOT,
                             input="\n".join(changed), capture_output=True, text=True).stdout
    return sorted(set(changed) - set(ignored.splitlines()))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def nbgrader_meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


# ---------------------------------------------------------------- student versions

@pytest.fixture(scope="module")
def replica(tmp_path_factory) -> Path:
    """A copy of every file of the repository that git does not ignore. The commands run
    there with their default folders, so that what they write can be checked without
    interference from anyone editing the real repository meanwhile."""
    root = tmp_path_factory.mktemp("repo")
    for name in visible_files(REPO_ROOT):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO_ROOT / name, root / name)
    return root


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
    notebooks = sorted(p.name for p in (replica / "notebooks").glob(grading.NOTEBOOK_GLOB))
    assert sorted(p.name for p in released["release"].glob("*.ipynb")) == notebooks
    assert released["changed"] == []


def test_default_output_folders_are_git_ignored():
    for folder in (grading.COURSE_DIR, grading.RELEASE_DIR):
        probe = folder.relative_to(REPO_ROOT) / "probe.ipynb"
        ignored = subprocess.run(["git", "check-ignore", "-q", str(probe)], cwd=REPO_ROOT)
        assert ignored.returncode == 0, f"{probe} is not git-ignored"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_student_version_has_no_solutions_hidden_tests_or_outputs(replica, released, notebook):
    instructor = nbformat.read(replica / "notebooks" / notebook.name, as_version=4)
    student = nbformat.read(released["release"] / notebook.name, as_version=4)
    nbformat.validate(student)
    assert grading.solution_leaks(instructor, student) == []
    for cell in student.cells:
        assert not any(marker in cell.source for marker in MARKERS), cell.source
        assert not cell.get("outputs"), cell.source
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
    leaks = grading.solution_leaks(instructor, instructor)
    assert any("solution or hidden-test line" in leak for leak in leaks)
    assert any("BEGIN SOLUTION" in leak for leak in leaks)


def test_leak_check_names_a_single_leaked_line():
    solution = "    return 2 * x"
    instructor = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"def double(x):\n    ### BEGIN SOLUTION\n{solution}\n    ### END SOLUTION")])
    student = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def double(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()")])
    assert grading.solution_leaks(instructor, student) == []
    student.cells[0].source += "\n" + solution
    assert grading.solution_leaks(instructor, student) == [
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
    assert [p.name for p in (tmp_path / "release").iterdir()] == ["01_good.ipynb"]


# ---------------------------------------------------------------- submissions layout

def test_find_submissions_reads_both_layouts_and_ignores_strangers(tmp_path, capsys):
    (tmp_path / "alice").mkdir()
    (tmp_path / "alice" / "01_a.ipynb").write_text("{}")
    (tmp_path / "alice" / "scratch.ipynb").write_text("{}")
    (tmp_path / "bob" / "01_a").mkdir(parents=True)
    (tmp_path / "bob" / "01_a" / "01_a.ipynb").write_text("{}")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "carol").mkdir()
    (tmp_path / "loose.ipynb").write_text("{}")
    found = grading.find_submissions(tmp_path, ["01_a", "02_b"])
    assert found == {"alice": {"01_a": tmp_path / "alice" / "01_a.ipynb"},
                     "bob": {"01_a": tmp_path / "bob" / "01_a" / "01_a.ipynb"}}
    warnings = capsys.readouterr().err
    assert "scratch.ipynb" in warnings and "loose.ipynb" in warnings


@pytest.mark.parametrize("layout", ["missing", "empty", "inside the course folder"])
def test_grade_refuses_a_folder_without_usable_submissions(tmp_path, capsys, layout):
    course = tmp_path / "course"
    folder = course / "submitted" if layout == "inside the course folder" else tmp_path / "subs"
    if layout != "missing":
        (folder / "alice").mkdir(parents=True)
        (folder / "alice" / "01_a.ipynb").write_text("{}")
    before = snapshot(tmp_path)
    assert grading.main(["grade", str(folder), "--course-dir", str(course)]) == 2
    assert str(folder) in capsys.readouterr().err
    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------- grading round trip

def expected_outcomes(exercises) -> dict[str, dict[str, str]]:
    """student -> test grade_id -> outcome, for every test that does not simply pass."""
    test0, test1, test_last = exercises[0][1], exercises[1][1], exercises[-1][1]
    outcomes = {
        "instructor": {},
        "untouched": {test: "failed: NotImplementedError" for _, test, _ in exercises},
        "wrong": {test1: "failed: AssertionError"},
        "raising": {test0: "failed: RuntimeError"},
        "looping": {test_last: "timed out"},
        "deleted": {test0: "restored; passed", test1: "restored; failed: AssertionError"},
    }
    assert tuple(outcomes) == STUDENTS
    return outcomes


@pytest.fixture(scope="module")
def round_trip(replica, released, tmp_path_factory):
    """``make grade``: six submissions of the round-trip notebook graded in one run."""
    name = ROUND_TRIP_NOTEBOOK
    instructor = nbformat.read(replica / "notebooks" / f"{name}.ipynb", as_version=4)
    exercises = faults.exercises(instructor)
    assert len(exercises) >= 3, f"{name} needs at least three autograded exercises"
    (answer0, test0, _), (answer1, test1, _) = exercises[0], exercises[1]
    answer_last = exercises[-1][0]
    submissions = {
        "instructor": instructor,
        "untouched": nbformat.read(released["release"] / f"{name}.ipynb", as_version=4),
        "wrong": faults.off_by_one(instructor, answer1),
        "raising": faults.raising(instructor, answer0),
        "looping": faults.looping(instructor, answer_last),
        "deleted": faults.without_cells(faults.off_by_one(instructor, answer1), test0, test1),
    }
    top = tmp_path_factory.mktemp("grade")
    folder = top / "submissions"
    for student, nb in submissions.items():
        # "raising" uses nbgrader's own layout, the others the flat one
        target = (folder / student / name / f"{name}.ipynb" if student == "raising"
                  else folder / student / f"{name}.ipynb")
        target.parent.mkdir(parents=True)
        nbformat.write(nb, target)
    (folder / "wrong" / "notes.ipynb").write_text("{}")
    submitted, repo = snapshot(folder), snapshot(replica)
    proc = run_tool(replica, "grade", str(folder), "--timeout", str(LOOP_TIMEOUT))
    return {"proc": proc, "course": replica / "grading", "exercises": exercises,
            "submissions_unchanged": snapshot(folder) == submitted,
            "changed": changed_outside_ignored(replica, repo),
            "total": sum(points for _, _, points in exercises)}


def test_grade_batch_completes_and_changes_nothing_it_reads(round_trip):
    proc = round_trip["proc"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert round_trip["submissions_unchanged"]
    assert round_trip["changed"] == []
    assert "notes.ipynb" in proc.stderr  # a stray notebook is reported, not graded
    for student in STUDENTS:
        assert f"{ROUND_TRIP_NOTEBOOK}  {student}" in proc.stdout


@pytest.mark.parametrize("student", STUDENTS)
def test_each_submission_gets_the_right_grade(round_trip, student):
    exercises, total = round_trip["exercises"], round_trip["total"]
    expected = expected_outcomes(exercises)[student]
    points = {test: p for _, test, p in exercises}
    rows = [r for r in read_csv(round_trip["course"] / "grades.csv") if r["student"] == student]
    assert len(rows) == 1 and rows[0]["notebook"] == ROUND_TRIP_NOTEBOOK
    lost = sum(points[test] for test, outcome in expected.items() if "passed" not in outcome)
    assert (float(rows[0]["score"]), float(rows[0]["max_score"])) == (total - lost, total)
    assert rows[0]["status"] == "graded"
    cells = {r["grade_id"]: r for r in read_csv(round_trip["course"] / "grade_cells.csv")
             if r["student"] == student}
    assert list(cells) == [test for _, test, _ in exercises]
    for test, row in cells.items():
        outcome = expected.get(test, "passed")
        assert row["outcome"] == outcome, (test, row)
        earned = points[test] if outcome.endswith("passed") else 0.0
        assert (float(row["score"]), float(row["max_score"])) == (earned, points[test])


def test_untouched_student_version_runs_to_the_end(round_trip):
    """The stubs fail their tests, but the setup cell and the rest of the notebook run."""
    path = (round_trip["course"] / "autograded" / "untouched" / ROUND_TRIP_NOTEBOOK
            / f"{ROUND_TRIP_NOTEBOOK}.ipynb")
    code = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    assert not [out for out in code[0].outputs if out.output_type == "error"]
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
