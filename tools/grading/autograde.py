"""Autograding: each repaired submission judged by the course's own tests, which run in a
second, clean kernel.

Each submission runs in two sandboxed kernels (``tools.grading.sandbox``) side by side, both
driven by ``nbclient`` over unix sockets (``tools.grading.kernels``), cell by cell:

1. **the student's kernel** runs the repaired notebook (the course's cells with the
   student's answers), but never a test cell;
2. **the verdict kernel** runs the course's own notebook with the answers left
   unanswered: no line of the student's runs there. Around each test cell,
   ``graded_calls.replay`` puts stand-ins in place of the student's functions: each call
   goes, as plain data, to the student's kernel, where the student's function runs on those
   arguments, and what came of it comes back. A test cell scores its points when it runs to
   the end here without an error; its expected values, tolerances and state are the
   course's, and the student's kernel sees nothing of a test but its calls' arguments.

A call may change its arguments only where the course notebook's ``metadata.grading.in_place``
names the function; a call that entered a package the test's ``check_own_work`` forbids
fails; a change to the student's shell or to the grader's code in the student's kernel
(input or AST transformers, hooks, builtins), seen by comparing with their state before any
student code ran, puts the submission up for review.

Limits (``kernels.Runner``): a cell or a call still running after ``Settings.timeout``
seconds is stopped by killing its kernel's sandbox, which is restarted with the cells before
run again; a call that hangs or kills the student's kernel fails its own test only. At most
``MAX_RESTARTS`` restarts per kernel, ``Settings.notebook_limit`` seconds per submission,
``Settings.output_limit`` characters of output kept per cell, ``Settings.processes`` /
``memory_mb`` per sandbox. Every kernel is killed, with every process in its sandbox, when
the submission ends: normally, on a timeout, on its death, or on an error of the grader's.

Under the grader the course notebook's ``metadata.grading.parameters`` (short training
budgets: no test needs a well-trained model) are injected by papermill after the
``parameters`` cell, and ``NBGRADER_EXECUTION=autograde`` is set; the learner's own run
is unchanged.
"""

from __future__ import annotations

import contextlib
import copy
import json
import shutil
import signal
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat
from papermill.parameterize import parameterize_notebook

from helpers.notebook import exercises as cells
from tools.grading import repair, sandbox
from tools.grading.collect import Submission
from tools.grading.config import Settings
from tools.grading.kernels import GRADER_TAG, INTEGRITY, CallServer, Runner, note
from tools.grading.results import CellResult, Result

CALLS_MODULE = "graded_calls"
VERDICT_SKIP = "verdict-skip"   # a cell tag: no test needs what it computes (the verdict kernel skips it)
WORKER_STOP_SECONDS = 20   # how long an interrupted worker may take to end its kernels
SOURCES = "sources.json"     # the student's answer cells, which check_own_work reads in the verdict kernel


@dataclass(frozen=True)
class Places:
    """Folders one grading run uses: ``executed`` (the executed notebooks, for feedback)
    and ``work``, where each kernel gets a fresh scratch folder (a short path: the kernel's
    unix sockets live there)."""

    executed: Path
    work: Path


def test_points(course: nbformat.NotebookNode) -> dict[str, float]:
    """test grade_id -> points, in the course's order."""
    return {cells.grade_id(c): cells.points(c) for c in course.cells if cells.is_test(c)}


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


def verdict_notebook(course: nbformat.NotebookNode, names: list[str], channel: Path, sources: Path,
                     parameters: dict) -> tuple[nbformat.NotebookNode, list[int]]:
    """The course notebook the verdict kernel runs, up to its last test: answers unanswered,
    grading budgets, without the cells tagged ``verdict-skip`` (slow demonstrations no test
    needs), and around each test cell the stand-ins of the student's functions, whose calls
    go through ``channel``. Returns it and, per cell, the index of the course
    cell it belongs to (the grader's cells belong to the test they surround)."""
    nb = copy.deepcopy(course)
    last_test = max((i for i, cell in enumerate(nb.cells) if cells.is_test(cell)), default=len(nb.cells) - 1)
    nb.cells = nb.cells[:last_test + 1]   # what follows the last test decides nothing
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.update(outputs=[], execution_count=None)
            if cells.is_answer(cell):
                cell.source = cells.unanswered(cell.source)
    nb = with_parameters(nb, parameters)
    in_place = sorted(course.metadata.get("grading", {}).get("in_place", []))
    ordered, origin = [_grader_cell(f"import {CALLS_MODULE}")], [-1]
    for index, cell in enumerate(nb.cells):
        if cells.is_test(cell):
            gid = cells.grade_id(cell)
            before = (f"{CALLS_MODULE}.replay({gid!r}, globals(), {names!r}, {str(channel)!r}, "
                      f"{str(sources)!r}, {in_place!r})")
            ordered += [_grader_cell(before), cell, _grader_cell(f"{CALLS_MODULE}.restore(globals())")]
            origin += [index] * 3
        elif VERDICT_SKIP not in cell.metadata.get("tags", []):
            ordered.append(cell)
            origin.append(index)
    nb.cells = ordered
    return nb, origin


def _outcome(cell, status: str | None) -> str:
    if status:
        return status
    errors = [out.ename for out in cell.get("outputs", []) if out.output_type == "error"]
    if cell.get("execution_count") is None and not cell.get("outputs"):
        return "not run"
    return f"failed: {errors[0]}" if errors else "passed"


def _judged(student: nbformat.NotebookNode, verdict: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student's executed notebook with the grader's cells removed; each test cell
    shows the grader's notes from the student's kernel (output not kept, a timeout), then
    the verdict kernel's outputs (what decided the points). What the student's code printed
    while a test ran is not kept: it could print the hidden tests' inputs into the feedback."""
    decided = {cells.grade_id(c): c for c in verdict.cells if cells.is_test(c)}
    student.cells = [c for c in student.cells if GRADER_TAG not in c.metadata.get("tags", [])]
    for cell in student.cells:
        if cells.is_test(cell):
            judged = decided[cells.grade_id(cell)]
            notes = [nbformat.v4.new_output("stream", name="stderr", text=line)
                     for line in cell.metadata.pop(GRADER_TAG, [])]
            cell.outputs = notes + judged.get("outputs", [])
            cell.execution_count = judged.get("execution_count")
    return student


def _run_both(course, repaired: repair.Repaired, settings: Settings, places: Places):
    """Run the student's kernel and the verdict kernel side by side, cell by cell: each
    course cell in the student's kernel (never a test cell), then in the verdict kernel, where
    the tests run and call the student's functions through a ``kernels.CallServer``. Returns
    the judged notebook, per test how it ended (the student's kernel's timeout or death when
    that is why it failed), and what changed in the student's shell or recorder."""
    parameters = course.metadata.get("grading", {}).get("parameters", {}) if settings.grading_budgets else {}
    student_nb = with_parameters(repaired.notebook, parameters)
    scratch = Path(tempfile.mkdtemp(prefix="s-", dir=places.work))
    judge = Path(tempfile.mkdtemp(prefix="v-", dir=places.work))
    shared = judge / "shared"   # the call channel and the answers' sources, which the verdict kernel reads
    shared.mkdir()
    channel = shared / "calls"
    sources = shared / SOURCES
    sources.write_text(json.dumps(repair.answer_sources(repaired.notebook, course)))
    seen = shared if settings.unsafe else Path(sandbox.SHARED_MOUNT)
    verdict_nb, origin = verdict_notebook(course, repair.answer_names(course), seen / channel.name,
                                          seen / SOURCES, parameters)
    deadline = time.monotonic() + settings.notebook_limit
    student = Runner(student_nb, scratch, settings, deadline, integrity=True)
    verdict = Runner(verdict_nb, judge, settings, deadline, shared=shared)
    server = None
    stopped: dict[str, str] = {}
    try:
        student.start()
        verdict.start()
        server = CallServer(channel, student)
        done = 0   # verdict cells run so far
        for index, cell in enumerate(student_nb.cells):
            if cell.cell_type == "code" and not cells.is_test(cell):
                student.run(index)
            while done < len(verdict_nb.cells) and origin[done] <= index:
                _run_verdict_cell(verdict, done, server, settings, student, cell, stopped)
                done += 1
        values = student.evaluate({"integrity": INTEGRITY}, timeout=settings.timeout)
        if not isinstance(values, str):
            student.check_integrity(values[0].get("integrity"))
    finally:
        if server is not None:
            server.close()
        student.end()
        verdict.end()
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(judge, ignore_errors=True)
    outcomes = {}
    for index, cell in enumerate(verdict_nb.cells):
        if cells.is_test(cell):
            grade_id = cells.grade_id(cell)
            outcome = _outcome(cell, verdict.status.get(index))
            outcomes[grade_id] = stopped.get(grade_id, outcome) if outcome != "passed" else outcome
    return _judged(student_nb, verdict_nb), outcomes, student.tampered


def _run_verdict_cell(verdict: Runner, index: int, server: CallServer, settings: Settings, student: Runner,
                      student_cell, stopped: dict[str, str]) -> None:
    """Run the verdict kernel's cell ``index``; a test cell's calls are served by the
    student's kernel, which is restarted after the test if a call hung or killed it."""
    cell = verdict.nb.cells[index]
    if cell.cell_type != "code":
        return
    if not cells.is_test(cell):   # the grader's cells around tests are not replayed; its import is
        verdict.run(index, replayable=index == 0 or GRADER_TAG not in cell.metadata.get("tags", []))
        return
    server.begin(settings.timeout)
    verdict.run(index, timeout=2 * settings.timeout + 30, replayable=False)
    if server.printed:
        note(student_cell, f"{server.printed:,} characters of output not kept (printed by your functions "
                           "while the test ran)")
    if server.failure:
        stopped[cells.grade_id(cell)] = server.failure
        if server.failure.startswith("not run"):
            return
        note(student_cell, f"{server.failure}; the cells before were run again")
    elif student.kernel is not None and (strays := student.kernel.strays()):
        # processes an answer left (a fork bomb's children, a daemon) would starve the next exercise
        note(student_cell, f"{len(strays)} process(es) your functions left running were stopped; the "
                           "kernel was restarted and the cells before were run again")
    else:
        return
    student.restart()


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
    judged, outcomes, tampered = _run_both(course, repaired, settings, places)
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
    flags = repaired.flags + [f"found when the tests ran: {finding}" for finding in tampered]
    if flags:
        state = "needs review: " + "; ".join(flags)
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


def refused(skipped, course_path: Path) -> Result:
    """The row of a submission that was refused (a symlink, say): no points, and why."""
    points = test_points(nbformat.read(course_path, as_version=4))
    return Result(skipped.student, skipped.notebook, 0.0, sum(points.values()), f"refused: {skipped.reason}",
                  0.0, [CellResult(g, 0.0, p, "not graded") for g, p in points.items()])


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
        return [results[i] for i in range(len(submissions))]
    pool = ProcessPoolExecutor(max_workers=settings.jobs, initializer=stop_on_terminate)
    try:
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
    except BaseException:   # interrupted: each worker ends its kernels (their sandboxes and cgroups) first
        workers = list((getattr(pool, "_processes", None) or {}).values())
        for process in workers:
            with contextlib.suppress(OSError):
                process.terminate()
        for process in workers:
            process.join(WORKER_STOP_SECONDS)
            if process.is_alive():
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [results[i] for i in range(len(submissions))]


def stop_on_terminate() -> None:
    """SIGTERM (and SIGINT) stop this process the way Ctrl-C does, so that the ``finally``
    blocks that end the kernels run."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
