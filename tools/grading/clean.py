"""``make clean-generated``: delete what the course's commands generated, and never, unless
asked, what a person wrote or waited for.

Always deleted: nbgrader's scratch course (``grading/student_build``), the student
versions in ``release/`` exactly as ``make student`` wrote them, and ``outputs/`` but its
trained checkpoints. Kept unless asked: everything else in ``grading/`` (grade tables,
executed submissions, feedback: ``--also grades``), ``outputs/checkpoints``
(``--also checkpoints``), and files in ``release/`` edited since ``make student`` wrote
them (``--force``). Every path deleted or kept is printed, with why.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tools.grading import release
from tools.grading.config import COURSE_DIR, RELEASE_DIR, ROOT
from tools.grading.errors import UsageError

OUTPUTS_DIR = ROOT / "outputs"
CHECKPOINTS = "checkpoints"
ALSO = ("grades", "checkpoints")


def parse_also(text: str) -> set[str]:
    """``'grades,checkpoints'`` -> ``{'grades', 'checkpoints'}``; ``UsageError`` for other words."""
    wanted = {word.strip() for word in text.split(",") if word.strip()}
    unknown = wanted - set(ALSO)
    if unknown:
        raise UsageError(f"ALSO may name {', '.join(ALSO)}; got {', '.join(sorted(unknown))}")
    return wanted


def plan(
    also: set[str],
    force: bool,
    grading: Path = COURSE_DIR,
    release_dir: Path = RELEASE_DIR,
    outputs: Path = OUTPUTS_DIR,
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """``(to delete, [(kept, why)])``."""
    delete, keep = [], []
    if grading.is_dir():
        for path in sorted(grading.iterdir()):
            if path.name == release.STUDENT_BUILD or "grades" in also:
                delete.append(path)
            else:
                keep.append((path, "a grading run's results: ALSO=grades deletes them"))
    if release_dir.is_dir():
        edited = set(
            release.edited(
                release_dir,
                [p.name for p in release_dir.iterdir() if p.is_file() and p.name != release.MANIFEST],
            )
        )
        for path in sorted(release_dir.iterdir()):
            if path in edited and not force:
                keep.append(
                    (path, "edited since `make student` wrote it (or not written by it): FORCE=1 deletes it")
                )
            elif path.name != release.MANIFEST or force or not edited:
                delete.append(path)
    if outputs.is_dir():
        for path in sorted(outputs.iterdir()):
            if path.name != CHECKPOINTS or "checkpoints" in also:
                delete.append(path)
            else:
                keep.append((path, "trained models: ALSO=checkpoints deletes them"))
    return delete, keep


def clean(also: set[str], force: bool, **folders: Path) -> int:
    """Delete what ``plan`` says, saying what goes and what stays; returns 0."""
    delete, keep = plan(also, force, **folders)
    for path in delete:
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        print(f"deleted: {path}")
    for path, why in keep:
        print(f"kept:    {path} ({why})")
    for folder in (folders.get("release_dir", RELEASE_DIR), folders.get("outputs", OUTPUTS_DIR)):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    if not delete and not keep:
        print("nothing generated to delete")
    return 0
