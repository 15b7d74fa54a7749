"""helpers.data.encoding: one-hot codes for labels and token ids."""

import numpy as np
import pytest

from helpers.data.encoding import one_hot


def test_labels_become_rows_of_targets():
    np.testing.assert_array_equal(one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])


def test_any_shape_of_ids_gets_a_trailing_code_axis():
    codes = one_hot([[2, 0]], 3, dtype=np.float32)
    assert codes.shape == (1, 2, 3) and codes.dtype == np.float32
    np.testing.assert_array_equal(codes[0], [[0, 0, 1], [1, 0, 0]])
    assert one_hot(np.zeros((4, 5), int), 7).sum(axis=-1).tolist() == np.ones((4, 5)).tolist()


@pytest.mark.parametrize("ids, size, error, message", [
    ([0, 3], 3, ValueError, r"ids must hold values in \[0, 3\), found 3"),
    ([-1], 3, ValueError, "found -1"),
    ([0.5], 3, TypeError, "integer ids"),
    ([0], 0, ValueError, "size must be a positive integer"),
])
def test_bad_input(ids, size, error, message):
    with pytest.raises(error, match=message):
        one_hot(ids, size)
