"""Torch twins of the course's numpy recurrent networks, used to check them number for
number and as a speed yardstick: ``torch.nn.RNN`` (tanh), ``torch.nn.LSTM`` or
``torch.nn.GRU``, followed by ``torch.nn.Linear``, built from the numpy parameters of
``srn``, ``lstm`` or ``gru`` of ``helpers.numpy_nets`` (no transposes needed: the numpy
networks use torch's layout, see ``helpers/CONVENTIONS.md``).

``srn_loss_and_gradients``, ``lstm_loss_and_gradients`` and ``gru_loss_and_gradients``
give torch autograd's view of the numpy ``loss_and_gradients`` of each network.

For the multilayer network of notebooks 01-02, ``torch_cost_and_gradients`` rebuilds
``helpers.numpy_nets.mlp.MLP`` in float64 torch (same weights, deck 000's bias-subtracted activity
``v = y_prev w - b``) and ``parity_errors`` compares every gradient with the numpy one.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from helpers.numpy_nets import gru, lstm, recurrent, srn
from helpers.numpy_nets.gradcheck import relative_error
from helpers.numpy_nets.mlp import MLP, check_cost
from helpers.torch_nets.cells import CELLS, check_sizes, recurrent_layer
from helpers.validation import as_float_array

NUMPY_NETS = {"srn": srn, "lstm": lstm, "gru": gru}   # the numpy network each twin copies


class TorchRecurrentNet(nn.Module):
    """One recurrent layer (``kind``: ``'srn'``, ``'lstm'`` or ``'gru'``) and a linear
    output layer giving logits. Inputs: token ids ``(N, T)`` (``torch.long``, one-hot
    encoded here) or real vectors ``(N, T, M)``. Sizes: ``n_inputs`` M, ``n_hidden`` H,
    ``n_outputs`` K, keyword arguments."""

    def __init__(self, kind: str, *, n_inputs: int, n_hidden: int, n_outputs: int, dtype=torch.float32):
        super().__init__()
        sizes = check_sizes(n_inputs=n_inputs, n_hidden=n_hidden, n_outputs=n_outputs)
        if dtype not in (torch.float32, torch.float64):
            raise TypeError(f"dtype must be torch.float32 or torch.float64, got {dtype!r}")
        self.kind, self.n_inputs, self.n_hidden = kind, sizes["n_inputs"], sizes["n_hidden"]
        self.rnn = recurrent_layer(kind, sizes["n_inputs"], sizes["n_hidden"], dtype=dtype)
        self.out = nn.Linear(sizes["n_hidden"], sizes["n_outputs"], dtype=dtype)

    @classmethod
    def from_numpy(cls, kind: str, params: dict[str, np.ndarray]) -> TorchRecurrentNet:
        """A twin whose weights are copies of the numpy ``params`` of ``kind`` (same dtype):
        ``U`` -> ``weight_ih_l0``, ``W`` -> ``weight_hh_l0``, ``b`` -> ``bias_ih_l0``,
        ``bias_hh_l0`` zero except the GRU's candidate part, which is ``b_hn``."""
        if kind not in CELLS:
            raise ValueError(f"kind must be one of {sorted(CELLS)}, got {kind!r}")
        m, h, k = NUMPY_NETS[kind].check_params(params)
        dtype = torch.float64 if params["W"].dtype == np.float64 else torch.float32
        model = cls(kind, n_inputs=m, n_hidden=h, n_outputs=k, dtype=dtype)
        with torch.no_grad():
            model.rnn.weight_ih_l0.copy_(torch.from_numpy(params["U"]))
            model.rnn.weight_hh_l0.copy_(torch.from_numpy(params["W"]))
            model.rnn.bias_ih_l0.copy_(torch.from_numpy(params["b"]))
            model.rnn.bias_hh_l0.zero_()
            if kind == "gru":
                model.rnn.bias_hh_l0[2 * h:] = torch.from_numpy(params["b_hn"])
            model.out.weight.copy_(torch.from_numpy(params["V"]))
            model.out.bias.copy_(torch.from_numpy(params["c"]))
        return model

    def _check_state(self, state, n: int):
        if state is None:
            return None
        parts = state if self.kind == "lstm" else (state,)
        if self.kind == "lstm" and (not isinstance(state, tuple) or len(state) != 2):
            raise ValueError(f"state must be a pair (h0, c0) of (N, H) tensors, got {type(state).__name__}")
        for name, part in zip(("h0", "c0"), parts, strict=False):
            if not isinstance(part, torch.Tensor) or tuple(part.shape) != (n, self.n_hidden):
                got = tuple(part.shape) if isinstance(part, torch.Tensor) else type(part).__name__
                raise ValueError(f"{name} must be a tensor of shape {(n, self.n_hidden)} (batch, hidden), "
                                 f"got {got}")
        return tuple(p[None] for p in parts) if self.kind == "lstm" else state[None]

    def forward(self, inputs: torch.Tensor, state=None):
        """``inputs`` ids ``(N, T)`` or vectors ``(N, T, M)``; ``state``: ``h0`` ``(N, H)``, or
        ``(h0, c0)`` for the LSTM. Returns ``(logits (N, T, K), hidden (N, T, H), last state)``
        with the last state in the same form as ``state``. Checked before torch sees it."""
        if not isinstance(inputs, torch.Tensor):
            raise TypeError(f"inputs must be a torch tensor of token ids (N, T) or vectors (N, T, M), "
                            f"got {type(inputs).__name__}")
        if inputs.dtype == torch.long and inputs.ndim == 2:
            if inputs.numel() and (int(inputs.min()) < 0 or int(inputs.max()) >= self.n_inputs):
                bad = int(inputs.min()) if int(inputs.min()) < 0 else int(inputs.max())
                raise ValueError(f"inputs must hold values in [0, {self.n_inputs}), found {bad}")
            x = nn.functional.one_hot(inputs, self.n_inputs).to(self.out.weight.dtype)
        elif inputs.is_floating_point() and inputs.ndim == 3 and inputs.shape[2] == self.n_inputs:
            x = inputs.to(self.out.weight.dtype)
        else:
            raise TypeError(f"inputs must be token ids (N, T) of dtype torch.long or vectors (N, T, "
                            f"{self.n_inputs}), got dtype {inputs.dtype} and shape {tuple(inputs.shape)}")
        hidden, last = self.rnn(x, self._check_state(state, inputs.shape[0]))
        last = tuple(p[0] for p in last) if self.kind == "lstm" else last[0]
        return self.out(hidden), hidden, last


def _loss_and_gradients(kind: str, params, inputs, targets, state, truncate):
    """Torch autograd's ``(J, grads, probs)`` for the numpy network ``kind``: the summed
    cross-entropy, numpy gradients for every parameter and initial state, and the output
    distributions ``(N, T, K)``. ``truncate=k`` detaches the state every ``k`` steps."""
    module = NUMPY_NETS[kind]
    m, h, k = module.check_params(params)
    model = TorchRecurrentNet.from_numpy(kind, params)
    dtype = model.out.weight.dtype
    inputs = recurrent.check_inputs(inputs, m)
    n, t_len = inputs.shape[:2]
    inputs = torch.from_numpy(inputs)
    targets = recurrent.check_targets(targets, np.empty((n, t_len, k)))
    truncate = recurrent.check_truncate(truncate)
    names = ("h0", "c0") if kind == "lstm" else ("h0",)
    if kind == "lstm":
        state = (None, None) if state is None else state
        if not isinstance(state, tuple) or len(state) != 2:
            raise TypeError(f"state must be a pair (h0, c0) or None, got {type(state).__name__}")
    else:
        state = (state,)
    initial = [torch.zeros(n, h, dtype=dtype) if s is None else
               torch.tensor(as_float_array(s, name, (n, h)), dtype=dtype)
               for name, s in zip(names, state, strict=True)]
    for tensor in initial:
        tensor.requires_grad_(True)
    carried = tuple(initial) if kind == "lstm" else initial[0]
    step = truncate or t_len
    parts = []
    for start in range(0, t_len, step):
        logits, _, carried = model(inputs[:, start:start + step], carried)
        parts.append(logits)
        if truncate:
            carried = tuple(c.detach() for c in carried) if kind == "lstm" else carried.detach()
    logits = torch.cat(parts, dim=1)
    loss = nn.functional.cross_entropy(logits.reshape(-1, k), torch.from_numpy(targets).reshape(-1),
                                       reduction="sum", ignore_index=recurrent.IGNORE)
    loss.backward()
    grads = {"U": model.rnn.weight_ih_l0.grad, "W": model.rnn.weight_hh_l0.grad,
             "V": model.out.weight.grad, "c": model.out.bias.grad}
    bias_ih, bias_hh = model.rnn.bias_ih_l0.grad, model.rnn.bias_hh_l0.grad
    if kind == "gru":   # b holds b_ih (+ b_hh for r, z); b_hn is b_hh's candidate part
        grads["b"] = bias_ih.clone()
        grads["b_hn"] = bias_hh[2 * h:]
    else:
        grads["b"] = bias_ih
    for name, tensor in zip(names, initial, strict=True):
        grads[name] = tensor.grad
    order = (*module.PARAM_NAMES, *names)
    grads = {name: grads[name].numpy() for name in order}
    probs = torch.softmax(logits, dim=-1).detach().numpy()
    return float(loss.detach()), grads, probs


def srn_loss_and_gradients(params, inputs, targets, h0=None, truncate: int | None = None):
    """Torch autograd's view of ``helpers.numpy_nets.srn.loss_and_gradients``: ``(J, grads, probs)``
    with numpy ``grads`` for ``U, W, b, V, c, h0`` and the outputs ``probs (N, T, K)``."""
    return _loss_and_gradients("srn", params, inputs, targets, h0, truncate)


def lstm_loss_and_gradients(params, inputs, targets, state=None, truncate: int | None = None):
    """Torch autograd's view of ``helpers.numpy_nets.lstm.loss_and_gradients``: ``(J, grads, probs)``
    with numpy ``grads`` for ``U, W, b, V, c, h0, c0``; ``state = (h0, c0)`` or ``None``."""
    return _loss_and_gradients("lstm", params, inputs, targets, state, truncate)


def gru_loss_and_gradients(params, inputs, targets, h0=None, truncate: int | None = None):
    """Torch autograd's view of ``helpers.numpy_nets.gru.loss_and_gradients``: ``(J, grads, probs)``
    with numpy ``grads`` for ``U, W, b, b_hn, V, c, h0``."""
    return _loss_and_gradients("gru", params, inputs, targets, h0, truncate)


# ---- the multilayer network (notebooks 01-02) ----

def _torch_activation(name: str, v):
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
    F = nn.functional
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
