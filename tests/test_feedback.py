"""helpers.feedback: exercise checks must pass right answers and explain wrong ones."""

import numpy as np
import pytest

from helpers.feedback import check_close, check_dtype, check_shape, passed


def test_right_answers_pass_silently(capsys):
    check_close(np.array([0.5, 0.73]), [0.5, 0.73])
    check_close(1.0, 1.0 + 1e-12)
    check_shape(np.zeros((3, 4)), (None, 4))
    check_dtype(np.zeros(2), "float")
    check_dtype(np.arange(2), "int")
    assert capsys.readouterr().out == ""


def test_wrong_value_names_index_values_and_hint():
    with pytest.raises(AssertionError) as err:
        check_close(np.array([[1.0, 2.0], [3.0, 4.5]]), [[1, 2], [3, 4]], name="dW",
                    hint="sum over time steps")
    message = str(err.value)
    assert message.startswith("dW differs from the expected value at index (1, 1): got 4.5, expected 4")
    assert "1 of 4 entries off" in message and message.endswith("Hint: sum over time steps")


def test_wrong_shape_is_reported_before_values():
    with pytest.raises(AssertionError, match=r"y has shape \(3, 1\), expected \(3,\)"):
        check_close(np.zeros((3, 1)), np.zeros(3), name="y")


def test_none_means_a_missing_return():
    with pytest.raises(AssertionError, match="forget to `return`"):
        check_close(None, 1.0)


def test_non_finite_and_non_numeric_answers():
    with pytest.raises(AssertionError, match="NaN or inf"):
        check_close([np.nan, 1.0], [0.0, 1.0])
    with pytest.raises(AssertionError, match="dtype"):
        check_close(np.array(["a", "b"]), [0.0, 1.0])
    with pytest.raises(AssertionError, match="mixed objects"):
        check_shape(np.array([1, "a", None], dtype=object), (3,))


def test_tolerances_are_respected():
    check_close(1.004, 1.0, rtol=0, atol=0.005)
    with pytest.raises(AssertionError):
        check_close(1.006, 1.0, rtol=0, atol=0.005)


def test_dtype_check():
    with pytest.raises(AssertionError, match="dtype int64, expected a float dtype"):
        check_dtype(np.arange(3), "float", name="h")
    with pytest.raises(ValueError, match="kind must be one of"):
        check_dtype(np.arange(3), "complex")


def test_passed_prints_a_tick(capsys):
    passed("well done")
    assert capsys.readouterr().out == "\u2714 well done\n"
