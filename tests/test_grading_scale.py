"""A batch of 50 submissions leaves nothing behind (``tools.grading``): every kernel, with
every process its sandbox started, ends with its submission, and the grading run's memory
does not grow from one submission to the next.

The course here is one small notebook (one answer, one test, no training), so that the
batch measures the grader's own cost, not the course's: each submission forks two
sleeping children and starts a daemon in its own session, the leaks a careless or hostile
class produces."""

from __future__ import annotations

import statistics
import subprocess
import threading
import time
from pathlib import Path

import nbformat

from tests.grading_support import (
    REPO_ROOT,
    leftover_cgroups,
    nbgrader_cell,
    read_csv,
    run_tool,
    short_scratch,
    tiny_course,
)
from tools.grading.usage import grading_processes, run_label, run_markers

STUDENTS = 50
MARKER = "8111"   # the daemons are `sleep 8111`
LEAKY_ANSWER = f'''def double(x):
    """2 x, leaving two sleeping children and a daemon behind at every call."""
    import os, subprocess, time
    for _ in range(2):
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
    subprocess.Popen(["sleep", "{MARKER}"], start_new_session=True)
    return 2 * x'''


def with_answer(nb: nbformat.NotebookNode, source: str) -> nbformat.NotebookNode:
    """The tiny course with its answer cell's source replaced."""
    answer = nbgrader_cell(source, grade=False, solution=True, grade_id="ex1_double")
    return nbformat.v4.new_notebook(cells=[nb.cells[0], answer, nb.cells[2]], metadata=nb.metadata)


def _grading_processes(scratch: Path, out: Path, seen: set[str], label: str = "") -> tuple[int, int]:
    """Processes of the run under ``scratch``; ``seen``: the run names found so far (kept, so
    that they are still looked for once the run's folder is gone); ``label``: the run's name."""
    seen |= run_markers(str(scratch), label)
    return grading_processes(*seen, str(out), f"sleep {MARKER}")


def _grade(tmp_path: Path, scratch: Path, *args: str) -> subprocess.CompletedProcess:
    """``grade`` on ``tmp_path/subs`` against the course in ``tmp_path/course``."""
    return run_tool(REPO_ROOT, "grade", str(tmp_path / "subs"), "--source", str(tmp_path / "course"), "--out",
                    str(tmp_path / "out"), *args, scratch=scratch)


def test_a_batch_of_fifty_leaves_no_process_and_no_growing_memory(tmp_path):
    source = tmp_path / "course"
    source.mkdir()
    name = "01_doubling"
    nb = tiny_course()
    nbformat.write(nb, source / f"{name}.ipynb")
    leaky = with_answer(nb, LEAKY_ANSWER)
    for k in range(STUDENTS):
        (tmp_path / "subs" / f"s{k:02d}").mkdir(parents=True)
        nbformat.write(leaky, tmp_path / "subs" / f"s{k:02d}" / f"{name}.ipynb")
    out, scratch = tmp_path / "out", short_scratch()
    samples, done, seen = [], threading.Event(), set()

    def sample():
        while not done.is_set():
            samples.append(_grading_processes(scratch, out, seen))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        proc = _grade(tmp_path, scratch, "--jobs", "2", "--timeout", "60")
    finally:
        done.set()
        sampler.join()
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = read_csv(out / "grades.csv")
    assert len(rows) == STUDENTS and all(row["score"] == "1" for row in rows), rows[:3]
    assert seen, "no kernel of the batch was ever seen running"
    assert _grading_processes(scratch, out, seen, run_label(out)) == (0, 0), "processes outlived the batch"
    assert leftover_cgroups(run_label(out)) == [], "cgroups of finished kernels were not removed"
    peak = max(count for count, _ in samples)
    print(f"\n{STUDENTS} submissions, 2 jobs: at most {peak} grading processes at once, "
          f"peak resident {max(r for _, r in samples) / 1024:.0f} MB")
    # each job holds one kernel's sandbox at a time: a handful of processes, never one per submission
    assert peak <= 40, f"{peak} processes alive at once: kernels are piling up"
    quarter = len(samples) // 4
    early = statistics.median(r for _, r in samples[quarter:2 * quarter])
    late = statistics.median(r for _, r in samples[3 * quarter:])
    assert late <= 1.3 * early, (
        f"resident memory grew over the batch: {early / 1024:.0f} -> {late / 1024:.0f} MB")


STUCK_ANSWER = '''def double(x):
    """Never returns: ignores interrupts, with a sleeping child beside it."""
    import os, time
    if os.fork() == 0:
        time.sleep(600)
        os._exit(0)
    while True:
        try:
            pass
        except BaseException:
            pass'''


def test_the_notebook_limit_ends_the_whole_sandbox(tmp_path):
    """A submission stuck past ``--notebook-limit`` is ended by the timer (not by the cell
    timeout, set far above it), with every process of its sandbox."""
    source = tmp_path / "course"
    source.mkdir()
    nb = tiny_course()
    nbformat.write(nb, source / "01_doubling.ipynb")
    stuck = with_answer(nb, STUCK_ANSWER)
    (tmp_path / "subs" / "stuck").mkdir(parents=True)
    nbformat.write(stuck, tmp_path / "subs" / "stuck" / "01_doubling.ipynb")
    out, scratch = tmp_path / "out", short_scratch()
    started = time.monotonic()
    proc = _grade(tmp_path, scratch, "--jobs", "1", "--timeout", "600", "--notebook-limit", "20")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert time.monotonic() - started < 300, "the cell timeout (600 s), not the 20 s limit, ended it"
    cell = read_csv(out / "grade_cells.csv")[0]
    assert cell["score"] == "0" and cell["outcome"] == "not run: the 20 s limit was reached", cell
    assert _grading_processes(scratch, out, set(), run_label(out)) == (0, 0)
