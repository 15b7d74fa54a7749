"""Gradient checking: centred differences and a relative error, the yardstick
every numpy backward pass in the course is held to."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from helpers.validation import as_float_array, require_callable, require_positive_float


def _scalar(value) -> float:
    """``value`` as a float, or a ``TypeError`` that says ``f`` must return one number."""
    arr = np.asarray(value)
    if arr.size != 1 or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"f() must return one number (the cost), got {type(value).__name__} "
                        f"of shape {arr.shape} and dtype {arr.dtype}")
    return float(arr.reshape(()))


def numeric_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is a float ndarray of any shape that ``f`` reads (for example a weight
    matrix of a network); each entry is nudged by ``+eps`` and ``-eps`` in place and
    restored afterwards. Returns an array of ``x.shape``:
    ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)`` for every entry ``i``.
    """
    require_callable(f, "f")
    eps = require_positive_float(eps, "eps")
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        got = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(f"x must be a float ndarray that f reads in place, got {got}")
    if x.dtype != np.float64:
        raise TypeError(f"x must be float64 for centred differences, got {x.dtype}: a step of "
                        f"{eps:g} is lost in its rounding (check gradients in float64: .astype(np.float64))")
    grad = np.zeros_like(x, dtype=np.float64)
    flat = x.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous so that it can be nudged in place")
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        f_plus = _scalar(f())
        flat[i] = saved - eps
        f_minus = _scalar(f())
        flat[i] = saved
        grad.reshape(-1)[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """``||a - b|| / max(||a|| + ||b||, 1e-300)`` over all entries (Frobenius norms).

    0 for identical arrays, about 1 for unrelated ones; a correct float64 backward
    pass checked by centred differences typically gives 1e-9 or less. The shapes
    must be equal.
    """
    a = as_float_array(a, "a", finite=False).astype(np.float64)
    b = as_float_array(b, "b", finite=False).astype(np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes must match, got {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


def gradient_errors(f: Callable[[], float], params: Mapping[str, np.ndarray],
                    grads: Mapping[str, np.ndarray], eps: float = 1e-6) -> dict[str, float]:
    """Relative error between each analytic gradient and the numeric one.

    ``params``: name -> float array read in place by ``f``; ``grads``: name -> the
    analytic gradient of ``f()`` with respect to that array (same shape).
    Returns name -> ``relative_error(grads[name], numeric_gradient(f, params[name]))``.
    """
    require_callable(f, "f")
    if not isinstance(params, Mapping) or not isinstance(grads, Mapping):
        raise TypeError(f"params and grads must be dicts of arrays, got {type(params).__name__} "
                        f"and {type(grads).__name__}")
    missing = sorted(set(params) - set(grads))
    if missing:
        raise ValueError(f"no analytic gradient given for {missing}")
    errors = {}
    for name, value in params.items():
        g = np.asarray(grads[name])
        if g.shape != value.shape:
            raise ValueError(f"gradient for {name} has shape {g.shape}, parameter has {value.shape}")
        errors[name] = relative_error(g, numeric_gradient(f, value, eps))
    return errors
