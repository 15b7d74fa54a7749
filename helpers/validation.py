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


def format_shape(shape: Sequence[int | None]) -> str:
    """Write a shape pattern as text, ``None`` as ``*``: ``(None, 3)`` -> ``(*, 3)``."""
    parts = ["*" if s is None else str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def shape_matches(actual: Sequence[int], expected: Sequence[int | None]) -> bool:
    """True when ``actual`` fits the pattern ``expected`` (``None`` matches any size)."""
    return len(actual) == len(expected) and all(
        e is None or a == e for a, e in zip(actual, expected, strict=True)
    )


def as_float_array(x, name: str, shape: Sequence[int | None] | None = None,
                   finite: bool = True) -> np.ndarray:
    """Return ``x`` as a float ndarray, checking its shape and values.

    ``x``: anything numpy can turn into a real-valued array (list, array, scalar).
    ``shape``: optional pattern such as ``(None, 3)``; a mismatch raises ``ValueError``.
    ``finite``: when true, NaN or infinite entries raise ``ValueError``.
    Integer and boolean input is converted to float64; float32 is kept as it is.
    """
    if isinstance(x, str | bytes):
        raise TypeError(f"{name} must be numeric, got a {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be array-like, got {type(x).__name__}: {exc}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    if shape is not None and not shape_matches(arr.shape, shape):
        raise ValueError(
            f"{name} must have shape {format_shape(shape)}, got shape {format_shape(arr.shape)}"
        )
    if finite and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite, but {bad} of its {arr.size} entries are NaN or inf")
    return arr


def as_index_array(x, name: str, upper: int, shape: Sequence[int | None] | None = None) -> np.ndarray:
    """Return ``x`` as an int64 array of ids in ``[0, upper)``, e.g. token ids or class labels.

    Raises ``TypeError`` for non-integer input and ``ValueError`` for a wrong
    shape or an id outside the range (naming the offending value).
    """
    arr = np.asarray(x)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        if arr.size and np.issubdtype(arr.dtype, np.floating) and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        elif arr.size == 0:
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"{name} must hold integer ids, got dtype {arr.dtype}")
    if shape is not None and not shape_matches(arr.shape, shape):
        raise ValueError(
            f"{name} must have shape {format_shape(shape)}, got shape {format_shape(arr.shape)}"
        )
    if arr.size and (arr.min() < 0 or arr.max() >= upper):
        bad = arr.min() if arr.min() < 0 else arr.max()
        raise ValueError(f"{name} must hold values in [0, {upper}), found {int(bad)}")
    return arr.astype(np.int64, copy=False)


def require_positive_int(value, name: str) -> int:
    """Return ``value`` as an int, raising ``ValueError`` unless it is a whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)
