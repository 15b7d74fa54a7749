"""scikit-learn's bundled 8x8 handwritten digits (1,797 images, no download), split
and scaled the same way wherever the course classifies digits."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from helpers.validation import require_int_in, require_positive_int


class DigitsSplit(NamedTuple):
    """Inputs scaled to [0, 1]: ``X_*`` of shape ``(N, 64)``; integer labels ``y_*`` ``(N,)``."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def load_digits_split(n_test: int = 500, seed: int = 0) -> DigitsSplit:
    """The 8x8 digits, shuffled with ``seed`` and split into ``1797 - n_test`` training and
    ``n_test`` test images. Pixel values 0..16 are divided by 16."""
    from sklearn.datasets import load_digits  # deferred: scikit-learn takes a second to import

    n_test = require_positive_int(n_test, "n_test")
    require_int_in(seed, "seed", 0)
    digits = load_digits()
    n = digits.target.size
    if n_test >= n:
        raise ValueError(f"n_test must be smaller than the {n} images, got {n_test}")
    order = np.random.default_rng(seed).permutation(n)
    X = digits.data[order] / 16.0
    y = digits.target[order].astype(np.int64)
    return DigitsSplit(X[n_test:], y[n_test:], X[:n_test], y[:n_test])
