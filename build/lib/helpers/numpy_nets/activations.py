"""Activation functions in the lecture's notation, with derivatives written in
terms of the unit's output ``y`` (as backpropagation uses them), and a
numerically stable softmax / log-softmax.

All functions work element-wise on arrays of any shape, except the softmax
family, which normalises along ``axis`` (default: the last one).
"""

from __future__ import annotations

import numpy as np

from helpers.validation import as_float_array, require_positive_float


def _sigmoid(v: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(v))  # never overflows
    return np.where(v >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_derivative(y: np.ndarray) -> np.ndarray:
    return y * (1.0 - y)


def _tanh_derivative(y: np.ndarray) -> np.ndarray:
    return (1.0 + y) * (1.0 - y)


def _identity(v: np.ndarray) -> np.ndarray:
    return v.copy()


def _ones(y: np.ndarray) -> np.ndarray:
    return np.ones_like(y)


def sigmoid(v):
    """Logistic sigmoid ``y = 1 / (1 + exp(-v))``, computed without overflow for large ``|v|``."""
    return _sigmoid(as_float_array(v, "v"))


def _outputs_in(y, low: float, high: float, unit: str) -> np.ndarray:
    y = as_float_array(y, "y")
    if y.size and (y.min() < low or y.max() > high):
        bad = y.min() if y.min() < low else y.max()
        raise ValueError(f"y must be {unit} output in [{low:g}, {high:g}], found {bad:g} "
                         "(did you pass the activity v instead of the output y?)")
    return y


def sigmoid_derivative_from_output(y):
    """``dy/dv = y (1 - y)`` for the logistic sigmoid, given its output ``y`` in [0, 1]."""
    return _sigmoid_derivative(_outputs_in(y, 0.0, 1.0, "a sigmoid"))


def tanh(v):
    """Hyperbolic tangent ``y = tanh(v)``."""
    return np.tanh(as_float_array(v, "v"))


def tanh_derivative_from_output(y):
    """``dy/dv = (1 + y)(1 - y)`` for tanh, given its output ``y`` in [-1, 1]."""
    return _tanh_derivative(_outputs_in(y, -1.0, 1.0, "a tanh"))


def linear(v):
    """Identity ``y = v`` (a linear output unit)."""
    return _identity(as_float_array(v, "v"))


def linear_derivative_from_output(y):
    """``dy/dv = 1`` for a linear unit (ones of ``y``'s shape)."""
    return _ones(as_float_array(y, "y"))


ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_derivative_from_output),
    "tanh": (tanh, tanh_derivative_from_output),
    "linear": (linear, linear_derivative_from_output),
}

UNCHECKED_ACTIVATIONS = {
    "sigmoid": (_sigmoid, _sigmoid_derivative),
    "tanh": (np.tanh, _tanh_derivative),
    "linear": (_identity, _ones),
}


def get_activation(name: str):
    """Return ``(function, derivative_from_output)`` for ``'sigmoid'``, ``'tanh'`` or
    ``'linear'``; an unknown name raises ``ValueError`` listing the known ones."""
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a string, got {type(name).__name__}")
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def get_unchecked_activation(name: str):
    """Like ``get_activation``, but the pair skips input validation: for inner training
    loops whose arrays were validated once, where the checks would dominate the time.
    The functions take and return float ndarrays of any shape."""
    get_activation(name)
    return UNCHECKED_ACTIVATIONS[name]


def _check_axis(arr: np.ndarray, axis, name: str) -> None:
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension, got a scalar")
    if isinstance(axis, bool) or not isinstance(axis, int | np.integer) or not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis must be an integer in [{-arr.ndim}, {arr.ndim}) for {name} of shape "
                         f"{arr.shape}, got {axis!r}")
    if arr.shape[axis] == 0:
        raise ValueError(f"{name} must hold at least one value along axis {axis}, got shape {arr.shape}")


def log_softmax(o, axis: int = -1):
    """``log softmax(o)`` along ``axis``, stable for large logits:
    ``o - max - log sum exp(o - max)``. Same shape as ``o``."""
    o = as_float_array(o, "o")
    _check_axis(o, axis, "o")
    shifted = o - np.max(o, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(o, axis: int = -1, temperature: float = 1.0):
    """``softmax(o / temperature)_k = exp(o_k / T) / sum_j exp(o_j / T)`` along ``axis``;
    subtracting the max first keeps ``exp`` from overflowing. Same shape as ``o``; sums to
    1 along ``axis``. A low temperature sharpens the distribution towards the largest
    ``o_k``, a high one flattens it towards uniform; the course's only temperature softmax."""
    o = as_float_array(o, "o")
    _check_axis(o, axis, "o")
    temperature = require_positive_float(temperature, "temperature")
    with np.errstate(over="ignore"):
        scaled = o / temperature
    if not np.all(np.isfinite(scaled)):
        raise ValueError(f"temperature {temperature:g} is too small for these values: o / temperature "
                         f"overflows (use at least {np.abs(o).max() / 1e300:.3g})")
    e = np.exp(scaled - np.max(scaled, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def softmax_backward(y, blame, axis: int = -1):
    """Carry a cost blame ``dJ/dy`` back through a softmax to ``dJ/do``.

    ``y``: softmax outputs (e.g. shape ``(N, K)``, rows summing to 1 along ``axis``);
    ``blame``: ``dJ/dy`` of the same shape. The softmax Jacobian is
    ``dy_k/do_j = y_k (delta_kj - y_j)``, so the result is
    ``y * (blame - sum_k blame_k y_k)``, of ``y``'s shape, without forming the Jacobian.
    """
    y = as_float_array(y, "y")
    blame = as_float_array(blame, "blame", shape=y.shape)
    _check_axis(y, axis, "y")
    if y.min() < 0 or y.max() > 1:
        bad = y.min() if y.min() < 0 else y.max()
        raise ValueError(f"y must be softmax outputs in [0, 1], found {bad:g}")
    return y * (blame - np.sum(blame * y, axis=axis, keepdims=True))
