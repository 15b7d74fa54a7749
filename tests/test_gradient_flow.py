"""helpers.numpy_nets.gradient_flow: Jacobian products, the singular-value bound and blame norms,
checked against finite differences and torch autograd."""

import numpy as np
import pytest
import torch

from helpers.numpy_nets import gradient_flow as gf
from helpers.numpy_nets import srn
from helpers.torch_nets.twins import TorchRecurrentNet


def small_srn(rho=0.9, seed=0):
    rng = np.random.default_rng(seed)
    params = srn.init_params(5, 6, 4, rng)
    params["W"] = gf.scale_spectral_radius(rng.normal(size=(6, 6)), rho)
    return params, rng.integers(0, 5, 12)


def test_scale_spectral_radius():
    W = gf.scale_spectral_radius(np.random.default_rng(1).normal(size=(8, 8)), 1.5)
    assert np.isclose(np.max(np.abs(np.linalg.eigvals(W))), 1.5)
    with pytest.raises(ValueError, match="W must be square"):
        gf.scale_spectral_radius(np.zeros((2, 3)), 1.0)


def test_jacobian_product_equals_finite_differences_of_the_state():
    params, ids = small_srn()
    cache = srn.forward(params, ids[None])
    jac = gf.state_jacobians(params, cache)
    t, k = 9, 4
    h_k = cache.hidden[0, k - 1]

    def run_from(h):
        for j in range(k, t):
            h = np.tanh(params["b"] + params["W"] @ h + params["U"][:, ids[j]])
        return h

    eps = 1e-6
    numeric = np.stack(
        [(run_from(h_k + eps * e) - run_from(h_k - eps * e)) / (2 * eps) for e in np.eye(6)], axis=1
    )
    np.testing.assert_allclose(gf.jacobian_product(jac, t, k), numeric, atol=1e-8)
    np.testing.assert_array_equal(gf.jacobian_product(jac, 3, 3), np.eye(6))


def test_the_bound_holds_and_blame_decays_below_radius_one():
    params, ids = small_srn(rho=0.5)
    cache = srn.forward(params, ids[None])
    jac = gf.state_jacobians(params, cache)
    for lag in range(1, 10):
        assert (
            np.linalg.norm(gf.jacobian_product(jac, 12, 12 - lag), 2)
            <= gf.jacobian_bound(params["W"], lag) + 1e-12
        )
    norms = gf.lag_curve(0.5, n_steps=40)
    assert norms[40] < 1e-6 * norms[0]
    assert gf.lag_curve(3.0, "linear", n_steps=20)[20] > 1e6


def test_blame_norms_equal_torch_autograd():
    params, ids = small_srn(rho=1.2)
    norms = gf.blame_norms(params, ids, target=2)
    model = TorchRecurrentNet.from_numpy("srn", params)
    x = torch.nn.functional.one_hot(torch.from_numpy(ids), 5).double()[None]
    h = torch.zeros(1, 6, dtype=torch.float64, requires_grad=True)
    states = [h]
    for t in range(len(ids)):
        h = torch.tanh(
            x[:, t] @ model.rnn.weight_ih_l0.T + model.rnn.bias_ih_l0 + h @ model.rnn.weight_hh_l0.T
        )
        h.retain_grad()
        states.append(h)
    loss = torch.nn.functional.cross_entropy(model.out(h), torch.tensor([2]), reduction="sum")
    loss.backward()
    expected = [float(s.grad.norm()) for s in reversed(states)]
    np.testing.assert_allclose(norms, expected, rtol=1e-10)


def test_spectral_radius_widget_redraws_from_its_core():
    import matplotlib

    matplotlib.use("Agg")
    from helpers.notebook.widgets import spectral_radius_explorer

    box = spectral_radius_explorer(0.8, "tanh", n_steps=10)
    slider, choice = box.children[0].children
    slider.value = 2.0
    choice.value = "linear"
    assert (slider.value, choice.value) == (2.0, "linear")
    assert np.all(np.diff(np.log(gf.lag_curve(2.0, "linear", n_steps=10))) > 0)


def test_one_unit_cost_gradient_matches_centred_differences_and_torch():
    w = np.array([[0.5, 1.3], [2.0, 3.1]])
    b = np.array([[0.1, -0.12], [-0.5, -1.2]])
    cost, d_w, d_b = gf.one_unit_cost(w, b, n_steps=20)
    eps = 1e-6
    numeric_w = (gf.one_unit_cost(w + eps, b, 20)[0] - gf.one_unit_cost(w - eps, b, 20)[0]) / (2 * eps)
    numeric_b = (gf.one_unit_cost(w, b + eps, 20)[0] - gf.one_unit_cost(w, b - eps, 20)[0]) / (2 * eps)
    np.testing.assert_allclose(d_w, numeric_w, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(d_b, numeric_b, rtol=1e-5, atol=1e-9)
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    h = torch.full_like(wt, 0.5)
    for _ in range(20):
        h = torch.tanh(wt * h + bt)
    ((h - 0.6) ** 2).sum().backward()
    np.testing.assert_allclose(cost, ((h - 0.6) ** 2).detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(d_w, wt.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(d_b, bt.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_one_unit_cost_has_a_cliff():
    w, b = np.meshgrid(np.linspace(0, 4, 81), np.linspace(-2, 1, 61))
    cost, d_w, d_b = gf.one_unit_cost(w, b)
    norm = np.hypot(d_w, d_b)
    assert norm.max() > 1e3 * np.median(norm)
    assert cost.max() > 2.0 and cost.min() < 1e-3


def test_blame_by_lag_of_an_srn_is_the_mean_of_blame_norms():
    params, _ = small_srn(rho=1.1)
    ids = np.random.default_rng(3).integers(0, 5, (3, 10))
    targets = np.full((3, 10), -1)
    targets[:, -1] = [1, 2, 3]
    flow = gf.blame_by_lag(srn, params, ids, targets)
    per_sequence = [gf.blame_norms(params, ids[n], targets[n, -1])[1:] for n in range(3)]
    np.testing.assert_allclose(flow["h"], np.mean(per_sequence, axis=0), rtol=1e-10)
    assert set(flow) == {"h"}


def test_blame_by_lag_of_an_lstm_equals_torch_autograd_on_every_state():
    from helpers.numpy_nets import lstm

    rng = np.random.default_rng(4)
    params = lstm.init_params(3, 4, 2, rng)
    x = rng.normal(size=(2, 6, 3))
    targets = np.full((2, 6), -1)
    targets[:, -1] = [0, 1]
    targets[0, 3] = 1   # a target in the middle as well
    flow = gf.blame_by_lag(lstm, params, x, targets)

    cell = torch.nn.LSTMCell(3, 4, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(params["U"]))
        cell.weight_hh.copy_(torch.from_numpy(params["W"]))
        cell.bias_ih.copy_(torch.from_numpy(params["b"]))
        cell.bias_hh.zero_()
    h = torch.zeros(2, 4, dtype=torch.float64, requires_grad=True)
    c = torch.zeros(2, 4, dtype=torch.float64, requires_grad=True)
    states, loss = [(h, c)], 0.0
    for t in range(6):
        h, c = cell(torch.from_numpy(x[:, t]), (h, c))
        h.retain_grad()
        c.retain_grad()
        states.append((h, c))
        logits = h @ torch.from_numpy(params["V"]).T + torch.from_numpy(params["c"])
        for n in range(2):
            if targets[n, t] >= 0:
                loss = loss - torch.log_softmax(logits[n], dim=0)[targets[n, t]]
    loss.backward()
    # lag L = 6 - k: states[k] for k = 5 .. 0
    expect_h = [states[k][0].grad.norm(dim=1).mean().item() for k in range(5, -1, -1)]
    expect_c = [states[k][1].grad.norm(dim=1).mean().item() for k in range(5, -1, -1)]
    np.testing.assert_allclose(flow["h"], expect_h, rtol=1e-10)
    np.testing.assert_allclose(flow["c"], expect_c, rtol=1e-10)
