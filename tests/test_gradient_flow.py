"""helpers.gradient_flow: Jacobian products, the singular-value bound and blame norms,
checked against finite differences and torch autograd."""

import numpy as np
import pytest
import torch

from helpers import gradient_flow as gf
from helpers import srn
from helpers.torch_models import TorchSRN


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
    model = TorchSRN.from_numpy(params)
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
    from helpers.widgets import spectral_radius_explorer

    box = spectral_radius_explorer(0.8, "tanh", n_steps=10)
    slider, choice = box.children[0].children
    slider.value = 2.0
    choice.value = "linear"
    assert (slider.value, choice.value) == (2.0, "linear")
    assert np.all(np.diff(np.log(gf.lag_curve(2.0, "linear", n_steps=10))) > 0)
