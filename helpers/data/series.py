"""Time series as supervised examples (notebook 08): windows of the past that end just
before the day to predict, and a scaling fitted on the training days only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers.validation import as_float_array, as_index_array, require_positive_int


def sliding_windows(values, width: int, ends, many_to_many: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``(inputs, targets)`` for predicting ``values[e]`` from the ``width`` values before
    it, for every index ``e`` in ``ends``: ``inputs[n] = values[e - width : e]``, shape
    ``(N, width)``; ``targets`` is ``values[ends]`` ``(N,)``, or with ``many_to_many`` the
    next value after every input, ``values[e - width + 1 : e + 1]`` ``(N, width)``.

    ``values``: the series ``(T,)``; ``ends``: indices with ``width <= e < T``. An input
    window only ever holds values from before its target, so windows ending on test days
    may read training days but never the other way round."""
    values = as_float_array(values, "values", (None,))
    width = require_positive_int(width, "width (days per window)")
    ends = as_index_array(ends, "ends", values.size, (None,))
    if ends.size and ends.min() < width:
        raise ValueError(f"every end must be >= width = {width} (a full window before it), "
                         f"got {int(ends.min())}")
    offsets = np.arange(-int(width), 0)
    inputs = values[ends[:, None] + offsets]
    targets = values[ends[:, None] + offsets + 1] if many_to_many else values[ends]
    return inputs, targets


@dataclass(frozen=True)
class Scaler:
    """``z = (x - mean) / std`` with the mean and standard deviation of the data it was
    fitted on (the training days); ``transform`` and ``inverse`` go each way."""

    mean: float
    std: float

    def transform(self, x) -> np.ndarray:
        """Values in data units -> standardised values (any shape)."""
        return (as_float_array(x, "x") - self.mean) / self.std

    def inverse(self, z) -> np.ndarray:
        """Standardised values -> data units (any shape)."""
        return as_float_array(z, "z") * self.std + self.mean


def fit_scaler(values) -> Scaler:
    """The ``Scaler`` of ``values`` (pass the training part only: statistics of the test
    days would leak into the model)."""
    values = as_float_array(values, "values", allow_empty=False)
    std = float(values.std())
    if std == 0:
        raise ValueError("values are all equal: their standard deviation is 0, nothing to scale by")
    return Scaler(float(values.mean()), std)
