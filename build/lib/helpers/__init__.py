"""Shared code for the recurrent neural networks course, in layers (see helpers/README.md):
``validation`` under ``data`` under ``numpy_nets`` under ``torch_nets`` under ``notebook``.
``setup_notebook`` is re-exported here because every notebook calls it first."""

from helpers.notebook.setup import setup_notebook

__all__ = ["setup_notebook"]
__version__ = "0.1.0"
