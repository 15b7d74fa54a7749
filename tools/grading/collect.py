"""Collecting submissions: which students handed in which notebooks, and what was refused.

A submissions folder is laid out as::

    SUBMISSIONS/<student>/<name>.ipynb          e.g. SUBMISSIONS/alice/01_backprop_recap.ipynb
    SUBMISSIONS/<student>/<name>/<name>.ipynb   (nbgrader's own submitted/ layout)

The student id is the folder name. Nothing is silently dropped: a symlink, a path that
resolves outside the folder, a folder whose name starts with ``.``, a loose notebook at the
top and a notebook that is not a course notebook are each reported as skipped, with why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tools.grading.errors import UsageError


@dataclass(frozen=True)
class Submission:
    """One notebook one student handed in."""

    student: str
    notebook: str  # the assignment: the course notebook's stem
    path: Path


@dataclass(frozen=True)
class Skipped:
    """Something in the submissions folder that was not graded, and why; for a refused
    submission, whose (``student``, ``notebook``) it was (the grade tables give it a row)."""

    path: str
    reason: str
    student: str | None = None
    notebook: str | None = None


@dataclass
class Collection:
    """What ``collect`` found: the submissions (sorted by notebook, then student), every
    student seen, and what it skipped."""

    submissions: list[Submission] = field(default_factory=list)
    students: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder)


def collect(folder: Path, assignments: list[str]) -> Collection:
    """Every submission in ``folder`` of one of ``assignments`` (course notebook stems)."""
    if not folder.is_dir():
        raise UsageError(f"submissions folder {folder} does not exist or is not a folder")
    root = folder.resolve()
    found = Collection()
    for entry in sorted(folder.iterdir()):
        relative = entry.name
        if entry.is_symlink():
            found.skipped.append(Skipped(relative, "a symlink: refused (hand in real files)"))
        elif not entry.is_dir():
            found.skipped.append(Skipped(relative, "a notebook at the top: put each student's notebooks in a "
                                                   "folder named for the student" if entry.suffix == ".ipynb"
                                                   else "not a notebook, and not a student's folder"))
        elif entry.name.startswith(".") or entry.name == "__pycache__":
            found.skipped.append(Skipped(relative, "a hidden or cache folder: not a student"))
        else:
            _student(entry, root, assignments, found)
    found.submissions.sort(key=lambda s: (assignments.index(s.notebook), s.student))
    if not found.submissions:
        raise UsageError(
            f"no submissions in {folder}: expected {folder}/<student>/<notebook>.ipynb with "
            f"<notebook> one of {', '.join(assignments) or '(no course notebooks found)'}"
        )
    return found


def _student(folder: Path, root: Path, assignments: list[str], found: Collection) -> None:
    student = folder.name
    taken = set()
    for name in assignments:
        for candidate in (folder / f"{name}.ipynb", folder / name / f"{name}.ipynb"):
            shown = str(candidate.relative_to(folder.parent))
            if candidate.is_symlink() or (candidate.parent != folder and candidate.parent.is_symlink()):
                found.skipped.append(Skipped(shown, "a symlink: refused (hand in real files)", student,
                                             name))
            elif candidate.exists() and not _inside(candidate, root):
                reason = "resolves outside the submissions folder: refused"
                found.skipped.append(Skipped(shown, reason, student, name))
            elif candidate.is_file() and name not in taken:
                taken.add(name)
                found.submissions.append(Submission(student, name, candidate))
    for stray in sorted(folder.glob("*.ipynb")):
        if stray.stem not in assignments:
            found.skipped.append(Skipped(f"{student}/{stray.name}", "not a course notebook"))
    for hidden in sorted(
        p for p in folder.iterdir() if p.name.startswith(".") and p.name != ".ipynb_checkpoints"
    ):
        found.skipped.append(Skipped(f"{student}/{hidden.name}", "a hidden file or folder: not graded"))
    found.students.append(student)


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` -> ``(i, n)`` with ``1 <= i <= n``."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise UsageError(f"--shard must look like i/n (for example 2/5), got {text!r}") from None
    if not 1 <= index <= count:
        raise UsageError(f"--shard {text}: need 1 <= i <= n")
    return index, count


def shard(found: Collection, index: int, count: int) -> Collection:
    """The deterministic slice ``index`` of ``count`` (1-based): every ``count``-th student
    in sorted order starting at the ``index``-th, with all of their submissions. Skipped
    entries are reported by shard 1 only."""
    chosen = set(sorted(found.students)[index - 1 :: count])
    return Collection(
        [s for s in found.submissions if s.student in chosen],
        [s for s in found.students if s in chosen],
        found.skipped if index == 1 else [],
    )
