"""The numpy Elman network: forward pass, BPTT (full and truncated) against centred
differences and torch autograd, optimisers, and clear errors on bad input."""

import numpy as np
import pytest

from helpers.numpy_nets import recurrent, srn
from helpers.numpy_nets.gradcheck import gradient_errors
from helpers.torch_nets.twins import TorchRecurrentNet, srn_loss_and_gradients

M, U, K, N, T = 5, 4, 6, 3, 7


@pytest.fixture
def setup():
    rng = np.random.default_rng(1)
    params = srn.init_params(M, U, K, rng)
    params["b"] = rng.normal(0, 0.3, U)
    params["c"] = rng.normal(0, 0.3, K)
    inputs = rng.integers(0, M, (N, T))
    targets = rng.integers(0, K, (N, T))
    h0 = rng.normal(0, 0.5, (N, U))
    return params, inputs, targets, h0


def test_init_params_shapes_and_dtype():
    p = srn.init_params(M, U, K, np.random.default_rng(0), dtype=np.float32)
    assert {k: v.shape for k, v in p.items()} == {"U": (U, M), "W": (U, U), "b": (U,),
                                                  "V": (K, U), "c": (K,)}
    assert all(v.dtype == np.float32 for v in p.values())
    assert srn.check_params(p) == (M, U, K)


def test_forward_matches_step_by_step(setup):
    params, inputs, _, h0 = setup
    cache = srn.forward(params, inputs, h0)
    assert cache.hidden.shape == (N, T, U) and cache.probs.shape == (N, T, K)
    np.testing.assert_allclose(cache.probs.sum(axis=-1), 1.0, atol=1e-12)
    h = h0
    eye = np.eye(M)
    for t in range(T):
        h, y = srn.srn_step(eye[inputs[:, t]], h, params)
        np.testing.assert_allclose(cache.hidden[:, t], h, atol=1e-14)
        np.testing.assert_allclose(cache.probs[:, t], y, atol=1e-14)
    np.testing.assert_array_equal(cache.h_last, cache.hidden[:, -1])


def test_step_uses_lecture_equations_with_sigmoid():
    params = {"U": np.array([[1.0, 0.0], [0.0, -2.0]]), "W": np.array([[0.5, 0.0], [0.0, 0.0]]),
              "b": np.array([0.0, 1.0]), "V": np.eye(2), "c": np.zeros(2)}
    h, y = srn.srn_step(np.array([1.0, 1.0]), np.array([2.0, 0.0]), params, activation="sigmoid")
    expected_h = 1 / (1 + np.exp(-np.array([2.0, -1.0])))
    np.testing.assert_allclose(h, expected_h)
    np.testing.assert_allclose(y, np.exp(expected_h) / np.exp(expected_h).sum())


def test_predict_step_matches_forward(setup):
    params, inputs, _, _ = setup
    cache = srn.forward(params, inputs[:1])
    h = None
    for t in range(T):
        y, h = srn.predict_step(params, inputs[0, t], h)
        np.testing.assert_allclose(y, cache.probs[0, t], atol=1e-14)


def test_cross_entropy_is_summed_negative_log_likelihood(setup):
    params, inputs, targets, h0 = setup
    cache = srn.forward(params, inputs, h0)
    picked = np.take_along_axis(cache.probs, targets[..., None], axis=-1)
    assert srn.cross_entropy(cache, targets) == pytest.approx(-np.log(picked).sum(), rel=1e-12)


@pytest.mark.parametrize("with_h0", [False, True])
def test_full_bptt_matches_centred_differences(setup, with_h0):
    params, inputs, targets, h0 = setup
    h0 = h0 if with_h0 else None
    _, grads, _ = srn.loss_and_gradients(params, inputs, targets, h0)
    checked = dict(params)
    if with_h0:
        checked["h0"] = h0

    def loss():
        return srn.cross_entropy(srn.forward(params, inputs, h0), targets)

    errors = gradient_errors(loss, checked, grads, eps=1e-5)
    assert max(errors.values()) < 1e-8, errors


@pytest.mark.parametrize("truncate", [None, 1, 3, 7, 50])
def test_bptt_matches_torch_autograd(setup, truncate):
    params, inputs, targets, h0 = setup
    loss, grads, h_last = srn.loss_and_gradients(params, inputs, targets, h0, truncate)
    t_loss, t_grads, t_probs = srn_loss_and_gradients(params, inputs, targets, h0, truncate)
    assert loss == pytest.approx(t_loss, rel=1e-12)
    np.testing.assert_allclose(srn.forward(params, inputs, h0).probs, t_probs, rtol=0, atol=1e-10)
    for name in (*srn.PARAM_NAMES, "h0"):
        np.testing.assert_allclose(grads[name], t_grads[name], rtol=0, atol=1e-10, err_msg=name)
    assert h_last.shape == (N, U)


def test_truncation_changes_gradient_and_long_window_equals_full(setup):
    params, inputs, targets, h0 = setup
    cache = srn.forward(params, inputs, h0)
    full = srn.backward(params, cache, targets)
    same = srn.backward(params, cache, targets, truncate=T)
    cut = srn.backward(params, cache, targets, truncate=2)
    for name in full:
        np.testing.assert_allclose(same[name], full[name], atol=1e-15)
    assert not np.allclose(cut["W"], full["W"])
    # output-layer gradients do not flow through time, so truncation leaves them alone
    np.testing.assert_allclose(cut["V"], full["V"], atol=1e-15)


def test_float32_forward_close_to_float64(setup):
    params, inputs, targets, h0 = setup
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    c32 = srn.forward(p32, inputs, h0)
    assert c32.hidden.dtype == np.float32
    c64 = srn.forward(params, inputs, h0)
    np.testing.assert_allclose(c32.probs, c64.probs, atol=1e-5)
    g32 = srn.backward(p32, c32, targets)
    assert g32["W"].dtype == np.float32


def test_torch_model_copies_weights(setup):
    import torch

    params, inputs, _, _ = setup
    model = TorchRecurrentNet.from_numpy("srn", params)
    logits, hidden, _ = model(torch.from_numpy(inputs))
    cache = srn.forward(params, inputs)
    np.testing.assert_allclose(hidden.detach().numpy(), cache.hidden, atol=1e-12)
    np.testing.assert_allclose(torch.softmax(logits, -1).detach().numpy(), cache.probs,
                               atol=1e-12)


# ---- bad input -------------------------------------------------------------------------

def test_token_ids_out_of_range_are_named(setup):
    params, inputs, targets, _ = setup
    bad = inputs.copy()
    bad[0, 0] = M
    with pytest.raises(ValueError, match=r"inputs must hold values in \[0, 5\), found 5"):
        srn.forward(params, bad)
    cache = srn.forward(params, inputs)
    with pytest.raises(ValueError, match=r"targets must hold values in \[0, 6\), found -2"):
        srn.backward(params, cache, np.full((N, T), -2))
    with pytest.raises(TypeError, match="integer ids"):
        srn.forward(params, inputs + 0.5)


def test_wrong_shapes_are_named(setup):
    params, inputs, targets, _ = setup
    with pytest.raises(ValueError, match=r"inputs must have shape \(\*, \*\), got shape \(7,\)"):
        srn.forward(params, inputs[0])
    cache = srn.forward(params, inputs)
    with pytest.raises(ValueError, match=r"targets must have shape \(3, 7\), got shape \(3, 6\)"):
        srn.backward(params, cache, targets[:, :-1])
    with pytest.raises(ValueError, match=r"x must have shape \(\*, 5\)"):
        srn.srn_step(np.zeros((2, 4)), np.zeros((2, U)), params)
    with pytest.raises(ValueError, match="at least one time step"):
        srn.forward(params, np.zeros((2, 0), dtype=int))


def test_hidden_state_of_wrong_size_is_named(setup):
    params, inputs, _, _ = setup
    with pytest.raises(ValueError, match=r"h0 must have shape \(3, 4\) \(batch, hidden\), got \(3, 5\)"):
        srn.forward(params, inputs, np.zeros((N, U + 1)))
    with pytest.raises(ValueError, match=r"h_prev must have shape \(2, 4\)"):
        srn.srn_step(np.zeros((2, M)), np.zeros((2, 3)), params)
    with pytest.raises(ValueError, match=r"h must have shape \(4,\)"):
        srn.predict_step(params, 0, np.zeros(3))


def test_bad_params_are_named(setup):
    params, inputs, targets, _ = setup
    wrong = dict(params, W=np.zeros((U, U + 1)))
    with pytest.raises(ValueError, match=r"params\['W'\] must have shape \(4, 4\), got shape \(4, 5\)"):
        srn.forward(wrong, inputs)
    with pytest.raises(ValueError, match=r"params must have the keys .*; missing \['c'\]"):
        srn.forward({k: v for k, v in params.items() if k != "c"}, inputs)
    mixed = dict(params, c=params["c"].astype(np.float32))
    with pytest.raises(TypeError, match="one float dtype"):
        srn.forward(mixed, inputs)
    cache = srn.forward(params, inputs)
    with pytest.raises(ValueError, match="truncate must be a positive integer"):
        srn.backward(params, cache, targets, truncate=0)
    with pytest.raises(TypeError, match="SRNCache"):
        srn.backward(params, (1, 2), targets)


def test_in_place_softmax_equals_the_course_softmax():
    from helpers.numpy_nets.activations import softmax

    o = np.random.default_rng(0).normal(0, 30, (6, 9))
    expected = softmax(o)
    recurrent.softmax_rows_in_place(o)
    np.testing.assert_allclose(o, expected, rtol=1e-13)


def test_backward_leaves_the_cache_unchanged(setup):
    params, inputs, targets, _ = setup
    cache = srn.forward(params, inputs)
    before = cache.probs.copy()
    first = srn.backward(params, cache, targets)
    np.testing.assert_array_equal(cache.probs, before)
    second = srn.backward(params, cache, targets)
    np.testing.assert_array_equal(first["W"], second["W"])


def test_time_stepper_core_reports_one_step(setup):
    from helpers.notebook.widgets import srn_time_step, srn_time_stepper

    params, inputs, _, _ = setup
    cache = srn.forward(params, inputs[:1])
    words = [f"w{i}" for i in inputs[0]]
    labels = [f"k{k}" for k in range(K)]
    view = srn_time_step(words, cache.hidden[0], cache.probs[0], labels, 2)
    assert view["input"] == words[2] and view["context"] == words[:3]
    np.testing.assert_array_equal(view["hidden"], cache.hidden[0, 2])
    best = int(np.argmax(cache.probs[0, 2]))
    assert view["top"][0] == (labels[best], pytest.approx(cache.probs[0, 2, best]))
    assert len(view["top"]) == 3
    with pytest.raises(ValueError, match=r"t must be an integer in \[0, 7\)"):
        srn_time_step(words, cache.hidden[0], cache.probs[0], labels, 7)
    with pytest.raises(ValueError, match="probs must have shape"):
        srn_time_step(words, cache.hidden[0], cache.probs[0, :, :3], labels, 0)
    widget = srn_time_stepper(words, cache.hidden[0], cache.probs[0], labels)
    slider = widget.children[0]
    assert (slider.min, slider.max) == (0, T - 1)
    slider.value = 3  # redraws without error


def test_sum_rows_by_id_equals_add_at():
    rng = np.random.default_rng(2)
    rows = rng.normal(size=(50, 3))
    ids = rng.integers(0, 9, 50)
    expected = np.zeros((12, 3))
    np.add.at(expected, ids, rows)
    np.testing.assert_allclose(recurrent.sum_rows_by_id(rows, ids, 12), expected, atol=1e-13)


@pytest.mark.parametrize("n_ids", [9, recurrent.ONE_HOT_PRODUCT_UP_TO + 1])
def test_the_input_gradient_is_the_one_hot_product_for_small_and_large_vocabularies(n_ids):
    rng = np.random.default_rng(3)
    d_a = rng.normal(size=(4, 5, 6))
    ids = rng.integers(0, n_ids, (4, 5))
    expected = d_a.reshape(20, 6).T @ np.eye(n_ids)[ids.reshape(-1)]
    np.testing.assert_allclose(recurrent.input_weight_gradient(d_a, ids, n_ids), expected, atol=1e-13)


def test_output_gradients_give_the_same_blame_from_time_major_views():
    rng = np.random.default_rng(4)
    hidden, probs = rng.normal(size=(5, 3, 4)), rng.dirichlet(np.ones(6), size=(5, 3))   # (T, N, ...)
    targets = rng.integers(0, 6, (5, 3))
    targets[1, 2] = recurrent.IGNORE
    V = rng.normal(size=(6, 4))
    views = recurrent.output_gradients(V, hidden.swapaxes(0, 1), probs.swapaxes(0, 1), targets.swapaxes(0, 1))
    copies = recurrent.output_gradients(V, np.ascontiguousarray(hidden.swapaxes(0, 1)),
                                        np.ascontiguousarray(probs.swapaxes(0, 1)), targets.T.copy())
    for view, copy in zip(views, copies, strict=True):
        np.testing.assert_allclose(view, copy, atol=1e-13)
    assert views[2].shape == (3, 5, 4)


@pytest.mark.parametrize("how", ["orthogonal", "identity"])
def test_recurrent_init_gives_every_singular_value_one(how):
    params = srn.init_params(3, 8, 2, np.random.default_rng(0), recurrent_init=how)
    np.testing.assert_allclose(np.linalg.svd(params["W"], compute_uv=False), np.ones(8), rtol=1e-12)
    if how == "identity":
        np.testing.assert_array_equal(params["W"], np.eye(8))
    uniform = srn.init_params(3, 8, 2, np.random.default_rng(0))
    np.testing.assert_array_equal(params["U"], uniform["U"])   # only W changes
    assert srn.init_params(3, 8, 2, np.random.default_rng(0), np.float32, how)["W"].dtype == np.float32
    expected = r"recurrent_init must be one of \('uniform', 'orthogonal', 'identity'\)"
    with pytest.raises(ValueError, match=expected):
        srn.init_params(3, 8, 2, np.random.default_rng(0), recurrent_init="eye")


def test_integer_one_hot_vectors_are_read_like_the_ids(setup):
    params, inputs, _, _ = setup
    one_hot = np.eye(params["U"].shape[1], dtype=int)[inputs]
    by_ids = srn.forward(params, inputs)
    np.testing.assert_allclose(srn.forward(params, one_hot).probs, by_ids.probs, atol=1e-12)
    np.testing.assert_allclose(srn.forward(params, one_hot.astype(bool)).hidden, by_ids.hidden, atol=1e-12)
