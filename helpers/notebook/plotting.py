"""The course's one plotting style, and the small pictures several notebooks draw, each on a
given ``Axes``: a layered network, a bar chart of a probability distribution, a recurrent
network unrolled in time, a recurrence folded and unfolded, recurrent depth, and the LSTM
and GRU cells."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch

from helpers.validation import as_float_array, as_index_array, require_int_in, require_positive_int

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


def _check_axes(ax, name: str = "ax") -> None:
    """``TypeError`` unless ``ax`` is a matplotlib ``Axes`` (e.g. from ``plt.subplots()``)."""
    if not isinstance(ax, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes (fig, ax = plt.subplots()), "
                        f"got {type(ax).__name__}")


def use_course_style() -> None:
    """Apply the course style to matplotlib (idempotent; called by ``setup_notebook``)."""
    mpl.rcParams.update(COURSE_STYLE)


def draw_network(ax, sizes: Sequence[int], layer_names: Sequence[str] | None = None) -> None:
    """Draw a fully connected feed-forward network on ``ax``: one column of circles per
    layer (``sizes``, inputs first) and a line for every weight ``w_ij``.
    ``layer_names``: optional caption under each column."""
    _check_axes(ax)
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
    _check_axes(ax)
    p = as_float_array(probabilities, "probabilities", shape=(None,), allow_empty=False)
    if p.min() < 0 or p.max() > 1:
        raise ValueError(f"probabilities must lie in [0, 1], found {p.min() if p.min() < 0 else p.max():g}")
    labels = [str(k) for k in (range(p.size) if labels is None else labels)]
    if len(labels) != p.size:
        raise ValueError(f"need one label per probability: {p.size} probabilities, "
                         f"{len(labels)} labels")
    colours = ["#d62728" if k == int(np.argmax(p)) else "#1f77b4" for k in range(p.size)]
    bars = ax.bar(labels, p, color=colours)
    if target is not None:
        bars[require_int_in(target, "target (a class index)", 0, p.size)].set_edgecolor("black")
        bars[target].set_linewidth(2.0)
    ax.set_ylim(0, 1)
    ax.grid(axis="x", visible=False)


def _node(ax, xy, text: str, colour: str, radius: float = 0.28) -> None:
    """A labelled circle: one unit, state or signal in a graph drawing."""
    ax.add_patch(plt.Circle(xy, radius, color=colour, zorder=2))
    ax.text(*xy, text, ha="center", va="center", fontsize=9, zorder=3)


def _arrow(ax, start, end, label: str = "", colour: str = "black", bend: float = 0.0) -> None:
    """An arrow between two node centres, stopping at their rims; ``bend`` curves it."""
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, color=colour,
                                 shrinkA=11, shrinkB=11, zorder=1,
                                 connectionstyle=f"arc3,rad={bend}"))
    if label:
        ax.text((start[0] + end[0]) / 2 + 0.08, (start[1] + end[1]) / 2 + 0.06 + 0.5 * bend,
                label, fontsize=9, color=colour)


def _finish(ax, x_range, y_range, title: str) -> None:
    ax.set_xlim(*x_range)
    ax.set_ylim(*y_range)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)


def _steps(values, n_steps: int, name: str) -> set[int]:
    steps = {int(v) for v in as_index_array(list(values), name, np.iinfo(np.int64).max, (None,))}
    if any(not 0 <= s < n_steps for s in steps):
        raise ValueError(f"{name} must be time steps in [0, {n_steps}), got {sorted(steps)}")
    return steps


def draw_unrolled(ax, n_steps: int, inputs, outputs, recurrence: str = "hidden",
                  title: str = "") -> None:
    """Draw a recurrent network unrolled over ``n_steps`` time steps on ``ax``.

    ``inputs`` and ``outputs``: the steps (0-based) that have an input ``x`` or an output
    ``o``; ``recurrence``: ``'hidden'`` joins ``h<t-1> -> h<t>`` (the SRN),
    ``'output'`` joins ``o<t-1> -> h<t>``. The weights ``U``, ``W``, ``V`` get one colour
    each, the same at every step, because they are shared.
    """
    _check_axes(ax)
    n_steps = require_positive_int(n_steps, "n_steps")
    if recurrence not in ("hidden", "output"):
        raise ValueError(f"recurrence must be 'hidden' or 'output', got {recurrence!r}")
    inputs, outputs = _steps(inputs, n_steps, "inputs"), _steps(outputs, n_steps, "outputs")
    for t in range(n_steps):
        _node(ax, (t, 1), f"h{t + 1}", "#c5b0d5")
        if t in inputs:
            _node(ax, (t, 0), f"x{t + 1}", "#aec7e8")
            _arrow(ax, (t, 0), (t, 1), "U", "tab:blue")
        if t in outputs:
            _node(ax, (t, 2), f"o{t + 1}", "#ffbb78")
            _arrow(ax, (t, 1), (t, 2), "V", "tab:orange")
        if t > 0 and (recurrence == "hidden" or (t - 1) in outputs):
            start = (t - 1, 1) if recurrence == "hidden" else (t - 1, 2)
            _arrow(ax, start, (t, 1), "W", "tab:purple")
    _finish(ax, (-0.6, n_steps - 0.4), (-0.5, 2.5), title)


def draw_folded_and_unfolded(ax_folded, ax_unfolded, n_steps: int = 4,
                             driven: bool = True) -> None:
    """Deck 004's two views of one recurrence ``s<t> = f(s<t-1>, x<t>; theta)``.

    ``ax_folded``: the circuit diagram, one state ``s`` with a loop through ``f``;
    ``ax_unfolded``: the same system unfolded over ``n_steps`` steps, one copy of
    ``f`` (same parameters ``theta``) per step. ``driven=False`` drops the inputs ``x``
    (the autonomous system ``s<t> = f(s<t-1>; theta)``).
    """
    _check_axes(ax_folded, "ax_folded")
    _check_axes(ax_unfolded, "ax_unfolded")
    n_steps = require_positive_int(n_steps, "n_steps")
    _node(ax_folded, (0, 1), "s", "#c5b0d5")
    _node(ax_folded, (1, 1), "f", "#dbdb8d", radius=0.2)
    _arrow(ax_folded, (0, 1), (1, 1), "", "tab:purple", bend=-0.6)
    _arrow(ax_folded, (1, 1), (0, 1), "", "tab:purple", bend=-0.6)
    if driven:
        _node(ax_folded, (1, 0), "x", "#aec7e8")
        _arrow(ax_folded, (1, 0), (1, 1), "", "tab:blue")
    _finish(ax_folded, (-0.6, 1.6), (-0.5, 2.3), "folded: s feeds f, f feeds s")
    for t in range(n_steps):
        _node(ax_unfolded, (t, 1), f"s{t + 1}", "#c5b0d5")
        if t:
            _arrow(ax_unfolded, (t - 1, 1), (t, 1), "f", "tab:purple")
        if driven:
            _node(ax_unfolded, (t, 0), f"x{t + 1}", "#aec7e8")
            _arrow(ax_unfolded, (t, 0), (t, 1), "", "tab:blue")
    _finish(ax_unfolded, (-0.6, n_steps - 0.4), (-0.5, 2.3),
            f"unfolded over {n_steps} steps: the same f (same theta) at every arrow")


def draw_depth(ax, layers_above: int = 0, layers_between_states: int = 1, title: str = "") -> None:
    """Two time steps of a recurrent network, to show deck 004's two depths.

    ``layers_above``: extra layers between the state ``h`` and the output ``o`` of a step
    (0 for the SRN); the feed-forward depth, the longest path from ``x<t>`` to ``o<t>``,
    is ``2 + layers_above``. ``layers_between_states``: layers on the path from ``h<t>``
    to ``h<t+1>``, the recurrent depth (1 for the SRN).
    """
    _check_axes(ax)
    above = require_int_in(layers_above, "layers_above", 0)
    depth = require_positive_int(layers_between_states, "layers_between_states")
    gap = depth + 1.2
    for t in range(2):
        x0 = t * gap
        _node(ax, (x0, -1), f"x{t + 1}", "#aec7e8")
        _node(ax, (x0, 0), f"h{t + 1}", "#c5b0d5")
        _arrow(ax, (x0, -1), (x0, 0), "", "tab:blue")
        for k in range(1, above + 1):
            _node(ax, (x0, k), "", "#dbdb8d", radius=0.18)
            _arrow(ax, (x0, k - 1), (x0, k), "", "tab:orange")
        _node(ax, (x0, above + 1), f"o{t + 1}", "#ffbb78")
        _arrow(ax, (x0, above), (x0, above + 1), "", "tab:orange")
    path = [(0, 0)] + [(i * gap / depth, 0.6) for i in range(1, depth)] + [(gap, 0)]
    for k, (start, end) in enumerate(zip(path[:-1], path[1:], strict=True)):
        if k:
            _node(ax, start, "", "#dbdb8d", radius=0.18)
        _arrow(ax, start, end, "", "tab:purple")
    # at least the extent of depth 3, so that small networks are drawn at the same scale
    _finish(ax, (-0.6, max(gap, 4.2) + 0.6), (-1.5, max(above, 2) + 1.5),
            title or f"feed-forward depth {2 + above}, recurrent depth {depth}")


_CELL_LAYOUTS = {
    # name: (xy, label, colour); edges: (from, to, label)
    "lstm": (
        {"c_prev": ((0, 3), "C<t-1>", "#c5b0d5"), "forget": ((2, 3), "x", "#e0e0e0"),
         "add": ((4, 3), "+", "#e0e0e0"), "c_new": ((7.6, 3), "C<t>", "#c5b0d5"),
         "in": ((0, -0.4), "h<t-1>\nx<t>", "#aec7e8"), "f": ((2, 1), "f\nσ", "#ffbb78"),
         "i": ((3.3, 1), "i\nσ", "#ffbb78"), "g": ((4.6, 1), "C~\ntanh", "#98df8a"),
         "o": ((5.9, 1), "o\nσ", "#ffbb78"), "write": ((4, 2), "x", "#e0e0e0"),
         "squash": ((7.6, 2), "tanh", "#98df8a"), "read": ((7.6, 1), "x", "#e0e0e0"),
         "h_new": ((8.9, 1), "h<t>", "#c5b0d5")},
        [("c_prev", "forget", ""), ("forget", "add", ""), ("add", "c_new", ""), ("in", "f", ""),
         ("in", "i", ""), ("in", "g", ""), ("in", "o", ""), ("f", "forget", ""), ("i", "write", ""),
         ("g", "write", ""), ("write", "add", ""), ("c_new", "squash", ""), ("squash", "read", ""),
         ("o", "read", ""), ("read", "h_new", "")],
        "LSTM cell: the cell state C runs along the top, changed only by x and +",
    ),
    "gru": (
        {"h_prev": ((0, 3), "h<t-1>", "#c5b0d5"), "keep": ((3, 3), "x", "#e0e0e0"),
         "add": ((6.2, 3), "+", "#e0e0e0"), "h_new": ((8.2, 3), "h<t>", "#c5b0d5"),
         "in": ((0, -0.4), "h<t-1>\nx<t>", "#aec7e8"), "r": ((1.6, 1), "r\nσ", "#ffbb78"),
         "z": ((3, 1.6), "z\nσ", "#ffbb78"), "n": ((4.6, 1), "n\ntanh", "#98df8a"),
         "one_minus": ((4.6, 2.2), "1-z", "#e0e0e0"), "mix": ((6.2, 2), "x", "#e0e0e0")},
        [("h_prev", "keep", ""), ("keep", "add", ""), ("add", "h_new", ""), ("in", "r", ""),
         ("in", "z", ""), ("in", "n", ""), ("r", "n", ""), ("z", "keep", ""),
         ("z", "one_minus", ""), ("one_minus", "mix", ""), ("n", "mix", ""), ("mix", "add", "")],
        "GRU cell: z keeps the old state, 1 - z lets the candidate n in;\nr scales the recurrent part of n",
    ),
}


def draw_gated_cell(ax, kind: str) -> None:
    """A schematic of one step of a gated cell, ``kind`` ``'lstm'`` or ``'gru'``: gates
    (sigma), candidates (tanh), pointwise products (x) and sums (+) between the previous
    state and the new one."""
    _check_axes(ax)
    if kind not in _CELL_LAYOUTS:
        raise ValueError(f"kind must be one of {sorted(_CELL_LAYOUTS)}, got {kind!r}")
    nodes, edges, title = _CELL_LAYOUTS[kind]
    for start, end, label in edges:
        _arrow(ax, nodes[start][0], nodes[end][0], label, "dimgray")
    for xy, label, colour in nodes.values():
        _node(ax, xy, label, colour, radius=0.42)
    xs = [xy[0] for xy, _, _ in nodes.values()]
    _finish(ax, (min(xs) - 0.7, max(xs) + 0.7), (-1.0, 3.7), title)
