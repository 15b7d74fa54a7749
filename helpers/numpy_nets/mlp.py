"""A multilayer network in numpy, written in the lecture's notation.

Conventions (used by every function here):

- A batch is a row-vector matrix ``X`` of shape ``(N, M)``: ``N`` examples, ``M`` inputs.
- Layer ``l`` (``l = 1 .. L``) has weights ``w_ij`` stored as ``weights[l-1]`` of shape
  ``(inputs, outputs)`` (row ``i`` = sending unit, column ``j`` = receiving unit) and a
  bias ``b_j`` stored as ``biases[l-1]`` of shape ``(outputs,)``.
- The activity of unit ``j`` is ``v_j = sum_i w_ij y_i - b_j``: the bias is
  **subtracted**, as the lecture writes it, so ``dJ/db_j = -dJ/dv_j``.
- Its output is ``y_j = f(v_j)`` with ``f`` one of ``'sigmoid'``, ``'tanh'``,
  ``'linear'`` (element-wise, derivative written from the output ``y``) or
  ``'softmax'`` (a whole layer, output layer only).
- Backpropagation carries the "cost blame" ``dJ/dy`` from the output layer down.
- Costs are means over the batch: mean squared error
  ``J = (1/N) sum_n 1/2 sum_k (y_nk - t_nk)^2`` and cross-entropy
  ``J = -(1/N) sum_n sum_k t_nk log y_nk`` (softmax output layer only).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from helpers.numpy_nets.activations import (
    get_activation,
    get_unchecked_activation,
    log_softmax,
    softmax,
    softmax_backward,
)
from helpers.numpy_nets.gradcheck import gradient_errors
from helpers.validation import (
    as_float_array,
    as_index_array,
    check_keys,
    require_callable,
    require_generator,
    require_int_in,
    require_positive_float,
    require_positive_int,
)

COSTS = ("mse", "cross_entropy")


def _check_activation(name, layer: int, n_layers: int) -> None:
    if name == "softmax":
        if layer != n_layers:
            raise ValueError(f"softmax is only allowed on the output layer {n_layers}, "
                             f"got it on layer {layer}")
        return
    get_activation(name)


def check_cost(cost: str, output_activation: str) -> None:
    """Raise ``TypeError`` unless ``cost`` is a name, ``ValueError`` unless it is one of
    ``COSTS`` and fits the output layer."""
    if not isinstance(cost, str):
        raise TypeError(f"cost must be one of {COSTS}, got {type(cost).__name__}")
    if cost not in COSTS:
        raise ValueError(f"cost must be one of {COSTS}, got {cost!r}")
    if cost == "cross_entropy" and output_activation != "softmax":
        raise ValueError("the cross_entropy cost needs a 'softmax' output layer, "
                         f"got {output_activation!r}")


class MLP:
    """A fully connected feed-forward network (see the module docstring for the notation).

    ``sizes``: units per layer, inputs first, e.g. ``(1, 4, 4, 4, 1)``.
    ``activations``: one name per weight layer (``len(sizes) - 1`` of them).
    ``rng``: a ``numpy.random.Generator`` for the initial weights, drawn from
    ``N(0, 1 / inputs)``; biases start at 0.
    """

    def __init__(self, sizes: Sequence[int], activations: Sequence[str],
                 rng: np.random.Generator):
        sizes = [require_positive_int(s, f"sizes[{i}]") for i, s in enumerate(sizes)]
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output size, got {sizes}")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        weights = [rng.normal(0.0, 1.0 / np.sqrt(m), size=(m, k))
                   for m, k in zip(sizes[:-1], sizes[1:], strict=True)]
        biases = [np.zeros(k) for k in sizes[1:]]
        self._set(weights, biases, activations)

    @classmethod
    def from_weights(cls, weights: Sequence, biases: Sequence, activations: Sequence[str]) -> MLP:
        """Build a network from given arrays: ``weights[l]`` of shape ``(n_l, n_{l+1})``,
        ``biases[l]`` of shape ``(n_{l+1},)``. The arrays are copied to float64;
        consecutive layers must fit together."""
        net = cls.__new__(cls)
        weights = [np.array(as_float_array(w, f"weights[{i}]", shape=(None, None)),
                            dtype=np.float64) for i, w in enumerate(weights)]
        biases = [np.array(as_float_array(b, f"biases[{i}]", shape=(None,)), dtype=np.float64)
                  for i, b in enumerate(biases)]
        net._set(weights, biases, activations)
        return net

    def _set(self, weights, biases, activations) -> None:
        activations = list(activations)
        if not (len(weights) == len(biases) == len(activations)) or not weights:
            raise ValueError(f"need one weight matrix, bias and activation per layer, got "
                             f"{len(weights)} weights, {len(biases)} biases, "
                             f"{len(activations)} activations")
        for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
            if i and w.shape[0] != weights[i - 1].shape[1]:
                raise ValueError(f"layer sizes do not match: weights[{i - 1}] has shape "
                                 f"{weights[i - 1].shape} (so {weights[i - 1].shape[1]} outputs) "
                                 f"but weights[{i}] has shape {w.shape} "
                                 f"(expects {w.shape[0]} inputs)")
            if b.shape != (w.shape[1],):
                raise ValueError(f"biases[{i}] must have shape ({w.shape[1]},) to match "
                                 f"weights[{i}] of shape {w.shape}, got {b.shape}")
        for layer, name in enumerate(activations, start=1):
            _check_activation(name, layer, len(activations))
        self.weights = weights
        self.biases = biases
        self.activations = activations

    @property
    def sizes(self) -> tuple[int, ...]:
        """Units per layer, inputs first."""
        return (self.weights[0].shape[0],) + tuple(w.shape[1] for w in self.weights)

    def parameters(self) -> dict[str, np.ndarray]:
        """The network's own arrays by name (``'w1'``, ``'b1'``, ``'w2'``, ...), not copies:
        a gradient check may nudge them in place."""
        params = {}
        for layer, (w, b) in enumerate(zip(self.weights, self.biases, strict=True), start=1):
            params[f"w{layer}"] = w
            params[f"b{layer}"] = b
        return params

    def check_input(self, X) -> np.ndarray:
        """``X`` as a finite float array of shape ``(N, M)`` with ``N >= 1``; a clear error
        otherwise. Also checks that the network's own weights are still finite."""
        self.check_parameters()
        return as_float_array(X, "X", shape=(None, self.sizes[0]), allow_empty=False)

    def check_target(self, T, n: int) -> np.ndarray:
        """Targets ``T`` as a finite float array of shape ``(n, K)``."""
        return as_float_array(T, "T", shape=(n, self.sizes[-1]))

    def check_parameters(self) -> None:
        """``ValueError`` naming the first weight or bias array with NaN or inf entries
        (training has diverged), instead of NaN outputs with no word."""
        for name, param in self.parameters().items():
            if not np.all(np.isfinite(param)):
                bad = int(param.size - np.count_nonzero(np.isfinite(param)))
                raise ValueError(f"the network's {name} has {bad} NaN or inf entries: training has "
                                 "diverged (lower the learning rate)")

    def forward(self, X) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Forward pass. ``X``: ``(N, M)``. Returns ``(ys, vs)``: ``ys[0] = X`` and
        ``ys[l]`` the ``(N, n_l)`` outputs of layer ``l``; ``vs[l-1]`` its activities
        ``v = y_prev @ w - b``."""
        return self._forward(self.check_input(X))

    def _forward(self, y: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        ys, vs = [y], []
        for w, b, name in zip(self.weights, self.biases, self.activations, strict=True):
            v = y @ w - b
            y = softmax(v) if name == "softmax" else get_unchecked_activation(name)[0](v)
            vs.append(v)
            ys.append(y)
        return ys, vs

    def predict(self, X) -> np.ndarray:
        """Network outputs for ``X`` ``(N, M)``: an ``(N, K)`` array."""
        return self.forward(X)[0][-1]

    def cost(self, X, T, cost: str = "mse") -> float:
        """Mean cost over the batch (see the module docstring). ``T``: ``(N, K)``."""
        check_cost(cost, self.activations[-1])
        ys, vs = self.forward(X)
        T = self.check_target(T, ys[0].shape[0])
        return _cost_value(ys[-1], vs[-1], T, cost)

    def backward(self, ys: list[np.ndarray], output_blame) -> dict[str, np.ndarray]:
        """Backward pass: from the output blame ``dJ/dy_L`` ``(N, K)`` and the outputs
        ``ys`` of ``forward``, the gradient of every parameter (names as in ``parameters``).

        For each layer, top down: ``delta = dJ/dv = blame * f'(y)`` (for softmax the
        full Jacobian is applied), ``dJ/dw = y_prev^T delta``, ``dJ/db = -sum_n delta``
        (bias subtracted) and the blame handed down is ``dJ/dy_prev = delta w^T``.
        """
        self._check_outputs(ys)
        blame = as_float_array(output_blame, "output_blame", shape=ys[-1].shape)
        return self.backprop(ys, self.delta(len(self.weights), ys[-1], blame))

    def _check_outputs(self, ys) -> None:
        if not isinstance(ys, list | tuple) or len(ys) != len(self.weights) + 1:
            raise TypeError(f"ys must be the list of {len(self.weights) + 1} layer outputs that "
                            f"forward returned, got {type(ys).__name__}"
                            + (f" of length {len(ys)}" if isinstance(ys, list | tuple) else ""))
        n = np.shape(ys[0])[0] if np.ndim(ys[0]) else 0
        for layer, (y, size) in enumerate(zip(ys, self.sizes, strict=True)):
            as_float_array(y, f"ys[{layer}]", shape=(n, size))

    def delta(self, layer: int, y: np.ndarray, blame: np.ndarray) -> np.ndarray:
        """``delta = dJ/dv`` of ``layer`` (1 .. L), ``(N, n_layer)``, from its outputs ``y`` and
        its cost blame ``dJ/dy`` (both ``(N, n_layer)``): ``blame * f'(v)`` with ``f'(v)``
        computed from ``y`` (e.g. ``y (1 - y)``); a softmax layer applies its full Jacobian."""
        layer = require_int_in(layer, "layer", 1, len(self.weights) + 1)
        name = self.activations[layer - 1]
        if name == "softmax":
            return softmax_backward(y, blame)
        return blame * get_unchecked_activation(name)[1](y)

    def backprop(self, ys: list[np.ndarray], delta: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients of all layers from the outputs ``ys`` of ``forward`` and ``delta = dJ/dv``
        ``(N, K)`` of the output layer; names as in ``parameters()``."""
        self._check_outputs(ys)
        delta = as_float_array(delta, "delta", shape=ys[-1].shape)
        grads = {}
        for layer in range(len(self.weights), 0, -1):
            grads[f"w{layer}"] = ys[layer - 1].T @ delta                # dJ/dw_ij = y_i delta_j
            grads[f"b{layer}"] = -delta.sum(axis=0)                      # bias subtracted
            if layer > 1:
                blame = delta @ self.weights[layer - 1].T                # dJ/dy of the layer below
                delta = self.delta(layer - 1, ys[layer - 1], blame)
        return {name: grads[name] for name in self.parameters()}

    def gradients(self, X, T, cost: str = "mse") -> tuple[float, dict[str, np.ndarray]]:
        """Cost and gradients of the batch ``(X, T)``: ``(J, {name: dJ/dparam})``.

        With ``cross_entropy`` the softmax and the cost are differentiated together:
        the output ``delta`` is ``(y - t) / N``, which is what the chain rule through
        the full softmax Jacobian gives, without dividing by a small ``y``.
        """
        check_cost(cost, self.activations[-1])
        X = self.check_input(X)
        return self._gradients(X, self.check_target(T, X.shape[0]), cost)

    def _gradients(self, X: np.ndarray, T: np.ndarray, cost: str):
        ys, vs = self._forward(X)
        J = _cost_value(ys[-1], vs[-1], T, cost)
        blame_or_delta = (ys[-1] - T) / T.shape[0]
        if cost == "mse":
            return J, self.backprop(ys, self.delta(len(self.weights), ys[-1], blame_or_delta))
        return J, self.backprop(ys, blame_or_delta)

    def step(self, grads: dict[str, np.ndarray], learning_rate: float) -> None:
        """Steepest descent in place: ``w <- w - eta dJ/dw`` and ``b <- b - eta dJ/db``."""
        eta = require_positive_float(learning_rate, "learning_rate")
        params = self.parameters()
        check_keys(grads, "grads", list(params))
        self._step({name: as_float_array(grads[name], f"grads[{name!r}]", shape=p.shape)
                    for name, p in params.items()}, eta)

    def _step(self, grads: dict[str, np.ndarray], eta: float) -> None:
        for name, param in self.parameters().items():
            param -= eta * grads[name]


def _cost_value(y: np.ndarray, v: np.ndarray, T: np.ndarray, cost: str) -> float:
    if cost == "mse":
        return float(0.5 * np.sum((y - T) ** 2) / T.shape[0])
    return float(-np.sum(T * log_softmax(v)) / T.shape[0])


def train(net: MLP, X, T, cost: str, learning_rate: float, epochs: int, batch_size: int,
          rng: np.random.Generator, monitor: Callable[[MLP], float] | None = None
          ) -> dict[str, list[float]]:
    """Mini-batch steepest descent (the BACK-PROP-LEARNING loop), in place on ``net``.

    Each epoch shuffles the ``N`` examples of ``X`` ``(N, M)`` / ``T`` ``(N, K)`` with
    ``rng``, then for each mini-batch of ``batch_size`` rows computes the gradients and
    takes one step of size ``learning_rate``. Returns ``{'cost': [...], 'monitor': [...]}``:
    the cost on the whole training set after each epoch and, if given, ``monitor(net)``
    after each epoch (e.g. a test error).
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    check_cost(cost, net.activations[-1])
    X = net.check_input(X)
    T = net.check_target(T, X.shape[0])
    eta = require_positive_float(learning_rate, "learning_rate")
    epochs = require_positive_int(epochs, "epochs")
    batch_size = require_positive_int(batch_size, "batch_size")
    require_generator(rng)
    if monitor is not None:
        require_callable(monitor, "monitor")
    history: dict[str, list[float]] = {"cost": [], "monitor": []}
    for _ in range(epochs):
        order = rng.permutation(X.shape[0])
        for start in range(0, X.shape[0], batch_size):
            rows = order[start:start + batch_size]
            _, grads = net._gradients(X[rows], T[rows], cost)
            net._step(grads, eta)
        history["cost"].append(net.cost(X, T, cost))
        if monitor is not None:
            history["monitor"].append(float(monitor(net)))
    return history


def gradient_check(net: MLP, X, T, cost: str = "mse", eps: float = 1e-5) -> dict[str, float]:
    """Relative error between ``net.gradients`` and centred differences of ``net.cost``
    on ``(X, T)``, for every parameter (names as in ``net.parameters()``).

    ``eps = 1e-5`` balances the truncation error of the centred difference
    (``~eps^2``) against float64 round-off in the cost (``~1e-16 / eps``); on random
    networks the errors stay well below ``1e-7``."""
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    _, grads = net.gradients(X, T, cost)
    return gradient_errors(lambda: net.cost(X, T, cost), net.parameters(), grads, eps)


def error_rate(outputs, labels) -> float:
    """Fraction of rows of ``outputs`` ``(N, K)`` whose largest entry is not at ``labels[n]``."""
    outputs = as_float_array(outputs, "outputs", shape=(None, None), allow_empty=False)
    labels = as_index_array(labels, "labels", upper=outputs.shape[1], shape=(outputs.shape[0],))
    return float(np.mean(np.argmax(outputs, axis=1) != labels))
