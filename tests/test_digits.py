"""helpers.data.digits: the bundled 8x8 digits split reproducibly."""

import numpy as np
import pytest

from helpers.data.digits import load_digits_split


def test_split_shapes_scaling_and_reproducibility():
    a = load_digits_split(n_test=300, seed=1)
    assert a.X_train.shape == (1497, 64) and a.X_test.shape == (300, 64)
    assert a.y_train.shape == (1497,) and a.y_test.dtype == np.int64
    assert 0.0 <= a.X_train.min() and a.X_train.max() == 1.0
    assert set(np.unique(a.y_test)) == set(range(10))
    b = load_digits_split(n_test=300, seed=1)
    np.testing.assert_array_equal(a.X_test, b.X_test)
    c = load_digits_split(n_test=300, seed=2)
    assert not np.array_equal(a.y_test, c.y_test)


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_test must be smaller than the 1797 images"):
        load_digits_split(n_test=1797)
    with pytest.raises(ValueError, match="n_test must be a positive integer"):
        load_digits_split(n_test=0)
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        load_digits_split(seed=-1)
