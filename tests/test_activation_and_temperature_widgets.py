"""Widget cores of notebooks 01 and 02 (activation explorer, temperature explorer),
tested without a browser, plus a smoke test that the widget shells build."""

import numpy as np
import pytest

from helpers.notebook.widgets import activation_curve, activation_explorer, temperature_explorer
from helpers.numpy_nets.activations import softmax


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "linear"])
def test_activation_curve_derivative_is_the_slope(name):
    v, y, dy = activation_curve(name, -4.0, 4.0, 801)
    assert v.shape == y.shape == dy.shape == (801,)
    assert v[0] == -4.0 and v[-1] == 4.0
    np.testing.assert_allclose(dy[1:-1], np.gradient(y, v)[1:-1], atol=1e-4)


def test_activation_curve_lecture_values():
    _, y, dy = activation_curve("sigmoid", -1.0, 1.0, 3)
    assert y[1] == 0.5 and dy[1] == 0.25
    _, y, dy = activation_curve("tanh", -1.0, 1.0, 3)
    assert y[1] == 0.0 and dy[1] == 1.0


def test_activation_curve_bad_input():
    with pytest.raises(ValueError, match="unknown activation 'relu'"):
        activation_curve("relu")
    with pytest.raises(ValueError, match="need v_min < v_max, got v_min=2.0, v_max=1.0"):
        activation_curve("tanh", 2, 1)
    with pytest.raises(ValueError, match="v_max must be finite"):
        activation_curve("tanh", 0.0, float("inf"))
    with pytest.raises(TypeError, match="v_min must be a real number"):
        activation_curve("tanh", "0", 1.0)
    with pytest.raises(ValueError, match=r"n \(points, at least 2\) must be an integer >= 2, got 1"):
        activation_curve("tanh", 0.0, 1.0, 1)


def test_temperature_sharpens_and_flattens():
    logits = np.array([2.0, 1.0, 0.5, -1.0])
    p1 = softmax(logits, temperature=1.0)
    np.testing.assert_allclose(p1, np.exp(logits) / np.exp(logits).sum())
    cold = softmax(logits, temperature=0.05)
    hot = softmax(logits, temperature=100.0)
    assert cold[0] > 0.999
    np.testing.assert_allclose(hot, 0.25, atol=0.01)
    for p in (p1, cold, hot):
        assert p.sum() == pytest.approx(1.0)
    assert np.argmax(cold) == np.argmax(hot) == 0
    assert np.all(np.isfinite(softmax([1000.0, 0.0], temperature=0.01)))


def test_temperature_bad_input():
    with pytest.raises(ValueError, match="temperature must be a positive finite number, got 0.0"):
        softmax([1.0, 2.0], temperature=0)
    with pytest.raises(TypeError, match="temperature must be a positive number, got a str"):
        softmax([1.0, 2.0], temperature="hot")
    with pytest.raises(ValueError, match=r"logits must have shape \(\*,\), got shape \(1, 2\)"):
        temperature_explorer([[1.0, 2.0]], ["a", "b"])
    with pytest.raises(ValueError, match=r"logits must not be empty, got shape \(0,\)"):
        temperature_explorer([], [])
    with pytest.raises(ValueError, match="one label per logit: 2 logits, 3 labels"):
        temperature_explorer([1.0, 2.0], ["a", "b", "c"])


def test_widget_shells_build_and_react(monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    shown = []
    monkeypatch.setattr("matplotlib.pyplot.show", lambda *a, **k: shown.append(1))
    box = activation_explorer("tanh")
    dropdown, span = box.children[0].children
    dropdown.value = "linear"
    span.value = (-2.0, 2.0)
    assert len(shown) == 3, "drawn once, then again for each change"
    box = temperature_explorer([1.0, 0.0, -1.0], ["a", "b", "c"], temperature=2.0)
    box.children[0].value = 0.5
    assert box.children[0].description == "temperature" and len(shown) == 5


def test_a_value_outside_a_slider_s_range_widens_the_range(monkeypatch):
    """What the widget shows is what was asked for: a slider never clamps the value given."""
    from helpers.notebook.widgets import neuron_explorer, neuron_readout, spectral_radius_explorer

    monkeypatch.setattr("matplotlib.pyplot.show", lambda *a, **k: None)
    slider, readout = neuron_explorer(100.0).children
    assert slider.value == 100.0 and slider.max >= 100.0 and readout.value == neuron_readout(100.0)
    assert temperature_explorer([1.0, 0.0], ["a", "b"], temperature=100.0).children[0].value == 100.0
    assert temperature_explorer([1.0, 0.0], ["a", "b"], temperature=0.01).children[0].value == 0.01
    assert activation_explorer("tanh", (-20.0, 30.0)).children[0].children[1].value == (-20.0, 30.0)
    assert spectral_radius_explorer(5.0, n_steps=5).children[0].children[0].value == 5.0
