"""The command line: ``python -m tools.grading COMMAND`` (the Makefile's ``student``,
``grade``, ``merge``, ``check`` and ``feedback`` targets call it).

    student [NOTEBOOK ...]                      student versions into release/
    learner [--folder DIR]                      the learner's copies for make lab (learner/), edits kept
    grade SUBMISSIONS [--jobs N] [--shard i/n] [--out DIR] [--timeout S] [--max-processes N]
          [--memory-mb M] [--unsafe]
    merge OUT SHARD_DIR [SHARD_DIR ...]         one grade table from several shards
    check NOTEBOOK                              nbgrader's validation; exit 1 if a test fails
    feedback [--out DIR] [--show-tests]         per-student HTML feedback from a grading run
    clean [--also grades,checkpoints] [--force] delete generated files (see tools/grading/clean.py)

Exit status: 0 done (a batch completes even when submissions fail), 1 a failed check or
student version, 2 a usage error (including: no sandbox and no ``--unsafe``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from helpers.notebook import exercises as cells
from tools.grading import batch, clean, config, feedback, release, report, sandbox
from tools.grading.errors import UsageError


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--source", type=Path, default=config.NOTEBOOKS,
                        help="folder of instructor notebooks (default: notebooks/)")
    common.add_argument("--course-dir", type=Path, default=config.COURSE_DIR,
                        help="the git-ignored grading folder (default: grading/)")
    main = argparse.ArgumentParser(prog="python -m tools.grading", description=__doc__.splitlines()[0])
    sub = main.add_subparsers(dest="command", required=True)
    st = sub.add_parser("student", parents=[common], help="write student versions to release/")
    st.add_argument("notebooks", nargs="*", help="notebook names (default: all)")
    st.add_argument("--release-dir", type=Path, default=config.RELEASE_DIR)
    st.add_argument("--force", action="store_true",
                    help="replace student versions edited since they were written")
    le = sub.add_parser("learner", parents=[common], help="write the learner's copies (make lab) to learner/")
    le.add_argument("--folder", type=Path, default=config.LEARNER_DIR)
    gr = sub.add_parser("grade", parents=[common], help="autograde a folder of submissions")
    gr.add_argument("submissions", type=Path, help="folder holding <student>/<notebook>.ipynb")
    gr.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1,
                    help="worker processes (default: the number of cores)")
    gr.add_argument("--shard", default="1/1", help="grade only slice i of n of the students (default 1/1)")
    gr.add_argument("--out", type=Path, default=None,
                    help="where the tables go (default: the grading folder)")
    gr.add_argument("--timeout", type=_positive, default=None,
                    help=f"seconds a cell may run (default: ${config.TIMEOUT_ENV}, "
                         f"else {config.DEFAULT_TIMEOUT})")
    gr.add_argument("--notebook-limit", type=_positive, default=config.DEFAULT_NOTEBOOK_LIMIT,
                    help="seconds one submission may run in all")
    gr.add_argument("--output-limit", type=_positive, default=config.DEFAULT_OUTPUT_LIMIT,
                    help="characters of output kept per cell")
    gr.add_argument("--max-processes", type=_positive, default=config.DEFAULT_PROCESSES,
                    help="processes and threads one kernel's sandbox may hold")
    gr.add_argument("--memory-mb", type=_positive, default=config.DEFAULT_MEMORY_MB,
                    help="megabytes of memory one kernel's sandbox may use")
    gr.add_argument("--unsafe", action="store_true",
                    help="run student code without a sandbox (not recommended)")
    gr.add_argument("--learner-budgets", action="store_true",
                    help="keep the notebooks' own training budgets (default: the short grading budgets)")
    mg = sub.add_parser("merge", parents=[common], help="merge the tables of several shards")
    mg.add_argument("out", type=Path, help="folder for the merged grades.csv and grade_cells.csv")
    mg.add_argument("shards", type=Path, nargs="+", help="the --out folders of the shards")
    ck = sub.add_parser("check", parents=[common], help="validate one notebook as nbgrader would")
    ck.add_argument("notebook", type=Path)
    cl = sub.add_parser("clean",
                        help="delete generated files (keeps grades, checkpoints and edits unless asked)")
    cl.add_argument("--also", default="", help="also delete: grades, checkpoints (comma-separated)")
    cl.add_argument("--force", action="store_true", help="also delete student versions edited since written")
    fb = sub.add_parser("feedback", parents=[common],
                        help="HTML feedback per student from the last grading run")
    fb.add_argument("--out", type=Path, default=None, help="grading run folder (default: the grading folder)")
    fb.add_argument("--show-tests", action="store_true",
                    help="keep the hidden tests' source and full tracebacks "
                         "(pages for the teacher, not students)")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return {"student": _student, "learner": _learner, "grade": _grade, "merge": _merge, "check": _check,
                "feedback": _feedback, "clean": _clean}[args.command](args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _student(args) -> int:
    source_dir = args.source.resolve()
    notebooks = config.course_notebooks(source_dir, args.notebooks)
    if not notebooks:
        raise UsageError(f"no notebooks matching {config.NOTEBOOK_GLOB} in {source_dir}")
    return release.make_student_versions(notebooks, args.course_dir.resolve(), args.release_dir.resolve(),
                                         args.force)


def _learner(args) -> int:
    notebooks = config.course_notebooks(args.source.resolve())
    for line in release.learner_versions(notebooks, args.course_dir.resolve(), args.folder.resolve()):
        print(line)
    return 0


def _timeout(args) -> int:
    if args.timeout is not None:
        return args.timeout
    try:
        return _positive(os.environ.get(config.TIMEOUT_ENV, str(config.DEFAULT_TIMEOUT)))
    except argparse.ArgumentTypeError as error:
        raise UsageError(f"{config.TIMEOUT_ENV}: {error}") from None


def _grade(args) -> int:
    settings = config.Settings(timeout=_timeout(args), notebook_limit=args.notebook_limit,
                               output_limit=args.output_limit, jobs=args.jobs, unsafe=args.unsafe,
                               grading_budgets=not args.learner_budgets, processes=args.max_processes,
                               memory_mb=args.memory_mb)
    if not settings.unsafe and sandbox.problem():
        raise UsageError(f"no sandbox for student code: {sandbox.problem()}.\nWithout one, every submission "
                         "runs with your rights (it can change grades, files and other submissions). Install "
                         "bubblewrap, or grade anyway with UNSAFE=1 (make) / --unsafe.")
    try:
        done = batch.run(args.submissions, settings, args.source, args.course_dir, args.out, args.shard,
                         warn=lambda line: print(line, file=sys.stderr))
    except KeyboardInterrupt:
        print("error: interrupted: no grades written; every kernel was stopped and the scratch folder "
              "removed", file=sys.stderr)
        return 130
    print(report.summary(done.rows))
    if done.earlier:
        print(f"added to {done.grades.parent}: it held {done.earlier} graded row(s) of the same course "
              f"version; {done.kept} of them kept, the rest replaced by this run's (the newest wins)")
    skipped = f"; {len(done.skipped)} skipped (see above)" if done.skipped else ""
    print(f"graded {len(done.graded)} submission(s) of {len(done.students)} student(s) in "
          f"{done.seconds:.0f} s with {done.jobs} job(s) (shard {done.shard}, cell timeout {done.timeout} s)"
          f"{skipped}\ngrades: {done.grades}\nper test cell: {done.cells}\n"
          f"run: {done.label} (its scratch folder removed)")
    return 0


def _merge(args) -> int:
    notebooks = [path.stem for path in config.course_notebooks(args.source.resolve())]
    grades, cells = report.merge([s.resolve() for s in args.shards], args.out.resolve(), notebooks)
    print(f"merged {len(args.shards)} shard(s)\ngrades: {grades}\nper test cell: {cells}")
    return 0


def _validator():
    """nbgrader's ``Validator`` with the grader's cell timeout (nbgrader's own is 30 s,
    shorter than a training cell), keeping the executed notebook (``.executed``)."""
    from nbgrader.validator import Validator  # deferred: nbgrader is slow to import, and only check needs it
    from traitlets.config import Config

    class Keeping(Validator):
        def _preprocess(self, nb):
            self.executed = super()._preprocess(nb)
            return self.executed

    return Keeping(config=Config({"Execute": {"timeout": config.DEFAULT_TIMEOUT}}))


def _check(args) -> int:
    """nbgrader's validation of one notebook (every cell run, with the grader's cell
    timeout); exit 1 when a test fails or another cell raises."""
    path = args.notebook.resolve()
    if not path.is_file():
        raise UsageError(f"no notebook {args.notebook}")
    validator = _validator()
    results = validator.validate(str(path))
    failed, changed = results.get("failed", []), results.get("changed", []) + results.get("type_changed", [])
    shown = config.SHOWN_SOURCE_CHARS
    for cell in failed:
        print(f"FAILED test:\n{cell['source'][:shown]}\n{cell['raw_error']}\n", file=sys.stderr)
    for cell in changed:
        print(f"CHANGED locked cell (restore it from the student version):\n{cell['source'][:shown]}\n",
              file=sys.stderr)
    executed = getattr(validator, "executed", None)
    raised = [(index, out) for index, cell in enumerate(executed.cells if executed is not None else [])
              if cell.cell_type == "code" and not cells.is_graded(cell)
              for out in cell.get("outputs", []) if out.output_type == "error"]
    for index, out in raised:
        print(f"ERROR outside the tests, in cell {index}: {out.ename}: {out.evalue[:shown]}", file=sys.stderr)
    if failed or changed or raised:
        print(f"{path.name}: {len(failed)} test(s) failed, {len(changed)} locked cell(s) changed, "
              f"{len(raised)} error(s) outside the tests", file=sys.stderr)
        return 1
    print(f"{path.name}: every test passed, and no other cell raised")
    return 0


def _clean(args) -> int:
    return clean.clean(clean.parse_also(args.also), args.force)


def _feedback(args) -> int:
    out = (args.out or args.course_dir).resolve()
    written = feedback.write_feedback(out, args.show_tests)
    print(f"wrote {len(written)} feedback page(s) under {out / 'feedback'}")
    return 0
