"""The disposable sandbox every kernel of a submission runs in: bubblewrap (``bwrap``, the
tool Flatpak uses; Debian package ``bubblewrap``), under per-submission limits.

The sandbox's file system starts **empty**. Mounted into it, read-only, is only what a
kernel needs: the system's ``/usr`` (libraries, fonts), the Python installation and the
course's environment (``.venv``), ``helpers/``, the verified data, and the grader's
in-kernel module (``tools/grading/in_kernel``). The kernel's working folder (its home, and
``TMPDIR`` inside it) is a private tmpfs with a size cap; everything else is read-only; the
only host folder it can write is its own scratch folder, which holds the connection file
and the unix sockets the grader talks through. Nothing else of the disk is there: no
``.git``, no ``notebooks/``, no other submission, no earlier run, no home folder. Network,
process ids, IPC and the user are unshared. ``helpers`` is imported from the grader's own
repository (``PYTHONPATH``), whatever repository the environment was installed from.

Nothing of the grader's machine shows through ``/proc``: the sandbox's first process
(bubblewrap's) starts with an empty environment and reads its options from a pipe
(``--args``), the kernel's environment is only what it needs (``sandbox_env``), and every
folder the grader binds in is mounted at a fixed place of its own (``/opt/venv``,
``/opt/course``, ``/run/grader``, ...), so no host path appears in any command line or
environment a submission can read.

Limits (``Limits``): the kernel is started by ``tools/grading/launch.py``, which puts it in
a fresh cgroup where the machine lets us create one (``pids.max`` for processes,
``memory.max`` / ``memory.limit_in_bytes`` for memory; cgroups count every process of the
sandbox and can kill them all) and always sets rlimits (``RLIMIT_NPROC``, ``RLIMIT_AS``,
``RLIMIT_CPU``, ``RLIMIT_FSIZE``; ``RLIMIT_NPROC`` does not bind a grader that runs as root,
which is why the cgroup comes first). The grader ends a kernel by killing its cgroup (or
its process group): bubblewrap's process-id namespace then takes every process in it down.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from helpers.data import files
from tools.grading.config import HELPERS, IN_KERNEL

TOOL = "bwrap"
# environment variables passed into the sandbox (everything else is cleared)
PASSED_ENV = ("LANG", "LC_ALL")
KERNEL_NAME = "course-grading"
SANDBOX_UID = 1000  # the unprivileged user the kernel runs as inside the sandbox
HOME = "/home/student"  # the kernel's private, size-capped working folder
IN_KERNEL_MOUNT = "/opt/course-grading"
VENV_MOUNT = "/opt/venv"  # the course's environment, when it is a virtual environment
COURSE_MOUNT = "/opt/course"  # helpers/ lands at /opt/course/helpers
CACHE_MOUNT = "/opt/course/data"  # the data cache (where helpers looks by default)
MIRROR_MOUNT = "/opt/course-data-mirror"
SCRATCH_MOUNT = "/run/grader"  # the kernel's own scratch folder: connection file, sockets, requests
SHARED_MOUNT = "/run/shared"  # what the grader shares with a kernel (the verdict's call channel)
CONNECTION_FILE = "kernel-sandbox.json"  # the connection file as the kernel inside reads it
LAUNCHER = Path(__file__).resolve().parent / "launch.py"


@dataclass(frozen=True)
class Limits:
    """Per-kernel limits: processes (threads count too), memory in bytes, CPU seconds,
    bytes of the private tmpfs, and of the largest file written anywhere."""

    processes: int = 256
    memory: int = 3 << 30
    cpu_seconds: int = 3600
    scratch: int = 512 << 20
    file_size: int = 64 << 20


@functools.cache
def problem() -> str | None:
    """``None`` when bubblewrap is installed and works here, else what is wrong."""
    tool = shutil.which(TOOL)
    if tool is None:
        return (
            "bubblewrap (bwrap) is not installed: install it (Debian/Ubuntu: "
            "`sudo apt-get install bubblewrap`; Fedora: `sudo dnf install bubblewrap`)"
        )
    probe = subprocess.run(
        [tool, *_root_mounts(), "--unshare-all", "--die-with-parent", "--", python(), "-c", "pass"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        return f"bubblewrap is installed but cannot create a sandbox here: {probe.stderr.strip()}"
    return None


def _read_only(path: Path) -> list[str]:
    """Mount ``path`` read-only at the same place (a symlink stays a symlink)."""
    if path.is_symlink():
        return ["--symlink", os.readlink(path), str(path)]
    return ["--ro-bind", str(path), str(path)] if path.exists() else []


def _root_mounts() -> list[str]:
    """The system and Python installation a kernel needs, read-only, on an empty root."""
    args = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        args += _read_only(Path(top))
    for path in ("/etc/ld.so.cache", "/etc/localtime", "/etc/fonts", "/etc/ssl/certs"):
        args += _read_only(Path(path))
    if not sys.base_prefix.startswith("/usr/"):
        args += ["--ro-bind", sys.base_prefix, sys.base_prefix]
    if sys.prefix != sys.base_prefix:
        args += ["--ro-bind", sys.prefix, VENV_MOUNT]
    return args + ["--proc", "/proc", "--dev", "/dev"]


def python() -> str:
    """This Python as the sandbox sees it."""
    if sys.prefix != sys.base_prefix and Path(sys.executable).is_relative_to(sys.prefix):
        return str(Path(VENV_MOUNT) / Path(sys.executable).relative_to(sys.prefix))
    return sys.executable


def data_folders() -> dict[str, tuple[Path, str]]:
    """The folders the course's data loader reads, by the variable that names them inside:
    host folder and where it is mounted."""
    found = {files.CACHE_ENV: (files.cache_dir(), CACHE_MOUNT)}
    if files.mirror_dir() is not None:
        found[files.MIRROR_ENV] = (files.mirror_dir(), MIRROR_MOUNT)
    return {name: (folder.resolve(), inside) for name, (folder, inside) in found.items() if folder.is_dir()}


def command(
    argv: list[str], scratch: Path, env: dict[str, str], limits: Limits, shared: Path | None = None
) -> list[str]:
    """``argv`` in bubblewrap on an empty root (see the module's doc); ``scratch`` is the
    only writable host folder (at ``SCRATCH_MOUNT``), ``shared`` a folder it may read (at
    ``SHARED_MOUNT``), ``env`` the whole environment (plus ``PASSED_ENV``)."""
    # the writable tmpfs first: what is mounted later lands on top of it
    args = [
        shutil.which(TOOL) or TOOL,
        "--unshare-all",
        "--uid",
        str(SANDBOX_UID),
        "--gid",
        str(SANDBOX_UID),
        "--die-with-parent",
        "--new-session",
        "--size",
        str(limits.scratch),
        "--tmpfs",
        HOME,
        "--dir",
        f"{HOME}/.tmp",
        *_root_mounts(),
    ]
    mounts = [(HELPERS, f"{COURSE_MOUNT}/helpers"), *data_folders().values(), (IN_KERNEL, IN_KERNEL_MOUNT)]
    if shared is not None:
        mounts.append((shared, SHARED_MOUNT))
    for folder, inside in mounts:
        args += ["--ro-bind", str(folder), inside]
    args += ["--bind", str(scratch), SCRATCH_MOUNT, "--remount-ro", "/", "--chdir", HOME, "--clearenv"]
    for name in PASSED_ENV:
        if name in os.environ:
            args += ["--setenv", name, os.environ[name]]
    for name, value in env.items():
        args += ["--setenv", name, value]
    return args + ["--", *argv]


def sandbox_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` plus what every sandboxed kernel needs (its home, temporary folder, path)."""
    return {
        "PATH": f"{Path(python()).parent}:/usr/bin:/bin",
        "HOME": HOME,
        "TMPDIR": f"{HOME}/.tmp",
        "MPLCONFIGDIR": f"{HOME}/.matplotlib",
        "JUPYTER_RUNTIME_DIR": f"{HOME}/.runtime",
        "PYTHONPATH": f"{IN_KERNEL_MOUNT}:{COURSE_MOUNT}",
        "RNN_COURSE_OUTPUTS": f"{HOME}/outputs",
        **{name: inside for name, (_, inside) in data_folders().items()},
        **env,
    }


def kernel_spec(
    spec_dir: Path,
    scratch: Path,
    env: dict[str, str],
    limits: Limits,
    group: str,
    sandboxed: bool = True,
    shared: Path | None = None,
    label: str = "",
) -> Path:
    """Write a Jupyter kernelspec ``KERNEL_NAME`` into ``spec_dir`` whose kernel runs this
    Python's ipykernel in the sandbox (or, ``sandboxed=False``, without one), started by
    the launcher in cgroup ``group`` with ``limits``; returns the folder that holds it.
    In the sandbox the kernel reads a copy of its connection file that the launcher writes
    with the paths as the sandbox sees them. ``label`` (the grading run's name, no path) is
    written into the kernel's command line (``python -X grader-run=LABEL``, which Python
    ignores) so that the run's processes can be told apart from the host."""
    connection = f"{SCRATCH_MOUNT}/{CONNECTION_FILE}" if sandboxed else "{connection_file}"
    kernel = [
        python() if sandboxed else sys.executable,
        *(["-X", f"grader-run={label}"] if label else []),
        "-m",
        "ipykernel_launcher",
        "-f",
        connection,
        "--IPKernelApp.log_level=ERROR",
    ]
    launch = [
        sys.executable,
        "-I",
        str(LAUNCHER),
        "--group",
        group,
        "--processes",
        str(limits.processes),
        "--memory",
        str(limits.memory),
        "--cpu-seconds",
        str(limits.cpu_seconds),
        "--file-size",
        str(limits.file_size),
        *(["--connection", "{connection_file}", "--inside", SCRATCH_MOUNT] if sandboxed else []),
        "--",
    ]
    folder = spec_dir / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    if sandboxed:
        spec = {"argv": launch + command(kernel, scratch, sandbox_env(env), limits, shared)}
    else:
        spec = {
            "argv": launch + kernel,
            "env": dict(
                env, PYTHONPATH=f"{IN_KERNEL}:{HELPERS.parent}", RNN_COURSE_OUTPUTS=str(scratch / "outputs")
            ),
        }
    spec.update(display_name="course grading", language="python")
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1))
    return spec_dir
