"""Where the teacher tooling reads and writes, its limits, and the course version.

Everything it writes goes under git-ignored folders: ``release/`` (student versions),
``learner/`` (the learner's copies that ``make lab`` opens) and ``grading/`` (grade tables,
executed submissions, feedback, scratch folders)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from tools.grading.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent.parent
NOTEBOOKS = ROOT / "notebooks"
HELPERS = ROOT / "helpers"
IN_KERNEL = ROOT / "tools" / "grading" / "in_kernel"  # mounted into every grading kernel
COURSE_DIR = ROOT / "grading"
RELEASE_DIR = ROOT / "release"
LEARNER_DIR = ROOT / "learner"  # make lab's student versions, the learner's to edit
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
TIMEOUT_ENV = "GRADE_TIMEOUT"
DEFAULT_TIMEOUT = 300  # seconds one cell may run
DEFAULT_NOTEBOOK_LIMIT = 1800  # seconds one submission may run in all
DEFAULT_OUTPUT_LIMIT = 100_000  # characters of output kept per cell
DEFAULT_PROCESSES = 256  # processes and threads one kernel's sandbox may hold at once
DEFAULT_MEMORY_MB = 3072  # memory one kernel's sandbox may use
SHOWN_SOURCE_CHARS = 400  # characters of a cell's source or error printed by make check
ERROR_CHARS = 300  # characters of a cell's error kept in the grade table
SHOWN_LINE_CHARS = 60  # characters of a removed line named in a grader's note
MAX_RESTARTS = 3  # kernels restarted after a timeout or a crash, per submission
# what the kernel sees under the grader: notebooks may read NBGRADER_EXECUTION (nbgrader's name)
GRADING_ENV = {"NBGRADER_EXECUTION": "autograde", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1"}


@dataclass(frozen=True)
class Settings:
    """How one grading run behaves: per-cell ``timeout`` and whole-``notebook_limit`` in
    seconds, characters of output kept per cell, worker processes, whether to run
    without a sandbox (``unsafe``), whether to use each notebook's short grading budgets
    (``metadata.grading.parameters``) instead of the learner's, and the processes and
    megabytes of memory one kernel may use."""

    timeout: int
    notebook_limit: int
    output_limit: int
    jobs: int
    unsafe: bool
    grading_budgets: bool
    processes: int
    memory_mb: int


def course_notebooks(source_dir: Path, names: list[str] | None = None) -> list[Path]:
    """The numbered notebooks in ``source_dir`` (all, or those named by stem or file name)."""
    found = sorted(source_dir.glob(NOTEBOOK_GLOB))
    if not names:
        return found
    by_stem = {path.stem: path for path in found}
    wanted = [Path(name).stem for name in names]
    unknown = [name for name in wanted if name not in by_stem]
    if unknown:
        raise UsageError(
            f"no notebook {', '.join(unknown)} in {source_dir}; known: {', '.join(by_stem) or 'none'}"
        )
    return [by_stem[name] for name in wanted]


def course_version(source_dir: Path, helpers_dir: Path = HELPERS) -> str:
    """A short fingerprint of the course notebooks and helpers that grades were computed
    against (every helper file, subpackages included, and the grader's in-kernel module):
    shards graded against different versions must not be merged."""
    digest = hashlib.sha256()
    for folder, pattern in ((source_dir, NOTEBOOK_GLOB), (helpers_dir, "**/*.py"), (IN_KERNEL, "*.py")):
        for path in sorted(folder.glob(pattern)):
            digest.update(str(path.relative_to(folder.parent)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
