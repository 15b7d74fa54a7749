"""The course's one plotting style, and the small pictures several notebooks draw (a layered
network diagram, a bar chart of a probability distribution), each on a given ``Axes``."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np

from helpers.validation import as_float_array, require_positive_int

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


def draw_network(ax, sizes: Sequence[int], layer_names: Sequence[str] | None = None) -> None:
    """Draw a fully connected feed-forward network on ``ax``: one column of circles per
    layer (``sizes``, inputs first) and a line for every weight ``w_ij``.
    ``layer_names``: optional caption under each column."""
    sizes = [require_positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
    if layer_names is not None and len(layer_names) != len(sizes):
        raise ValueError(f"need one name per layer: {len(sizes)} layers, "
                         f"{len(layer_names)} names")
    tallest = max(sizes)
    columns = [[(x, (n - 1) / 2 - i) for i in range(n)] for x, n in enumerate(sizes)]
    for left, right in zip(columns[:-1], columns[1:], strict=True):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="0.75", lw=0.8, zorder=1)
    for x, column in enumerate(columns):
        colour = "#2ca02c" if x == 0 else "#d62728" if x == len(sizes) - 1 else "#1f77b4"
        ax.scatter([p[0] for p in column], [p[1] for p in column], s=260, color=colour,
                   edgecolor="black", zorder=2)
        if layer_names is not None:
            ax.text(x, -(tallest - 1) / 2 - 0.9, layer_names[x], ha="center", va="top")
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-(tallest - 1) / 2 - 1.6, (tallest - 1) / 2 + 0.6)
    ax.axis("off")


def probability_bars(ax, probabilities, labels: Sequence | None = None,
                     target: int | None = None) -> None:
    """Bar chart of a distribution ``probabilities`` ``(K,)`` on ``ax``; the most probable
    class is drawn in red and, when given, the ``target`` class is outlined in black."""
    p = as_float_array(probabilities, "probabilities", shape=(None,))
    labels = [str(k) for k in (range(p.size) if labels is None else labels)]
    if len(labels) != p.size:
        raise ValueError(f"need one label per probability: {p.size} probabilities, "
                         f"{len(labels)} labels")
    colours = ["#d62728" if k == int(np.argmax(p)) else "#1f77b4" for k in range(p.size)]
    bars = ax.bar(labels, p, color=colours)
    if target is not None:
        if isinstance(target, bool) or not isinstance(target, int | np.integer) or not 0 <= target < p.size:
            raise ValueError(f"target must be a class index in [0, {p.size}), got {target!r}")
        bars[target].set_edgecolor("black")
        bars[target].set_linewidth(2.0)
    ax.set_ylim(0, 1)
    ax.grid(axis="x", visible=False)
