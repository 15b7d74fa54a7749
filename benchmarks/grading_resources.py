"""What grading a class holds while it runs, and what it leaves: processes, memory.

A class of ``--students`` (default 50) hands in notebook 01 (half the instructor version,
half untouched stubs) and is graded with ``--jobs`` workers (default 2) as ``make grade``
grades it. Every 0.2 s the grading run's processes (the command, its workers, every
process of every sandbox) and their resident memory are counted, and the machine's
available memory read. Prints ``name: value`` lines:

    submissions: 50
    seconds_per_submission: S
    peak_processes: P            (at one moment)
    peak_resident_mb: M          (the run's processes together)
    processes_left_after: 0
    mem_available_before_mb / mem_available_min_mb / mem_available_after_mb

Run: ``python benchmarks/grading_resources.py [--students 50] [--jobs 2]``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

from flags import positive_int  # noqa: E402
from grading_throughput import ROOT, grade_seconds, make_class

from tools.grading.usage import grading_processes, run_markers


def mem_available_mb() -> float:
    line = next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemAvailable"))
    return int(line.split()[1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=positive_int, default=50)
    parser.add_argument("--jobs", type=positive_int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp) / "class", Path(tmp) / "out"
        # the run's scratch folder: its own (to tell its processes apart) and short (sockets live there)
        os.environ["TMPDIR"] = scratch = tempfile.mkdtemp(prefix="gr-", dir="/tmp")
        n = make_class(folder, args.students, ("01_backprop_recap",))
        samples, free, done, seen = [], [], threading.Event(), set()

        def sample():
            while not done.is_set():
                seen.update(run_markers(scratch))
                samples.append(grading_processes(*seen, str(out)))
                free.append(mem_available_mb())
                time.sleep(0.2)

        before = mem_available_mb()
        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            seconds = grade_seconds(folder, args.jobs, out)
        finally:
            done.set()
            sampler.join()
        time.sleep(1)
        left, _ = grading_processes(*seen, str(out))
    print(f"# root: {ROOT}")
    print(f"submissions: {n}")
    print(f"seconds_per_submission_jobs{args.jobs}: {seconds / n:.2f}")
    print(f"peak_processes: {max(c for c, _ in samples)}")
    print(f"peak_resident_mb: {max(r for _, r in samples) / 1024:.0f}")
    print(f"processes_left_after: {left}")
    print(f"mem_available_before_mb: {before:.0f}")
    print(f"mem_available_min_mb: {min(free):.0f}")
    print(f"mem_available_after_mb: {mem_available_mb():.0f}")


if __name__ == "__main__":
    main()
