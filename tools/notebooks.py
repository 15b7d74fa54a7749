"""Author and re-execute the course notebooks.

    python -m tools.notebooks execute [NOTEBOOK ...]   # run in place, store outputs
    python -m tools.notebooks import SCRIPT.py NOTEBOOK.ipynb

``execute`` runs each notebook top to bottom in a fresh kernel from its own folder
(default: every ``notebooks/*.ipynb``) and stores the outputs, with no timing
metadata, so that nbval in CI compares against a clean run. Re-run it for every
notebook that uses a helper you changed.

``import`` turns a jupytext "percent" script (cells start with ``# %%``; cell
metadata such as ``tags=["parameters"]`` or ``nbgrader={...}`` go on that line)
into a notebook without jupytext's own metadata. It refuses to overwrite an
existing notebook unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


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
    args = parser.parse_args(argv)
    if args.command == "import":
        import_script(args.script, args.notebook, args.force)
        return 0
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    for path in paths:
        print(f"{path.name}: {execute(path.resolve(), args.timeout):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
