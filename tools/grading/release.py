"""Student versions of the notebooks, made with nbgrader's ``generate_assignment``.

Every numbered notebook ``notebooks/NN_name.ipynb`` is an nbgrader *source* notebook. Its
student version has the solutions replaced by ``raise NotImplementedError()`` stubs, the
hidden tests, the outputs and the stored widget state removed, and the graded cells
locked. nbgrader works in a scratch course ``grading/student_build/`` made afresh every
time; the result goes to ``release/<name>.ipynb``, one flat folder to hand out. A student
version that still holds a line of a solution or of a hidden test, a region marker, a
stored output or widget state is refused. A file in ``release/`` that a teacher changed
since ``make student`` wrote it is never replaced without ``FORCE=1``. ``make lab`` keeps
the learner's own copies in ``learner/`` (``learner_versions``) with the same code, and never
replaces one the learner changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import warnings
from pathlib import Path

import nbformat

from helpers.notebook import exercises as cells
from helpers.notebook.exercises import SECRET_REGIONS, STUB_LINES
from tools.grading.config import DEFAULT_TIMEOUT, ROOT

STUDENT_BUILD = "student_build"
MANIFEST = ".written_by_make_student.json"  # in release/: what the last run wrote (name -> sha256)
LEARNER_MANIFEST = ".written_by_make_lab.json"  # in learner/: name -> sha256 of the file and of its course


CONFIG_TEMPLATE = """\
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
"""


def write_config(course_dir: Path, timeout: int) -> Path:
    """Write ``course_dir/nbgrader_config.py`` (absolute root, cell timeout); return it."""
    course_dir.mkdir(parents=True, exist_ok=True)
    path = course_dir / "nbgrader_config.py"
    path.write_text(
        CONFIG_TEMPLATE.format(
            root=str(course_dir), db_url=f"sqlite:///{course_dir / 'gradebook.db'}", timeout=timeout
        )
    )
    return path


def open_api(course_dir: Path, timeout: int):
    """An ``NbGraderAPI`` for the course in ``course_dir``, configured by the file
    :func:`write_config` writes there (the same file nbgrader's own CLI reads)."""
    # deferred: nbgrader (and sqlalchemy with it) takes seconds to import; only release needs it
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
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


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
        raise RuntimeError(
            f"nbgrader generate_assignment {name} failed:\n"
            f"{_errors(result.get('log', ''))}\n(full log: {_shown(log)})"
        )
    return course_dir / "release" / name / notebook.name


def _errors(log: str) -> str:
    """The error messages of an nbgrader log, without tracebacks and boilerplate (else
    the exceptions the tracebacks end with), plus a hint for the common case."""
    kept, keep = [], False
    for line in log.splitlines():
        if line.startswith("["):
            keep = (
                line.startswith("[ERROR]")
                and "Traceback" not in line
                and "There was an error" not in line
                and "Please see" not in line
            )
        if keep:
            kept.append(line)
    if not kept:
        kept = [line.strip() for line in log.splitlines() if re.match(r"\s+\w+(Error|Exception): ", line)]
    if "there are submissions associated with it" in log:
        kept.append(
            "The gradebook holds submissions graded against an older version of this "
            "notebook: move the course folder away (or delete it) and grade again."
        )
    return "\n".join(kept) or log


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


def solution_leaks(instructor: nbformat.NotebookNode, student: nbformat.NotebookNode) -> list[str]:
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
    if "widgets" in student.metadata:
        problems.append("notebook metadata: stored widget state (rendered widget images)")
    return problems


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def written_before(release_dir: Path) -> dict[str, str]:
    """file name -> sha256 of the student versions the last ``make student`` wrote."""
    manifest = release_dir / MANIFEST
    return json.loads(manifest.read_text()) if manifest.is_file() else {}


def edited(release_dir: Path, names: list[str]) -> list[Path]:
    """The files among ``names`` in ``release_dir`` that ``make student`` did not write as
    they are now (a teacher edited them, or put them there)."""
    before = written_before(release_dir)
    return [
        release_dir / name
        for name in names
        if (release_dir / name).exists() and before.get(name) != _sha256(release_dir / name)
    ]


def make_student_versions(
    notebooks: list[Path], course_dir: Path, release_dir: Path, force: bool = False
) -> int:
    """Write the student version of each notebook to ``release_dir``; returns an exit code.

    nbgrader works in a scratch course ``course_dir/student_build`` made afresh each time,
    so that grades already in the course's gradebook never block a new student version.
    A file in ``release_dir`` that differs from what the last run wrote (a teacher's edit)
    is replaced only with ``force``; without it nothing is written.
    """
    changed = edited(release_dir, [notebook.name for notebook in notebooks])
    if changed and not force:
        print(
            "release/ holds files changed since `make student` wrote them, so nothing was written:\n  "
            + "\n  ".join(_shown(path) for path in changed)
            + "\nMove them away to keep your edits, or replace them with `make student FORCE=1`.",
            file=sys.stderr,
        )
        return 1
    api, build = _fresh_build(course_dir)
    release_dir.mkdir(parents=True, exist_ok=True)
    failures = 0
    for notebook in notebooks:
        problem = _write_student_version(api, build, notebook, release_dir / notebook.name)
        if problem:
            print(problem, file=sys.stderr)
            failures += 1
            continue
        _remember(release_dir, notebook.name)
        student = nbformat.read(release_dir / notebook.name, as_version=4)
        answers = sum(cells.is_solution(cell) for cell in student.cells)
        print(
            f"{notebook.name}: {answers} answer cell(s) cleared, "
            f"{len(_grade_ids(student))} graded cell(s) -> {_shown(release_dir / notebook.name)}"
        )
    return 1 if failures else 0


def _fresh_build(course_dir: Path):
    """nbgrader's API on a scratch course ``course_dir/student_build`` made afresh."""
    build = course_dir / STUDENT_BUILD
    if build.exists():
        shutil.rmtree(build)
    return open_api(build, DEFAULT_TIMEOUT), build


def _write_student_version(api, build: Path, notebook: Path, target: Path) -> str | None:
    """Generate the student version of ``notebook`` and write it to ``target``; ``None``, or
    why nothing was written (nbgrader refused it, or it would leak a solution)."""
    try:
        generated = generate(api, build, notebook)
    except RuntimeError as error:
        return str(error)
    student = nbformat.read(generated, as_version=4)
    student.metadata.pop("widgets", None)  # stored widget state: views and images of the instructor's run
    problems = solution_leaks(nbformat.read(notebook, as_version=4), student)
    if problems:
        return f"{notebook.name}: student version NOT written, it would leak:\n  " + "\n  ".join(problems)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(student, target)
    return None


def learner_versions(notebooks: list[Path], course_dir: Path, folder: Path) -> list[str]:
    """Keep ``folder`` (``make lab``'s) holding the student version of each notebook, written by
    the same code as ``make student``, without ever replacing a learner's work: a missing one
    is written; one the learner has not changed since it was written is written again when
    its course notebook changed; one the learner changed is kept. Returns a line per notebook
    that was written or kept despite a newer course version."""
    manifest_path = folder / LEARNER_MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    todo, lines = [], []
    for notebook in notebooks:
        target, known = folder / notebook.name, manifest.get(notebook.name, {})
        source = _sha256(notebook)
        if not target.exists():
            todo.append(notebook)
        elif known.get("written") != _sha256(target):
            if known.get("source") != source:
                lines.append(f"{_shown(target)}: kept (you changed it); the course's newer version is in "
                             f"{_shown(notebook)} (make student writes a fresh copy to release/)")
        elif known.get("source") != source:
            todo.append(notebook)
    if todo:
        api, build = _fresh_build(course_dir)
        for notebook in todo:
            problem = _write_student_version(api, build, notebook, folder / notebook.name)
            if problem:
                lines.append(problem)
                continue
            written = _sha256(folder / notebook.name)
            manifest[notebook.name] = {"written": written, "source": _sha256(notebook)}
            lines.append(f"{_shown(folder / notebook.name)}: written")
        manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return lines


def _remember(release_dir: Path, name: str) -> None:
    """Record in the manifest what was just written to ``release_dir/name``."""
    manifest = written_before(release_dir)
    manifest[name] = _sha256(release_dir / name)
    (release_dir / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))


def _grade_ids(nb: nbformat.NotebookNode) -> list[str]:
    """grade_ids of the graded cells (tests and manually graded answers), in order."""
    return [cells.grade_id(cell) for cell in nb.cells if cells.is_graded(cell)]


def _shown(path: Path) -> str:
    """``path`` relative to the repository when inside it (short terminal lines)."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
