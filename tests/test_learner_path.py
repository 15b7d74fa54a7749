"""The learner's path (``make lab``): the student versions, written on demand by the code of
``make student`` into ``learner/`` and never over the learner's edits, with the solutions out
of view; ``show_solution`` for one exercise's model answer; ``make check`` on what ``make
lab`` opens."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.notebook import exercises
from tests.grading_support import tiny_course
from tools.grading import release

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _learner(tmp_path: Path, source: Path) -> list[str]:
    return release.learner_versions(
        sorted(source.glob("*.ipynb")), tmp_path / "grading", tmp_path / "learner"
    )


def test_learner_copies_are_written_once_kept_when_edited_and_renewed_when_untouched(tmp_path):
    source = tmp_path / "course"
    source.mkdir()
    for name in ("01_a", "02_b"):
        nbformat.write(tiny_course(), source / f"{name}.ipynb")
    assert sorted(_learner(tmp_path, source)) == [
        f"{tmp_path}/learner/01_a.ipynb: written",
        f"{tmp_path}/learner/02_b.ipynb: written",
    ]
    copy = nbformat.read(tmp_path / "learner" / "01_a.ipynb", as_version=4)
    assert "BEGIN SOLUTION" not in json.dumps(copy) and "return 2 * x" not in json.dumps(copy)
    assert any(exercises.is_test(c) for c in copy.cells), "the tests keep their nbgrader metadata"
    assert _learner(tmp_path, source) == [], "nothing to do when nothing changed"
    # the learner works in 01; the course changes both notebooks
    copy.cells[1].source = copy.cells[1].source.replace("raise NotImplementedError()", "return x + x")
    nbformat.write(copy, tmp_path / "learner" / "01_a.ipynb")
    for name in ("01_a", "02_b"):
        changed = tiny_course()
        changed.cells.append(nbformat.v4.new_markdown_cell("A new paragraph."))
        nbformat.write(changed, source / f"{name}.ipynb")
    lines = _learner(tmp_path, source)
    assert any(line.startswith(f"{tmp_path}/learner/01_a.ipynb: kept (you changed it)") for line in lines)
    assert f"{tmp_path}/learner/02_b.ipynb: written" in lines
    assert "return x + x" in (tmp_path / "learner" / "01_a.ipynb").read_text(), "the learner's work is kept"
    assert "A new paragraph." in (tmp_path / "learner" / "02_b.ipynb").read_text()


def test_make_lab_writes_the_learner_copies_then_opens_them():
    if shutil.which("make") is None:
        pytest.fail("make is not installed")
    lines = subprocess.run(
        ["make", "-n", "-s", "lab"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    learner = next(i for i, line in enumerate(lines) if "-m tools.grading learner" in line)
    lab = next(i for i, line in enumerate(lines) if "jupyter lab" in line)
    assert learner < lab and lines[lab].rstrip().endswith("learner/")
    teacher = subprocess.run(
        ["make", "-n", "-s", "lab", "TEACHER=1"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "tools.grading learner" not in teacher and teacher.rstrip().endswith("notebooks/")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_exercise_numbers_are_the_answer_cells_in_order(path):
    """``show_solution(n)`` counts answer cells; the headings say "Exercise n" in that order."""
    nb = nbformat.read(path, as_version=4)
    answers = sum(exercises.is_answer(c) for c in nb.cells)
    headings = [
        int(n)
        for c in nb.cells
        if c.cell_type == "markdown"
        for n in re.findall(r"^#+ *Exercise (\d+)", c.source, re.MULTILINE)
    ]
    assert headings in ([], list(range(1, answers + 1))), headings


def test_show_solution_prints_the_model_answer_of_the_running_notebook(monkeypatch, capsys):
    monkeypatch.setenv(exercises.SESSION_ENV, "learner/03_simple_recurrent_network.ipynb")
    exercises.show_solution(2)
    shown = capsys.readouterr().out
    assert shown.startswith("# Looked up: the model answer of exercise 2 of 03_simple_recurrent_network")
    assert "def next_token_distribution(" in shown and "BEGIN SOLUTION" not in shown
    code, path = exercises.solution(4, notebook="03")
    assert path.name.startswith("03_") and "def encode_one_hot(" in code
    monkeypatch.delenv(exercises.SESSION_ENV)
    with pytest.raises(ValueError, match="say which notebook"):
        exercises.show_solution(1)


def test_make_check_works_on_what_make_lab_opens(tmp_path):
    """The learner's copy of notebook 00 (nbgrader metadata intact): its one test fails on
    the stub, named, and ``check`` exits 1; answered, it passes."""
    release.learner_versions(
        [ROOT / "notebooks" / "00_start_here.ipynb"], tmp_path / "grading", tmp_path / "learner"
    )
    copy = tmp_path / "learner" / "00_start_here.ipynb"
    check = [sys.executable, "-m", "tools.grading", "check", str(copy)]
    stub = subprocess.run(check, cwd=ROOT, capture_output=True, text=True)
    assert stub.returncode == 1 and "1 test(s) failed" in stub.stderr and "NotImplementedError" in stub.stderr
    nb = nbformat.read(copy, as_version=4)
    answer = next(c for c in nb.cells if exercises.is_answer(c))
    model, _ = exercises.solution(1, notebook="00")
    answer.source = model
    nbformat.write(nb, copy)
    done = subprocess.run(check, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem[:2])
def test_every_setup_cell_starts_with_the_colab_lines_for_the_repository_setting(path):
    from tools.notebooks import colab_block, repository

    setup = next(c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    assert setup.source.startswith(colab_block(repository())), (
        f"{path.name}: run `python -m tools.notebooks colab` after changing the repository setting"
    )


@pytest.mark.parametrize("on_colab", [True, False])
def test_the_colab_lines_install_the_course_and_its_data_on_colab_only(monkeypatch, on_colab):
    """The Colab check faked both ways: on Colab, pip installs the course from the repository
    and the data loader fetches every dataset into /content; elsewhere nothing runs."""
    import os
    import subprocess
    import types

    from tools.notebooks import colab_block, repository

    ran = []
    monkeypatch.setattr(subprocess, "run", lambda command, check: ran.append(command))
    monkeypatch.delenv("RNN_COURSE_DATA_DIR", raising=False)
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(compile(colab_block(repository()), "<setup cell>", "exec"), {})
    if not on_colab:
        assert ran == [] and "RNN_COURSE_DATA_DIR" not in os.environ
        return
    assert ran[0][:4] == [sys.executable, "-m", "pip", "install"] and f"git+{repository()}" in ran[0]
    assert ran[1] == [sys.executable, "-m", "helpers.data.files"]
    assert os.environ["RNN_COURSE_DATA_DIR"] == "/content/rnn-course-data"


def test_the_readmes_online_links_follow_the_repository_setting():
    from tools.notebooks import repository, setting

    url, branch = repository(), setting("branch")
    owner_name = url.split("://", 1)[1].split("/", 1)[1]
    readme = (ROOT / "README.md").read_text()
    found = set(
        re.findall(r"https://(?:mybinder\.org|colab\.research\.google\.com|github\.com)/[^\s)>]*", readme)
    )
    course = {link for link in found if "rnn-course" in link}
    assert course == {
        f"https://mybinder.org/v2/gh/{owner_name}/{branch}?urlpath=lab/tree/learner/00_start_here.ipynb",
        f"https://colab.research.google.com/github/{owner_name}/blob/{branch}/notebooks/00_start_here.ipynb",
        url,
    }, course
