"""helpers.validation: the shared input checks and their messages."""

import numpy as np
import pytest

from helpers.validation import (
    as_float_array,
    as_index_array,
    format_shape,
    require_positive_int,
    shape_matches,
)


def test_format_shape_and_match():
    assert format_shape((None, 3)) == "(*, 3)"
    assert format_shape((4,)) == "(4,)"
    assert shape_matches((7, 3), (None, 3))
    assert not shape_matches((7, 3), (None, 4))
    assert not shape_matches((7, 3, 1), (None, 3))


def test_as_float_array_converts_ints_and_keeps_float32():
    assert as_float_array([1, 2], "x").dtype == np.float64
    assert as_float_array(np.ones(2, np.float32), "x").dtype == np.float32


def test_wrong_shape_names_expected_and_actual():
    with pytest.raises(ValueError, match=r"X must have shape \(\*, 3\), got shape \(2, 4\)"):
        as_float_array(np.zeros((2, 4)), "X", shape=(None, 3))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_refused(bad):
    with pytest.raises(ValueError, match="1 of its 3 entries are NaN or inf"):
        as_float_array([0.0, bad, 1.0], "y")
    assert np.isnan(as_float_array([np.nan], "y", finite=False)).all()


@pytest.mark.parametrize("bad", ["abc", ["a", "b"], [1 + 2j], [[1, 2], [3]]])
def test_non_numeric_input_gets_type_error(bad):
    with pytest.raises(TypeError):
        as_float_array(bad, "x")


def test_index_array_range_and_dtype():
    assert as_index_array([0, 3], "ids", upper=4).dtype == np.int64
    assert as_index_array(np.array([1.0, 2.0]), "ids", upper=4).tolist() == [1, 2]
    with pytest.raises(ValueError, match=r"ids must hold values in \[0, 4\), found 4"):
        as_index_array([0, 4], "ids", upper=4)
    with pytest.raises(ValueError, match="found -1"):
        as_index_array([-1], "ids", upper=4)
    with pytest.raises(TypeError, match="integer ids"):
        as_index_array([0.5], "ids", upper=4)
    with pytest.raises(ValueError, match=r"shape \(\*, 5\)"):
        as_index_array(np.zeros((2, 4), int), "ids", upper=4, shape=(None, 5))


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-1, ValueError), (2.0, ValueError),
                                        (True, ValueError), ("3", TypeError), (None, TypeError)])
def test_require_positive_int(bad, error):
    assert require_positive_int(3, "n") == 3
    with pytest.raises(error, match="n must be a positive integer"):
        require_positive_int(bad, "n")
