"""The start-here widget: its plain core and the ipywidgets shell wired to it."""

import pytest

from helpers.notebook.widgets import neuron_explorer, neuron_readout


def test_readout_values():
    assert neuron_readout(0.0) == "v = 0.00 -> logistic 0.500, tanh 0.000"
    assert neuron_readout(1) == "v = 1.00 -> logistic 0.731, tanh 0.762"
    assert neuron_readout(-5.0) == "v = -5.00 -> logistic 0.007, tanh -1.000"


@pytest.mark.parametrize("bad, error", [("1", TypeError), (None, TypeError), (True, TypeError),
                                        (float("nan"), ValueError), (float("inf"), ValueError)])
def test_readout_rejects_bad_input(bad, error):
    with pytest.raises(error):
        neuron_readout(bad)


def test_slider_updates_the_label():
    box = neuron_explorer(0.0)
    slider, label = box.children
    assert label.value == neuron_readout(0.0)
    slider.value = 2.5
    assert label.value == neuron_readout(2.5)
    assert "neuron-readout" in label._dom_classes
