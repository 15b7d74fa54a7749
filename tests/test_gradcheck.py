"""helpers.numpy_nets.gradcheck: centred differences, relative error, and their bad-input errors."""

import numpy as np
import pytest

from helpers.numpy_nets.gradcheck import gradient_errors, numeric_gradient, relative_error


def test_numeric_gradient_of_a_quadratic_is_exact_to_roundoff():
    a = np.array([[1.0, -2.0], [0.5, 3.0]])
    x = np.array([[0.3, -1.2], [2.0, 0.7]])
    grad = numeric_gradient(lambda: float(np.sum(a * x**2)), x)
    np.testing.assert_allclose(grad, 2 * a * x, rtol=1e-8)


def test_numeric_gradient_restores_the_array():
    x = np.array([1.0, 2.0, 3.0])
    numeric_gradient(lambda: float(np.sum(np.sin(x))), x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_relative_error_scale():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.sqrt(2) / 2)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0], [1.0 + 1e-9]) == pytest.approx(5e-10, rel=1e-3)


def test_gradient_errors_small_for_right_and_large_for_wrong_gradients():
    w = np.array([0.5, -1.0, 2.0])
    f = lambda: float(np.sum(np.tanh(w)))
    right = 1 - np.tanh(w) ** 2
    assert gradient_errors(f, {"w": w}, {"w": right})["w"] < 1e-9
    assert gradient_errors(f, {"w": w}, {"w": 2 * right})["w"] > 0.1


def test_bad_input_gets_clear_errors():
    with pytest.raises(TypeError, match="float ndarray"):
        numeric_gradient(lambda: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="float ndarray.*int"):
        numeric_gradient(lambda: 0.0, np.array([1, 2]))
    with pytest.raises(ValueError, match="eps must be a positive finite number, got 0.0"):
        numeric_gradient(lambda: 0.0, np.zeros(2), eps=0.0)
    with pytest.raises(ValueError, match="contiguous"):
        numeric_gradient(lambda: 0.0, np.zeros((2, 3)).T)
    with pytest.raises(ValueError, match=r"shapes must match, got \(2,\) and \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match=r"no analytic gradient given for \['b'\]"):
        gradient_errors(lambda: 0.0, {"a": np.zeros(1), "b": np.zeros(1)}, {"a": np.zeros(1)})
    with pytest.raises(ValueError, match=r"gradient for a has shape \(2,\), parameter has \(1,\)"):
        gradient_errors(lambda: 0.0, {"a": np.zeros(1)}, {"a": np.zeros(2)})


def test_numeric_gradient_needs_a_scalar_cost():
    x = np.ones(3)
    with pytest.raises(TypeError, match=r"f\(\) must return one number.*shape \(3,\)"):
        numeric_gradient(lambda: x * 2, x)
    with pytest.raises(TypeError, match="must return one number"):
        numeric_gradient(lambda: "cost", x)
    assert numeric_gradient(lambda: np.array([[np.sum(x**2)]]), x) == pytest.approx(2 * x)
