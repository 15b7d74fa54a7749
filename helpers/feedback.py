"""Exercise feedback: checks that tell a learner what is wrong and how to look for it.

Each check raises ``AssertionError`` (so nbgrader counts the test as failed) with a
message that names the expected and the actual shape, dtype or value, plus an
optional hint. On success nothing is printed; call ``passed`` to say so.
"""

from __future__ import annotations

import numpy as np

from helpers.validation import format_shape, shape_matches


def _with_hint(message: str, hint: str | None) -> str:
    return message if not hint else f"{message}\nHint: {hint}"


def _as_array(actual, name: str, hint: str | None) -> np.ndarray:
    if actual is None:
        raise AssertionError(_with_hint(
            f"{name} is None: did the function forget to `return` its result?", hint))
    try:
        arr = np.asarray(actual)
    except Exception as exc:  # ragged lists and the like
        raise AssertionError(_with_hint(f"{name} is not array-like: {exc}", hint)) from exc
    if arr.dtype == object:
        raise AssertionError(_with_hint(
            f"{name} should be numeric but holds {type(actual).__name__} of mixed objects", hint))
    return arr


def check_shape(actual, expected_shape, name: str = "your answer", hint: str | None = None) -> None:
    """Assert that ``actual`` has ``expected_shape`` (a tuple; ``None`` means any size)."""
    arr = _as_array(actual, name, hint)
    expected_shape = tuple(expected_shape)
    if not shape_matches(arr.shape, expected_shape):
        raise AssertionError(_with_hint(
            f"{name} has shape {format_shape(arr.shape)}, expected {format_shape(expected_shape)}",
            hint))


def check_dtype(actual, kind: str = "float", name: str = "your answer", hint: str | None = None) -> None:
    """Assert that ``actual`` holds numbers of ``kind``: ``"float"``, ``"int"`` or ``"bool"``."""
    kinds = {"float": np.floating, "int": np.integer, "bool": np.bool_}
    if kind not in kinds:
        raise ValueError(f"kind must be one of {sorted(kinds)}, got {kind!r}")
    arr = _as_array(actual, name, hint)
    if not np.issubdtype(arr.dtype, kinds[kind]):
        raise AssertionError(_with_hint(f"{name} has dtype {arr.dtype}, expected a {kind} dtype", hint))


def check_close(actual, expected, name: str = "your answer", rtol: float = 1e-6,
                atol: float = 1e-8, hint: str | None = None) -> None:
    """Assert that ``actual`` equals ``expected`` within ``atol + rtol * |expected|``,
    entry by entry. The shapes must match exactly (no broadcasting); on a mismatch
    the message gives the worst entry, its index and both values."""
    expected = np.asarray(expected, dtype=float)
    arr = _as_array(actual, name, hint)
    check_shape(arr, expected.shape, name, hint)
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise AssertionError(_with_hint(f"{name} has dtype {arr.dtype}, expected numbers", hint))
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise AssertionError(_with_hint(
            f"{name} contains NaN or inf ({int(np.sum(~np.isfinite(arr)))} entries)", hint))
    err = np.abs(arr - expected)
    tol = atol + rtol * np.abs(expected)
    if np.all(err <= tol):
        return
    worst = np.unravel_index(np.argmax(err - tol), err.shape) if err.ndim else ()
    where = f" at index {tuple(int(i) for i in worst)}" if err.ndim else ""
    raise AssertionError(_with_hint(
        f"{name} differs from the expected value{where}: got {arr[worst]:.6g}, "
        f"expected {expected[worst]:.6g} ({int(np.sum(err > tol))} of {err.size} entries off; "
        f"largest difference {err.max():.3g})", hint))


def passed(message: str = "All visible tests passed.") -> None:
    """Print a one-line success message for the learner."""
    print(f"\u2714 {message}")
