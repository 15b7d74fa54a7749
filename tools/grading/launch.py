"""Start a grading kernel under limits, then become it (``exec``): run by the kernelspec
the grader writes, outside the sandbox, with the standard library only.

    python -I launch.py --group G --processes N --memory BYTES --cpu-seconds S --file-size BYTES -- COMMAND...

Joins the cgroup folders in ``G`` (``:``-separated; empty for none) and sets
``RLIMIT_NPROC``, ``RLIMIT_AS`` (memory plus room for the address space that libraries
reserve without using), ``RLIMIT_CPU`` and ``RLIMIT_FSIZE``."""

import argparse
import os
import resource
import sys

ADDRESS_SPACE_ROOM = 4 << 30  # torch and BLAS reserve address space they never touch


def _processes_of_this_user() -> int:
    """Processes (and threads) this user already runs: ``RLIMIT_NPROC`` counts them all,
    so the cap is set that far above them (root is not bound by it at all)."""
    uid, count = os.getuid(), 0
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and os.stat(f"/proc/{entry}").st_uid == uid:
                count += len(os.listdir(f"/proc/{entry}/task"))
        except OSError:
            continue
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--group", default="")
    for name in ("--processes", "--memory", "--cpu-seconds", "--file-size"):
        parser.add_argument(name, type=int, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    for folder in filter(None, args.group.split(":")):
        with open(os.path.join(folder, "cgroup.procs"), "w") as handle:
            handle.write(str(os.getpid()))
    for limit, value in (
        (resource.RLIMIT_NPROC, args.processes + _processes_of_this_user()),
        (resource.RLIMIT_AS, args.memory + ADDRESS_SPACE_ROOM),
        (resource.RLIMIT_CPU, args.cpu_seconds),
        (resource.RLIMIT_FSIZE, args.file_size),
    ):
        resource.setrlimit(limit, (value, value))
    os.execvp(command[0], command)


if __name__ == "__main__":
    sys.exit(main())
