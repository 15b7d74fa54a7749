"""What a grading run holds at one moment: its processes and their resident memory, for the
scale test and the resource benchmark (``benchmarks/grading_resources.py``)."""

from __future__ import annotations

from pathlib import Path


def scratch_folder(grade_output: str) -> str:
    """The scratch folder a ``grade`` command's output names (``scratch folder (removed): ...``)."""
    return next(
        line.split(": ", 1)[1]
        for line in grade_output.splitlines()
        if line.startswith("scratch folder (removed): ")
    )


def grading_processes(*markers: str) -> tuple[int, int]:
    """``(processes, resident kB)`` of the processes whose command line contains one of
    ``markers``: a run's scratch folder (every kernel's command line names it), its output
    folder (the grading command and its workers), a test's daemon."""
    count, rss = 0, 0
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if any(marker in command for marker in markers):
                status = (entry / "status").read_text().splitlines()
                count += 1
                rss += int(next((line.split()[1] for line in status if line.startswith("VmRSS")), 0))
        except (OSError, ValueError):
            continue
    return count, rss
