"""The grading kernels: sandboxed, run cell by cell, restarted when they hang or die, and the
channel through which the verdict kernel's tests call the student's functions.

A ``Runner`` runs one notebook in one sandboxed kernel at a time: a cell still running after
its timeout is stopped by killing the kernel's whole sandbox (interrupts can be ignored by
the code, a kill cannot); the kernel is restarted and the cells that had run are run again
(outputs discarded), so the tests that had passed keep their points. At most
``MAX_RESTARTS`` restarts, a deadline for the whole submission (a timer kills the sandbox
when it comes, whatever it is doing), ``Settings.output_limit`` characters of output kept per
cell. Every kernel is killed, with every process in its sandbox, when its run ends.

A ``CallServer`` listens on a unix socket in the verdict kernel's folder. Each call a test
makes of a student's function arrives there as plain data; the server has the student's
kernel evaluate ``graded_calls.serve`` on it (a user expression: the shell's input and AST
transformers never see it) together with ``graded_calls.integrity``, and sends back what came
of the call. The student's kernel thus sees the arguments of the calls and nothing else of
a test. A call that hangs or kills the student's kernel fails that test only: the kernel is
restarted after the test cell, with the cells before it run again.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import json
import os
import queue
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import nbformat
from jupyter_client import AsyncKernelManager, BlockingKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from tools.grading import cgroups, sandbox
from tools.grading.config import GRADING_ENV, MAX_RESTARTS, Settings
from tools.grading.in_kernel.graded_calls import receive_message, send_message

SOCKET_FOLDER_LIMIT = 16 << 20  # bytes a kernel may write into the one host folder it sees
GRADER_TAG = "grader"  # cells and notes the grader adds (removed before feedback)
INTEGRITY = "__import__('graded_calls').integrity()"
DRAIN_SECONDS = 5.0  # how long to wait for a served call's printed output to arrive


class CappedClient(NotebookClient):
    """nbclient that keeps at most ``output_limit`` characters of output per cell (errors
    always kept: they decide the grade)."""

    def __init__(self, *args, output_limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.output_limit, self.sizes, self.dropped = output_limit, {}, {}

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] != "error":
            content = msg.get("content", {})
            size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
            self.sizes[cell_index] = self.sizes.get(cell_index, 0) + size
            if self.sizes[cell_index] > self.output_limit:
                self.dropped[cell_index] = self.dropped.get(cell_index, 0) + size
                return None
        return super().output(outs, msg, display_id, cell_index)


def _kernel_env(settings: Settings) -> dict[str, str]:
    # kernels side by side share the cores: one thread each (two 2-thread torch kernels on 2 cores
    # slow each other down many times over)
    threads = str(max(1, (os.cpu_count() or 1) // max(1, settings.jobs)))
    return dict(
        GRADING_ENV,
        RNN_COURSE_THREADS=threads,
        OMP_NUM_THREADS=threads,
        MKL_NUM_THREADS=threads,
        OPENBLAS_NUM_THREADS=threads,
    )


def _folder_bytes(folder: Path) -> int:
    """Bytes in the files under ``folder``."""
    total = 0
    for top, _, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(top, name)).st_size
            except OSError:
                continue
    return total


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def note(cell, text: str) -> None:
    """A line from the grader under ``cell``'s outputs, remembered in its metadata too (the
    student's code can print anything, but cannot write there)."""
    line = f"\n[grader: {text}]\n"
    cell.setdefault("outputs", []).append(nbformat.v4.new_output("stream", name="stderr", text=line))
    cell.metadata.setdefault(GRADER_TAG, []).append(line)


class _Kernel:
    """One sandboxed kernel: its cgroup, its kernel manager, a watchdog that kills it at
    ``deadline`` or when its socket folder outgrows ``SOCKET_FOLDER_LIMIT``, and ``end``,
    which kills every process of its sandbox.

    Each start gets a fresh folder of random name under ``scratch`` (which the sandbox does
    not see): the kernelspec there, and one subfolder, ``s``, bound into the sandbox for
    the connection file, the sockets and the grader's requests. Nothing a kernel planted (a
    symlink, say) is ever written through: the next start uses new folders."""

    def __init__(self, scratch: Path, settings: Settings, deadline: float, shared: Path | None):
        limits = sandbox.Limits(
            processes=settings.processes,
            memory=settings.memory_mb << 20,
            cpu_seconds=settings.notebook_limit * 4,
        )
        home = Path(tempfile.mkdtemp(prefix="k-", dir=scratch))
        self.sockets = home / "s"
        self.sockets.mkdir()
        self.group = cgroups.create(limits.processes, limits.memory, scratch.parent.name)
        self.sandboxed = not settings.unsafe
        spec_dir = sandbox.kernel_spec(
            home / "spec",
            self.sockets,
            _kernel_env(settings),
            limits,
            self.group,
            sandboxed=not settings.unsafe,
            shared=shared,
            label=scratch.parent.name,
        )
        self.km = AsyncKernelManager(
            kernel_name=sandbox.KERNEL_NAME,
            transport="ipc",
            ip=str(self.sockets / "k"),
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec_dir)]),
        )
        self.km.connection_file = str(self.sockets / "kernel.json")
        self.stop = threading.Event()
        self.watchdog = threading.Thread(target=self._watch, args=(deadline,), daemon=True)
        self.watchdog.start()

    def _watch(self, deadline: float) -> None:
        while not self.stop.wait(0.5):
            if time.monotonic() > deadline or _folder_bytes(self.sockets) > SOCKET_FOLDER_LIMIT:
                self.kill()
                return

    def _process(self):
        return getattr(self.km.provisioner, "process", None) if self.km.provisioner else None

    def alive(self) -> bool:
        process = self._process()
        return process is not None and process.poll() is None

    def strays(self) -> list[int]:
        """Processes of the sandbox other than the kernel (and, sandboxed, bubblewrap's two
        above it): what the student's code started and left running."""
        process = self._process()
        members = cgroups.members(self.group)
        if process is None or not members:
            return []
        core = {process.pid}
        for _ in range(2 if self.sandboxed else 0):   # bwrap -> its init -> the kernel
            core |= {pid for pid in members if _parent(pid) in core}
        return sorted(members - core)

    def kill(self) -> None:
        """SIGKILL the kernel's process group and every process of its cgroup."""
        process = self._process()
        if process is not None and process.poll() is None:
            try:
                os.killpg(os.getpgid(process.pid), signal.SIGKILL)
            except OSError:
                pass
        for pid in cgroups.members(self.group):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def end(self) -> None:
        """Kill the sandbox, reap the kernel, remove its cgroup and connection files."""
        self.stop.set()
        self.kill()
        process = self._process()
        if process is not None:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        cgroups.kill_and_remove(self.group)  # its connection file and sockets go with the scratch folder


class Runner:
    """``nb`` run cell by cell (``run``) in a sandboxed kernel under ``scratch``, restarted
    with the cells that had run replayed when a cell times out or the kernel dies.
    ``status``: cell index -> why it did not simply run; ``exhausted``: why no kernel is
    started any more (the restarts or the time ran out). ``shared``: a folder the kernel may
    read (at ``sandbox.SHARED_MOUNT``); ``integrity``: describe each new kernel's shell and
    recorder before any cell runs (``take_baseline``), for ``check_integrity``."""

    def __init__(self, nb, scratch: Path, settings: Settings, deadline: float, shared: Path | None = None,
                 integrity: bool = False):
        self.nb, self.scratch, self.settings, self.deadline = nb, scratch, settings, deadline
        self.shared, self.integrity = shared, integrity
        self.status: dict[int, str] = {}
        self.ran: list[int] = []
        self.restarts = 0
        self.exhausted: str | None = None
        self.kernel: _Kernel | None = None
        self.client: CappedClient | None = None
        self._stack: contextlib.ExitStack | None = None
        self._blocking: tuple[_Kernel, BlockingKernelClient] | None = None
        self.baseline: dict | None = None
        self.tampered: list[str] = []

    def _limit_reached(self) -> str:
        return f"not run: the {self.settings.notebook_limit} s limit was reached"

    def start(self) -> None:
        """Start a kernel (and replay the cells that had run, after a restart)."""
        while self.exhausted is None:
            self.kernel = _Kernel(self.scratch, self.settings, self.deadline, self.shared)
            self.client = CappedClient(
                self.nb,
                km=self.kernel.km,
                timeout=self.settings.timeout,
                allow_errors=True,
                interrupt_on_timeout=False,
                shutdown_kernel="immediate",
                output_limit=self.settings.output_limit,
                resources={"metadata": {"path": str(self.scratch)}},
            )
            self._stack = contextlib.ExitStack()
            self._stack.enter_context(
                self.client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            )
            if self.integrity:  # before any student code runs, the replayed cells included
                self.take_baseline()
            if self._replay():
                return
            self._close_and_count()

    def _replay(self) -> bool:
        """Run again the cells that had run (state only: their stored outputs stay); a cell
        that fails now is dropped from them. ``False`` when the kernel had to be stopped."""
        for index in list(self.ran):
            kept = self.nb.cells[index]
            try:
                self.client.execute_cell(copy.deepcopy(kept), index)
            except (CellTimeoutError, DeadKernelError):
                self.ran.remove(index)
                return False
            finally:
                self.nb.cells[index] = kept
        return True

    def _close(self) -> None:
        if self._stack is not None:
            try:
                self._stack.close()
            except Exception:  # a dead kernel's shutdown may fail: it is killed next anyway
                pass
            self._stack = None
        if self.kernel is not None:
            self.kernel.end()

    def _close_and_count(self) -> None:
        self._close()
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            self.exhausted = f"not run: the kernel was restarted {MAX_RESTARTS} times"
        elif time.monotonic() > self.deadline:
            self.exhausted = self._limit_reached()

    def restart(self) -> None:
        """Stop this kernel and start a new one with the cells that had run replayed."""
        self._close_and_count()
        self.start()

    def run(self, index: int, timeout: float | None = None, replayable: bool = True) -> str | None:
        """Run cell ``index``; ``None`` when it ran to its end (errors included), else why not
        (the kernel is then restarted). ``replayable``: run it again after a restart."""
        reason = self.exhausted or (self._limit_reached() if time.monotonic() > self.deadline else None)
        if reason is None:
            self.client.timeout = timeout or self.settings.timeout
            try:
                self.client.execute_cell(self.nb.cells[index], index)
            except CellTimeoutError:
                reason = f"timed out after {self.client.timeout:g} s (kernel restarted)"
            except DeadKernelError:
                reason = (
                    self._limit_reached() if time.monotonic() > self.deadline else "kernel died (restarted)"
                )
            else:
                if index in self.client.dropped:
                    note(
                        self.nb.cells[index], f"{self.client.dropped[index]:,} characters of output not kept"
                    )
                if replayable:
                    self.ran.append(index)
                return None
            if not reason.startswith("not run"):
                note(self.nb.cells[index], f"{reason}; the cells before were run again")
                self.restart()
        self.status[index] = reason
        return reason

    def _client(self) -> BlockingKernelClient:
        """A blocking client of the current kernel, for the call server's thread."""
        if self._blocking is None or self._blocking[0] is not self.kernel:
            if self._blocking is not None:
                self._blocking[1].stop_channels()
            client = BlockingKernelClient()
            client.load_connection_info(self.kernel.km.get_connection_info())
            client.start_channels(shell=True, iopub=True, stdin=False, hb=False, control=False)
            self._blocking = (self.kernel, client)
        return self._blocking[1]

    def evaluate(self, expressions: dict[str, str], timeout: float) -> tuple[dict, int] | str:
        """Evaluate user ``expressions`` in this kernel: ``(values, characters printed)``, or
        why there are none (it timed out or died: the kernel is then killed, for a restart)."""
        if self.exhausted:
            return self.exhausted
        client = self._client()
        message = client.execute(
            "", silent=True, store_history=False, user_expressions=expressions, allow_stdin=False
        )
        end = time.monotonic() + timeout
        while True:
            if not self.kernel.alive():
                return (
                    self._limit_reached() if time.monotonic() > self.deadline else "kernel died (restarted)"
                )
            if time.monotonic() > end:
                self.kernel.kill()
                return f"timed out after {self.settings.timeout} s (kernel restarted)"
            try:
                reply = client.get_shell_msg(timeout=0.2)
            except queue.Empty:
                continue
            if reply.get("parent_header", {}).get("msg_id") == message:
                break
        return reply["content"].get("user_expressions", {}), self._printed(client, message)

    def _printed(self, client: BlockingKernelClient, message: str) -> int:
        """Characters the evaluation printed (they are not kept)."""
        printed, end = 0, time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < end:
            try:
                msg = client.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                continue
            if msg.get("parent_header", {}).get("msg_id") != message:
                continue
            content = msg.get("content", {})
            if msg["msg_type"] == "status" and content.get("execution_state") == "idle":
                break
            printed += len(content.get("text", "")) + sum(
                len(str(v)) for v in content.get("data", {}).values()
            )
        return printed

    def check_integrity(self, described: dict | None) -> None:
        """Compare ``graded_calls.integrity``'s value now with the one taken before any student
        code ran; what changed becomes a line of ``tampered``."""
        state = _value(described)
        if state is None:
            return
        if self.baseline is None:
            self.baseline = state
            return
        for key, before in self.baseline.items():
            now = state.get(key)
            if key == "builtins":
                changed = sorted(name for name, ident in before.items() if now.get(name) != ident)
                finding = f"builtins changed: {', '.join(changed)}" if changed else None
            else:
                finding = None if now == before else f"{key} changed: {now!r} (was {before!r})"
            if finding and finding not in self.tampered:
                self.tampered.append(finding)

    def take_baseline(self) -> None:
        """Describe the fresh kernel's shell and recorder, before any student code runs."""
        self.baseline = None
        values = self.evaluate({"integrity": INTEGRITY}, timeout=self.settings.timeout)
        if not isinstance(values, str):
            self.check_integrity(values[0].get("integrity"))

    def end(self) -> None:
        if self._blocking is not None:
            self._blocking[1].stop_channels()
            self._blocking = None
        self._close()


def _value(expression: dict | None):
    """The JSON a user expression returned as a string, or ``None``."""
    if not expression or expression.get("status") != "ok":
        return None
    try:
        return json.loads(ast.literal_eval(expression["data"]["text/plain"]))
    except (KeyError, ValueError, SyntaxError, TypeError):
        return None


class CallServer:
    """The unix socket ``path`` (in the verdict kernel's folder) through which each call a
    test makes of a student's function is served by the student's kernel ``student``."""

    def __init__(self, path: Path, student: Runner):
        self.student, self.path = student, path
        self.failure: str | None = None
        self.printed = 0
        self.deadline = 0.0
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(path))
        os.chmod(path, 0o777)  # the sandbox's user connects to it
        self.listener.listen(4)
        self.listener.settimeout(0.2)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def begin(self, seconds: float) -> None:
        """A test cell starts: its calls have ``seconds`` in all."""
        self.failure, self.printed, self.deadline = None, 0, time.monotonic() + seconds

    def _loop(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connection.settimeout(None)
            with connection:
                try:
                    send_message(connection, self._serve(receive_message(connection)))
                except (OSError, ValueError, ConnectionError):
                    continue

    def _serve(self, request: dict) -> dict:
        name = request.get("name")
        if not isinstance(name, str) or not name.isidentifier():
            return {"failed": "the grader received a call it cannot read"}
        if self.failure or self.student.exhausted:
            return {"name": name, "failed": self.failure or self.student.exhausted}
        request_file = self.student.kernel.sockets / "call.json"
        request_file.write_text(json.dumps({"args": request.get("args"), "kwargs": request.get("kwargs")}))
        seen_as = (
            request_file if self.student.settings.unsafe else f"{sandbox.SCRATCH_MOUNT}/{request_file.name}"
        )
        call = f"__import__('graded_calls').serve(globals(), {name!r}, {str(seen_as)!r})"
        values = self.student.evaluate(
            {"call": call, "integrity": INTEGRITY}, timeout=max(0.1, self.deadline - time.monotonic())
        )
        if isinstance(values, str):
            self.failure = values
            return {"name": name, "failed": values}
        values, printed = values
        self.printed += printed
        self.student.check_integrity(values.get("integrity"))
        entry = _value(values.get("call"))
        if not isinstance(entry, dict):
            error = values.get("call", {})
            return {
                "name": name,
                "failed": f"the grader could not call it ({error.get('ename', 'no answer')}: "
                f"{str(error.get('evalue', ''))[:200]})",
            }
        return dict(entry, name=name)

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.listener.close()
        with contextlib.suppress(OSError):
            self.path.unlink()
