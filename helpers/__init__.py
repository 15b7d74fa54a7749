"""Shared code for the recurrent neural networks course, in layers (see helpers/README.md):
``validation`` under ``data`` under ``numpy_nets`` under ``torch_nets`` under ``notebook``.
``from helpers import setup_notebook`` works because every notebook calls it first."""

def __getattr__(name: str):
    if name == "setup_notebook":   # imported on first use: the data and numpy layers never load torch
        from helpers.notebook.setup import setup_notebook

        return setup_notebook
    raise AttributeError(f"module 'helpers' has no attribute {name!r}")
