"""Per-submission cgroups, where the machine lets the grader create them (cgroup v2, or the
``pids`` and ``memory`` hierarchies of cgroup v1): a cap on processes and memory that
counts every process of the sandbox, and a way to kill them all at once.

``create`` returns a group string (the cgroup folders, ``:``-separated; ``""`` when no
cgroup could be made, so that only the launcher's rlimits apply) for the launcher, which
moves the kernel into it before it starts; ``kill_and_remove`` ends it."""

from __future__ import annotations

import os
import signal
import time
import uuid
from pathlib import Path

MOUNT = Path("/sys/fs/cgroup")
KILL_WAIT = 5.0  # seconds to wait for killed processes to leave their cgroup


def _own(controller: str) -> Path | None:
    """This process's cgroup folder for ``controller`` (``""``: the v2 unified one)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if (controller == "" and names == "") or controller in names.split(","):
            base = MOUNT if controller == "" else MOUNT / controller
            for candidate in (base / path.lstrip("/"), base):
                if (candidate / "cgroup.procs").exists():
                    return candidate
    return None


def _make(parent: Path, limits: dict[str, int], label: str) -> Path | None:
    """A new child ``<label>-<random>`` of ``parent`` with ``limits`` written (file name ->
    value), or ``None``."""
    folder = parent / f"{label}-{uuid.uuid4().hex[:12]}"
    try:
        folder.mkdir()
        for name, value in limits.items():
            (folder / name).write_text(str(value))
    except OSError:
        remove(folder)
        return None
    return folder


def create(processes: int, memory: int, label: str) -> str:
    """A fresh cgroup (or a pair, under v1) capping ``processes`` and ``memory`` bytes,
    named after ``label`` (the grading run's scratch folder)."""
    unified = _own("")
    if unified is not None and (MOUNT / "cgroup.controllers").exists():
        folder = _make(unified, {"pids.max": processes, "memory.max": memory, "memory.swap.max": 0}, label)
        if folder is not None:
            return str(folder)
    folders = []
    for controller, limits in (
        ("pids", {"pids.max": processes}),
        ("memory", {"memory.limit_in_bytes": memory}),
    ):
        parent = _own(controller)
        folder = _make(parent, limits, label) if parent is not None else None
        if folder is not None:
            folders.append(str(folder))
    return ":".join(folders)


def members(group: str) -> set[int]:
    """Process ids in ``group``."""
    found = set()
    for folder in filter(None, group.split(":")):
        try:
            found |= {int(pid) for pid in Path(folder, "cgroup.procs").read_text().split()}
        except OSError:
            continue
    return found


def remove(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def kill_and_remove(group: str) -> None:
    """SIGKILL every process of ``group``, wait for them to go, remove the cgroup(s)."""
    deadline = time.monotonic() + KILL_WAIT
    while (pids := members(group)) and time.monotonic() < deadline:
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.05)
    for folder in filter(None, group.split(":")):
        remove(Path(folder))


def peak(group: str) -> dict[str, int]:
    """The group's peak process count and memory in bytes, where the kernel reports them."""
    found = {}
    for folder in map(Path, filter(None, group.split(":"))):
        for key, name in (
            ("processes", "pids.peak"),
            ("memory", "memory.peak"),
            ("memory", "memory.max_usage_in_bytes"),
        ):
            try:
                found[key] = int((folder / name).read_text())
            except (OSError, ValueError):
                continue
    return found
