"""Grade tables: writing ``grades.csv`` and ``grade_cells.csv``, the terminal summary, and
merging the tables of several shards (graded on several machines) into one.

``grades.csv``: ``student, notebook, score, max_score, status, seconds``, one row per
student and notebook submitted by anyone in the run (``missing`` when that student did not
hand it in); ``grade_cells.csv``: ``student, notebook, grade_id, score, max_score,
outcome, repair``. Rows are sorted by notebook (course order), then student, and the cells
of a notebook in course order, so one run and a merge of shards give identical files.
``run.json`` records the course version the grades were computed against.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

from tools.grading.errors import UsageError
from tools.grading.results import CellResult, Result

GRADE_COLUMNS = ["student", "notebook", "score", "max_score", "status", "seconds"]
CELL_COLUMNS = ["student", "notebook", "grade_id", "score", "max_score", "outcome", "repair"]


def _num(value: float) -> str:
    return f"{value:g}"


def with_missing(results: list[Result], students: list[str], notebooks: list[str]) -> list[Result]:
    """``results`` plus a ``missing`` row for every student who handed in nothing for a
    notebook someone else handed in, sorted by (course order of notebook, student)."""
    by_key = {(r.student, r.notebook): r for r in results}
    template = {r.notebook: r for r in results}
    rows = []
    for notebook in notebooks:
        if notebook not in template:
            continue
        for student in sorted(set(students)):
            if (student, notebook) in by_key:
                rows.append(by_key[(student, notebook)])
            else:
                model = template[notebook]
                rows.append(
                    Result(
                        student,
                        notebook,
                        0.0,
                        model.max_score,
                        "missing",
                        0.0,
                        [CellResult(c.grade_id, 0.0, c.max_score, "not submitted") for c in model.cells],
                    )
                )
    return rows


def write_tables(
    results: list[Result], folder: Path, course_version: str, shard: str = "1/1", record: dict | None = None
) -> tuple[Path, Path]:
    """Write ``grades.csv``, ``grade_cells.csv`` and ``run.json`` (with the run's ``record``:
    its name, counts, what it skipped, and its notes, what it could not guarantee) into
    ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    grades, cells = folder / "grades.csv", folder / "grade_cells.csv"
    grade_rows = [
        [r.student, r.notebook, _num(r.score), _num(r.max_score), r.status, f"{r.seconds:.1f}"]
        for r in results
    ]
    cell_rows = [
        [r.student, r.notebook, c.grade_id, _num(c.score), _num(c.max_score), c.outcome, c.repair]
        for r in results
        for c in r.cells
    ]
    run = json.dumps(
        {"course_version": course_version, "shard": shard, "students": sorted({r.student for r in results}),
         **(record or {})},
        indent=1,
    )
    for path, header, rows in ((grades, GRADE_COLUMNS, grade_rows), (cells, CELL_COLUMNS, cell_rows)):
        partial = path.with_suffix(".csv.partial")
        with partial.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(partial, path)  # a run stopped half-way never leaves half a table
    (folder / "run.json").write_text(run)
    return grades, cells


def read_tables(folder: Path) -> tuple[str, list[Result]]:
    """``(course version, results)`` from the tables ``write_tables`` wrote into ``folder``."""
    run = folder / "run.json"
    if not run.is_file():
        raise UsageError(f"{folder} holds no run.json: not the output folder of a grading run")
    version = json.loads(run.read_text())["course_version"]
    if not (folder / "grades.csv").is_file() or not (folder / "grade_cells.csv").is_file():
        raise UsageError(
            f"{folder} holds a run.json but not both grades.csv and grade_cells.csv: an interrupted "
            "run? Move it away or choose another OUT"
        )
    with (folder / "grades.csv").open(newline="") as handle:
        results = {
            (row["student"], row["notebook"]): Result(
                row["student"],
                row["notebook"],
                float(row["score"]),
                float(row["max_score"]),
                row["status"],
                float(row["seconds"]),
            )
            for row in csv.DictReader(handle)
        }
    with (folder / "grade_cells.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            results[(row["student"], row["notebook"])].cells.append(
                CellResult(
                    row["grade_id"],
                    float(row["score"]),
                    float(row["max_score"]),
                    row["outcome"],
                    row["repair"],
                )
            )
    return version, list(results.values())


def merge(shards: list[Path], target: Path, notebooks: list[str]) -> tuple[Path, Path]:
    """Combine the tables of ``shards`` into ``target``; refuses shards graded against
    different course versions (or the same student graded twice)."""
    if not shards:
        raise UsageError("merge needs at least one shard folder")
    versions, results, students, seen = {}, [], [], set()
    for folder in shards:
        version, rows = read_tables(folder)
        versions.setdefault(version, []).append(str(folder))
        for r in rows:
            students.append(r.student)
            if r.status == "missing":
                continue
            if (r.student, r.notebook) in seen:
                raise UsageError(
                    f"{r.student}'s {r.notebook} is graded in two shards: shards must not overlap"
                )
            seen.add((r.student, r.notebook))
            results.append(r)
    if len(versions) > 1:
        listing = "; ".join(f"{v}: {', '.join(folders)}" for v, folders in versions.items())
        raise UsageError(
            f"the shards were graded against different course versions ({listing}): "
            "grade every shard from the same commit"
        )
    order = notebooks + sorted({r.notebook for r in results} - set(notebooks))
    return write_tables(with_missing(results, students, order), target, next(iter(versions)), "merged")


def earlier_results(folder: Path, course_version: str) -> list[Result]:
    """The rows a previous run left in ``folder`` (none if it holds no run), so that a new run
    adds to them (its ``missing`` and refused students too: a student of any batch keeps a
    row); ``UsageError`` when they were computed against another course version, or the
    folder holds files of a run but no complete tables."""
    if not (folder / "run.json").exists():
        if (folder / "grades.csv").exists():
            raise UsageError(
                f"{folder} holds a grades.csv but no run.json: move it away or choose another OUT"
            )
        return []
    version, rows = read_tables(folder)
    if version != course_version:
        raise UsageError(
            f"{folder} holds grades computed against course version {version}, not this one "
            f"({course_version}): choose another OUT, or move that folder away to grade afresh"
        )
    return rows


def newest_first(new: list[Result], earlier: list[Result]) -> list[Result]:
    """``new`` plus the rows of ``earlier`` for a student and notebook ``new`` does not grade."""
    graded = {(r.student, r.notebook) for r in new}
    return new + [r for r in earlier if (r.student, r.notebook) not in graded]


def summary(results: list[Result]) -> str:
    """One line per student and notebook, with the tests lost and why."""
    width = max((len(r.student) for r in results), default=0)
    lines = []
    for r in results:
        lost = [f"{c.grade_id} ({c.outcome})" for c in r.cells if c.score < c.max_score]
        note = "" if r.status == "graded" else f"  [{r.status}]"
        lines.append(
            f"{r.notebook}  {r.student:<{width}}  {_num(r.score):>5} / {_num(r.max_score):<5}{note}"
            + (f"  lost: {', '.join(lost)}" if lost else "")
        )
    return "\n".join(lines)
