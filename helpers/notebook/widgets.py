"""Interactive widgets for the notebooks. Each widget is a thin ipywidgets shell
around a plain function (its "core") that tests call without a browser."""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from helpers.notebook.plotting import probability_bars
from helpers.numpy_nets import lstm
from helpers.numpy_nets.activations import ACTIVATIONS, get_activation, sigmoid, softmax
from helpers.numpy_nets.gradient_flow import lag_curve
from helpers.validation import as_float_array, as_index_array, require_int_in


def _redrawn(draw: Callable, **controls) -> widgets.VBox:
    """The controls (in a row when there are several) above the figure that
    ``draw(**their values)`` makes, drawn again by ``ipywidgets.interactive_output``
    whenever a control changes."""
    row = next(iter(controls.values())) if len(controls) == 1 else widgets.HBox(list(controls.values()))
    return widgets.VBox([row, widgets.interactive_output(draw, controls)])


def _finite_real(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return float(value)


def neuron_readout(v: float) -> str:
    """Core of ``neuron_explorer``: one line giving the logistic and tanh outputs for activity ``v``.

    ``v`` is a finite real number; returns e.g. ``'v = 1.00 -> logistic 0.731, tanh 0.762'``.
    """
    v = _finite_real(v, "v")
    return f"v = {v:.2f} -> logistic {float(sigmoid(v)):.3f}, tanh {np.tanh(v):.3f}"


def neuron_explorer(v: float = 0.0):
    """A slider for a unit's activity ``v`` and a live readout of ``neuron_readout(v)``.

    Returns an ``ipywidgets.VBox``; display it as the last line of a cell.
    """
    first_readout = neuron_readout(v)  # checks v before the widget does
    slider = widgets.FloatSlider(value=v, min=min(-5.0, v), max=max(5.0, v), step=0.25,
                                 description="activity v", continuous_update=True)
    readout = widgets.Label(value=first_readout)
    readout.add_class("neuron-readout")

    def update(change):
        readout.value = neuron_readout(change["new"])

    slider.observe(update, names="value")
    return widgets.VBox([slider, readout])


def activation_curve(name: str, v_min: float = -5.0, v_max: float = 5.0, n: int = 201):
    """Core of ``activation_explorer``: an activation and its derivative over an input range.

    ``name``: ``'sigmoid'``, ``'tanh'`` or ``'linear'``; ``v_min < v_max`` finite; ``n >= 2``
    points. Returns ``(v, y, dy_dv)``, three arrays of shape ``(n,)``, the derivative
    computed from the output ``y`` as backpropagation does.
    """
    function, derivative_from_output = get_activation(name)
    v_min, v_max = _finite_real(v_min, "v_min"), _finite_real(v_max, "v_max")
    if not v_min < v_max:
        raise ValueError(f"need v_min < v_max, got v_min={v_min}, v_max={v_max}")
    n = require_int_in(n, "n (points, at least 2)", 2)
    v = np.linspace(float(v_min), float(v_max), n)
    y = function(v)
    return v, y, derivative_from_output(y)


def activation_explorer(name: str = "sigmoid", v_range: tuple[float, float] = (-5.0, 5.0)):
    """A dropdown of activation functions and a range slider for ``v``; redraws the
    function and its derivative (from ``activation_curve``). Returns an ``ipywidgets.VBox``."""
    if not isinstance(v_range, tuple | list):
        raise TypeError(f"v_range must be a pair (v_min, v_max), got {type(v_range).__name__}")
    if len(v_range) != 2:
        raise ValueError(f"v_range must be a pair (v_min, v_max), got {v_range!r}")
    activation_curve(name, *v_range)  # checks name and range before the widgets do

    def draw(f, span):
        v, y, dy = activation_curve(f, *span)
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.plot(v, y, label=f"{f}(v)")
        ax.plot(v, dy, "--", label="derivative from the output")
        ax.set_xlabel("activity v")
        ax.legend()
        plt.show()

    return _redrawn(draw, f=widgets.Dropdown(options=sorted(ACTIVATIONS), value=name, description="f"),
                    span=widgets.FloatRangeSlider(value=v_range, min=min(-10.0, v_range[0]),
                                                  max=max(10.0, v_range[1]), step=0.5,
                                                  description="v range", continuous_update=False))


def temperature_explorer(logits, labels, temperature: float = 1.0):
    """A temperature slider (log scale, 0.1 to 10) that redraws ``P(y|x) = softmax(logits /
    temperature)`` for ``logits`` ``(K,)`` as a bar chart with the ``K`` ``labels``.
    Returns an ``ipywidgets.VBox``."""
    labels = [str(label) for label in labels]
    logits = as_float_array(logits, "logits", (None,), allow_empty=False)
    if len(labels) != logits.size:
        raise ValueError(f"need one label per logit: {logits.size} logits, {len(labels)} labels")
    softmax(logits, temperature=temperature)  # checks the temperature before the widget does

    def draw(temperature):
        fig, ax = plt.subplots(figsize=(6, 2.8))
        probability_bars(ax, softmax(logits, temperature=temperature), labels)
        ax.set_ylabel("probability")
        ax.set_title(f"softmax(o / {temperature:.2f})")
        plt.show()

    exponent = np.log10(float(temperature))   # the slider spans 0.1 to 10, and further to reach the value
    slider = widgets.FloatLogSlider(value=temperature, base=10, min=min(-1.0, np.floor(exponent)),
                                    max=max(1.0, np.ceil(exponent)), step=0.05, description="temperature",
                                    continuous_update=False)
    return _redrawn(draw, temperature=slider)


def srn_time_step(input_tokens, hidden, probs, labels, t: int, top: int = 3) -> dict:
    """Core of ``srn_time_stepper``: what an SRN sees, holds and predicts at step ``t``.

    ``input_tokens``: the ``T`` input tokens (strings); ``hidden`` ``(T, U)`` states
    ``h<1..T>``; ``probs`` ``(T, K)`` output distributions; ``labels``: the ``K``
    output tokens; ``0 <= t < T``. Returns a dict with ``input`` (token at ``t``),
    ``context`` (tokens up to ``t``), ``hidden`` ``(U,)``, ``probs`` ``(K,)`` and
    ``top``: the ``top`` most likely next tokens as ``[(token, probability), ...]``.
    """
    input_tokens = [str(tok) for tok in input_tokens]
    n_steps = len(input_tokens)
    hidden = as_float_array(hidden, "hidden", (n_steps, None))
    probs = as_float_array(probs, "probs", (n_steps, len(labels)))
    require_int_in(t, "t", 0, n_steps)
    order = np.argsort(-probs[t], kind="stable")[:top]
    return {
        "input": input_tokens[t],
        "context": input_tokens[: t + 1],
        "hidden": hidden[t],
        "probs": probs[t],
        "top": [(str(labels[k]), float(probs[t, k])) for k in order],
    }


def srn_time_stepper(input_tokens, hidden, probs, labels):
    """A slider over the time step ``t`` that redraws the input token, the hidden
    state ``h<t>`` (bars) and the output distribution ``y<t>`` (bars over ``labels``),
    from ``srn_time_step``. Arguments as there. Returns an ``ipywidgets.VBox``."""
    srn_time_step(input_tokens, hidden, probs, labels, 0)  # checks the arguments before the widget does

    def draw(t):
        view = srn_time_step(input_tokens, hidden, probs, labels, t)
        fig, (ax_h, ax_y) = plt.subplots(1, 2, figsize=(9, 2.8))
        ax_h.bar(np.arange(view["hidden"].size), view["hidden"], color="tab:purple")
        ax_h.set_ylim(-1.05, 1.05)
        ax_h.set_title(f"h<{t + 1}> after reading {view['input']!r}")
        ax_h.set_xlabel("hidden unit")
        ax_y.bar(np.arange(len(labels)), view["probs"], color="tab:blue")
        ax_y.set_xticks(np.arange(len(labels)), [str(s) for s in labels], rotation=45)
        ax_y.set_ylim(0, 1)
        ax_y.set_title("y: next-token distribution")
        fig.suptitle(" ".join(view["context"]), fontsize=10)
        plt.show()

    slider = widgets.IntSlider(value=0, min=0, max=len(input_tokens) - 1, description="time step t",
                               continuous_update=False)
    return _redrawn(draw, t=slider)


def spectral_radius_explorer(rho: float = 1.0, activation: str = "tanh", n_steps: int = 60):
    """A slider for the spectral radius of the recurrent matrix and a choice of activation;
    redraws ``||dh<T>/dh<T-lag>||`` against the lag on a log scale, from the plain
    function ``helpers.numpy_nets.gradient_flow.lag_curve``. Returns an ``ipywidgets.VBox``."""
    lag_curve(rho, activation, n_steps)  # checks the arguments before the widgets do

    def draw(rho, f):
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.semilogy(np.arange(n_steps + 1), lag_curve(rho, f, n_steps))
        ax.set_xlabel("lag T - k")
        ax.set_ylabel("||dh<T>/dh<k>||")
        ax.set_title(f"spectral radius {rho:.1f}, {f}")
        plt.show()

    slider = widgets.FloatSlider(value=rho, min=min(0.1, rho), max=max(3.0, rho), step=0.1,
                                 description="radius", continuous_update=False)
    return _redrawn(draw, rho=slider,
                    f=widgets.Dropdown(options=["tanh", "linear"], value=activation, description="f"))


def lstm_gate_step(cache, t: int, sequence: int = 0) -> dict:
    """Core of ``lstm_gate_stepper``: the gates and states of one sequence of an LSTM run
    at step ``t`` (``0 <= t < T``). ``cache`` is the ``LSTMCache`` of ``lstm.forward``.
    Returns a dict of ``(H,)`` arrays: ``i``, ``f``, ``g`` (the candidate ``C~``), ``o``,
    ``c`` (the cell state ``C<t>``) and ``h``."""
    if not isinstance(cache, lstm.LSTMCache):
        raise TypeError(f"cache must be the LSTMCache that lstm.forward returned, got {type(cache).__name__}")
    n, n_steps, h = cache.hidden.shape
    sequence = int(as_index_array(sequence, "sequence", n, ()))
    require_int_in(t, "t", 0, n_steps)
    gates = cache.gates[sequence, t]
    view = {name: gates[k * h:(k + 1) * h] for k, name in enumerate(lstm.GATES)}
    view["c"] = cache.cells[sequence, t]
    view["h"] = cache.hidden[sequence, t]
    return view


def lstm_gate_stepper(cache, sequence: int = 0):
    """A slider over the time step that redraws, as bars over the hidden units, the input,
    forget and output gates, the candidate, the cell state and ``h`` of one sequence, from
    ``lstm_gate_step``. Returns an ``ipywidgets.VBox``."""
    lstm_gate_step(cache, 0, sequence)  # checks the arguments before the widgets do
    panels = (("i", "input gate i", (0, 1)), ("f", "forget gate f", (0, 1)), ("o", "output gate o", (0, 1)),
              ("g", "candidate C~", (-1, 1)), ("c", "cell state C", None), ("h", "state h", (-1, 1)))

    def draw(t):
        view = lstm_gate_step(cache, t, sequence)
        fig, axes = plt.subplots(2, 3, figsize=(10, 4), sharex=True)
        for ax, (key, title, limits) in zip(axes.ravel(), panels, strict=True):
            colour = "tab:orange" if limits == (0, 1) else "tab:purple"
            ax.bar(np.arange(view[key].size), view[key], color=colour)
            ax.set_title(title, fontsize=9)
            if limits:
                ax.set_ylim(*limits)
        fig.suptitle(f"step {t}", fontsize=10)
        plt.show()

    slider = widgets.IntSlider(value=0, min=0, max=cache.hidden.shape[1] - 1, description="time step",
                               continuous_update=False)
    return _redrawn(draw, t=slider)


def ranking_readout(ranking) -> str:
    """Core of ``label_ranker``: ``[(label, probability), ...]`` as one line per label with
    a bar, e.g. ``'Japanese   0.93 ###################'``."""
    if isinstance(ranking, str) or not hasattr(ranking, "__iter__"):
        raise TypeError(f"ranking must be a list of (label, probability) pairs, got {type(ranking).__name__}")
    lines = []
    for item in ranking:
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise ValueError(f"ranking must hold (label, probability) pairs, got {item!r}")
        label, p = item
        if not isinstance(p, int | float | np.floating):
            raise TypeError(f"the probability of {label!r} must be a number in [0, 1], got {p!r}")
        if isinstance(p, bool) or not 0 <= p <= 1:
            raise ValueError(f"the probability of {label!r} must be a number in [0, 1], got {p!r}")
        lines.append(f"{label!s:12s} {p:.2f} {'#' * round(20 * p)}")
    return "\n".join(lines)


def label_ranker(rank, text: str = ""):
    """A text box; as the learner types, ``rank(text)`` (a function returning ``(label,
    probability)`` pairs, e.g. ``sequence_classifier.rank_labels`` with its model bound) is
    shown through ``ranking_readout``. Returns an ``ipywidgets.VBox``."""
    if not callable(rank):
        raise TypeError(f"rank must be a function of the text, got {type(rank).__name__}")
    box = widgets.Text(value=text, description="name", continuous_update=True)
    out = widgets.HTML()

    def update(_=None):
        typed = box.value.strip()
        body = ranking_readout(rank(typed)) if typed else "(type a name)"
        out.value = f"<pre>{html.escape(body)}</pre>"

    box.observe(update, names="value")
    update()
    return widgets.VBox([box, out])
