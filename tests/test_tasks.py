"""helpers.tasks: the long-range "remember the first symbol" task and its training loop."""

import numpy as np
import pytest

from helpers import gru, lstm, srn, tasks


def test_batches_hold_the_first_symbol_distractors_and_a_query():
    data = tasks.first_symbol_batch(50, 6, np.random.default_rng(0), n_symbols=3, n_distractors=5)
    assert data.inputs.shape == data.targets.shape == (50, 8)
    np.testing.assert_array_equal(data.inputs[:, 0], data.answers)
    assert np.all((data.inputs[:, 1:-1] >= 3) & (data.inputs[:, 1:-1] < 8))
    assert tasks.vocabulary_size(3, 5) == 9 and np.all(data.inputs[:, -1] == 8)
    assert np.all(data.targets[:, :-1] == -1) and np.array_equal(data.targets[:, -1], data.answers)
    assert set(data.answers) == {0, 1, 2}
    assert tasks.first_symbol_batch(4, 0, np.random.default_rng(0)).inputs.shape == (4, 2)


def test_query_accuracy_reads_the_last_step_only():
    probs = np.zeros((2, 3, 4))
    probs[0, -1, 1] = probs[1, -1, 2] = 1.0
    probs[:, 0, 0] = 1.0  # earlier steps do not count
    assert tasks.query_accuracy(probs, [1, 3]) == 0.5


@pytest.mark.parametrize("module", [srn, lstm, gru], ids=["srn", "lstm", "gru"])
def test_every_network_learns_a_short_lag(module):
    params = module.init_params(tasks.vocabulary_size(), 16, 4, np.random.default_rng(0))
    losses = tasks.train_on_task(module, params, 2, 150, np.random.default_rng(1))
    assert losses[-1] < 0.5 * losses[0]
    assert tasks.evaluate_on_task(module, params, 2, np.random.default_rng(2)) > 0.9


def test_chance_level_before_training():
    params = lstm.init_params(tasks.vocabulary_size(), 8, 4, np.random.default_rng(0))
    assert abs(tasks.evaluate_on_task(lstm, params, 5, np.random.default_rng(3), 2000) - 0.25) < 0.1
