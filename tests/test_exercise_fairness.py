"""Exercises are fair both ways: a right answer written differently passes, and a wrong,
lazy or hard-coded one fails (the visible tests or, at the latest, the hidden ones).

Each case runs a notebook's code cells in order, in one namespace, with one answer cell
replaced, up to and including that exercise's test cell.
"""

from __future__ import annotations

import linecache
import textwrap
from pathlib import Path

import matplotlib
import nbformat
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HIDDEN = "### BEGIN HIDDEN TESTS"


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def run_exercise(notebook: str, answer_id: str, answer: str | None, visible_only: bool = False):
    """Run ``notebook`` up to the test cell of ``answer_id`` with ``answer`` in the answer
    cell (``None``: the notebook's own solution). Raises what the test cell raises."""
    nb = nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", as_version=4)
    namespace = {"__name__": "__main__"}
    try:
        _run_cells(nb, namespace, notebook, answer_id, answer, visible_only)
    finally:
        plt.close("all")


def _run(source: str, filename: str, namespace: dict) -> None:
    """Run a cell as IPython does: its source kept in ``linecache``, so that
    ``inspect.getsource`` (and so ``check_own_work``) can read the functions it defines."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)


def _run_cells(nb, namespace, notebook, answer_id, answer, visible_only):
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        source = cell.source
        if grade_id(cell) == answer_id and answer is not None:
            source = textwrap.dedent(answer)
        if grade_id(cell) == f"{answer_id}_test":
            if visible_only:
                source = source.split(HIDDEN)[0]
            _run(source, f"<{answer_id}_test>", namespace)
            return
        _run(source, f"<{notebook} cell {index}>", namespace)
    raise AssertionError(f"no test cell {answer_id}_test in {notebook}")


NAIVE_SOFTMAX_STEP = """
def srn_step_columns(x, h_prev, U, W, b, V, c):
    h = np.tanh(b + W @ h_prev + U @ x)
    e = np.exp(c + V @ h)          # no max subtracted: overflows for large activities
    return h, e / e.sum()
"""

OWN_SOFTMAX_STEP = """
def softmax(o):                    # the learner's own, with the helper's name
    e = np.exp(o - o.max())
    return e / e.sum()


def srn_step_columns(x, h_prev, U, W, b, V, c):
    h = np.tanh(b + W @ h_prev + U @ x)
    return h, softmax(c + V @ h)
"""


def test_a_correct_answer_with_its_own_softmax_passes():
    run_exercise("03_simple_recurrent_network", "ex1_srn_step", OWN_SOFTMAX_STEP)


def test_a_naive_softmax_passes_the_visible_test_but_fails_the_overflow_test():
    run_exercise("03_simple_recurrent_network", "ex1_srn_step", NAIVE_SOFTMAX_STEP, visible_only=True)
    with pytest.raises(AssertionError, match="activity of 900"):
        run_exercise("03_simple_recurrent_network", "ex1_srn_step", NAIVE_SOFTMAX_STEP)


def test_an_answer_that_calls_the_helpers_is_refused_by_name():
    answer = """
    def next_token_distribution(h, V, c):
        return softmax(c + V @ h)
    """
    with pytest.raises(AssertionError, match="`softmax`, which comes from helpers.numpy_nets.activations"):
        run_exercise("03_simple_recurrent_network", "ex2_output_distribution", answer)


def test_a_hard_coded_answer_fails_the_hidden_tests():
    answer = """
    def srn_parameter_count(M, U, K):
        return 56
    """
    run_exercise("03_simple_recurrent_network", "ex3_parameter_count", answer, visible_only=True)
    with pytest.raises(AssertionError):
        run_exercise("03_simple_recurrent_network", "ex3_parameter_count", answer)


def test_bptt_step_without_the_recurrent_term_fails_the_visible_test():
    answer = """
    def bptt_step(do_t, da_next, h_t, h_prev, V, W):
        da = (1 - h_t ** 2) * (V.T @ do_t)      # forgets W.T @ da_next
        return da, np.outer(da, h_prev)
    """
    with pytest.raises(AssertionError, match=r"dJ/da<2> \(step 2"):
        run_exercise("04_backpropagation_through_time", "ex2_bptt_step", answer, visible_only=True)


def test_torch_is_refused_where_the_notebook_forbids_it():
    answer = """
    def cross_entropy_delta(v, labels):
        t = torch.tensor(v, requires_grad=True)
        F.cross_entropy(t, torch.tensor(labels)).backward()
        return t.grad.numpy()
    """
    with pytest.raises(AssertionError, match="comes from torch"):
        run_exercise("02_softmax", "ex3_cross_entropy_delta", answer)


def test_the_wrong_bias_sign_fails_the_visible_test():
    answer = """
    def layer_forward(y_below, w, b, f):
        v = y_below @ w + b
        return v, f(v)
    """
    with pytest.raises(AssertionError, match="v differs"):
        run_exercise("01_backprop_recap", "ex2_layer_forward", answer, visible_only=True)


@pytest.mark.parametrize("notebook, answer_id", [
    ("03_simple_recurrent_network", "ex1_srn_step"),
    ("04_backpropagation_through_time", "ex2_bptt_step"),
])
def test_the_solutions_pass(notebook, answer_id):
    run_exercise(notebook, answer_id, None)


def test_clipping_that_returns_the_callers_arrays_fails_the_visible_test():
    answer = """
    def clip_by_global_norm(grads, max_norm):
        norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
        if norm <= max_norm:
            return dict(grads)                  # the caller's arrays, not copies
        return {key: g * (max_norm / norm) for key, g in grads.items()}
    """
    with pytest.raises(AssertionError, match="cop"):
        run_exercise("05_vanishing_exploding_gradients", "ex3_clip_global_norm", answer, visible_only=True)


def test_stream_rows_of_length_over_n_fails_the_visible_test():
    answer = """
    def stream_rows(ids, n_streams):
        per_row = len(ids) // n_streams         # forgets the target of the last character
        used = per_row * n_streams
        return ids[:used].reshape(n_streams, per_row), ids[1:used + 1].reshape(n_streams, per_row)
    """
    with pytest.raises(AssertionError, match=r"\(12 - 1\) // 3"):
        run_exercise("07_text_generation", "ex1_stream_rows", answer, visible_only=True)


def test_an_integer_padding_mask_fails_the_visible_test():
    answer = """
    def pad_and_mask(sequences, pad_id):
        lengths = np.array([len(s) for s in sequences])
        ids = np.full((len(sequences), lengths.max()), pad_id)
        for row, seq in enumerate(sequences):
            ids[row, :len(seq)] = seq
        mask = (np.arange(lengths.max())[None, :] < lengths[:, None]).astype(int)   # 0/1, not booleans
        return ids, lengths, mask
    """
    with pytest.raises(AssertionError, match="bool"):
        run_exercise("08_sequence_tasks", "ex1_pad_and_mask", answer, visible_only=True)


def test_reversing_the_padding_too_fails_the_visible_test():
    answer = """
    def join_directions(forward_states, backward_states, lengths):
        joined = np.concatenate([forward_states, backward_states[:, ::-1]], axis=2)   # reverses padding too
        joined[np.arange(joined.shape[1])[None, :] >= np.asarray(lengths)[:, None]] = 0
        return joined
    """
    with pytest.raises(AssertionError, match="sentence 1"):
        run_exercise("09_reading_both_ways_and_translating", "ex1_join_directions", answer, visible_only=True)
