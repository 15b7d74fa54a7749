"""One-hot coding, used for class targets (notebooks 01-02) and for tokens (03 on)."""

from __future__ import annotations

import numpy as np

from helpers.validation import as_index_array, require_positive_int


def one_hot(ids, size: int, dtype=np.float64) -> np.ndarray:
    """One-hot codes: integer ``ids`` of any shape ``S`` with values in ``[0, size)`` ->
    array of shape ``S + (size,)`` with a single 1 in each code, e.g. labels ``(N,)`` ->
    targets ``(N, size)`` or token ids ``(N, T)`` -> inputs ``(N, T, size)``."""
    size = require_positive_int(size, "size")
    ids = as_index_array(ids, "ids", size)
    out = np.zeros(ids.shape + (size,), dtype=dtype)
    np.put_along_axis(out, ids[..., None], 1, axis=-1)
    return out
