"""Start a grading kernel under limits, then become it (``exec``): run by the kernelspec
the grader writes, outside the sandbox, with the standard library only.

    python -I launch.py --group G --processes N --memory BYTES --cpu-seconds S --file-size BYTES
        [--connection FILE --inside FOLDER] -- COMMAND...

Joins the cgroup folders in ``G`` (``:``-separated; empty for none) and sets
``RLIMIT_NPROC``, ``RLIMIT_AS`` (memory plus room for the address space that libraries
reserve without using), ``RLIMIT_CPU`` and ``RLIMIT_FSIZE``.

With ``--connection`` the command is bubblewrap (``bwrap OPTIONS -- KERNEL...``): the
connection file ``FILE`` is copied beside itself as ``kernel-sandbox.json`` with its socket
paths as the sandbox sees them (its folder mounted at ``FOLDER``), bubblewrap reads its
options from a pipe (``--args``) and starts with an empty environment, so that neither its
command line nor its environment (the sandbox's first process, which the kernel can read)
holds anything of the grader's."""

import argparse
import json
import os
import resource
import sys

CONNECTION_FILE = "kernel-sandbox.json"


def _inside_connection(path: str, inside: str) -> None:
    """``kernel-sandbox.json`` beside the connection file ``path``: the same, with the folder
    of its unix sockets as the sandbox sees it."""
    with open(path) as handle:
        info = json.load(handle)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.dirname(info.get("ip", "")) == folder:
        info["ip"] = os.path.join(inside, os.path.basename(info["ip"]))
    target = os.path.join(folder, CONNECTION_FILE)
    with open(target, "w") as handle:
        json.dump(info, handle)


def _bubblewrap(command: list[str]) -> tuple[list[str], int]:
    """``bwrap --args FD -- KERNEL...`` with bubblewrap's options written into a pipe."""
    split = command.index("--")
    read, write = os.pipe()
    data = b"".join(arg.encode() + b"\0" for arg in command[1:split])
    if len(data) > 60_000:   # a pipe holds 64 KiB before a writer blocks
        raise SystemExit("launch.py: bubblewrap's options are too long for a pipe")
    os.write(write, data)
    os.close(write)
    os.set_inheritable(read, True)
    return [command[0], "--args", str(read), *command[split:]], read

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
    parser.add_argument("--connection", default="")
    parser.add_argument("--inside", default="")
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
    if args.connection:
        _inside_connection(args.connection, args.inside)
        command, _ = _bubblewrap(command)
        os.execve(command[0], command, {})
    os.execvp(command[0], command)


if __name__ == "__main__":
    sys.exit(main())
