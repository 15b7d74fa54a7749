"""Shared code for the recurrent neural networks course.

One module per idea; import the module you need, for example::

    from helpers import setup_notebook
    from helpers.notebook.feedback import check_close
    from helpers import data

``setup_notebook`` is re-exported here because every notebook calls it first.
"""

from helpers.notebook.setup import setup_notebook

__all__ = ["setup_notebook"]
__version__ = "0.1.0"
