"""Interactive widgets for the notebooks. Each widget is a thin ipywidgets shell
around a plain function (its "core") that tests call without a browser."""

from __future__ import annotations

import numpy as np

from helpers.activations import sigmoid


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

    slider = widgets.FloatSlider(value=v, min=-5.0, max=5.0, step=0.25,
                                 description="activity v", continuous_update=True)
    readout = widgets.Label(value=neuron_readout(v))
    readout.add_class("neuron-readout")

    def update(change):
        readout.value = neuron_readout(change["new"])

    slider.observe(update, names="value")
    return widgets.VBox([slider, readout])
