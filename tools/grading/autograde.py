"""Autograding: run each repaired submission, then judge it in a second, clean kernel.

Each submission runs in two sandboxed kernels (``tools.grading.sandbox``), one after the
other, both driven by ``nbclient`` over unix sockets:

1. **the student's kernel** runs the repaired notebook (the course's cells with the
   student's answers). Around each test cell, ``graded_calls.record`` has every call of a
   student's function emit what it gave back, as plain data;
2. **the verdict kernel** runs the course's own notebook with the answers left
   unanswered: no line of the student's runs there. Around each test cell,
   ``graded_calls.replay`` answers the test's calls of the student's functions from the
   record, in order. A test cell scores its points when it runs to the end here without
   an error; its expected values, tolerances and state are the course's.

Limits: a cell still running after ``Settings.timeout`` seconds is stopped by killing its
kernel's whole sandbox (interrupts can be ignored by the code, a kill cannot); the kernel is
restarted, the cells before replayed (without the one that hung), and grading goes on, so
the tests that had passed keep their points; the same happens when the kernel dies. At
most ``MAX_RESTARTS`` restarts, ``Settings.notebook_limit`` seconds per kernel (a timer
kills the sandbox when they run out, whatever it is doing), ``Settings.output_limit``
characters of output kept per cell, and ``Settings.processes`` / ``memory_mb`` per
sandbox. Every kernel is killed, with every process in its sandbox, when its run ends:
normally, on a timeout, on its death, or on an error of the grader's.

Under the grader the course notebook's ``metadata.grading.parameters`` (short training
budgets: no test needs a well-trained model) are injected by papermill after the
``parameters`` cell, and ``NBGRADER_EXECUTION=autograde`` is set; the learner's own run
is unchanged.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.parameterize import parameterize_notebook

from tools.grading import cgroups, repair, sandbox
from tools.grading.collect import Submission
from tools.grading.config import ERROR_CHARS, GRADING_ENV, MAX_RESTARTS, Settings
from tools.grading.in_kernel.graded_calls import MIME
from tools.grading.results import CellResult, Result

SOCKET_FOLDER_LIMIT = 16 << 20   # bytes a kernel may write into the one host folder it sees
GRADER_TAG = "grader"        # cells the grader adds around the tests (removed before feedback)
CALLS_MODULE = "graded_calls"
RECORDS = "records.json"     # the student's answers, as the verdict kernel reads them
MAX_RECORD_CHARS = 20_000_000   # characters of recorded answers kept per test cell


@dataclass(frozen=True)
class Places:
    """Folders one grading run uses: ``executed`` (the executed notebooks, for feedback)
    and ``work``, where each kernel gets a fresh scratch folder (a short path: the kernel's
    unix sockets live there)."""

    executed: Path
    work: Path


def test_points(course: nbformat.NotebookNode) -> dict[str, float]:
    """test grade_id -> points, in the course's order."""
    return {repair.nbgrader(c)["grade_id"]: float(repair.nbgrader(c).get("points", 0))
            for c in course.cells if repair.is_test(c)}


def with_parameters(nb: nbformat.NotebookNode, parameters: dict) -> nbformat.NotebookNode:
    """``nb`` with ``parameters`` set in a cell after the one tagged ``parameters``
    (papermill's own injection)."""
    if not parameters:
        return nb
    if not any("parameters" in c.metadata.get("tags", []) for c in nb.cells):
        raise ValueError("the notebook has grading parameters but no cell tagged 'parameters'")
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    comment = "set by the grader: short budgets, since no test needs them long"
    return parameterize_notebook(nb, parameters, comment=comment)


def _grader_cell(source: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(source, metadata={"tags": [GRADER_TAG]})


def around_tests(nb: nbformat.NotebookNode, before, after: str) -> nbformat.NotebookNode:
    """``nb`` with the calls module imported first and, around each test cell, the cells
    ``before(grade_id)`` and ``after``."""
    cells = [_grader_cell(f"import {CALLS_MODULE}")]
    for cell in nb.cells:
        if repair.is_test(cell):
            cells += [_grader_cell(before(repair.nbgrader(cell)["grade_id"])), cell, _grader_cell(after)]
        else:
            cells.append(cell)
    nb.cells = cells
    return nb


class CappedClient(NotebookClient):
    """nbclient that keeps at most ``output_limit`` characters of output per cell, and
    apart from them at most ``MAX_RECORD_CHARS`` of recorded calls (errors always kept:
    they decide the grade)."""

    def __init__(self, *args, output_limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.output_limit, self.sizes, self.dropped = output_limit, {}, {}

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] != "error":
            content = msg.get("content", {})
            size = len(content.get("text", "")) + sum(len(str(v)) for v in content.get("data", {}).values())
            kind, limit = ((cell_index, "calls"), MAX_RECORD_CHARS) if MIME in content.get("data", {}) else (
                cell_index, self.output_limit)
            self.sizes[kind] = self.sizes.get(kind, 0) + size
            if self.sizes[kind] > limit:
                self.dropped[cell_index] = self.dropped.get(cell_index, 0) + size
                return None
        return super().output(outs, msg, display_id, cell_index)


def _kernel_env(settings: Settings) -> dict[str, str]:
    # kernels side by side share the cores: one thread each (two 2-thread torch kernels on 2 cores
    # slow each other down many times over)
    threads = str(max(1, (os.cpu_count() or 1) // max(1, settings.jobs)))
    return dict(GRADING_ENV, RNN_COURSE_THREADS=threads, OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads,
                OPENBLAS_NUM_THREADS=threads)


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


class _Kernel:
    """One sandboxed kernel: its cgroup, its kernel manager, a watchdog that kills it at
    ``deadline`` or when its socket folder outgrows ``SOCKET_FOLDER_LIMIT``, and ``end``,
    which kills every process of its sandbox.

    Each start gets a fresh folder of random name under ``scratch`` (which the sandbox does
    not see): the kernelspec there, and one subfolder, ``s``, bound into the sandbox for
    the connection file and the sockets. Nothing a kernel planted (a symlink, say) is ever
    written through: the next start uses new folders."""

    def __init__(self, scratch: Path, settings: Settings, deadline: float, shared: tuple[Path, ...]):
        limits = sandbox.Limits(processes=settings.processes, memory=settings.memory_mb << 20,
                                cpu_seconds=settings.notebook_limit * 4)
        home = Path(tempfile.mkdtemp(prefix="k-", dir=scratch))
        self.sockets = home / "s"
        self.sockets.mkdir()
        self.group = cgroups.create(limits.processes, limits.memory, scratch.parent.name)
        spec_dir = sandbox.kernel_spec(home / "spec", self.sockets, _kernel_env(settings), limits, self.group,
                                       sandboxed=not settings.unsafe, shared=shared)
        self.km = AsyncKernelManager(kernel_name=sandbox.KERNEL_NAME, transport="ipc",
                                     ip=str(self.sockets / "k"),
                                     kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec_dir)]))
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
        cgroups.kill_and_remove(self.group)
        try:
            self.km.cleanup_resources()
        except Exception:  # the connection file and sockets go with the scratch folder anyway
            pass


def _note(cell, text: str) -> None:
    """A line from the grader under ``cell``'s outputs, remembered in its metadata too (the
    student's code can print anything, but cannot write there)."""
    line = f"\n[grader: {text}]\n"
    cell.setdefault("outputs", []).append(nbformat.v4.new_output("stream", name="stderr", text=line))
    cell.metadata.setdefault(GRADER_TAG, []).append(line)


def execute(nb: nbformat.NotebookNode, scratch: Path, settings: Settings,
            shared: tuple[Path, ...] = ()) -> dict[int, str]:
    """Run ``nb`` in place, cell by cell, in a sandboxed kernel (``shared``: files it may
    read); returns the cells that did not simply run (index -> 'timed out', 'kernel
    died', 'not run: ...')."""
    status: dict[int, str] = {}
    skip: set[int] = set()
    resume, restarts = 0, 0
    deadline = time.monotonic() + settings.notebook_limit
    client_class = CappedClient
    while True:
        kernel = _Kernel(scratch, settings, deadline, shared)
        client = client_class(nb, km=kernel.km, timeout=settings.timeout, allow_errors=True,
                              interrupt_on_timeout=False, shutdown_kernel="immediate",
                              output_limit=settings.output_limit,
                              resources={"metadata": {"path": str(scratch)}})
        broken = None
        try:
            with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
                for index, cell in enumerate(nb.cells):
                    if cell.cell_type != "code" or index in skip:
                        continue
                    if time.monotonic() > deadline:
                        reason = f"not run: the {settings.notebook_limit} s limit was reached"
                        status.setdefault(index, reason)
                        continue
                    try:
                        if index < resume:   # replay after a restart: state only, outputs discarded
                            if not repair.is_test(cell):
                                client.execute_cell(copy.deepcopy(cell), index)
                            continue
                        client.execute_cell(cell, index)
                    except CellTimeoutError:
                        status[index] = f"timed out after {settings.timeout} s (kernel restarted)"
                    except DeadKernelError:
                        status[index] = (f"not run: the {settings.notebook_limit} s limit was reached"
                                         if time.monotonic() > deadline else "kernel died (restarted)")
                    if index in status and index >= resume:
                        broken = index
                        break
                    if index < resume and index in status:
                        skip.add(index)
                        status.pop(index)
                    if index in client.dropped:
                        _note(cell, f"{client.dropped[index]:,} characters of output not kept")
        finally:
            kernel.end()
        if broken is None:
            return status
        _note(nb.cells[broken], f"{status[broken]}; the cells before were run again")
        skip.add(broken)
        resume, restarts = broken + 1, restarts + 1
        if restarts > MAX_RESTARTS or time.monotonic() > deadline:
            for index in range(resume, len(nb.cells)):
                if nb.cells[index].cell_type == "code":
                    status[index] = (f"not run: the kernel was restarted {MAX_RESTARTS} times"
                                     if restarts > MAX_RESTARTS else
                                     f"not run: the {settings.notebook_limit} s limit was reached")
            return status


def _outcome(cell, status: str | None) -> str:
    if status:
        return status
    errors = [out.ename for out in cell.get("outputs", []) if out.output_type == "error"]
    if cell.get("execution_count") is None and not cell.get("outputs"):
        return "not run"
    return f"failed: {errors[0]}" if errors else "passed"


def _first_error(cell) -> str | None:
    error = next((out for out in cell.get("outputs", []) if out.output_type == "error"), None)
    return None if error is None else f"{error.ename}: {error.evalue}"[:ERROR_CHARS]


def take_records(nb: nbformat.NotebookNode, status: dict[int, str]) -> dict:
    """The calls recorded in the test cells of the student's executed ``nb``, and per test
    how its cell ended there: ``{"calls": {grade_id: [...]}, "outcomes": {...}}``. Records
    are removed from every cell's outputs (the student's code may print look-alikes
    anywhere; only the test cells' are read)."""
    calls, outcomes = {}, {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        records = [out for out in cell.get("outputs", []) if out.output_type == "display_data"
                   and isinstance(out.get("data", {}).get(MIME), dict)]
        cell.outputs = [out for out in cell.get("outputs", []) if out not in records]
        if not repair.is_test(cell):
            continue
        grade_id = repair.nbgrader(cell)["grade_id"]
        calls[grade_id] = [out.data[MIME] for out in records]
        error = _first_error(cell)
        outcomes[grade_id] = status.get(index) or (f"your kernel stopped this test earlier: {error}" if error
                                                   else "it was never called")
    return {"calls": calls, "outcomes": outcomes}


def verdict_notebook(course: nbformat.NotebookNode, names: list[str], records: Path,
                     parameters: dict) -> nbformat.NotebookNode:
    """The course notebook the verdict kernel runs, up to its last test: answers
    unanswered, grading budgets, and the student's recorded answers replayed around each
    test."""
    nb = copy.deepcopy(course)
    last_test = max((i for i, cell in enumerate(nb.cells) if repair.is_test(cell)), default=len(nb.cells) - 1)
    nb.cells = nb.cells[:last_test + 1]   # what follows the last test decides nothing
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.update(outputs=[], execution_count=None)
            if repair.is_answer(cell):
                cell.source = repair.unanswered(cell.source)
    nb = with_parameters(nb, parameters)
    def replay(gid: str) -> str:
        return f"{CALLS_MODULE}.replay({gid!r}, globals(), {names!r}, {str(records)!r})"

    return around_tests(nb, replay, f"{CALLS_MODULE}.restore(globals())")


def _judged(student: nbformat.NotebookNode, verdict: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student's executed notebook with the grader's cells removed; each test cell
    shows the grader's notes from the student's kernel (output not kept, a timeout), then
    the verdict kernel's outputs (what decided the points). What the student's code printed
    while a test ran is not kept: it could print the hidden tests' inputs into the feedback."""
    decided = {repair.nbgrader(c)["grade_id"]: c for c in verdict.cells if repair.is_test(c)}
    student.cells = [c for c in student.cells if GRADER_TAG not in c.metadata.get("tags", [])]
    for cell in student.cells:
        if repair.is_test(cell):
            judged = decided[repair.nbgrader(cell)["grade_id"]]
            notes = [nbformat.v4.new_output("stream", name="stderr", text=line)
                     for line in cell.metadata.pop(GRADER_TAG, [])]
            cell.outputs = notes + judged.get("outputs", [])
            cell.execution_count = judged.get("execution_count")
    return student


def _run_both(course, repaired: repair.Repaired, settings: Settings, places: Places):
    """Run the student's kernel, then the verdict kernel; returns the judged notebook and,
    per test, its verdict cell and how it ended (the student's kernel's timeout or death
    when that is why it failed)."""
    parameters = course.metadata.get("grading", {}).get("parameters", {}) if settings.grading_budgets else {}
    names = repair.answer_names(course)
    student_nb = around_tests(with_parameters(repaired.notebook, parameters),
                              lambda gid: f"{CALLS_MODULE}.record({gid!r}, globals(), {names!r})",
                              f"{CALLS_MODULE}.restore(globals())")
    scratch = Path(tempfile.mkdtemp(prefix="s-", dir=places.work))
    judge = Path(tempfile.mkdtemp(prefix="v-", dir=places.work))
    try:
        student_status = execute(student_nb, scratch, settings)
        records = take_records(student_nb, student_status)
        records["sources"] = repair.answer_sources(repaired.notebook, course)
        (judge / RECORDS).write_text(json.dumps(records))
        verdict = verdict_notebook(course, names, judge / RECORDS, parameters)
        status = execute(verdict, judge, settings, shared=(judge / RECORDS,))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(judge, ignore_errors=True)
    stopped = {repair.nbgrader(c)["grade_id"]: student_status[i] for i, c in enumerate(student_nb.cells)
               if repair.is_test(c) and i in student_status}
    outcomes = {}
    for index, cell in enumerate(verdict.cells):
        if repair.is_test(cell):
            grade_id = repair.nbgrader(cell)["grade_id"]
            outcome = _outcome(cell, status.get(index))
            outcomes[grade_id] = stopped.get(grade_id, outcome) if outcome != "passed" else outcome
    return _judged(student_nb, verdict), outcomes


def grade_one(submission: Submission, course_path: Path, settings: Settings, places: Places) -> Result:
    """Repair, run, judge and score one submission."""
    started = time.monotonic()
    course = nbformat.read(course_path, as_version=4)
    points = test_points(course)
    name, student = submission.notebook, submission.student
    try:
        submitted = repair.read_submission(submission.path)
    except repair.Unreadable as problem:
        return Result(student, name, 0.0, sum(points.values()), f"unreadable: {problem}",
                      time.monotonic() - started,
                      [CellResult(g, 0.0, p, "not graded") for g, p in points.items()])
    repaired = repair.build(course, submitted)
    judged, outcomes = _run_both(course, repaired, settings, places)
    executed = places.executed / name / f"{student}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(judged, executed)
    cells = []
    for grade_id, outcome in outcomes.items():
        cells.append(CellResult(grade_id, points[grade_id] if outcome == "passed" else 0.0, points[grade_id],
                                outcome, "; ".join(repaired.test_notes.get(grade_id, []))))
    if repaired.notes and cells:   # notebook-level repairs go on the first test's row
        first = cells[0]
        earlier = [first.repair] if first.repair else []
        first.repair = "; ".join([f"notebook: {note}" for note in repaired.notes] + earlier)
    state = "graded"
    if repaired.flags:
        state = "needs review: " + "; ".join(repaired.flags)
    elif repaired.notes:
        state = "graded (" + "; ".join(repaired.notes) + ")"
    return Result(student, name, sum(c.score for c in cells), sum(points.values()), state,
                  time.monotonic() - started, cells)


def grade_safely(submission: Submission, course_path: Path, settings: Settings, places: Places) -> Result:
    """``grade_one``, but a failure of the grader itself (not of the student's code) becomes
    a row with status ``grader error: ...`` instead of stopping the batch."""
    started = time.monotonic()
    try:
        return grade_one(submission, course_path, settings, places)
    except Exception as error:  # the batch goes on; the row says what to look at
        return _grader_error(submission, course_path, error, time.monotonic() - started)


def _grader_error(submission: Submission, course_path: Path, error: BaseException, seconds: float) -> Result:
    points = test_points(nbformat.read(course_path, as_version=4))
    return Result(submission.student, submission.notebook, 0.0, sum(points.values()),
                  f"grader error: {type(error).__name__}: {error}", seconds,
                  [CellResult(g, 0.0, p, "not graded") for g, p in points.items()])


def grade_all(submissions: list[Submission], courses: dict[str, Path], settings: Settings, places: Places,
              report=print) -> list[Result]:
    """Grade every submission with ``settings.jobs`` worker processes; results come back in
    the order of ``submissions`` whatever order they finish in."""
    results: dict[int, Result] = {}

    def done(index: int, result: Result) -> None:
        results[index] = result
        report(f"graded {result.notebook} of {result.student}: {result.score:g} / {result.max_score:g} "
               f"in {result.seconds:.1f} s ({len(results)}/{len(submissions)})")

    if settings.jobs <= 1:
        for index, sub in enumerate(submissions):
            done(index, grade_safely(sub, courses[sub.notebook], settings, places))
    else:
        with ProcessPoolExecutor(max_workers=settings.jobs) as pool:
            futures = {pool.submit(grade_safely, sub, courses[sub.notebook], settings, places): index
                       for index, sub in enumerate(submissions)}
            for future in as_completed(futures):
                index = futures[future]
                try:
                    result = future.result()
                except Exception as error:   # a worker died (killed for memory, say): its rows say so
                    sub = submissions[index]
                    result = _grader_error(sub, courses[sub.notebook], error, 0.0)
                done(index, result)
    return [results[i] for i in range(len(submissions))]
