"""helpers.numpy_nets.activations: values, derivatives from the output, stable softmax family."""

import numpy as np
import pytest
import torch

from helpers.numpy_nets.activations import (
    get_activation,
    linear,
    linear_derivative_from_output,
    log_softmax,
    sigmoid,
    sigmoid_derivative_from_output,
    softmax,
    softmax_backward,
    tanh,
    tanh_derivative_from_output,
)
from helpers.numpy_nets.gradcheck import numeric_gradient, relative_error

V = np.linspace(-6.0, 6.0, 25)


def test_sigmoid_values_and_extremes():
    np.testing.assert_allclose(sigmoid(V), 1.0 / (1.0 + np.exp(-V)), rtol=1e-14)
    assert sigmoid(0.0) == 0.5
    with np.errstate(over="raise"):
        big = sigmoid(np.array([-1000.0, 1000.0]))
    np.testing.assert_array_equal(big, [0.0, 1.0])


def test_tanh_and_linear_values():
    np.testing.assert_allclose(tanh(V), np.tanh(V))
    out = linear(V)
    np.testing.assert_array_equal(out, V)
    assert out is not V


@pytest.mark.parametrize("name, expected", [
    ("sigmoid", lambda y: y * (1 - y)),
    ("tanh", lambda y: (1 + y) * (1 - y)),
    ("linear", lambda y: np.ones_like(y)),
])
def test_derivative_from_output_matches_lecture_and_numeric(name, expected):
    f, df = get_activation(name)
    y = f(V)
    np.testing.assert_allclose(df(y), expected(y), rtol=1e-14)
    numeric = (f(V + 1e-6) - f(V - 1e-6)) / 2e-6
    np.testing.assert_allclose(df(y), numeric, rtol=1e-6, atol=1e-9)


def test_named_derivative_functions_are_the_registered_ones():
    assert get_activation("sigmoid") == (sigmoid, sigmoid_derivative_from_output)
    assert get_activation("tanh") == (tanh, tanh_derivative_from_output)
    assert get_activation("linear") == (linear, linear_derivative_from_output)


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match="relu.*sigmoid"):
        get_activation("relu")
    with pytest.raises(TypeError, match="string"):
        get_activation(["tanh"])


def test_softmax_sums_to_one_and_matches_torch():
    o = np.random.default_rng(0).normal(size=(5, 7)) * 4
    y = softmax(o)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(y, torch.softmax(torch.tensor(o), dim=1).numpy(), rtol=1e-13)
    np.testing.assert_allclose(log_softmax(o),
                               torch.log_softmax(torch.tensor(o), dim=1).numpy(), rtol=1e-13)
    np.testing.assert_allclose(softmax(o, axis=0).sum(axis=0), 1.0, rtol=1e-15)


def test_softmax_is_stable_where_the_naive_formula_overflows():
    o = np.array([1000.0, 1001.0, 1002.0])
    with np.errstate(over="ignore", invalid="ignore"):
        naive = np.exp(o) / np.exp(o).sum()
    assert np.all(np.isnan(naive))
    expected = softmax(o - 1000.0)
    np.testing.assert_allclose(softmax(o), expected, rtol=1e-15)
    np.testing.assert_allclose(log_softmax(o), np.log(expected), rtol=1e-14)
    assert np.isfinite(log_softmax(np.array([-1e4, 0.0]))).all()


def test_softmax_rejects_scalars_and_non_finite_logits():
    for fn in (softmax, log_softmax):
        with pytest.raises(ValueError, match="at least one dimension"):
            fn(3.0)
        with pytest.raises(ValueError, match="finite"):
            fn([1.0, np.nan])
        with pytest.raises(TypeError):
            fn("logits")


def test_softmax_backward_is_the_jacobian_product():
    rng = np.random.default_rng(1)
    o = rng.normal(size=(3, 4))
    blame = rng.normal(size=(3, 4))
    y = softmax(o)
    for n in range(3):
        jac = np.diag(y[n]) - np.outer(y[n], y[n])
        np.testing.assert_allclose(softmax_backward(y, blame)[n], jac.T @ blame[n], rtol=1e-12)
    numeric = numeric_gradient(lambda: float(np.sum(softmax(o) * blame)), o)
    assert relative_error(softmax_backward(softmax(o), blame), numeric) < 1e-8


def test_softmax_backward_checks_shapes():
    with pytest.raises(ValueError, match=r"blame must have shape \(2, 3\), got shape \(3, 2\)"):
        softmax_backward(np.full((2, 3), 1 / 3), np.zeros((3, 2)))


def test_unchecked_pair_computes_the_same_values():
    from helpers.numpy_nets.activations import get_activation, get_unchecked_activation

    v = np.linspace(-30, 30, 61)
    for name in ("sigmoid", "tanh", "linear"):
        f, df = get_activation(name)
        uf, udf = get_unchecked_activation(name)
        np.testing.assert_allclose(uf(v), f(v), rtol=1e-15, atol=0)
        np.testing.assert_allclose(udf(f(v)), df(f(v)), rtol=1e-15, atol=0)
    with pytest.raises(ValueError, match="unknown activation"):
        get_unchecked_activation("relu6")
