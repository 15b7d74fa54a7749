"""Grading throughput: submissions graded per minute with 1 worker and with N workers.

A generated class of ``--students`` students (default 20) hands in notebooks 01 to 04:
even-numbered students the instructor version (every answer right), odd-numbered ones the
untouched student version (every answer a stub), so both the passing and the failing path
are timed. The class is graded with ``python -m tools.grading grade`` exactly as ``make
grade`` runs it (sandboxed, the notebooks' grading budgets), once with ``--jobs 1`` and
once with ``--jobs N`` (default: the number of cores), ``--repeats`` times each, and the
median wall time of each is reported. Every run's grades are checked (full marks for the
instructor versions, none for the stubs): a broken grader cannot look fast. Prints ``name: value`` lines:

    submissions_per_minute_jobs1: A
    submissions_per_minute_jobsN: B
    speedup: B / A

Run: ``python benchmarks/grading_throughput.py [--students 20] [--jobs 2] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from flags import positive_int  # noqa: E402

from helpers.notebook import exercises as cells  # noqa: E402

NOTEBOOKS = ("01_backprop_recap", "02_softmax", "03_simple_recurrent_network",
             "04_backpropagation_through_time")


def make_class(folder: Path, students: int, notebooks: tuple[str, ...] = NOTEBOOKS) -> int:
    """Write the class; returns the number of submissions."""
    for name in notebooks:
        course = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        untouched = nbformat.from_dict(nbformat.reads(nbformat.writes(course), as_version=4))
        for cell in untouched.cells:
            if cells.is_answer(cell):
                cell.source = cells.unanswered(cell.source)
        for k in range(students):
            target = folder / f"student{k:03d}" / f"{name}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(course if k % 2 == 0 else untouched, target)
    return students * len(notebooks)


def grade_seconds(folder: Path, jobs: int, out: Path) -> float:
    """Seconds ``make grade`` takes on ``folder`` (the grades checked)."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "tools.grading", "grade", str(folder), "--jobs", str(jobs),
                           "--timeout", "120", "--out", str(out)], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"grading failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    with (out / "grades.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            full = int(row["student"][len("student"):]) % 2 == 0
            if row["score"] != (row["max_score"] if full else "0") or "error" in row["status"]:
                raise SystemExit(f"a wrong grade, so the timing means nothing: {row}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=positive_int, default=20)
    parser.add_argument("--jobs", type=positive_int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=positive_int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        n = make_class(folder, args.students)
        rates = {}
        for jobs in (1, args.jobs):
            times = [grade_seconds(folder, jobs, Path(tmp) / f"out{jobs}") for _ in range(args.repeats)]
            rates[jobs] = 60 * n / statistics.median(times)
            print(f"# jobs {jobs}: {n} submissions in {', '.join(f'{t:.0f}' for t in times)} s", flush=True)
    print(f"submissions: {n}")
    print(f"submissions_per_minute_jobs1: {rates[1]:.1f}")
    print(f"submissions_per_minute_jobs{args.jobs}: {rates[args.jobs]:.1f}")
    print(f"speedup: {rates[args.jobs] / rates[1]:.2f}")


if __name__ == "__main__":
    main()
