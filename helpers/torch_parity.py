"""Torch autograd as an independent judge of the numpy backward passes.

The same network (same weights, the lecture's bias-subtracted activity
``v = y_prev w - b``) is rebuilt in torch with float64 tensors; autograd
differentiates the same cost, and every gradient is compared with the numpy one.
"""

from __future__ import annotations

import numpy as np

from helpers.gradcheck import relative_error
from helpers.mlp import MLP, check_cost


def _torch_activation(name: str, v):
    import torch

    if name == "sigmoid":
        return torch.sigmoid(v)
    if name == "tanh":
        return torch.tanh(v)
    if name == "softmax":
        return torch.softmax(v, dim=1)
    return v


def torch_cost_and_gradients(net: MLP, X, T, cost: str = "mse"
                             ) -> tuple[float, dict[str, np.ndarray]]:
    """Cost and gradients of ``net`` on ``(X, T)`` computed by torch autograd in float64.

    ``X``: ``(N, M)``, ``T``: ``(N, K)``. The cross-entropy cost is
    ``torch.nn.functional.cross_entropy`` on the output activities with ``T`` as
    class probabilities. Returns ``(J, {name: gradient as a numpy array})`` with the
    names of ``net.parameters()``.
    """
    import torch
    import torch.nn.functional as F

    check_cost(cost, net.activations[-1])
    X = net.check_input(X)
    T = net.check_target(T, X.shape[0])
    params = {name: torch.tensor(p, dtype=torch.float64, requires_grad=True)
              for name, p in net.parameters().items()}
    y = torch.tensor(X, dtype=torch.float64)
    t = torch.tensor(T, dtype=torch.float64)
    n_layers = len(net.weights)
    for layer, name in enumerate(net.activations, start=1):
        v = y @ params[f"w{layer}"] - params[f"b{layer}"]
        if layer == n_layers and cost == "cross_entropy":
            J = F.cross_entropy(v, t)
            break
        y = _torch_activation(name, v)
    else:
        J = 0.5 * ((y - t) ** 2).sum() / t.shape[0]
    J.backward()
    return float(J.detach()), {name: p.grad.numpy() for name, p in params.items()}


def parity_errors(net: MLP, X, T, cost: str = "mse") -> dict[str, float]:
    """Relative error between the numpy gradients of ``net`` and torch autograd's, for
    every parameter, plus ``'cost'``: the relative error between the two costs."""
    J, grads = net.gradients(X, T, cost)
    J_torch, grads_torch = torch_cost_and_gradients(net, X, T, cost)
    errors = {"cost": relative_error(J, J_torch)}
    for name, g in grads.items():
        errors[name] = relative_error(g, grads_torch[name])
    return errors
