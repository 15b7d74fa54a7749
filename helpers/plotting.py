"""The course's one plotting style, and small plot helpers several notebooks share."""

from __future__ import annotations

import matplotlib as mpl

COURSE_STYLE = {
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 1.8,
    "image.cmap": "viridis",
    "axes.prop_cycle": mpl.cycler(
        color=["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
    ),
}


def use_course_style() -> None:
    """Apply the course style to matplotlib (idempotent; called by ``setup_notebook``)."""
    mpl.rcParams.update(COURSE_STYLE)
