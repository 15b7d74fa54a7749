"""What a grading run holds at one moment: its processes and their resident memory, for the
scale test and the resource benchmark (``benchmarks/grading_resources.py``)."""

from __future__ import annotations

from pathlib import Path

SCRATCH_PREFIX = "rnn-grade-"   # every kernel's command line names its scratch folder, which starts so


def grading_processes(*markers: str) -> tuple[int, int]:
    """``(processes, resident kB)`` of the processes whose command line names a grading
    scratch folder or contains one of ``markers`` (the grading command's own arguments,
    a test's daemon)."""
    count, rss = 0, 0
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if SCRATCH_PREFIX in command or any(marker in command for marker in markers):
                status = (entry / "status").read_text().splitlines()
                count += 1
                rss += int(next((line.split()[1] for line in status if line.startswith("VmRSS")), 0))
        except (OSError, ValueError):
            continue
    return count, rss
