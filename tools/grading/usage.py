"""What a grading run holds at one moment: its processes and their resident memory, for the
scale test and the resource benchmark (``benchmarks/grading_resources.py``)."""

from __future__ import annotations

import json
from pathlib import Path


def run_label(out: Path) -> str:
    """The name of the grading run that wrote the tables in ``out`` (its ``run.json``)."""
    return json.loads((Path(out) / "run.json").read_text())["label"]


def run_markers(scratch: str, label: str = "") -> set[str]:
    """What the command lines of the grading runs whose scratch folders go under ``scratch``
    hold: ``grader-run=<name>`` for every run folder there now (the sandboxed kernels' command
    lines name no host path, only their run), and for the finished run ``label``."""
    names = {path.name for path in Path(scratch).glob("rnn-grade-*")} | ({label} if label else set())
    return {f"grader-run={name}" for name in names}


def grading_processes(*markers: str) -> tuple[int, int]:
    """``(processes, resident kB)`` of the processes whose command line contains one of
    ``markers``: a run's name (``run_markers``: every kernel's command line holds it), its
    output folder (the grading command and its workers), a test's daemon."""
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
