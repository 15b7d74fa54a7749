"""One grading batch, as a function that returns what it did (``run`` -> ``Batch``): collect
the submissions, grade them, and write the tables. ``make grade`` prints the record; the
tests read it (or its copy in ``run.json``) instead of the printed text."""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from helpers.data import files
from tools.grading import autograde, cgroups, collect, config, report
from tools.grading.errors import UsageError
from tools.grading.results import Result

SCRATCH_PREFIX = "rnn-grade-"   # the run's scratch folder, and its name (label) in cgroups and kernels


@dataclass
class Batch:
    """What one ``grade`` run did.

    ``rows``: the grade table as written (every student of every batch graded into the same
    folder); ``graded``: this run's rows (refused submissions included); ``students``: the
    students this run found; ``skipped``: ``(path, reason)`` of what it did not grade;
    ``notes``: what it could not guarantee (no cgroup, a dataset missing, no sandbox);
    ``kept``: rows of earlier runs kept; ``label``: the run's name, which its kernels'
    command lines and cgroups carry; ``grades`` / ``cells``: the tables written."""

    rows: list[Result]
    graded: list[Result]
    students: list[str]
    skipped: list[tuple[str, str]]
    notes: list[str]
    kept: int
    label: str
    seconds: float
    grades: Path
    cells: Path
    jobs: int = 1
    timeout: int = 0
    shard: str = "1/1"
    earlier: int = 0

    def summary(self) -> dict:
        """The record as plain data (what ``run.json`` keeps of it)."""
        return {"label": self.label, "graded": len(self.graded), "students_found": len(self.students),
                "skipped": [list(pair) for pair in self.skipped], "notes": self.notes, "kept": self.kept,
                "earlier": self.earlier, "seconds": round(self.seconds, 1)}


def _notes(settings: config.Settings) -> list[str]:
    """What this machine and these settings cannot guarantee."""
    found = []
    if settings.unsafe:
        found.append("graded WITHOUT a sandbox (--unsafe): student code ran with the grader's rights")
    elif cgroups.problem():
        found.append(cgroups.problem())
    # the sandbox has no network and a read-only data cache: the datasets are fetched and verified first
    for name, problem in files.check_all().items():
        if problem is not None:
            found.append(f"dataset {name} is not available, notebooks that load it will fail:\n{problem}")
    return found


def run(folder: Path, settings: config.Settings, source_dir: Path, course_dir: Path, out: Path | None = None,
        shard: str = "1/1", warn=print, progress=print) -> Batch:
    """Grade every submission in ``folder`` (``shard`` of them) against the course notebooks
    in ``source_dir`` into ``out`` (default ``course_dir``); ``warn`` gets each note and
    skipped entry as it is found, ``progress`` a line per graded submission. An interrupt
    (SIGINT, SIGTERM) stops every kernel, removes the scratch folder and writes nothing."""
    started = time.perf_counter()
    folder, course_dir, source_dir = folder.resolve(), course_dir.resolve(), source_dir.resolve()
    if folder.is_relative_to(course_dir):
        raise UsageError(f"the submissions ({folder}) are inside the grading folder {course_dir}, which "
                         "grading rewrites: copy them elsewhere first")
    courses = {path.stem: path for path in config.course_notebooks(source_dir)}
    found = collect.shard(collect.collect(folder, list(courses)), *collect.parse_shard(shard))
    for skipped in found.skipped:
        warn(f"skipped: {skipped.path}: {skipped.reason}")
    out = (out or course_dir).resolve()
    if out.is_relative_to(folder) or folder.is_relative_to(out):
        raise UsageError(f"the output folder {out} and the submissions {folder} overlap: grading would read "
                         "its own output as submissions (or write among them); choose an OUT outside the "
                         "submissions")
    version = config.course_version(source_dir)
    earlier = report.earlier_results(out, version)
    notes = _notes(settings)
    for line in notes:
        warn(f"warning: {line}")
    # scratch folders: a short path (a unix socket path may not exceed 107 bytes)
    work = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
    places = autograde.Places(executed=out / "executed", work=work)
    autograde.stop_on_terminate()
    try:
        results = autograde.grade_all(found.submissions, courses, settings, places, report=progress)
    finally:
        cgroups.sweep(work.name)
        shutil.rmtree(work, ignore_errors=True)
    graded = {(r.student, r.notebook) for r in results}
    results += [autograde.refused(skip, courses[skip.notebook]) for skip in found.skipped
                if skip.student and (skip.student, skip.notebook) not in graded]
    combined = report.newest_first(results, earlier)
    students = sorted({r.student for r in combined} | set(found.students))
    rows = report.with_missing(combined, students, list(courses))
    batch = Batch(rows=rows, graded=results, students=found.students,
                  skipped=[(s.path, s.reason) for s in found.skipped], notes=notes,
                  kept=len(combined) - len(results), label=work.name, seconds=time.perf_counter() - started,
                  grades=out / "grades.csv", cells=out / "grade_cells.csv", jobs=settings.jobs,
                  timeout=settings.timeout, shard=shard, earlier=len(earlier))
    report.write_tables(rows, out, version, shard, batch.summary())
    return batch

