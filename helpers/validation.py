"""Input checks shared by every helper, so that a wrong argument gets a clear
message naming the expected and the actual shape, dtype or value, instead of a
traceback from deep inside numpy.

Shapes are written as tuples in which ``None`` stands for "any size", e.g.
``(None, 3)`` accepts a ``(N, 3)`` array for every ``N``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

QUOTED_CHARS = 30    # characters of a wrong string value quoted in a message
REASON_CHARS = 300   # characters of an underlying error kept when a message quotes it


def format_shape(shape: Sequence[int | None]) -> str:
    """Write a shape pattern as text, ``None`` as ``*``: ``(None, 3)`` -> ``(*, 3)``."""
    if not isinstance(shape, Sequence) or isinstance(shape, str):
        raise TypeError(f"shape must be a tuple of sizes, got {type(shape).__name__}")
    parts = ["*" if s is None else str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def shape_matches(actual: Sequence[int], expected: Sequence[int | None]) -> bool:
    """True when ``actual`` fits the pattern ``expected`` (``None`` matches any size)."""
    for label, shape in (("actual", actual), ("expected", expected)):
        if not isinstance(shape, Sequence) or isinstance(shape, str):
            raise TypeError(f"{label} must be a shape (a tuple of sizes), got {type(shape).__name__}")
    return len(actual) == len(expected) and all(
        e is None or a == e for a, e in zip(actual, expected, strict=True)
    )


def _check_shape(arr: np.ndarray, name: str, shape) -> None:
    """``ValueError`` naming the expected and actual shape unless ``arr`` fits ``shape``."""
    if shape is not None and not shape_matches(arr.shape, shape):
        raise ValueError(
            f"{name} must have shape {format_shape(shape)}, got shape {format_shape(arr.shape)}"
        )


def _describe(x) -> str:
    """A short description of a wrong argument for an error message."""
    if x is None:
        return "None"
    if isinstance(x, str | bytes):
        return f"a {type(x).__name__} ({x[:QUOTED_CHARS]!r})"
    return type(x).__name__


def _as_array(x, name: str, what: str) -> np.ndarray:
    """``np.asarray(x)``; ``TypeError`` (``name`` must ``what``) for None, text, or what numpy
    cannot read as an array."""
    if x is None or isinstance(x, str | bytes):
        raise TypeError(f"{name} must {what}, got {_describe(x)}")
    try:
        return np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must {what}, got {type(x).__name__}: {exc}") from exc


def as_float_array(x, name: str, shape: Sequence[int | None] | None = None,
                   finite: bool = True, allow_empty: bool = True) -> np.ndarray:
    """Return ``x`` as a float ndarray, checking its shape and values.

    ``x``: anything numpy can turn into a real-valued array (list, array, scalar).
    ``shape``: optional pattern such as ``(None, 3)``; a mismatch raises ``ValueError``.
    ``finite``: when true, NaN or infinite entries raise ``ValueError``.
    ``allow_empty``: when false, an array with no entries raises ``ValueError``.
    Integer, boolean and float16 input is converted to float64; float32 is kept as it is.
    ``None``, strings, complex numbers and objects raise ``TypeError``.
    """
    arr = _as_array(x, name, "be an array of real numbers")
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating) or arr.dtype == np.float16:
        arr = arr.astype(np.float64)
    _check_shape(arr, name, shape)
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {format_shape(arr.shape)}")
    if finite and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite, but {bad} of its {arr.size} entries are NaN or inf")
    return arr


def as_param_array(x, name: str, shape: Sequence[int | None] | None = None,
                   finite: bool = True) -> np.ndarray:
    """Check a network parameter that is updated in place: a float32 or float64 numpy
    array of ``shape`` (a pattern), finite unless ``finite=False``. Returns ``x`` itself.

    Anything else raises ``TypeError`` (a list, integers, float16, complex) or
    ``ValueError`` (shape, NaN or inf, which usually means training diverged).
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy float array (it is updated in place), "
                        f"got {_describe(x)}")
    if x.dtype not in (np.float32, np.float64):
        raise TypeError(f"{name} must have dtype float32 or float64, got {x.dtype} "
                        "(convert it with .astype(np.float64))")
    _check_shape(x, name, shape)
    if finite and not np.all(np.isfinite(x)):
        bad = int(x.size - np.count_nonzero(np.isfinite(x)))
        raise ValueError(f"{name} has {bad} NaN or inf entries of {x.size}: training has "
                         "probably diverged (lower the learning rate or clip the gradients)")
    return x


def check_keys(d, name: str, required: Sequence[str], optional: Sequence[str] = ()) -> None:
    """Check that ``d`` is a dict holding every key of ``required`` (and nothing outside
    ``required`` and ``optional``); ``TypeError`` for a non-dict, ``ValueError`` naming the
    missing or unexpected keys."""
    if not isinstance(d, dict):
        raise TypeError(f"{name} must be a dict with keys {list(required)}, got {_describe(d)}")
    missing = [k for k in required if k not in d]
    extra = [k for k in d if k not in required and k not in optional]
    if missing or extra:
        raise ValueError(f"{name} must have the keys {list(required)}"
                         + (f"; missing {missing}" if missing else "")
                         + (f"; unexpected {extra}" if extra else ""))


def require_positive_float(value, name: str, allow_inf: bool = False) -> float:
    """Return ``value`` as a float, raising ``ValueError`` unless it is a real number > 0
    (and finite, unless ``allow_inf``); ``TypeError`` for a non-number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {_describe(value)}")
    value = float(value)
    if np.isnan(value) or value <= 0 or (np.isinf(value) and not allow_inf):
        raise ValueError(f"{name} must be a positive{'' if allow_inf else ' finite'} number, "
                         f"got {value!r}")
    return value


def require_callable(value, name: str) -> None:
    """``TypeError`` unless ``value`` can be called."""
    if not callable(value):
        raise TypeError(f"{name} must be a function, got {_describe(value)}")


def require_generator(rng, name: str = "rng") -> np.random.Generator:
    """``TypeError`` unless ``rng`` is a ``numpy.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator (np.random.default_rng(seed)), "
                        f"got {_describe(rng)}")
    return rng


def as_index_array(x, name: str, upper: int, shape: Sequence[int | None] | None = None) -> np.ndarray:
    """Return ``x`` as an int64 array of ids in ``[0, upper)``, e.g. token ids or class labels.

    Raises ``TypeError`` for non-integer input (floats are accepted only when they are
    whole numbers) and ``ValueError`` for a wrong shape or an id outside the range
    (naming the offending value as given).
    """
    arr = _as_array(x, name, "hold integer ids")
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        if arr.size and np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr)):
            pass  # whole numbers stored as floats: range-checked below, then converted
        elif arr.size == 0 and arr.dtype != bool:
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"{name} must hold integer ids, got dtype {arr.dtype}")
    _check_shape(arr, name, shape)
    if arr.size and (arr.min() < 0 or arr.max() >= upper):
        bad = arr.min() if arr.min() < 0 else arr.max()
        shown = int(bad) if np.issubdtype(arr.dtype, np.integer) else f"{float(bad):g}"
        raise ValueError(f"{name} must hold values in [0, {upper}), found {shown}")
    return arr.astype(np.int64, copy=False)


def require_positive_int(value, name: str) -> int:
    """Return ``value`` as an int: ``TypeError`` for a non-number, ``ValueError`` unless it
    is a whole number >= 1."""
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive integer, got {_describe(value)}")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def require_int_in(value, name: str, low: int, high: int | None = None) -> int:
    """Return ``value`` as an int: ``TypeError`` for a non-number, ``ValueError`` unless it
    is a whole number in ``[low, high)`` (``>= low`` when ``high`` is None)."""
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an integer, got {_describe(value)}")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not (
            low <= value and (high is None or value < high)):
        what = (f"an integer in [{low}, {high})" if high is not None else
                "a non-negative integer" if low == 0 else f"an integer >= {low}")
        raise ValueError(f"{name} must be {what}, got {value!r}")
    return int(value)


def require_dropout(value, name: str = "dropout") -> float:
    """Return ``value`` as a float: ``TypeError`` for a non-number, ``ValueError`` unless it
    is a number in ``[0, 1)`` (a dropout probability)."""
    if not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in [0, 1), got {_describe(value)}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    return float(value)
