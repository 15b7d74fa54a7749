"""What the grading tests share: a replica of the repository to run the commands in, file
snapshots, and the command itself."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# the quickest course notebook with at least three graded tests (about 5 s a submission)
ROUND_TRIP_NOTEBOOK = "01_backprop_recap"
# seconds a cell may run in the round trips: far above that notebook's slowest cell under
# the grader (the setup cell: about 3 s on a busy 2-core machine, over 20 s with two grading
# jobs and the suite's other worker on one core); what a stuck answer costs
CELL_TIMEOUT = 60
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def run_tool(replica: Path, *args: str, scratch: Path | None = None,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m tools.grading ARGS`` from ``replica``, as the Makefile runs it; with
    ``scratch``, its scratch folder goes there (``TMPDIR``), so that its processes can be
    told from those of other grading runs beside it; ``env``: variables added."""
    env = dict(os.environ, **(env or {}), **({"TMPDIR": str(scratch)} if scratch is not None else {}))
    return subprocess.run([sys.executable, "-m", "tools.grading", *args], cwd=replica,
                          capture_output=True, text=True, timeout=900, env=env)


def short_scratch() -> Path:
    """A fresh folder with a short path (the kernels' unix sockets live below it, and a
    socket's path may not exceed 107 bytes)."""
    return Path(tempfile.mkdtemp(prefix="gt-", dir="/tmp"))


def leftover_cgroups(label: str) -> list[Path]:
    """cgroups of the grading run ``label`` (``usage.run_label``) that still exist."""
    return [p for pattern in (f"{label}-*", f"*/{label}-*", f"*/*/*/{label}-*")
            for p in Path("/sys/fs/cgroup").glob(pattern)]


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



# the tiny course: one answer, one test
SETUP = "import numpy as np\nfrom helpers.notebook.feedback import check_close, check_own_work"
ANSWER = '''def double(x):
    """2 x, for an array x."""
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION'''
TEST = '''check_own_work(double)
check_close(double(np.arange(3.0)), [0.0, 2.0, 4.0], name="double")
### BEGIN HIDDEN TESTS
check_close(double(np.ones((2, 2))), 2 * np.ones((2, 2)), name="double of a matrix")
### END HIDDEN TESTS'''


def nbgrader_cell(source: str, **nbgrader) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, "locked": not nbgrader.get("solution"),
                                     "task": False, **nbgrader}
    return cell


def tiny_course() -> nbformat.NotebookNode:
    """A course notebook of one answer (``double``) and its test, without training: what a
    test of the grader's own machinery grades, cheaply."""
    return nbformat.v4.new_notebook(cells=[
        nbgrader_cell(SETUP),
        nbgrader_cell(ANSWER, grade=False, solution=True, grade_id="ex1_double"),
        nbgrader_cell(TEST, grade=True, solution=False, grade_id="ex1_double_test", points=1.0),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


def small_course(name: str) -> nbformat.NotebookNode:
    """Course notebook ``name`` reduced to what its tests need: its setup cell, its answer
    cells and its test cells (no training, no grading budgets). What a test of the grader
    itself grades: the same exercises and tests as the notebook, in a few seconds."""
    from helpers.notebook import exercises

    nb = nbformat.read(REPO_ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    setup = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    kept = [c for i, c in enumerate(nb.cells) if i == setup or exercises.is_answer(c) or exercises.is_test(c)]
    metadata = {k: v for k, v in nb.metadata.items() if k != "grading"}
    return nbformat.v4.new_notebook(cells=kept, metadata=metadata)


def small_course_folder(folder: Path, *names: str) -> Path:
    """``folder`` holding ``small_course`` of each of ``names`` (a ``--source`` for ``grade``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        nbformat.write(small_course(name), folder / f"{name}.ipynb")
    return folder


def make_replica(root: Path) -> Path:
    """A copy in ``root`` of every file of the repository that git does not ignore. The
    commands run there with their default folders, so that what they write can be checked
    without interference from anyone editing the real repository meanwhile."""
    for name in visible_files(REPO_ROOT):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO_ROOT / name, root / name)
    return root


def write_class(folder: Path, notebook: str, submissions: dict) -> Path:
    """``folder/<student>/<notebook>.ipynb`` for each ``student: notebook node`` (a string
    is written as the file's text, for unreadable submissions)."""
    for student, nb in submissions.items():
        target = folder / student / f"{notebook}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(nb, str):
            target.write_text(nb)
        else:
            nbformat.write(nb, target)
    return folder
