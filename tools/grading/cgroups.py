"""Per-submission cgroups, where the machine lets the grader create them: a cap on processes
and memory that counts every process of the sandbox, and a way to kill them all at once.

cgroup v2 (most current Linux distributions) comes first: a child of the grader's own
cgroup, after the ``pids`` and ``memory`` controllers are enabled for its children where they
are not yet (``cgroup.subtree_control``); else the ``pids`` and ``memory`` hierarchies of
cgroup v1. ``create`` returns a group string (the cgroup folders, ``:``-separated; ``""``
when no cgroup could be made) for the launcher, which moves the kernel into it before it
starts; ``kill_and_remove`` ends it; ``problem`` says, once per machine, what cannot be
capped here (the grader prints it and writes it into the run's notes: then only the
launcher's rlimits apply, and ``RLIMIT_AS`` lets an allocation through up to the memory
limit plus the address-space room that torch needs)."""

from __future__ import annotations

import functools
import os
import signal
import time
import uuid
from pathlib import Path

KILL_WAIT = 5.0  # seconds to wait for killed processes to leave their cgroup
CONTROLLERS = ("pids", "memory")


def _mounts() -> list[tuple[Path, str, set[str]]]:
    """(mount point, ``cgroup2`` or ``cgroup``, options) of every cgroup file system."""
    found = []
    try:
        lines = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        parts = line.split()
        if len(parts) >= 4 and parts[2] in ("cgroup", "cgroup2"):
            found.append((Path(parts[1]), parts[2], set(parts[3].split(","))))
    return found


def _own(controller: str) -> Path | None:
    """This process's cgroup folder for ``controller`` (``""``: the v2 unified one)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if (controller == "" and names == "") or controller in names.split(","):
            for base, kind, options in _mounts():
                if (kind == "cgroup2") != (controller == "") or (controller and controller not in options):
                    continue
                for candidate in (base / path.lstrip("/"), base):
                    if (candidate / "cgroup.procs").exists():
                        return candidate
    return None


def enable(parent: Path, controllers=CONTROLLERS) -> set[str]:
    """Enable ``controllers`` for the children of the v2 cgroup ``parent`` where the kernel
    offers them; returns those enabled now."""

    def listed(name: str) -> set[str]:
        try:
            return set((parent / name).read_text().split())
        except OSError:
            return set()

    missing = [
        c
        for c in controllers
        if c not in listed("cgroup.subtree_control") and c in listed("cgroup.controllers")
    ]
    for controller in missing:
        try:
            (parent / "cgroup.subtree_control").write_text(f"+{controller}")
        except OSError:  # busy (processes in the parent) or not delegated to us
            continue
    return listed("cgroup.subtree_control") & set(controllers)


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


def create_v2(parent: Path, processes: int, memory: int, label: str) -> str | None:
    """A child of the v2 cgroup ``parent`` capping ``processes`` and ``memory`` bytes, or
    ``None`` when the controllers cannot be enabled there."""
    if enable(parent) != set(CONTROLLERS):
        return None
    limits = {"pids.max": processes, "memory.max": memory}
    folder = _make(parent, limits, label)
    if folder is not None and (folder / "memory.swap.max").exists():
        try:
            (folder / "memory.swap.max").write_text("0")
        except OSError:
            pass
    return None if folder is None else str(folder)


def create(processes: int, memory: int, label: str) -> str:
    """A fresh cgroup (or a pair, under v1) capping ``processes`` and ``memory`` bytes,
    named after ``label`` (the grading run's scratch folder)."""
    unified = _own("")
    if unified is not None:
        folder = create_v2(unified, processes, memory, label)
        if folder is not None:
            return folder
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


@functools.cache
def problem() -> str | None:
    """``None`` when this machine gives each kernel a cgroup capping processes and memory,
    else what cannot be capped and what applies instead."""
    group = create(64, 1 << 30, f"probe-{os.getpid()}")
    files = {name for folder in filter(None, group.split(":")) for name in os.listdir(folder)}
    kill_and_remove(group)
    missing = [
        kind
        for kind, names in (("processes", {"pids.max"}), ("memory", {"memory.max", "memory.limit_in_bytes"}))
        if not files & names
    ]
    if not missing:
        return None
    return (
        f"no cgroup caps the kernels' {' and '.join(missing)} here (cgroup v2 without the pids and memory "
        "controllers delegated, and cgroup v1's hierarchies not writable): only rlimits apply, which do not "
        "bind root's processes and let an allocation through up to the memory limit plus the address space "
        "torch reserves; run the grader as root, or in a delegated cgroup "
        "(systemd-run --user --scope -p Delegate=yes ...)"
    )


def sweep(label: str) -> None:
    """Kill and remove every cgroup a grading run named ``label`` left (after an interrupt)."""
    parents = {p for p in (_own(""), *(_own(c) for c in CONTROLLERS)) if p is not None}
    for parent in parents:
        for folder in parent.glob(f"{label}-*"):
            kill_and_remove(str(folder))


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
