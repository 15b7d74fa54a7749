"""helpers.numpy_nets.lstm and .gru: gradients checked three ways (centred differences, torch
autograd with copied weights, a training run), for token ids and real input vectors, full
and truncated BPTT, and the step functions agree with the sequence forward pass."""

import numpy as np
import pytest
import torch

from helpers.numpy_nets import gru, lstm, optim
from helpers.numpy_nets.gradcheck import gradient_errors
from helpers.torch_nets.twins import TorchRecurrentNet, gru_loss_and_gradients, lstm_loss_and_gradients

M, H, K, N, T = 5, 4, 6, 3, 7
TWINS = {"lstm": (lstm, lstm_loss_and_gradients), "gru": (gru, gru_loss_and_gradients)}


def problem(kind, inputs="ids", seed=0):
    """Random parameters with non-zero biases, inputs, targets and a non-zero initial state."""
    r = np.random.default_rng(seed)
    module = TWINS[kind][0]
    params = module.init_params(M, H, K, r)
    for key in params:
        if key not in ("U", "W", "V"):
            params[key] = params[key] + r.normal(0, 0.3, params[key].shape)
    x = r.integers(0, M, (N, T)) if inputs == "ids" else r.normal(size=(N, T, M))
    y = r.integers(0, K, (N, T))
    h0 = r.normal(0, 0.5, (N, H))
    state = (h0, r.normal(0, 0.5, (N, H))) if kind == "lstm" else h0
    return module, params, x, y, state


def initial_state_entries(kind, state):
    return {"h0": state[0], "c0": state[1]} if kind == "lstm" else {"h0": state}


@pytest.mark.parametrize("kind", sorted(TWINS))
@pytest.mark.parametrize("inputs", ["ids", "vectors"])
def test_gradients_match_centred_differences(kind, inputs):
    module, params, x, y, state = problem(kind, inputs)
    _, grads, _ = module.loss_and_gradients(params, x, y, state)
    errors = gradient_errors(
        lambda: module.cross_entropy(module.forward(params, x, state), y),
        {**params, **initial_state_entries(kind, state)},
        grads,
        eps=1e-5,
    )
    assert max(errors.values()) <= 1e-7, errors


@pytest.mark.parametrize("kind", sorted(TWINS))
@pytest.mark.parametrize("inputs", ["ids", "vectors"])
@pytest.mark.parametrize("truncate", [None, 1, 3, 50])
def test_outputs_and_gradients_equal_torch(kind, inputs, truncate):
    module, params, x, y, state = problem(kind, inputs)
    loss, grads, _ = module.loss_and_gradients(params, x, y, state, truncate)
    loss_t, grads_t, probs_t = TWINS[kind][1](params, x, y, state, truncate)
    assert abs(loss - loss_t) <= 1e-10 * abs(loss_t)
    assert sorted(grads) == sorted(grads_t)
    for key in grads:
        assert np.abs(grads[key] - grads_t[key]).max() <= 1e-10, key
    assert np.abs(module.forward(params, x, state).probs - probs_t).max() <= 1e-10


@pytest.mark.parametrize("kind", sorted(TWINS))
def test_truncation_changes_the_gradient_and_full_length_does_not(kind):
    module, params, x, y, state = problem(kind)
    full = module.loss_and_gradients(params, x, y, state)[1]
    one = module.loss_and_gradients(params, x, y, state, 1)[1]
    whole = module.loss_and_gradients(params, x, y, state, T)[1]
    assert not np.allclose(full["W"], one["W"])
    for key in full:
        np.testing.assert_allclose(whole[key], full[key], atol=1e-14)


def test_step_functions_agree_with_forward():
    for kind in TWINS:
        module, params, x, y, state = problem(kind, "vectors")
        cache = module.forward(params, x, state)
        carried = state
        for t in range(T):
            if kind == "lstm":
                carried, probs, _ = lstm.lstm_step(x[:, t], carried, params)
                np.testing.assert_allclose(carried[1], cache.cells[:, t], atol=1e-13)
                h_t = carried[0]
            else:
                carried, probs, _ = gru.gru_step(x[:, t], carried, params)
                h_t = carried
            np.testing.assert_allclose(h_t, cache.hidden[:, t], atol=1e-13)
            np.testing.assert_allclose(probs, cache.probs[:, t], atol=1e-13)


def test_predict_step_feeds_one_token_like_forward():
    for kind in TWINS:
        module, params, x, _, _ = problem(kind)
        cache = module.forward(params, x[:1])
        state = None
        for t in range(T):
            probs, state = module.predict_step(params, int(x[0, t]), state)
            np.testing.assert_allclose(probs, cache.probs[0, t], atol=1e-13)
        assert np.isclose(probs.sum(), 1.0)


def test_lstm_forget_bias_starts_at_one_and_the_gate_order_is_torchs():
    params = lstm.init_params(M, H, K, np.random.default_rng(0))
    np.testing.assert_array_equal(params["b"], np.r_[np.zeros(H), np.ones(H), np.zeros(2 * H)])
    model = TorchRecurrentNet.from_numpy("lstm", params)
    b_i, b_f, b_g, b_o = (model.rnn.bias_ih_l0 + model.rnn.bias_hh_l0).detach().chunk(4)
    assert torch.all(b_f == 1) and torch.all(b_i == 0) and torch.all(b_o == 0)


def test_parameter_counts_equal_torchs():
    for kind, module in (("lstm", lstm), ("gru", gru)):
        params = module.init_params(M, H, K, np.random.default_rng(0))
        twin = TorchRecurrentNet(kind, n_inputs=M, n_hidden=H, n_outputs=K)
        torch_count = sum(p.numel() for p in twin.parameters())
        ours = sum(v.size for v in params.values())
        # torch keeps two bias vectors per gate; the numpy networks fold them into one
        # (the GRU keeps b_hn apart, because the reset gate multiplies it)
        folded = 4 * H if kind == "lstm" else 2 * H
        assert ours + folded == torch_count, (kind, ours, torch_count)


@pytest.mark.parametrize("kind", sorted(TWINS))
def test_training_with_the_shared_loop_learns_a_repeating_sequence(kind):
    module = TWINS[kind][0]
    ids = np.tile(np.arange(4), 40)
    inputs, targets = ids[None, :-1].repeat(2, axis=0), ids[None, 1:].repeat(2, axis=0)
    params = module.init_params(4, 8, 4, np.random.default_rng(0))
    opt = optim.Adam(params, lr=0.05)
    first = optim.train_epoch(module.loss_and_gradients, params, opt, inputs, targets, 10, max_norm=5.0)
    state = first.state
    for _ in range(10):
        last = optim.train_epoch(
            module.loss_and_gradients,
            params,
            opt,
            inputs,
            targets,
            10,
            max_norm=5.0,
            state=optim.next_stream_states(state),
        )
        state = last.state
    assert last.loss < 0.1 * first.loss
    if kind == "lstm":
        assert isinstance(state, tuple) and state[0].shape == state[1].shape == (2, 8)


@pytest.mark.parametrize("kind", sorted(TWINS))
def test_steps_without_a_target_add_nothing_and_match_torch(kind):
    """Targets of -1 (many-to-one tasks): no cost, no output blame, the same as torch's
    ignore_index."""
    module, params, x, y, state = problem(kind)
    y_last = np.full_like(y, -1)
    y_last[:, -1] = y[:, -1]
    loss, grads, _ = module.loss_and_gradients(params, x, y_last, state)
    cache = module.forward(params, x, state)
    assert np.isclose(loss, -np.log(cache.probs[np.arange(N), -1, y[:, -1]]).sum())
    errors = gradient_errors(lambda: module.cross_entropy(module.forward(params, x, state), y_last),
                             {**params, **initial_state_entries(kind, state)}, grads, eps=1e-5)
    assert max(errors.values()) <= 1e-7, errors
    _, grads_t, _ = TWINS[kind][1](params, x, y_last, state)
    for key in grads:
        assert np.abs(grads[key] - grads_t[key]).max() <= 1e-10, key


def test_gru_update_bias_starts_the_update_gate_near_keep():
    params = gru.init_params(M, H, K, np.random.default_rng(0), update_bias=3.0)
    np.testing.assert_array_equal(params["b"], np.r_[np.zeros(H), np.full(H, 3.0), np.zeros(H)])
    x = np.zeros((1, M))
    h_prev = np.full((1, H), 0.5)
    h_new, _, gates = gru.gru_step(x, h_prev, params)
    z = gates[0, H:2 * H]
    assert np.all(z > 0.9)   # z near 1 keeps the old state
    np.testing.assert_allclose(h_new[0], z * 0.5 + (1 - z) * gates[0, 2 * H:], rtol=1e-12)
    assert np.all(gru.init_params(M, H, K, np.random.default_rng(0))["b"] == 0)


def test_lstm_gate_stepper_core_reads_the_cache():
    import matplotlib

    matplotlib.use("Agg")
    from helpers.notebook.widgets import lstm_gate_step, lstm_gate_stepper

    params = lstm.init_params(M, H, K, np.random.default_rng(0))
    x = np.random.default_rng(1).normal(size=(2, 5, M))
    cache = lstm.forward(params, x)
    view = lstm_gate_step(cache, 3, sequence=1)
    assert sorted(view) == ["c", "f", "g", "h", "i", "o"]
    np.testing.assert_array_equal(view["f"], cache.gates[1, 3, H:2 * H])
    np.testing.assert_array_equal(view["o"], cache.gates[1, 3, 3 * H:])
    np.testing.assert_array_equal(view["c"], cache.cells[1, 3])
    np.testing.assert_allclose(view["h"], view["o"] * np.tanh(view["c"]), rtol=1e-12)
    with pytest.raises(ValueError, match=r"t must be an integer in \[0, 5\), got 5"):
        lstm_gate_step(cache, 5)
    with pytest.raises(TypeError, match="cache must be the LSTMCache"):
        lstm_gate_step(gru.forward(gru.init_params(M, H, K, np.random.default_rng(0)), x), 0)
    box = lstm_gate_stepper(cache, sequence=1)
    slider = box.children[0]
    assert (slider.min, slider.max) == (0, 4)
    slider.value = 4  # redraws without error


def test_lstm_chrono_start_keeps_and_does_not_write():
    L = 40
    params = lstm.init_params(M, H, K, np.random.default_rng(0), forget_bias=np.log(L), input_bias=-np.log(L))
    expected = np.r_[np.full(H, -np.log(L)), np.full(H, np.log(L)), np.zeros(2 * H)]
    np.testing.assert_allclose(params["b"], expected)
    gates = lstm.lstm_step(np.zeros((1, M)), None, params)[2][0]
    np.testing.assert_allclose(gates[:H], 1 / (L + 1), rtol=1e-12)       # input gate
    np.testing.assert_allclose(gates[H:2 * H], L / (L + 1), rtol=1e-12)  # forget gate
