"""Autograding a hostile and careless class (``tools.grading.autograde``), sandboxed.

One class of submissions of notebook 01 (reduced to its setup cell, answers and tests:
``grading_support.small_course``) is graded once, with two workers, the way
``make grade`` runs it (in a replica of the repository): every accident and every attack
of the class-scale grading issue is one student, and each test checks the score, the
status and the per-test outcome that student earned, and that nothing outside the
student's own scratch space changed. A second run grades the instructor version of every
notebook and reports the graded time of each.
"""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from helpers.notebook import exercises as cells
from tests import hostile_submissions as hostile
from tests.grading_support import (
    CELL_TIMEOUT,
    NOTEBOOKS,
    REPO_ROOT,
    ROUND_TRIP_NOTEBOOK,
    changed_outside_ignored,
    leftover_cgroups,
    make_replica,
    read_csv,
    run_tool,
    short_scratch,
    small_course,
    small_course_folder,
    snapshot,
    write_class,
)
from tools.grading import repair
from tools.grading.usage import run_label, run_markers

NAME = ROUND_TRIP_NOTEBOOK
# limits of the round trip's sandboxes: low, so that the fork and memory bombs stay cheap on 2 cores
MAX_PROCESSES, MEMORY_MB = 64, 1024
DAEMON_MARKER = "7919"   # the daemon is `sleep 7919`: no process with it may outlive the batch


def unanswered(nb):
    nb = nbformat.from_dict(nbformat.reads(nbformat.writes(nb), as_version=4))
    for cell in nb.cells:
        if cells.is_answer(cell):
            cell.source = cells.unanswered(cell.source)
    return nb


STOLEN = textwrap.indent(
    hostile.STEAL_SOLUTION.format(repo=str(REPO_ROOT), notebook=NAME, arguments="y, a, c",
                                  function="scaled_tanh_derivative_from_output"),
    "    ",
)


def class_of(course, submissions_folder):
    """student -> submission, and what each must score: (points lost, status prefix, {test: outcome})."""
    exercises = hostile.exercises(course)
    (a0, t0, p0), (a1, t1, p1), alast = exercises[0], exercises[1], exercises[-1][0]
    wrong = hostile.off_by_one(course, a1)
    victim = submissions_folder / "instructor" / f"{NAME}.ipynb"
    feedback = REPO_ROOT / "helpers" / "feedback.py"
    total = sum(p for *_, p in exercises)
    failed = {t1: "failed: AssertionError"}
    cases = {
        "instructor": (course, 0, "graded", {}),
        "untouched": (
            unanswered(course),
            total,
            "graded",
            {t: "failed: NotImplementedError" for _, t, _ in exercises},
        ),
        "wrong": (wrong, p1, "graded", failed),
        "appends_to_helpers": (   # the sandbox holds the grading repository's helpers only, not this one's
            hostile.with_code(course, a0, f"open({str(feedback)!r}, 'a').write('x = 1')", inside=True),
            p0,
            "graded",
            {t0: "failed: FileNotFoundError"},
        ),
        "overwrites_classmate": (
            hostile.with_code(course, a0, f"open({str(victim)!r}, 'w').write('{{}}')", inside=True),
            p0,
            "graded",
            {t0: "failed: FileNotFoundError"},
        ),
        "deletes_classmate": (
            hostile.with_code(course, a0, f"import os\nos.remove({str(victim)!r})", inside=True),
            p0,
            "graded",
            {t0: "failed: FileNotFoundError"},
        ),
        "edits_readme": (
            hostile.with_code(
                course, a0, f"open({str(REPO_ROOT / 'README.md')!r}, 'a').write('!')", inside=True
            ),
            p0,
            "graded",
            {t0: "failed: FileNotFoundError"},   # the repository is not even there
        ),
        "rebinds_checker": (
            hostile.with_code(wrong, a1, "check_close = lambda *a, **k: None"),
            p1,
            "needs review",
            failed,
        ),
        "patches_code": (
            hostile.with_code(
                wrong,
                a1,
                "import helpers.notebook.feedback\nhelpers.notebook.feedback.check_close."
                "__code__ = (lambda *a, **k: None).__code__",
            ),
            p1,
            "needs review",
            failed,
        ),
        "patches_in_function": (
            hostile.with_code(wrong, a1, "globals()['check_close'] = lambda *a, **k: None", inside=True),
            p1,
            "needs review",
            failed,
        ),
        "replaces_allclose": (
            hostile.with_code(wrong, a1, "np.allclose = lambda *a, **k: True"),
            p1,
            "needs review",
            failed,
        ),
        "input_transformer": (
            hostile.with_code(
                wrong, a1, "get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])"
            ),
            p1,
            "needs review",
            failed,
        ),
        "patches_isinstance": (
            hostile.with_code(course, a1, "import builtins\nbuiltins.isinstance = lambda *a: True"),
            0,
            "needs review",
            {},
        ),
        "steals_solutions": (
            hostile.with_answer(course, a0, "def scaled_tanh_derivative_from_output(y, a, c):\n" + STOLEN),
            p0,
            "needs review",
            {t0: "failed: NotImplementedError"},
        ),
        "patches_through_alias": (hostile.with_code(wrong, a1, hostile.PATCH_THROUGH_ALIAS, inside=True), p1,
                                  "needs review", failed),
        "patches_through_type": (hostile.with_code(wrong, a1, hostile.PATCH_THROUGH_TYPE, inside=True), p1,
                                 "", failed),
        "patches_through_frame": (hostile.with_code(wrong, a1, hostile.PATCH_THROUGH_FRAME, inside=True), p1,
                                  "needs review", failed),
        "fork_bomb": (hostile.with_code(course, a0, hostile.FORK_BOMB, inside=True), 0, "needs review", {}),
        "memory_bomb": (hostile.with_code(course, a0, hostile.MEMORY_BOMB, inside=True), p0, "graded",
                        {t0: "kernel died (restarted)"}),
        "leaves_a_daemon": (
            hostile.with_code(course, a0, hostile.DAEMON.format(marker=DAEMON_MARKER), inside=True),
            0, "needs review", {},
        ),
        "exits": (hostile.with_code(course, alast, "exit()"), 0, "graded", {}),
        "floods_output": (
            hostile.with_code(course, a0, "print('x' * 5_000_000)", inside=True),
            0,
            "graded",
            {},
        ),
        "ignores_interrupts": (
            hostile.with_code(
                course,
                a0,
                "while True:\n    try:\n        pass\n    except BaseException:\n        pass",
                inside=True,
            ),
            p0,
            "graded",
            {t0: f"timed out after {CELL_TIMEOUT} s (kernel restarted)"},
        ),
        "kills_kernel": (
            hostile.with_code(course, a1, "import os\nos._exit(1)", inside=True),
            p1,
            "needs review",
            {t1: "kernel died (restarted)"},
        ),
        "duplicated_cell": (hostile.duplicated(course, a0), 0, "graded", {}),
        "renamed_grade_id": (hostile.renamed(course, a1), 0, "graded", {}),
        "reordered_and_extra": (
            hostile.reordered_with_extras(course),
            0,
            "graded (answer cells were reordered",
            {},
        ),
        "deleted_tests": (
            nbformat.v4.new_notebook(cells=[c for c in course.cells if not cells.is_test(c)]),
            0,
            "graded",
            {},
        ),
        "empty_file": ("", total, "unreadable: empty file", {}),
        "not_json": ("{oops", total, "unreadable: not JSON", {}),
    }
    return cases


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    replica = make_replica(tmp_path_factory.mktemp("repo"))
    source = small_course_folder(replica / "small_course", NAME)   # the grader is the point, not the training
    course = nbformat.read(source / f"{NAME}.ipynb", as_version=4)
    top = tmp_path_factory.mktemp("class")
    folder = top / "submissions"
    cases = class_of(course, folder)
    write_class(folder, NAME, {student: case[0] for student, case in cases.items()})
    (folder / "symlinked").mkdir()
    (folder / "symlinked" / f"{NAME}.ipynb").symlink_to(replica / "notebooks" / f"{NAME}.ipynb")
    write_class(folder / ".dotted", NAME, {"x": course})
    before, repo, helpers = snapshot(folder), snapshot(replica), snapshot(REPO_ROOT / "helpers")
    started = time.perf_counter()
    scratch = short_scratch()
    proc = run_tool(replica, "grade", str(folder), "--source", str(source), "--jobs", "2", "--timeout",
                    str(CELL_TIMEOUT), "--max-processes", str(MAX_PROCESSES), "--memory-mb", str(MEMORY_MB),
                    scratch=scratch)
    leftovers = survivors(run_markers(str(scratch), run_label(replica / "grading")))
    grades = {row["student"]: row for row in read_csv(replica / "grading" / "grades.csv")}
    cells = {}
    for row in read_csv(replica / "grading" / "grade_cells.csv"):
        cells.setdefault(row["student"], {})[row["grade_id"]] = row
    return {
        "proc": proc,
        "cases": cases,
        "grades": grades,
        "cells": cells,
        "replica": replica,
        "seconds": time.perf_counter() - started,
        "submissions_unchanged": snapshot(folder) == before,
        "repo_changed": changed_outside_ignored(replica, repo),
        "helpers_unchanged": snapshot(REPO_ROOT / "helpers") == helpers,
        "leftovers": leftovers,
    }


def survivors(markers: set[str]) -> list[str]:
    """Command lines of processes the grading run may have left: its kernels (their command
    lines name the run: ``markers``) and the daemon."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if any(marker in command for marker in markers) or f"sleep {DAEMON_MARKER}" in command:
            found.append(f"{entry.name}: {command[:200]}")
    return found


def test_the_batch_completes_and_nothing_outside_scratch_changes(graded):
    grades = graded["grades"]
    print(f"\nhostile class, {len(grades)} students, graded in {graded['seconds']:.0f} s with 2 jobs:")
    for student, row in grades.items():
        score = f"{row['score']:>2} / {row['max_score']}"
        print(f"  {student:22s} {score}  {row['seconds']:>5} s  {row['status'][:100]}")
    proc = graded["proc"]
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert graded["submissions_unchanged"] and graded["helpers_unchanged"]
    assert graded["repo_changed"] == []
    skipped = dict(json.loads((graded["replica"] / "grading" / "run.json").read_text())["skipped"])
    assert "symlink" in skipped[f"symlinked/{NAME}.ipynb"] and "hidden" in skipped[".dotted"]


def test_no_process_of_the_batch_outlives_it(graded):
    """Every kernel is killed with its whole sandbox when its submission ends: the fork
    bomb's sleeping children and the daemon started in a new session included."""
    assert graded["leftovers"] == []
    label = run_label(graded["replica"] / "grading")
    assert leftover_cgroups(label) == [], "cgroups of finished kernels were not removed"


@pytest.mark.parametrize(
    "student",
    list(class_of(small_course(NAME), REPO_ROOT / "x")),
)
def test_each_case_earns_what_it_should(graded, student):
    _, lost, status, outcomes = graded["cases"][student]
    row = graded["grades"][student]
    assert row["status"].startswith(status), row
    if lost is not None:
        assert float(row["score"]) == float(row["max_score"]) - lost, row
    cells = graded["cells"][student]
    for grade_id, cell in cells.items():
        expected = outcomes.get(grade_id, "not graded" if status.startswith("unreadable") else "passed")
        assert cell["outcome"] == expected, (grade_id, cell)


def test_a_symlinked_submission_is_refused_and_listed_as_refused(graded):
    assert graded["grades"]["symlinked"]["status"].startswith("refused: a symlink")
    assert ".dotted" not in graded["grades"]


def test_repairs_are_reported_per_test(graded):
    cells = graded["cells"]
    assert any("duplicate" in c["repair"] for c in cells["duplicated_cell"].values())
    assert any("renamed" in c["repair"] for c in cells["renamed_grade_id"].values())
    assert all("restored" in c["repair"] for c in cells["deleted_tests"].values())
    assert any("exit()" in c["repair"] for c in cells["exits"].values())


def test_output_floods_are_capped_and_stuck_cells_bounded(graded):
    executed = graded["replica"] / "grading" / "executed" / NAME / "floods_output.ipynb"
    assert executed.stat().st_size < 1_000_000
    assert "characters of output not kept" in executed.read_text()
    # bounded by the kill, not by how fast this machine is: the stuck cell is reported as stopped,
    # and the patch of isinstance stops nothing
    outcomes = {row["outcome"] for row in graded["cells"]["ignores_interrupts"].values()}
    assert f"timed out after {CELL_TIMEOUT} s (kernel restarted)" in outcomes, outcomes
    assert not any("timed out" in row["outcome"] for row in graded["cells"]["patches_isinstance"].values())


CRASHING_IN = "08_sequence_tasks"   # its exercises share the notebook's random generator


def test_every_model_answer_grades_in_full_with_no_cell_error(tmp_path):
    """The instructor version of every notebook earns full marks under the grader, with its
    grading budgets (training shortened), and no cell at all raises: a demo cell's error
    would tell every student, in the feedback, that something is wrong with their work.
    The graded time per notebook is printed (a figure, not a check).

    Beside it, notebook 08 with right answers whose first one kills the kernel when a test
    calls it: that exercise alone is lost (the later exercises' inputs come from the verdict
    kernel, whatever the restart did to the student's random state)."""
    folder = tmp_path / "submissions"
    (folder / "teacher").mkdir(parents=True)
    for notebook in NOTEBOOKS:
        if repair.tests_of_answers(nbformat.read(notebook, as_version=4)):
            (folder / "teacher" / notebook.name).write_bytes(notebook.read_bytes())
    course = nbformat.read(REPO_ROOT / "notebooks" / f"{CRASHING_IN}.ipynb", as_version=4)
    (first, first_test, first_points), *_ = hostile.exercises(course)
    crashing = hostile.with_code(course, first, "import os\nos._exit(1)", inside=True)
    write_class(folder, CRASHING_IN, {"crashes_once": crashing})
    proc = run_tool(
        REPO_ROOT, "grade", str(folder), "--jobs", "2", "--timeout", "120", "--out", str(tmp_path / "out")
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    every = read_csv(tmp_path / "out" / "grades.csv")
    crashed = next(row for row in every
                   if row["student"] == "crashes_once" and row["notebook"] == CRASHING_IN)
    assert float(crashed["score"]) == float(crashed["max_score"]) - first_points, crashed
    outcomes = {row["grade_id"]: row["outcome"] for row in read_csv(tmp_path / "out" / "grade_cells.csv")
                if row["student"] == "crashes_once" and row["notebook"] == CRASHING_IN}
    assert outcomes.pop(first_test) == "kernel died (restarted)"
    assert set(outcomes.values()) == {"passed"}, outcomes
    rows = [row for row in every if row["student"] == "teacher"]
    print("\ngraded time per notebook (instructor version, 2 jobs):")
    for row in rows:
        print(f"  {row['notebook']:36s} {row['score']:>3} / {row['max_score']:<3} {row['seconds']:>6} s")
    assert len(rows) == len(list((folder / "teacher").iterdir()))
    for row in rows:
        assert row["score"] == row["max_score"] and row["status"] == "graded", row
        executed_path = tmp_path / "out" / "executed" / row["notebook"] / "teacher.ipynb"
        executed = nbformat.read(executed_path, as_version=4)
        errors = [
            f"cell {index}: {output['ename']}: {output['evalue'][:200]}"
            for index, cell in enumerate(executed.cells)
            for output in cell.get("outputs", [])
            if output.get("output_type") == "error"
        ]
        assert not errors, f"{row['notebook']} under its grading budgets: {errors}"
