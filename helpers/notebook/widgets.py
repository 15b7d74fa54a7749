"""Interactive widgets for the notebooks. Each widget is a thin ipywidgets shell
around a plain function (its "core") that tests call without a browser."""

from __future__ import annotations

import html

import numpy as np

from helpers.numpy_nets.activations import sigmoid


def neuron_readout(v: float) -> str:
    """Core of ``neuron_explorer``: one line giving the logistic and tanh outputs for activity ``v``.

    ``v`` is a finite real number; returns e.g. ``'v = 1.00 -> logistic 0.731, tanh 0.762'``.
    """
    if isinstance(v, bool) or not isinstance(v, int | float | np.floating | np.integer):
        raise TypeError(f"v must be a real number, got {type(v).__name__}")
    if not np.isfinite(v):
        raise ValueError(f"v must be finite, got {v}")
    return f"v = {v:.2f} -> logistic {float(sigmoid(v)):.3f}, tanh {np.tanh(v):.3f}"


def neuron_explorer(v: float = 0.0):
    """A slider for a unit's activity ``v`` and a live readout of ``neuron_readout(v)``.

    Returns an ``ipywidgets.VBox``; display it as the last line of a cell.
    """
    import ipywidgets as widgets

    first_readout = neuron_readout(v)  # checks v before the widget does
    slider = widgets.FloatSlider(value=v, min=-5.0, max=5.0, step=0.25,
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
    from helpers.numpy_nets.activations import get_activation
    from helpers.validation import require_positive_int

    function, derivative_from_output = get_activation(name)
    for label, value in (("v_min", v_min), ("v_max", v_max)):
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
            raise TypeError(f"{label} must be a real number, got {type(value).__name__}")
        if not np.isfinite(value):
            raise ValueError(f"{label} must be finite, got {value}")
    if not v_min < v_max:
        raise ValueError(f"need v_min < v_max, got v_min={v_min}, v_max={v_max}")
    if require_positive_int(n, "n") < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    v = np.linspace(float(v_min), float(v_max), n)
    y = function(v)
    return v, y, derivative_from_output(y)


def activation_explorer(name: str = "sigmoid", v_range: tuple[float, float] = (-5.0, 5.0)):
    """A dropdown of activation functions and a range slider for ``v``; redraws the
    function and its derivative (from ``activation_curve``). Returns an ``ipywidgets.VBox``."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from helpers.numpy_nets.activations import ACTIVATIONS

    if not isinstance(v_range, tuple | list) or len(v_range) != 2:
        raise ValueError(f"v_range must be a pair (v_min, v_max), got {v_range!r}")
    activation_curve(name, *v_range)  # checks name and range before the widgets do
    choice = widgets.Dropdown(options=sorted(ACTIVATIONS), value=name, description="f")
    span = widgets.FloatRangeSlider(value=v_range, min=-10.0, max=10.0, step=0.5,
                                    description="v range", continuous_update=False)
    out = widgets.Output()

    def redraw(_=None):
        v, y, dy = activation_curve(choice.value, *span.value)
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(6, 3))
            ax.plot(v, y, label=f"{choice.value}(v)")
            ax.plot(v, dy, "--", label="derivative from the output")
            ax.set_xlabel("activity v")
            ax.legend()
            plt.show()

    choice.observe(redraw, names="value")
    span.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([choice, span]), out])


def temperature_probabilities(logits, temperature: float) -> np.ndarray:
    """Core of ``temperature_explorer``: ``softmax(logits / temperature)``.

    ``logits``: shape ``(K,)``, finite; ``temperature > 0``. Low temperatures sharpen the
    distribution towards the largest logit, high ones flatten it towards uniform.
    Returns a ``(K,)`` array of probabilities summing to 1.
    """
    from helpers.numpy_nets.activations import softmax
    from helpers.validation import as_float_array

    logits = as_float_array(logits, "logits", shape=(None,))
    if logits.size == 0:
        raise ValueError("logits must hold at least one value, got shape (0,)")
    if isinstance(temperature, bool) or not isinstance(temperature,
                                                       int | float | np.floating | np.integer):
        raise TypeError(f"temperature must be a real number, got {type(temperature).__name__}")
    if not (np.isfinite(temperature) and temperature > 0):
        raise ValueError(f"temperature must be positive and finite, got {temperature}")
    with np.errstate(over="ignore"):
        scaled = logits / float(temperature)
    if not np.all(np.isfinite(scaled)):
        raise ValueError(f"temperature {temperature:g} is too small for these logits: logits / "
                         f"temperature overflows (use at least {np.abs(logits).max() / 1e300:.3g})")
    return softmax(scaled)


def temperature_explorer(logits, labels, temperature: float = 1.0):
    """A temperature slider (log scale, 0.1 to 10) that redraws ``P(y|x)`` for ``logits``
    ``(K,)`` as a bar chart with the ``K`` ``labels``. Returns an ``ipywidgets.VBox``."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from helpers.notebook.plotting import probability_bars

    labels = [str(label) for label in labels]
    if len(labels) != np.size(logits):
        raise ValueError(f"need one label per logit: {np.size(logits)} logits, "
                         f"{len(labels)} labels")
    slider = widgets.FloatLogSlider(value=temperature, base=10, min=-1, max=1, step=0.05,
                                    description="temperature", continuous_update=False)
    out = widgets.Output()

    def redraw(_=None):
        p = temperature_probabilities(logits, slider.value)
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(6, 2.8))
            probability_bars(ax, p, labels)
            ax.set_ylabel("probability")
            ax.set_title(f"softmax(o / {slider.value:.2f})")
            plt.show()

    slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([slider, out])


def srn_time_step(input_tokens, hidden, probs, labels, t: int, top: int = 3) -> dict:
    """Core of ``srn_time_stepper``: what an SRN sees, holds and predicts at step ``t``.

    ``input_tokens``: the ``T`` input tokens (strings); ``hidden`` ``(T, U)`` states
    ``h<1..T>``; ``probs`` ``(T, K)`` output distributions; ``labels``: the ``K``
    output tokens; ``0 <= t < T``. Returns a dict with ``input`` (token at ``t``),
    ``context`` (tokens up to ``t``), ``hidden`` ``(U,)``, ``probs`` ``(K,)`` and
    ``top``: the ``top`` most likely next tokens as ``[(token, probability), ...]``.
    """
    from helpers.validation import as_float_array

    input_tokens = [str(tok) for tok in input_tokens]
    n_steps = len(input_tokens)
    hidden = as_float_array(hidden, "hidden", (n_steps, None))
    probs = as_float_array(probs, "probs", (n_steps, len(labels)))
    if isinstance(t, bool) or not isinstance(t, int | np.integer) or not 0 <= t < n_steps:
        raise ValueError(f"t must be an integer in [0, {n_steps}), got {t!r}")
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
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    n_steps = len(input_tokens)
    slider = widgets.IntSlider(value=0, min=0, max=n_steps - 1, description="time step t",
                               continuous_update=False)
    out = widgets.Output()

    def redraw(_=None):
        view = srn_time_step(input_tokens, hidden, probs, labels, slider.value)
        with out:
            out.clear_output(wait=True)
            fig, (ax_h, ax_y) = plt.subplots(1, 2, figsize=(9, 2.8))
            ax_h.bar(np.arange(view["hidden"].size), view["hidden"], color="tab:purple")
            ax_h.set_ylim(-1.05, 1.05)
            ax_h.set_title(f"h<{slider.value + 1}> after reading {view['input']!r}")
            ax_h.set_xlabel("hidden unit")
            ax_y.bar(np.arange(len(labels)), view["probs"], color="tab:blue")
            ax_y.set_xticks(np.arange(len(labels)), [str(s) for s in labels], rotation=45)
            ax_y.set_ylim(0, 1)
            ax_y.set_title("y: next-token distribution")
            fig.suptitle(" ".join(view["context"]), fontsize=10)
            plt.show()

    slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([slider, out])


def spectral_radius_explorer(rho: float = 1.0, activation: str = "tanh", n_steps: int = 60):
    """A slider for the spectral radius of the recurrent matrix and a choice of activation;
    redraws ``||dh<T>/dh<T-lag>||`` against the lag on a log scale, from the plain
    function ``helpers.numpy_nets.gradient_flow.lag_curve``. Returns an ``ipywidgets.VBox``."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from helpers.numpy_nets.gradient_flow import lag_curve

    lag_curve(rho, activation, n_steps)  # checks the arguments before the widgets do
    slider = widgets.FloatSlider(value=rho, min=0.1, max=3.0, step=0.1, description="radius",
                                 continuous_update=False)
    choice = widgets.Dropdown(options=["tanh", "linear"], value=activation, description="f")
    out = widgets.Output()

    def redraw(_=None):
        norms = lag_curve(slider.value, choice.value, n_steps)
        with out:
            out.clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(6, 3))
            ax.semilogy(np.arange(n_steps + 1), norms)
            ax.set_xlabel("lag T - k")
            ax.set_ylabel("||dh<T>/dh<k>||")
            ax.set_title(f"spectral radius {slider.value:.1f}, {choice.value}")
            plt.show()

    slider.observe(redraw, names="value")
    choice.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox([slider, choice]), out])


def lstm_gate_step(cache, t: int, sequence: int = 0) -> dict:
    """Core of ``lstm_gate_stepper``: the gates and states of one sequence of an LSTM run
    at step ``t`` (``0 <= t < T``). ``cache`` is the ``LSTMCache`` of ``lstm.forward``.
    Returns a dict of ``(H,)`` arrays: ``i``, ``f``, ``g`` (the candidate ``C~``), ``o``,
    ``c`` (the cell state ``C<t>``) and ``h``."""
    from helpers.numpy_nets import lstm
    from helpers.validation import as_index_array

    if not isinstance(cache, lstm.LSTMCache):
        raise TypeError(f"cache must be the LSTMCache that lstm.forward returned, got {type(cache).__name__}")
    n, n_steps, h = cache.hidden.shape
    sequence = int(as_index_array(sequence, "sequence", n, ()))
    if isinstance(t, bool) or not isinstance(t, int | np.integer) or not 0 <= t < n_steps:
        raise ValueError(f"t must be an integer in [0, {n_steps}), got {t!r}")
    gates = cache.gates[sequence, t]
    view = {name: gates[k * h:(k + 1) * h] for k, name in enumerate(lstm.GATES)}
    view["c"] = cache.cells[sequence, t]
    view["h"] = cache.hidden[sequence, t]
    return view


def lstm_gate_stepper(cache, sequence: int = 0):
    """A slider over the time step that redraws, as bars over the hidden units, the input,
    forget and output gates, the candidate, the cell state and ``h`` of one sequence, from
    ``lstm_gate_step``. Returns an ``ipywidgets.VBox``."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    lstm_gate_step(cache, 0, sequence)  # checks the arguments before the widgets do
    slider = widgets.IntSlider(value=0, min=0, max=cache.hidden.shape[1] - 1, description="time step",
                               continuous_update=False)
    out = widgets.Output()
    panels = (("i", "input gate i", (0, 1)), ("f", "forget gate f", (0, 1)), ("o", "output gate o", (0, 1)),
              ("g", "candidate C~", (-1, 1)), ("c", "cell state C", None), ("h", "state h", (-1, 1)))

    def redraw(_=None):
        view = lstm_gate_step(cache, slider.value, sequence)
        with out:
            out.clear_output(wait=True)
            fig, axes = plt.subplots(2, 3, figsize=(10, 4), sharex=True)
            for ax, (key, title, limits) in zip(axes.ravel(), panels, strict=True):
                colour = "tab:orange" if limits == (0, 1) else "tab:purple"
                ax.bar(np.arange(view[key].size), view[key], color=colour)
                ax.set_title(title, fontsize=9)
                if limits:
                    ax.set_ylim(*limits)
            fig.suptitle(f"step {slider.value}", fontsize=10)
            plt.show()

    slider.observe(redraw, names="value")
    redraw()
    return widgets.VBox([slider, out])


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
        if isinstance(p, bool) or not isinstance(p, int | float | np.floating) or not 0 <= p <= 1:
            raise ValueError(f"the probability of {label!r} must be a number in [0, 1], got {p!r}")
        lines.append(f"{label!s:12s} {p:.2f} {'#' * round(20 * p)}")
    return "\n".join(lines)


def label_ranker(rank, text: str = ""):
    """A text box; as the learner types, ``rank(text)`` (a function returning ``(label,
    probability)`` pairs, e.g. ``sequence_classifier.rank_labels`` with its model bound) is
    shown through ``ranking_readout``. Returns an ``ipywidgets.VBox``."""
    import ipywidgets as widgets

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
