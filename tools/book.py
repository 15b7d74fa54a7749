"""The course as a static website, built from the notebooks as stored (``make book``).

    python -m tools.book [--out FOLDER]      # default: _build/book (git-ignored)

Nothing is executed: the pages show the outputs CI compares. Each notebook is copied
into ``FOLDER/source`` as a learner would receive it: every solution region replaced
by nbgrader's placeholder, every hidden-test region removed (helpers.notebook.exercises'
markers), each widget shown still, as stored (its output area's figure, its labels, the
value of each control), with a line saying it runs in JupyterLab (the site loads no
script from the network), and deck-error notes ("In the slides") set off as boxes.
A landing page made from README.md and a page for helpers/CONVENTIONS.md join them.
Sphinx with myst-nb and the book theme turns the folder into ``FOLDER/html``; every
warning (a broken link, a missing image, an unknown role) fails the build.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from helpers.notebook import exercises as cells
from helpers.notebook.exercises import PLACEHOLDER, SECRET_REGIONS
from tools.notebooks import repository, setting

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUT = ROOT / "_build" / "book"
WIDGET = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = "(An interactive widget is here: it runs when you open the notebook in JupyterLab.)"
SLIDES_NOTE = re.compile(r"^(?:> )?\*{1,2}In the slides[.:]\*{1,2}\s*")   # the three ways notebooks mark one
STATIC = Path(__file__).resolve().parent / "book_static"
NBVAL_MARKER = re.compile(r"^\s*# NBVAL_[A-Z_]+\s*$")
BINDER_TREE = "/tree/notebooks/"   # in a Binder link: the course's notebook ...
LEARNER_TREE = "/tree/learner/"    # ... and the learner's copy, which postBuild writes there

CONF = '''\
project = "Recurrent neural networks, runnable"
html_title = project
extensions = ["myst_nb", "sphinx-mathjax-offline", "sphinx_copybutton"]   # the first is named with dashes
nb_execution_mode = "off"              # the stored outputs are the ones CI compares
nb_ipywidgets_js = {}                  # no widget script from the network
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
myst_dmath_double_inline = True         # $$...$$ inside a paragraph, as JupyterLab reads it
html_theme = "sphinx_book_theme"
html_theme_options = {"use_download_button": True, "show_toc_level": 2, "home_page_in_toc": True,
                      "show_navbar_depth": 1, "repository_url": REPOSITORY, "repository_branch": BRANCH,
                      "path_to_docs": "notebooks", "use_repository_button": True,
                      "launch_buttons": {"binderhub_url": "https://mybinder.org",
                                         "colab_url": "https://colab.research.google.com",
                                         "notebook_interface": "jupyterlab"}}
copybutton_exclude = ".linenos, .gp, .go"   # the copied text is the code alone
html_context = {"default_mode": "light"}  # an empty mode makes the theme log a console error
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_favicon = "_static/favicon.svg"    # without one the browser asks for /favicon.ico and gets a 404
html_copy_source = True
exclude_patterns = ["_build"]
'''


def strip_markers(source: str) -> str:
    """``source`` without the test-runner's marker lines (``# NBVAL_IGNORE_OUTPUT`` ...)."""
    return "\n".join(line for line in source.splitlines() if not NBVAL_MARKER.match(line))


def strip_secrets(source: str) -> str:
    """``source`` with each solution region replaced by the placeholder and each
    hidden-test region removed, as in the student version."""
    (sol_begin, sol_end), (hid_begin, hid_end) = SECRET_REGIONS
    out, skipping = [], None
    for line in source.splitlines():
        stripped = line.strip()
        if skipping is None and stripped.startswith(sol_begin):
            indent = line[:len(line) - len(line.lstrip())]
            out += [indent + stub for stub in PLACEHOLDER.splitlines()]
            skipping = sol_end
        elif skipping is None and stripped.startswith(hid_begin):
            skipping = hid_end
        elif skipping is not None:
            if stripped.startswith(skipping):
                skipping = None
        else:
            out.append(line)
    return "\n".join(out).rstrip() + "\n"


def _widget_models(model_id: str, state: dict) -> list[dict]:
    """The stored widget models under ``model_id``, parent before children."""
    model = state.get(model_id)
    if model is None:
        return []
    children = model["state"].get("children", [])
    return [model] + [found for child in children
                       for found in _widget_models(child.removeprefix("IPY_MODEL_"), state)]


def widget_still(model_id: str, state: dict) -> list:
    """A widget as still outputs: what its stored output areas, labels and HTML showed, the
    value of each control, and a line saying it runs in JupyterLab. Empty for a progress bar."""
    models = _widget_models(model_id, state)
    if any(m["model_name"] == "FloatProgressModel" for m in models):
        return []
    shown, controls = [], []
    for model in models:
        name, fields = model["model_name"], model["state"]
        if name == "OutputModel":
            shown += [nbformat.from_dict(output) for output in fields.get("outputs", [])]
        elif name == "HTMLModel":
            shown.append(nbformat.v4.new_output("display_data", data={"text/html": fields["value"]}))
        elif name == "LabelModel":
            shown.append(nbformat.v4.new_output("stream", name="stdout", text=fields["value"] + "\n"))
        elif fields.get("description") and ("value" in fields or "index" in fields):
            value = fields["_options_labels"][fields["index"]] if "index" in fields else fields["value"]
            controls.append(f"{fields['description']} = {value}")
    note = WIDGET_NOTE if not controls else (
        f"(Shown as stored, with {', '.join(controls)}: the widget itself runs when you open the "
        "notebook in JupyterLab.)")
    return shown + [nbformat.v4.new_output("display_data", data={"text/plain": note})]


def _outputs(cell, state: dict) -> list:
    """The cell's outputs with each widget replaced by its still (see ``widget_still``)."""
    outputs = []
    for output in cell.get("outputs", []):
        view = output.get("data", {}).get(WIDGET)
        outputs += [output] if view is None else widget_still(view["model_id"], state)
    return outputs


def slides_box(paragraph: str) -> str:
    """A deck-error note ("In the slides", plain or quoted) as a styled box; any other
    paragraph unchanged."""
    if not SLIDES_NOTE.match(paragraph):
        return paragraph
    lines = [line.removeprefix(">").removeprefix(" ") for line in paragraph.splitlines()]
    body = SLIDES_NOTE.sub("", "\n".join(lines), count=1)
    return f":::{{admonition}} In the slides\n:class: in-the-slides\n{body}\n:::"


def student_view(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as the site shows it (see the module docstring)."""
    nb = nbformat.from_dict(nb)
    stored = nb.metadata.pop("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    state = stored.get("state", {})
    for cell in nb.cells:
        answer, tests = cells.is_solution(cell), cells.is_graded(cell)   # nbgrader's metadata stays
        if cell.cell_type == "markdown":
            cell.source = "\n\n".join(map(slides_box, re.split(r"\n\s*\n", cell.source)))
            continue
        cell.source = strip_markers(strip_secrets(cell.source))
        cell.outputs = _outputs(cell, state)
        tags = cell.metadata.setdefault("tags", [])
        if answer or tests:     # outputs of the solved run
            tags.append("exercise-answer" if answer else "exercise-tests")
            cell.outputs = []
    return nb


def landing_page(readme: str, names: list[str]) -> str:
    """The site's first page: README's introduction and series table (its links pointing at
    the pages), how to run the course locally, and the table of contents."""
    intro = readme.split("## Quick start")[0]
    intro = re.sub(r"\(notebooks/(\d\d_[a-z0-9_]+\.ipynb)\)", r"(\1)", intro)
    intro = intro.replace("[`helpers/CONVENTIONS.md`](helpers/CONVENTIONS.md)",
                          "[the conventions](conventions.md)")
    repository_link = r"\[([^\]]+)\]\((?!https?:|\d\d_|conventions\.md)[^)]+\)"   # a file of the clone
    intro = re.sub(repository_link, r"\1", intro)
    run = ("## Run it on your machine\n\nWith Python 3.10 or newer, pip and `make`, in a clone of the "
           "repository:\n\n```bash\nmake lab     # installs everything (pinned) and opens JupyterLab\n"
           "make test    # the whole test suite, as CI runs it\n```\n\nEvery page here is a notebook as "
           "stored, outputs included; the download button on each page gives the notebook itself, with "
           "the exercises to fill in.\n")
    toc = "```{toctree}\n:maxdepth: 1\n:caption: The series\n\n" + "\n".join(names) + "\n```\n\n" + \
          "```{toctree}\n:maxdepth: 1\n:caption: Reference\n\nconventions\n```\n"
    return f"{intro.rstrip()}\n\n{run}\n{toc}"


def write_source(source: Path) -> list[str]:
    """Fill ``source`` with the pages and Sphinx's configuration; returns the notebook names."""
    if source.exists():
        shutil.rmtree(source)
    (source / "_static").mkdir(parents=True)
    names = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        nbformat.write(student_view(nbformat.read(path, as_version=4)), source / path.name)
        names.append(path.stem)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (source / "index.md").write_text(landing_page(readme, names), encoding="utf-8")
    shutil.copy(ROOT / "helpers" / "CONVENTIONS.md", source / "conventions.md")
    for asset in STATIC.iterdir():
        shutil.copy(asset, source / "_static" / asset.name)
    settings = f"REPOSITORY = {repository()!r}\nBRANCH = {setting('branch')!r}\n"
    (source / "conf.py").write_text(settings + CONF, encoding="utf-8")
    return names


def build(out: Path = DEFAULT_OUT) -> Path:
    """Write the site into ``out/html`` and return that folder; ``RuntimeError`` with
    Sphinx's messages when it warns or fails."""
    source, html = out / "source", out / "html"
    write_source(source)
    if html.exists():
        shutil.rmtree(html)
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           str(source), str(html)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"the site did not build (sphinx exit {proc.returncode}):\n{proc.stderr[-4000:]}")
    for page in html.glob("[0-9][0-9]_*.html"):   # Binder opens the learner's copy (see postBuild)
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(f"lab{BINDER_TREE}", f"lab{LEARNER_TREE}"), encoding="utf-8")
    return html


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for source/ and html/")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        html = build(args.out.resolve())
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"built {html / 'index.html'} in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
