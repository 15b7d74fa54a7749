"""helpers.numpy_nets.optim: optimisers, clipping and the truncated-BPTT loop work on any dict of arrays."""

import numpy as np
import pytest
import torch

from helpers.numpy_nets import optim, srn


def test_training_with_adam_and_sgd_lowers_the_srn_loss():
    rng = np.random.default_rng(0)
    seq = np.tile(np.arange(4), 6)[None]  # 0 1 2 3 0 1 2 3 ...
    x, y = seq[:, :-1], seq[:, 1:]
    for make_step in ("adam", "sgd"):
        params = srn.init_params(4, 8, 4, rng)
        start, _, _ = srn.loss_and_gradients(params, x, y)
        opt = optim.Adam(params, lr=0.05)
        for _ in range(100):
            loss, grads, _ = srn.loss_and_gradients(params, x, y)
            if make_step == "adam":
                opt.step(params, grads)
            else:
                optim.sgd_step(params, grads, lr=0.05)
        assert loss < 0.2 * start, (make_step, start, loss)


def test_adam_matches_torch_adam_on_any_names():
    rng = np.random.default_rng(1)
    params = {"weight": rng.normal(size=(3, 2)), "gate_bias": rng.normal(size=4)}
    torch_params = {k: torch.tensor(v.copy(), requires_grad=True) for k, v in params.items()}
    ours = optim.Adam(params, lr=0.01, betas=(0.8, 0.99), eps=1e-7)
    theirs = torch.optim.Adam(list(torch_params.values()), lr=0.01, betas=(0.8, 0.99), eps=1e-7)
    for _ in range(5):
        grads = {k: rng.normal(size=v.shape) for k, v in params.items()}
        ours.step(params, grads)
        for k, p in torch_params.items():
            p.grad = torch.tensor(grads[k])
        theirs.step()
    for k in params:
        np.testing.assert_allclose(params[k], torch_params[k].detach().numpy(), rtol=1e-6, atol=1e-9)


def test_clip_gradients_scales_to_max_norm_and_leaves_states_alone():
    grads = {k: np.full(3, 2.0) for k in ("U", "W", "b", "V", "c")}
    grads["h0"] = np.full(3, 100.0)
    grads["c0"] = np.full(3, 100.0)
    norm = optim.clip_gradients(grads, 1.0)
    assert norm == pytest.approx(np.sqrt(5 * 3 * 4.0))
    total = np.sqrt(sum(np.sum(grads[k] ** 2) for k in ("U", "W", "b", "V", "c")))
    assert total == pytest.approx(1.0)
    assert np.all(grads["h0"] == 100.0) and np.all(grads["c0"] == 100.0)
    assert optim.clip_gradients(grads, float("inf")) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="max_norm"):
        optim.clip_gradients(grads, 0.0)


def test_the_cosine_schedule_falls_from_lr_towards_zero():
    rates = [0.02 * optim.cosine_factor(e - 1, 10) for e in range(1, 11)]
    assert rates[0] == 0.02 and all(a > b > 0 for a, b in zip(rates[:-1], rates[1:], strict=True))
    assert np.isclose(0.02 * optim.cosine_factor(5, 10), 0.01)
    with pytest.raises(ValueError, match="total must be a positive"):
        optim.cosine_factor(1, 0)


def test_train_epoch_lowers_the_loss_on_a_repeating_sequence():
    rng = np.random.default_rng(0)
    ids = np.tile(np.arange(4), 60)
    inputs, targets = ids[None, :-1].repeat(2, axis=0), ids[None, 1:].repeat(2, axis=0)
    params = srn.init_params(4, 8, 4, rng)
    optimizer = optim.Adam(params, lr=0.05)
    first = optim.train_epoch(srn.loss_and_gradients, params, optimizer, inputs, targets, seq_len=10)
    assert first.state.shape == (2, 8)
    for _ in range(5):
        last = optim.train_epoch(srn.loss_and_gradients, params, optimizer, inputs, targets, 10, max_norm=5.0)
    assert last.loss < 0.2 * first.loss


def test_train_epoch_carries_the_state_through_the_chunks():
    params = srn.init_params(5, 3, 5, np.random.default_rng(1))
    inputs, targets = np.random.default_rng(2).integers(0, 5, (2, 3, 12))
    h0 = np.random.default_rng(3).normal(size=(3, 3))

    class NoUpdate:
        def step(self, params, grads):
            pass

    result = optim.train_epoch(srn.loss_and_gradients, params, NoUpdate(), inputs, targets, 5, state=h0)
    whole = srn.forward(params, inputs, h0)
    np.testing.assert_allclose(result.state, whole.h_last, atol=1e-14)
    assert np.isclose(result.loss, srn.cross_entropy(whole, targets))


def test_next_stream_states_shifts_arrays_and_pairs():
    h_last = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(optim.next_stream_states(h_last), [[0, 0], [0, 1], [2, 3]])
    h, c = optim.next_stream_states((h_last, 10 * h_last))
    np.testing.assert_array_equal(c, [[0, 0], [0, 10], [20, 30]])
    with pytest.raises(ValueError, match=r"state must have shape \(\*, \*\)"):
        optim.next_stream_states(np.zeros(3))
