"""Random networks and problems shared by the MLP and torch-parity tests."""

import numpy as np

from helpers.numpy_nets.mlp import MLP

ARCHITECTURES = [
    ((1, 4, 4, 4, 1), ("tanh", "tanh", "tanh", "linear"), "mse"),
    ((5, 6, 3), ("sigmoid", "sigmoid"), "mse"),
    ((4, 7, 5), ("tanh", "softmax"), "cross_entropy"),
    ((4, 3, 6, 5), ("sigmoid", "tanh", "softmax"), "mse"),
    ((6, 4), ("softmax",), "cross_entropy"),
    ((3, 2), ("linear",), "mse"),
]


def random_problem(sizes, activations, seed, n=8):
    """A network with random weights and non-zero biases, inputs and (soft) targets."""
    rng = np.random.default_rng(seed)
    net = MLP(sizes, activations, rng)
    for b in net.biases:
        b += rng.normal(size=b.shape)
    X = rng.normal(size=(n, sizes[0]))
    T = rng.random((n, sizes[-1]))
    if activations[-1] == "softmax":
        T /= T.sum(axis=1, keepdims=True)
    return net, X, T


def break_gradient(net: MLP, name: str) -> None:
    """Make ``net.gradients`` return the gradient of parameter ``name`` with its sign
    flipped, so a check that compares gradients must notice."""
    correct = net.gradients

    def wrong(*args, **kwargs):
        cost, grads = correct(*args, **kwargs)
        return cost, {**grads, name: -grads[name]}

    net.gradients = wrong
