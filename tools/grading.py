"""Teacher tooling: student versions of the notebooks and auto-grading, with nbgrader.

    python -m tools.grading student [NOTEBOOK ...]                 # make student
    python -m tools.grading grade SUBMISSIONS [--timeout SECONDS]  # make grade SUBMISSIONS=...

Every numbered notebook ``notebooks/NN_name.ipynb`` is an nbgrader *source* notebook and
one nbgrader assignment named by its stem (``01_backprop_recap``). Both commands work in
the git-ignored course folder ``grading/``: an ordinary nbgrader course (``source/``,
``release/``, ``submitted/``, ``autograded/``, the sqlite ``gradebook.db``) with an
``nbgrader_config.py`` that is written afresh on every run (absolute course root, cell
timeout), so nothing needs hand-editing.

``student`` runs nbgrader's ``generate_assignment`` on each notebook (solutions replaced
by ``raise NotImplementedError()`` stubs, hidden tests and outputs removed, graded cells
locked) in a scratch course ``grading/student_build/``, made afresh every time so that
grades already in ``grading/`` never get in the way, and writes the student version to
``release/<name>.ipynb``: one flat folder to hand out. It refuses to write a student
version that still holds a line of a solution or of a hidden test, a region marker or a
stored output.

``grade`` autogrades a folder of submissions laid out as::

    SUBMISSIONS/<student>/<name>.ipynb          e.g. SUBMISSIONS/alice/01_backprop_recap.ipynb
    SUBMISSIONS/<student>/<name>/<name>.ipynb   (nbgrader's own submitted/ layout)

The student id is the folder name; other notebooks are reported and ignored. The
submissions are copied to ``grading/submitted/<student>/<name>/`` (the SUBMISSIONS
folder is only read), the source notebooks are regenerated from ``notebooks/`` and
nbgrader's ``autograde`` runs each submission in a fresh kernel, one after another:

- a test cell scores its points when it raises nothing, else 0;
- test cells are restored from the source version, with their hidden tests, so an edited
  test does not count; a deleted test cell is put back after its answer cell and run
  (outcome ``restored; ...``), so deleting a test neither helps nor costs marks. Where
  nbgrader cannot put it back (the answer cell before it is deleted too) the notebook is
  graded as it is and the deleted test scores 0 (outcome ``deleted``);
- a cell still running after ``--timeout`` seconds (default: the environment variable
  ``GRADE_TIMEOUT``, else 300) is interrupted and fails (outcome ``timed out``); the
  next cells still run. Code that swallows ``KeyboardInterrupt`` (a bare ``except:``
  inside a loop) cannot be interrupted: each later cell then waits out its timeout;
- a submission that cannot be run at all (not a notebook, or its code kills the kernel)
  scores 0 with status ``autograde failed``; the other submissions are still graded.

Results: ``grading/grades.csv`` (``student, notebook, score, max_score, status``; one row
per student and notebook submitted by anyone in the batch; status ``graded``,
``needs manual grading``, ``missing`` or ``autograde failed``) and
``grading/grade_cells.csv`` (``student, notebook, grade_id, score, max_score, outcome``;
outcome ``passed``, ``failed: <ExceptionName>``, ``timed out``, ``needs manual grading``,
``deleted``, ``not submitted`` or ``not graded``), a summary on the terminal, and
nbgrader's log of each submission in ``grading/logs/<name>/<student>.log``. The exit
status is 1 when any submission could not be autograded (the batch still completes), 2
on a usage error.

The gradebook persists between runs, so a teacher can go on with nbgrader itself in
``grading/`` (``cd grading && nbgrader export``, ``nbgrader generate_feedback NAME``, or
the formgrader of nbgrader's JupyterLab extension for written answers); delete
``grading/`` to start from scratch.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
COURSE_DIR = ROOT / "grading"
RELEASE_DIR = ROOT / "release"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
STUDENT_BUILD = "student_build"
DEFAULT_TIMEOUT = 300
TIMEOUT_ENV = "GRADE_TIMEOUT"

# nbgrader's default markers and stubs (nbgrader.preprocessors.ClearSolutions / ClearHiddenTests)
SECRET_REGIONS = (("### BEGIN SOLUTION", "### END SOLUTION"),
                  ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))
STUB_LINES = {"# YOUR CODE HERE", "raise NotImplementedError()", "YOUR ANSWER HERE"}

CONFIG_TEMPLATE = '''\
# Written by `python -m tools.grading` on every run: edits here are overwritten.
c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db_url!r}
# seconds a cell may run; then the kernel is interrupted, the cell fails, the next ones run
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True
# a kernel slow to answer after an interrupt must not abort the whole notebook
c.Execute.raise_on_iopub_timeout = False
c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]
# a test cell deleted by a student is put back (with its hidden tests) and run
c.OverwriteCells.add_missing_cells = True
'''


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


@dataclass
class Result:
    """One student's grade for one notebook, with its per-test-cell rows."""

    student: str
    notebook: str
    score: float
    max_score: float
    status: str
    cells: list[tuple[str, float, float, str]]  # (grade_id, score, max_score, outcome)


# ---------------------------------------------------------------- nbgrader plumbing

def write_config(course_dir: Path, timeout: int) -> Path:
    """Write ``course_dir/nbgrader_config.py`` (absolute root, cell timeout); return it."""
    course_dir.mkdir(parents=True, exist_ok=True)
    path = course_dir / "nbgrader_config.py"
    path.write_text(CONFIG_TEMPLATE.format(
        root=str(course_dir), db_url=f"sqlite:///{course_dir / 'gradebook.db'}", timeout=timeout))
    return path


def open_api(course_dir: Path, timeout: int, restore_tests: bool = True):
    """An ``NbGraderAPI`` for the course in ``course_dir``, configured by the file
    :func:`write_config` writes there (the same file nbgrader's own CLI reads).
    ``restore_tests=False`` turns off putting deleted test cells back."""
    from nbformat.warnings import MissingIDFieldWarning
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from sqlalchemy.exc import SAWarning
    from traitlets.config.loader import PyFileConfigLoader

    # nbgrader's own harmless warnings (its sqlalchemy use, the ids of cells it restores)
    warnings.filterwarnings("ignore", category=SAWarning)
    warnings.filterwarnings("ignore", category=MissingIDFieldWarning)
    # nbgrader runs `alembic` as a program when it creates the gradebook
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    config_file = write_config(course_dir.resolve(), timeout)
    config = PyFileConfigLoader(config_file.name, path=str(config_file.parent)).load_config()
    config.OverwriteCells.add_missing_cells = restore_tests
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def course_notebooks(source_dir: Path, names: list[str] | None = None) -> list[Path]:
    """The numbered notebooks in ``source_dir`` (all, or those named by stem or file name)."""
    found = sorted(source_dir.glob(NOTEBOOK_GLOB))
    if not names:
        return found
    by_stem = {path.stem: path for path in found}
    wanted = [Path(name).stem for name in names]
    unknown = [name for name in wanted if name not in by_stem]
    if unknown:
        raise UsageError(f"no notebook {', '.join(unknown)} in {source_dir}; "
                         f"known: {', '.join(by_stem) or 'none'}")
    return [by_stem[name] for name in wanted]


def generate(api, course_dir: Path, notebook: Path) -> Path:
    """Make ``notebook`` an assignment of the course and generate its student version.

    Returns the path of the student version inside ``course_dir/release``.
    Raises ``RuntimeError`` with nbgrader's log when nbgrader rejects the notebook.
    """
    name = notebook.stem
    source = course_dir / "source" / name
    source.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebook, source / notebook.name)
    result = api.generate_assignment(name, force=True, create=True)
    if not result["success"]:
        log = course_dir / "logs" / "generate" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(result.get("log", "") + result.get("error", ""))
        raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n"
                           f"{_errors(result.get('log', ''))}\n(full log: {_shown(log)})")
    return course_dir / "release" / name / notebook.name


def _errors(log: str) -> str:
    """The error messages of an nbgrader log, without tracebacks and boilerplate (else
    the exceptions the tracebacks end with), plus a hint for the common case."""
    kept, keep = [], False
    for line in log.splitlines():
        if line.startswith("["):
            keep = (line.startswith("[ERROR]") and "Traceback" not in line
                    and "There was an error" not in line and "Please see" not in line)
        if keep:
            kept.append(line)
    if not kept:
        kept = [line.strip() for line in log.splitlines()
                if re.match(r"\s+\w+(Error|Exception): ", line)]
    if "there are submissions associated with it" in log:
        kept.append("The gradebook holds submissions graded against an older version of this "
                    "notebook: move the course folder away (or delete it) and grade again.")
    return "\n".join(kept) or log


# ---------------------------------------------------------------- student versions

def _region_lines(source: str) -> tuple[set[str], set[str]]:
    """Split a cell's stripped non-blank lines into (public, secret) by the markers."""
    public, secret = set(), set()
    inside = None
    for raw in source.splitlines():
        line = raw.strip()
        if not line:
            continue
        begins = [end for begin, end in SECRET_REGIONS if begin in line]
        if inside is None and begins:
            inside = begins[0]
        elif inside is not None and inside in line:
            inside = None
        else:
            (public if inside is None else secret).add(line)
    return public, secret


def solution_leaks(instructor: nbformat.NotebookNode,
                   student: nbformat.NotebookNode) -> list[str]:
    """Problems that make ``student`` unfit to hand out, as readable strings.

    Reports every line of a solution or hidden-test region of ``instructor`` (one that
    does not also occur outside those regions) found in ``student``, any region marker
    left in ``student``, and any stored output. An empty list means the version is clean.
    """
    public, secret = set(), set()
    for cell in instructor.cells:
        cell_public, cell_secret = _region_lines(cell.source)
        public |= cell_public
        secret |= cell_secret
    secret -= public | STUB_LINES
    problems = []
    for index, cell in enumerate(student.cells):
        for raw in cell.source.splitlines():
            line = raw.strip()
            if any(marker in line for region in SECRET_REGIONS for marker in region):
                problems.append(f"cell {index}: region marker {line!r}")
            elif line in secret:
                problems.append(f"cell {index}: solution or hidden-test line {line!r}")
        if cell.get("outputs"):
            problems.append(f"cell {index}: {len(cell.outputs)} stored output(s)")
    return problems


def make_student_versions(notebooks: list[Path], course_dir: Path, release_dir: Path) -> int:
    """Write the student version of each notebook to ``release_dir``; returns an exit code.

    nbgrader works in a scratch course ``course_dir/student_build`` made afresh each time,
    so that grades already in the course's gradebook never block a new student version.
    """
    build = course_dir / STUDENT_BUILD
    if build.exists():
        shutil.rmtree(build)
    api = open_api(build, DEFAULT_TIMEOUT)
    release_dir.mkdir(parents=True, exist_ok=True)
    failures = 0
    for notebook in notebooks:
        try:
            generated = generate(api, build, notebook)
        except RuntimeError as error:
            print(error, file=sys.stderr)
            failures += 1
            continue
        student = nbformat.read(generated, as_version=4)
        problems = solution_leaks(nbformat.read(notebook, as_version=4), student)
        if problems:
            print(f"{notebook.name}: student version NOT written, it would leak:\n  "
                  + "\n  ".join(problems), file=sys.stderr)
            failures += 1
            continue
        shutil.copyfile(generated, release_dir / notebook.name)
        answers = sum(bool(cell.metadata.get("nbgrader", {}).get("solution"))
                      for cell in student.cells)
        print(f"{notebook.name}: {answers} answer cell(s) cleared, "
              f"{len(_grade_ids(student))} graded cell(s) -> {_shown(release_dir / notebook.name)}")
    return 1 if failures else 0


# ---------------------------------------------------------------- grading

def find_submissions(folder: Path, assignments: list[str]) -> dict[str, dict[str, Path]]:
    """Map student -> assignment -> submitted notebook, for the layouts in the docstring."""
    if not folder.is_dir():
        raise UsageError(f"submissions folder {folder} does not exist or is not a folder")
    found: dict[str, dict[str, Path]] = {}
    for student_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        student = student_dir.name
        if student.startswith(".") or student == "__pycache__":
            continue
        notebooks = {}
        for name in assignments:
            for candidate in (student_dir / f"{name}.ipynb", student_dir / name / f"{name}.ipynb"):
                if candidate.is_file():
                    notebooks.setdefault(name, candidate)
        unknown = sorted(p.name for p in student_dir.glob("*.ipynb") if p.stem not in notebooks)
        if unknown:
            print(f"warning: {student}: ignoring {', '.join(unknown)} (not a course notebook)",
                  file=sys.stderr)
        if notebooks:
            found[student] = notebooks
    loose = sorted(p.name for p in folder.glob("*.ipynb"))
    if loose:
        print(f"warning: ignoring {', '.join(loose)} at the top of {folder}: "
              "put each student's notebooks in a folder named for the student", file=sys.stderr)
    if not found:
        raise UsageError(f"no submissions in {folder}: expected "
                         f"{folder}/<student>/<notebook>.ipynb with <notebook> one of "
                         f"{', '.join(assignments) or '(no course notebooks found)'}")
    return found


def _stage(course_dir: Path, student: str, name: str, submission: Path) -> None:
    """Copy one submission to nbgrader's ``submitted/<student>/<name>/<name>.ipynb``."""
    target = course_dir / "submitted" / student / name
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copyfile(submission, target / f"{name}.ipynb")


def _grade_ids(nb: nbformat.NotebookNode) -> list[str]:
    """grade_ids of the graded cells (tests and manually graded answers), in order."""
    return [cell.metadata["nbgrader"]["grade_id"] for cell in nb.cells
            if cell.metadata.get("nbgrader", {}).get("grade")]


def _outcomes(autograded: Path) -> dict[str, str]:
    """grade_id -> 'passed' / 'failed: Name' / 'timed out' from an autograded notebook."""
    if not autograded.is_file():
        return {}
    outcomes = {}
    for cell in nbformat.read(autograded, as_version=4).cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade") or cell.cell_type != "code":
            continue
        errors = [out.ename for out in cell.outputs if out.output_type == "error"]
        if not errors:
            outcomes[meta["grade_id"]] = "passed"
        elif "CellTimeoutError" in errors:
            outcomes[meta["grade_id"]] = "timed out"
        else:
            outcomes[meta["grade_id"]] = f"failed: {errors[0]}"
    return outcomes


def read_result(course_dir: Path, student: str, name: str, order: list[str],
                state: str) -> Result:
    """The grade of ``student`` for notebook ``name`` from the gradebook; ``order`` lists
    the graded cells' ids, ``state`` is ``autograded``, ``autograded as is`` (deleted test
    cells were not restored), ``autograde failed`` or ``missing``."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}") as gb:
        source = gb.find_notebook(name, name)
        max_score = float(source.max_score)
        if not state.startswith("autograded"):
            points = {cell.name: float(cell.max_score) for cell in source.grade_cells}
            outcome = "not submitted" if state == "missing" else "not graded"
            return Result(student, name, 0.0, max_score, state,
                          [(grade_id, 0.0, points[grade_id], outcome) for grade_id in order])
        nb = gb.find_submission_notebook(name, name, student)
        submitted = course_dir / "submitted" / student / name / f"{name}.ipynb"
        present = set(_grade_ids(nbformat.read(submitted, as_version=4)))
        outcomes = _outcomes(course_dir / "autograded" / student / name / f"{name}.ipynb")
        grades = {grade.name: grade for grade in nb.grades}
        cells = []
        for grade_id in order:
            grade = grades[grade_id]
            if grade_id not in present and state == "autograded as is":
                cells.append((grade_id, 0.0, float(grade.max_score), "deleted"))
                continue
            if grade.needs_manual_grade:
                outcome = "needs manual grading"
            else:
                outcome = outcomes.get(grade_id, "not run")
            if grade_id not in present:
                outcome = f"restored; {outcome}"
            cells.append((grade_id, float(grade.score or 0.0), float(grade.max_score), outcome))
        score = sum(score for _, score, _, _ in cells)
        manual = any(outcome.endswith("needs manual grading") for *_, outcome in cells)
        status = "needs manual grading" if manual else "graded"
        return Result(student, name, score, max_score, status, cells)


def grade_submissions(folder: Path, source_dir: Path, course_dir: Path,
                      timeout: int) -> tuple[list[Result], float]:
    """Autograde every submission in ``folder``; returns the results and the wall time."""
    start = time.perf_counter()
    if folder.is_relative_to(course_dir):
        raise UsageError(f"the submissions ({folder}) are inside the course folder "
                         f"{course_dir}, which grading rewrites: copy them elsewhere first")
    notebooks = {path.stem: path for path in course_notebooks(source_dir)}
    submissions = find_submissions(folder, list(notebooks))
    submitted_names = sorted({name for per_student in submissions.values() for name in per_student})
    api = open_api(course_dir, timeout)
    for name in submitted_names:
        generate(api, course_dir, notebooks[name])
    logs = course_dir / "logs"
    fallback = None
    results = []
    for name in submitted_names:
        (logs / name).mkdir(parents=True, exist_ok=True)
        order = _grade_ids(nbformat.read(notebooks[name], as_version=4))
        for student, per_student in submissions.items():
            state = "missing"
            if name in per_student:
                _stage(course_dir, student, name, per_student[name])
                started = time.perf_counter()
                outcome = api.autograde(name, student, force=True, create=True)
                state = "autograded"
                if not outcome["success"]:
                    # nbgrader cannot restore a test cell whose answer cell is gone too:
                    # grade the notebook as it is, the deleted test scoring 0
                    fallback = fallback or open_api(course_dir, timeout, restore_tests=False)
                    outcome = fallback.autograde(name, student, force=True, create=True)
                    state = "autograded as is" if outcome["success"] else "autograde failed"
                log = logs / name / f"{student}.log"
                log.write_text(outcome.get("log", "") + outcome.get("error", ""))
                print(f"autograded {name} of {student} in {time.perf_counter() - started:.0f} s"
                      + ("" if outcome["success"] else f": FAILED, see {_shown(log)}"),
                      flush=True)
            results.append(read_result(course_dir, student, name, order, state))
    return results, time.perf_counter() - start


def write_tables(results: list[Result], course_dir: Path) -> tuple[Path, Path]:
    """Write ``grades.csv`` and ``grade_cells.csv`` into ``course_dir``."""
    grades, cells = course_dir / "grades.csv", course_dir / "grade_cells.csv"
    with grades.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "notebook", "score", "max_score", "status"])
        for r in results:
            writer.writerow([r.student, r.notebook, _num(r.score), _num(r.max_score), r.status])
    with cells.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "notebook", "grade_id", "score", "max_score", "outcome"])
        for r in results:
            for grade_id, score, max_score, outcome in r.cells:
                writer.writerow([r.student, r.notebook, grade_id, _num(score), _num(max_score),
                                 outcome])
    return grades, cells


def summary(results: list[Result]) -> str:
    """A short table for the terminal: one line per student and notebook."""
    width = max(len(r.student) for r in results)
    lines = []
    for r in results:
        lost = [f"{grade_id} ({outcome})" for grade_id, score, max_score, outcome in r.cells
                if score < max_score or outcome.startswith("restored")]
        note = "" if r.status == "graded" else f"  [{r.status}]"
        detail = f"  lost: {', '.join(lost)}" if lost else ""
        lines.append(f"{r.notebook}  {r.student:<{width}}  "
                     f"{_num(r.score):>5} / {_num(r.max_score):<5}{note}{detail}")
    return "\n".join(lines)


def _num(value: float) -> str:
    return f"{value:g}"


def _shown(path: Path) -> str:
    """``path`` relative to the repository when inside it (short terminal lines)."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _timeout(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"timeout must be a positive whole number of seconds, "
                                         f"got {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--source", type=Path, default=NOTEBOOKS,
                        help="folder of instructor notebooks (default: notebooks/)")
    common.add_argument("--course-dir", type=Path, default=COURSE_DIR,
                        help="nbgrader course folder (default: grading/)")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    st = sub.add_parser("student", parents=[common], help="write student versions to release/")
    st.add_argument("notebooks", nargs="*", help="notebook names (default: all)")
    st.add_argument("--release-dir", type=Path, default=RELEASE_DIR,
                    help="where the student versions go (default: release/)")
    gr = sub.add_parser("grade", parents=[common], help="autograde a folder of submissions")
    gr.add_argument("submissions", type=Path, help="folder holding <student>/<notebook>.ipynb")
    gr.add_argument("--timeout", type=_timeout, default=None,
                    help=f"seconds a cell may run before it is interrupted "
                         f"(default: ${TIMEOUT_ENV}, else {DEFAULT_TIMEOUT})")
    args = parser.parse_args(argv)
    try:
        if args.command == "student":
            return _student(args)
        return _grade(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _student(args: argparse.Namespace) -> int:
    source_dir = args.source.resolve()
    notebooks = course_notebooks(source_dir, args.notebooks)
    if not notebooks:
        raise UsageError(f"no notebooks matching {NOTEBOOK_GLOB} in {source_dir}")
    return make_student_versions(notebooks, args.course_dir.resolve(), args.release_dir.resolve())


def _grade(args: argparse.Namespace) -> int:
    if args.timeout is None:
        try:
            args.timeout = _timeout(os.environ.get(TIMEOUT_ENV, str(DEFAULT_TIMEOUT)))
        except argparse.ArgumentTypeError as error:
            raise UsageError(f"{TIMEOUT_ENV}: {error}") from None
    course_dir = args.course_dir.resolve()
    results, seconds = grade_submissions(args.submissions.resolve(), args.source.resolve(),
                                         course_dir, args.timeout)
    grades, cells = write_tables(results, course_dir)
    print(summary(results))
    print(f"graded {len(results)} notebook submission(s) in {seconds:.0f} s "
          f"(cell timeout {args.timeout} s)\ngrades: {_shown(grades)}\n"
          f"per test cell: {_shown(cells)}")
    return 1 if any(r.status == "autograde failed" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
