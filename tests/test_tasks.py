"""helpers.numpy_nets.tasks: the long-range "remember the first symbol" task and its training loop."""

import numpy as np
import pytest

from helpers.numpy_nets import gru, lstm, srn, tasks


def test_batches_hold_the_symbol_noise_and_a_query():
    data = tasks.first_symbol_batch(200, 6, np.random.default_rng(0), n_symbols=3, noise=2.0)
    assert data.inputs.shape == (200, 8, 4) and data.targets.shape == (200, 8)
    assert tasks.input_size(3) == 4
    np.testing.assert_array_equal(data.inputs[:, 0, :3], np.eye(3)[data.answers])
    assert np.all(data.inputs[:, 0, 3] == 0) and np.all(data.inputs[:, -1] == [0, 0, 0, 1])
    noise = data.inputs[:, 1:-1, :3]
    assert abs(noise.std() - 2.0) < 0.1 and abs(noise.mean()) < 0.1
    assert np.all(data.inputs[:, 1:-1, 3] == 0)
    assert np.all(data.targets[:, :-1] == -1) and np.array_equal(data.targets[:, -1], data.answers)
    assert set(data.answers) == {0, 1, 2}
    assert tasks.first_symbol_batch(4, 0, np.random.default_rng(0)).inputs.shape == (4, 2, 5)
    quiet = tasks.first_symbol_batch(4, 3, np.random.default_rng(0), noise=0.0)
    assert np.all(quiet.inputs[:, 1:-1] == 0)


def test_query_accuracy_reads_the_last_step_only():
    probs = np.zeros((2, 3, 4))
    probs[0, -1, 1] = probs[1, -1, 2] = 1.0
    probs[:, 0, 0] = 1.0  # earlier steps do not count
    assert tasks.query_accuracy(probs, [1, 3]) == 0.5


@pytest.mark.parametrize("module", [srn, lstm, gru], ids=["srn", "lstm", "gru"])
def test_every_network_learns_a_short_lag(module):
    params = module.init_params(tasks.input_size(), 16, 4, np.random.default_rng(0))
    losses = tasks.train_on_task(module, params, 2, 150, np.random.default_rng(1))
    assert np.mean(losses[-10:]) < 0.5 * np.mean(losses[:10])
    assert tasks.evaluate_on_task(module, params, 2, np.random.default_rng(2)) > 0.9


def test_chance_level_before_training():
    params = lstm.init_params(tasks.input_size(), 8, 4, np.random.default_rng(0))
    assert abs(tasks.evaluate_on_task(lstm, params, 5, np.random.default_rng(3), 2000) - 0.25) < 0.05


def test_truncation_hides_the_first_symbol():
    """Blocks of 2 steps: the blame from the query never reaches step 0 at lag 3."""
    params = srn.init_params(tasks.input_size(), 16, 4, np.random.default_rng(0))
    tasks.train_on_task(srn, params, 3, 200, np.random.default_rng(1), truncate=2)
    assert tasks.evaluate_on_task(srn, params, 3, np.random.default_rng(2), 2000) < 0.4
    full = srn.init_params(tasks.input_size(), 16, 4, np.random.default_rng(0))
    tasks.train_on_task(srn, full, 3, 200, np.random.default_rng(1))
    assert tasks.evaluate_on_task(srn, full, 3, np.random.default_rng(2), 2000) > 0.9


def test_train_and_evaluate_is_seeded_by_seed_and_lag():
    def make(rng):
        return gru.init_params(tasks.input_size(), 8, 4, rng)

    first, acc_first = tasks.train_and_evaluate(gru, make, 2, 20, seed=3)
    again, acc_again = tasks.train_and_evaluate(gru, make, 2, 20, seed=3)
    other, _ = tasks.train_and_evaluate(gru, make, 2, 20, seed=4)
    assert acc_first == acc_again
    assert all(np.array_equal(first[k], again[k]) for k in first)
    assert not np.array_equal(first["W"], other["W"])
    table = tasks.accuracy_by_lag(gru, make, [2, 1], 20, seed=3)
    assert list(table) == [2, 1] and table[2] == acc_first


def test_the_task_needs_one_input_per_symbol_and_a_query_flag():
    params = srn.init_params(9, 4, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"n_inputs = n_symbols \+ 1 = 5 for 4 outputs.*got n_inputs = 9"):
        tasks.train_on_task(srn, params, 2, 1, np.random.default_rng(0))
