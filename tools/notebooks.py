"""Author and re-execute the course notebooks.

    python -m tools.notebooks execute [NOTEBOOK ...]   # run in place, store outputs
    python -m tools.notebooks import SCRIPT.py NOTEBOOK.ipynb
    python -m tools.notebooks colab                    # the setup cells' Colab lines, from the setting

``execute`` runs each notebook top to bottom in a fresh kernel from its own folder
(default: every ``notebooks/*.ipynb``) and stores the outputs, with no timing
metadata, so that nbval in CI compares against a clean run. Re-run it for every
notebook that uses a helper you changed.

``import`` turns a jupytext "percent" script (cells start with ``# %%``; cell
metadata such as ``tags=["parameters"]`` or ``nbgrader={...}`` go on that line)
into a notebook without jupytext's own metadata. It refuses to overwrite an
existing notebook unless ``--force`` is given.

``colab`` writes, at the top of every notebook's setup cell, the lines that on Google Colab
(and nowhere else) install the course from its repository (``repository()``: the
``[tool.rnn-course]`` table of ``pyproject.toml``, or ``$BOOK_REPOSITORY``) and fetch its
data; elsewhere they do nothing and print nothing, so the stored outputs stay valid.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
NOTEBOOKS = ROOT / "notebooks"
REPOSITORY_ENV = "BOOK_REPOSITORY"
COLAB_BEGIN = "# On Google Colab only:"
COLAB_END = "# (end of the Colab lines)\n"


def setting(key: str) -> str:
    """A string value of the ``[tool.rnn-course]`` table of ``pyproject.toml`` (read with a
    pattern: tomllib needs Python 3.11)."""
    text = (ROOT / "pyproject.toml").read_text()
    table = text.split("[tool.rnn-course]", 1)[1].split("\n[", 1)[0]
    found = re.search(rf'^{re.escape(key)}\s*=\s*"([^"]*)"', table, re.MULTILINE)
    if found is None:
        raise SystemExit(f"pyproject.toml: no {key} = \"...\" in [tool.rnn-course]")
    return found.group(1)


def repository() -> str:
    """The repository the course is published from: ``$BOOK_REPOSITORY``, else the setting."""
    value = os.environ.get(REPOSITORY_ENV, "").strip() or setting("repository")
    if not re.fullmatch(r"https://[\w.-]+/[\w.-]+/[\w.-]+", value):
        raise SystemExit(f"{REPOSITORY_ENV} / [tool.rnn-course] repository must be a repository URL such as "
                         f"https://github.com/OWNER/NAME, got {value!r}")
    return value


def colab_block(url: str) -> str:
    """The setup cell's first lines: on Colab, install the course from ``url`` and fetch its
    data (into /content); anywhere else, nothing."""
    return (f"{COLAB_BEGIN} install the course from its repository and fetch its data\n"
            "import os\n"
            "import subprocess\n"
            "import sys\n"
            "\n"
            "if \"google.colab\" in sys.modules:\n"
            "    os.environ.setdefault(\"RNN_COURSE_DATA_DIR\", \"/content/rnn-course-data\")\n"
            "    subprocess.run([sys.executable, \"-m\", \"pip\", \"install\", \"--quiet\", \"pooch\",\n"
            f"                    \"git+{url}\"], check=True)\n"
            "    subprocess.run([sys.executable, \"-m\", \"helpers.data.files\"], check=True)\n"
            f"{COLAB_END}")


def with_colab_block(source: str, url: str) -> str:
    """A setup cell's source with the Colab lines (for ``url``) at its top, once."""
    if source.startswith(COLAB_BEGIN):
        source = source.split(COLAB_END, 1)[1]
    return colab_block(url) + source


def tidy(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop editor and jupytext metadata so that diffs show only content changes."""
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})
    for cell in nb.cells:
        for key in ("lines_to_next_cell", "execution", "collapsed", "scrolled"):
            cell.metadata.pop(key, None)
    return nb


def execute(path: Path, timeout: int = 900) -> float:
    """Execute ``path`` in place; returns the wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    seconds = time.perf_counter() - start
    nbformat.write(tidy(nb), path)
    return seconds


def write_colab_blocks(url: str) -> list[Path]:
    """Put the Colab lines for ``url`` into every notebook's setup cell; returns the
    notebooks changed."""
    changed = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        setup = next(cell for cell in nb.cells if cell.cell_type == "code")
        source = with_colab_block(setup.source, url)
        if source != setup.source:
            setup.source = source
            nbformat.write(nb, path)
            changed.append(path)
    return changed


def import_script(script: Path, target: Path, force: bool = False) -> None:
    """Write the percent-format ``script`` as the notebook ``target`` (outputs empty)."""
    import jupytext  # deferred: only importing a script needs it

    if target.exists() and not force:
        raise SystemExit(f"{target} exists; pass --force to replace it")
    nb = jupytext.read(script, fmt="py:percent")
    nbformat.write(tidy(nb), target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("execute", help="run notebooks in place and store their outputs")
    ex.add_argument("notebooks", nargs="*", type=Path)
    ex.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    im = sub.add_parser("import", help="percent script -> notebook")
    im.add_argument("script", type=Path)
    im.add_argument("notebook", type=Path)
    im.add_argument("--force", action="store_true")
    sub.add_parser("colab", help="write the setup cells' Colab lines for the repository setting")
    args = parser.parse_args(argv)
    if args.command == "import":
        import_script(args.script, args.notebook, args.force)
        return 0
    if args.command == "colab":
        for path in write_colab_blocks(repository()):
            print(f"{path.name}: Colab lines written")
        return 0
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    for path in paths:
        print(f"{path.name}: {execute(path.resolve(), args.timeout):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
