"""helpers.torch_nets.twins: numpy gradients equal torch autograd's in float64."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from helpers.numpy_nets.mlp import MLP
from helpers.torch_nets.twins import parity_errors, torch_cost_and_gradients
from tests.mlp_problems import ARCHITECTURES, break_gradient, random_problem


@pytest.mark.parametrize("sizes, activations, cost", ARCHITECTURES)
@pytest.mark.parametrize("seed", range(5))
def test_every_gradient_matches_torch(sizes, activations, cost, seed):
    net, X, T = random_problem(sizes, activations, seed)
    errors = parity_errors(net, X, T, cost)
    assert set(errors) == {"cost", *net.parameters()}
    assert max(errors.values()) <= 1e-7, errors


def test_torch_cross_entropy_agrees_with_the_formula_for_hard_labels():
    net, X, _ = random_problem((4, 3, 5), ("tanh", "softmax"), seed=0, n=6)
    labels = np.array([0, 4, 2, 2, 1, 3])
    T = np.eye(5)[labels]
    J_torch, _ = torch_cost_and_gradients(net, X, T, "cross_entropy")
    logits = torch.tensor(net.forward(X)[1][-1])
    assert J_torch == pytest.approx(float(F.cross_entropy(logits, torch.tensor(labels))), rel=1e-12)
    assert net.cost(X, T, "cross_entropy") == pytest.approx(J_torch, rel=1e-12)


def test_parity_detects_a_wrong_backward_pass():
    net, X, T = random_problem((3, 4, 2), ("sigmoid", "linear"), seed=1)
    break_gradient(net, "b1")
    assert parity_errors(net, X, T)["b1"] > 0.5


def test_bad_input_is_rejected_before_torch_runs():
    net = MLP((3, 2), ("softmax",), np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"X must have shape \(\*, 3\)"):
        torch_cost_and_gradients(net, np.zeros((2, 2)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"T must have shape \(2, 2\)"):
        parity_errors(net, np.zeros((2, 3)), np.zeros((2, 3)), "cross_entropy")
    sig = MLP((3, 2), ("sigmoid",), np.random.default_rng(0))
    with pytest.raises(ValueError, match="needs a 'softmax' output"):
        torch_cost_and_gradients(sig, np.zeros((2, 3)), np.zeros((2, 2)), "cross_entropy")
