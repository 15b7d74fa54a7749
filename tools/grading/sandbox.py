"""The disposable sandbox every submission's kernel runs in: bubblewrap (``bwrap``, the
tool Flatpak uses; Debian package ``bubblewrap``).

Inside, the whole file system is read-only; the course's notebooks (with their solutions
and hidden tests), the submissions folder, the grading and output folders, the release
folder and the run's scratch area (every other submission's scratch folder) are replaced by
empty folders; the only writable place is the submission's own scratch folder (``TMPDIR``
points into it); the network, process ids, IPC and the user are unshared, so
the kernel cannot reach the grader, other kernels or the outside world; the environment is
cleared but for a short list. The grader talks to the kernel through unix sockets in the
scratch folder and computes every grade outside, from what the kernel sends back.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

TOOL = "bwrap"
# environment variables passed into the sandbox (everything else is cleared)
PASSED_ENV = ("PATH", "LANG", "LC_ALL", "RNN_COURSE_DATA_MIRROR", "RNN_COURSE_DATA_DIR")
KERNEL_NAME = "course-grading"


class SandboxUnavailable(RuntimeError):
    """No working sandbox tool on this machine."""


@functools.cache
def problem() -> str | None:
    """``None`` when bubblewrap is installed and works here, else what is wrong."""
    tool = shutil.which(TOOL)
    if tool is None:
        return ("bubblewrap (bwrap) is not installed: install it (Debian/Ubuntu: "
                "`sudo apt-get install bubblewrap`; Fedora: `sudo dnf install bubblewrap`)")
    probe = subprocess.run([tool, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev",
                            "--proc", "/proc", "--", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"bubblewrap is installed but cannot create a sandbox here: {probe.stderr.strip()}"
    return None


def command(argv: list[str], scratch: Path, hidden: list[Path], writable_empty: list[Path],
            env: dict[str, str]) -> list[str]:
    """``argv`` wrapped in bubblewrap: read-only root, ``hidden`` folders emptied,
    ``writable_empty`` folders replaced by empty writable ones, ``scratch`` writable, the
    environment cleared and set to ``env`` (plus ``PASSED_ENV`` from ours)."""
    args = [shutil.which(TOOL) or TOOL, "--unshare-all", "--uid", "1000", "--gid", "1000", "--die-with-parent",
            "--new-session",
            "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for folder in hidden + writable_empty:
        if folder.exists():
            args += ["--tmpfs", str(folder)]
    args += ["--bind", str(scratch), str(scratch), "--chdir", str(scratch), "--clearenv"]
    for name in PASSED_ENV:
        if name in os.environ:
            args += ["--setenv", name, os.environ[name]]
    for name, value in env.items():
        args += ["--setenv", name, value]
    return args + ["--", *argv]


def kernel_spec(spec_dir: Path, scratch: Path, hidden: list[Path], writable_empty: list[Path],
                env: dict[str, str], sandboxed: bool = True) -> Path:
    """Write a Jupyter kernelspec ``KERNEL_NAME`` into ``spec_dir`` whose kernel runs this
    Python's ipykernel in the sandbox (or, ``sandboxed=False``, without one); returns the
    folder that holds it (for a ``KernelSpecManager``)."""
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
              "--IPKernelApp.log_level=ERROR"]
    argv = command(kernel, scratch, hidden, writable_empty, env) if sandboxed else kernel
    folder = spec_dir / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": argv, "display_name": "course grading", "language": "python"}
    if not sandboxed:
        spec["env"] = env
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1))
    return spec_dir
