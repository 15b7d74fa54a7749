"""Autograding: run each repaired submission in a sandboxed kernel and score its tests.

The grader (this process) drives the kernel with ``nbclient`` over unix sockets; the kernel
runs in ``tools.grading.sandbox``. A test cell scores its points when it ran to the end
without an error. Limits: a cell still running after ``Settings.timeout`` seconds is
stopped by killing its kernel (interrupts can be ignored by the code, a kill cannot); the
kernel is restarted, the cells before replayed (without the one that hung), and grading
goes on, so the tests that had passed keep their points; the same happens when the
kernel dies. At most ``MAX_RESTARTS`` restarts, at most ``Settings.notebook_limit`` seconds
per submission, and at most ``Settings.output_limit`` characters of output kept per cell.

Under the grader the course notebook's ``metadata.grading.parameters`` (short training
budgets: no test needs a well-trained model) are set in a cell injected after the
``parameters`` cell, as papermill does, and ``NBGRADER_EXECUTION=autograde`` is set; the
learner's own run is unchanged.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from tools.grading import repair, sandbox
from tools.grading.collect import Submission
from tools.grading.config import GRADING_ENV, MAX_RESTARTS, Settings


@dataclass
class CellResult:
    """One test cell of one submission: points earned of ``max_score``, how it ended, and
    what was repaired on the way (``""`` if nothing)."""

    grade_id: str
    score: float
    max_score: float
    outcome: str
    repair: str = ""


@dataclass
class Result:
    """One student's grade for one notebook."""

    student: str
    notebook: str
    score: float
    max_score: float
    status: str
    seconds: float
    cells: list[CellResult] = field(default_factory=list)


@dataclass(frozen=True)
class Places:
    """Folders one grading run uses: ``executed`` (the executed notebooks, for feedback),
    what the sandbox hides (``hidden``, which must include ``work``) or replaces by an
    empty writable folder (``writable_empty``), and ``work``, where each submission gets a
    fresh scratch folder (a short path: the kernel's unix sockets live there)."""

    executed: Path
    hidden: tuple[Path, ...]
    writable_empty: tuple[Path, ...]
    work: Path


def test_points(course: nbformat.NotebookNode) -> dict[str, float]:
    """test grade_id -> points, in the course's order."""
    return {repair.nbgrader(c)["grade_id"]: float(repair.nbgrader(c).get("points", 0))
            for c in course.cells if repair.is_test(c)}


def inject_parameters(nb: nbformat.NotebookNode, parameters: dict) -> None:
    """Insert a cell setting ``parameters`` right after the cell tagged ``parameters``."""
    if not parameters:
        return
    index = next((i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), None)
    if index is None:
        raise ValueError("the notebook has grading parameters but no cell tagged 'parameters'")
    source = "# set by the grader: short budgets, since no test needs them long\n" + "\n".join(
        f"{name} = {value!r}" for name, value in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(index + 1, cell)


def _client_class():
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        """nbclient that keeps at most ``output_limit`` characters of output per cell
        (errors always kept: they decide the grade)."""

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

    return CappedClient


def execute(nb: nbformat.NotebookNode, scratch: Path, settings: Settings, places: Places) -> dict[int, str]:
    """Run ``nb`` in place, cell by cell, in a sandboxed kernel; returns the cells that did
    not simply run (index -> 'timed out', 'kernel died', 'not run: ...')."""
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    # kernels side by side share the cores: one thread each (two 2-thread torch kernels on 2 cores
    # slow each other down many times over)
    threads = str(max(1, (os.cpu_count() or 1) // max(1, settings.jobs)))
    (scratch / ".tmp").mkdir(exist_ok=True)
    env = dict(GRADING_ENV, HOME=str(scratch), TMPDIR=str(scratch / ".tmp"), MPLCONFIGDIR=str(scratch / ".matplotlib"),
               JUPYTER_RUNTIME_DIR=str(scratch / ".runtime"), RNN_COURSE_THREADS=threads,
               OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads)
    spec_dir = sandbox.kernel_spec(scratch / ".kernelspec", scratch, list(places.hidden), list(places.writable_empty),
                                   env, sandboxed=not settings.unsafe)
    status: dict[int, str] = {}
    skip: set[int] = set()
    resume, restarts, started = 0, 0, time.monotonic()
    client_class = _client_class()
    while True:
        km = AsyncKernelManager(kernel_name=sandbox.KERNEL_NAME, transport="ipc", ip=str(scratch / ".kernel"),
                           kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec_dir)]))
        km.connection_file = str(scratch / f".kernel-{restarts}.json")
        client = client_class(nb, km=km, timeout=settings.timeout, allow_errors=True, interrupt_on_timeout=False,
                              shutdown_kernel="immediate", output_limit=settings.output_limit,
                              resources={"metadata": {"path": str(scratch)}})
        broken = None
        with client.setup_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL):
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or index in skip:
                    continue
                if index < resume:   # replay after a restart: state only, outputs discarded
                    if not repair.is_test(cell):
                        try:
                            client.execute_cell(copy.deepcopy(cell), index)
                        except (CellTimeoutError, DeadKernelError):
                            skip.add(index)
                    continue
                if time.monotonic() - started > settings.notebook_limit:
                    status[index] = f"not run: the submission's {settings.notebook_limit} s limit was reached"
                    continue
                try:
                    client.execute_cell(cell, index)
                except CellTimeoutError:
                    status[index], broken = f"timed out after {settings.timeout} s (kernel restarted)", index
                    break
                except DeadKernelError:
                    status[index], broken = "kernel died (restarted)", index
                    break
                if index in client.dropped:
                    cell.outputs.append(nbformat.v4.new_output(
                        "stream", name="stdout",
                        text=f"\n[grader: {client.dropped[index]:,} characters of output not kept]\n"))
        if broken is None:
            return status
        nb.cells[broken].setdefault("outputs", []).append(nbformat.v4.new_output(
            "stream", name="stderr", text=f"\n[grader: {status[broken]}; the cells before were run again]\n"))
        skip.add(broken)
        resume, restarts = broken + 1, restarts + 1
        if restarts > MAX_RESTARTS:
            for index in range(resume, len(nb.cells)):
                if nb.cells[index].cell_type == "code":
                    status[index] = f"not run: the kernel was restarted {MAX_RESTARTS} times"
            return status


def _outcome(cell, status: str | None) -> str:
    if status:
        return status
    errors = [out.ename for out in cell.get("outputs", []) if out.output_type == "error"]
    if cell.get("execution_count") is None and not cell.get("outputs"):
        return "not run"
    return f"failed: {errors[0]}" if errors else "passed"


def grade_one(submission: Submission, course_path: Path, settings: Settings, places: Places) -> Result:
    """Repair, run and score one submission."""
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
    nb = repaired.notebook
    if settings.grading_budgets:
        inject_parameters(nb, course.metadata.get("grading", {}).get("parameters", {}))
    scratch = Path(tempfile.mkdtemp(prefix="s-", dir=places.work))
    status = execute(nb, scratch, settings, places)
    executed = places.executed / name / f"{student}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, executed)
    cells = []
    for index, cell in enumerate(nb.cells):
        if repair.is_test(cell):
            grade_id = repair.nbgrader(cell)["grade_id"]
            outcome = _outcome(cell, status.get(index))
            cells.append(CellResult(grade_id, points[grade_id] if outcome == "passed" else 0.0, points[grade_id],
                                    outcome, "; ".join(repaired.test_notes.get(grade_id, []))))
    if repaired.notes and cells:   # notebook-level repairs go on the first test's row
        first = cells[0]
        first.repair = "; ".join([f"notebook: {note}" for note in repaired.notes] + ([first.repair] if first.repair
                                                                                     else []))
    state = "graded"
    if repaired.flags:
        state = "needs review: " + "; ".join(repaired.flags)
    elif repaired.notes:
        state = "graded (" + "; ".join(repaired.notes) + ")"
    shutil.rmtree(scratch, ignore_errors=True)
    return Result(student, name, sum(c.score for c in cells), sum(points.values()), state,
                  time.monotonic() - started, cells)


def grade_safely(submission: Submission, course_path: Path, settings: Settings, places: Places) -> Result:
    """``grade_one``, but a failure of the grader itself (not of the student's code) becomes
    a row with status ``grader error: ...`` instead of stopping the batch."""
    started = time.monotonic()
    try:
        return grade_one(submission, course_path, settings, places)
    except Exception as error:  # the batch goes on; the row says what to look at
        points = test_points(nbformat.read(course_path, as_version=4))
        return Result(submission.student, submission.notebook, 0.0, sum(points.values()),
                      f"grader error: {type(error).__name__}: {error}", time.monotonic() - started,
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
                done(futures[future], future.result())
    return [results[i] for i in range(len(submissions))]
