"""helpers.notebook.feedback: exercise checks must pass right answers and explain wrong ones."""

import numpy as np
import pytest

from helpers.notebook.feedback import check_close, check_dtype, check_shape, passed


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


# --- check_own_work: the one guard against answers that call the course's helpers ---

from helpers.notebook.feedback import check_own_work  # noqa: E402
from helpers.numpy_nets import srn  # noqa: E402
from helpers.numpy_nets.activations import softmax  # noqa: E402


def _own_softmax_answer(o):
    def softmax(z):  # the learner's own softmax, with the helper's name
        e = np.exp(z - z.max())
        return e / e.sum()
    return softmax(o)


def _calls_helper_softmax(o):
    return softmax(o)


def _calls_module_function(x, params):
    return srn.forward(params, x)


def _learner_wrapper(o):
    return _calls_helper_softmax(o)


def _imports_inside(o):
    from helpers.numpy_nets.activations import softmax as s
    return s(o)


def _uses_torch(o):
    import torch
    return torch.softmax(torch.tensor(o), 0).numpy()


def _stub(o):
    raise NotImplementedError()


def test_own_work_accepts_an_answer_with_its_own_softmax_and_a_stub():
    check_own_work(_own_softmax_answer)
    check_own_work(_stub)
    check_own_work(lambda v: np.tanh(v) * 2)


@pytest.mark.parametrize("answer, named", [
    (_calls_helper_softmax, "`softmax`, which comes from helpers.numpy_nets.activations"),
    (_calls_module_function, "`srn.forward`, which comes from helpers.numpy_nets.srn"),
    (_learner_wrapper, "through _calls_helper_softmax"),
    (_imports_inside, "imports helpers.numpy_nets.activations"),
])
def test_own_work_refuses_answers_that_use_helpers(answer, named):
    with pytest.raises(AssertionError) as err:
        check_own_work(answer)
    assert named in str(err.value) and answer.__name__ in str(err.value)


def test_own_work_refuses_a_helper_assigned_as_the_answer():
    with pytest.raises(AssertionError, match="helpers.numpy_nets.activations.softmax itself"):
        check_own_work(softmax, name="next_token_distribution")


def test_own_work_can_forbid_other_libraries():
    check_own_work(_uses_torch)
    with pytest.raises(AssertionError, match="imports torch"):
        check_own_work(_uses_torch, forbidden=("helpers", "torch"))


def test_own_work_bad_arguments():
    with pytest.raises(AssertionError, match="defined with `def`"):
        check_own_work(None, name="answer")
    with pytest.raises(TypeError, match="tuple of module names"):
        check_own_work(_stub, forbidden="helpers")
