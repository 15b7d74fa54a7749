"""Torch twins of the course's numpy networks, used to check them number for number
and as a speed yardstick. ``TorchSRN`` is ``torch.nn.RNN`` (tanh) followed by
``torch.nn.Linear``: the same Elman network as ``helpers.srn``."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from helpers.srn import PARAM_NAMES, check_params
from helpers.validation import as_float_array, as_index_array, require_positive_int


class TorchSRN(nn.Module):
    """Embedding-free Elman network on token ids: one-hot input, tanh recurrence,
    linear output (logits). Sizes: ``n_inputs`` M, ``n_hidden`` U, ``n_outputs`` K."""

    def __init__(self, n_inputs: int, n_hidden: int, n_outputs: int, dtype=torch.float32):
        super().__init__()
        n_inputs = require_positive_int(n_inputs, "n_inputs")
        n_hidden = require_positive_int(n_hidden, "n_hidden")
        n_outputs = require_positive_int(n_outputs, "n_outputs")
        if dtype not in (torch.float32, torch.float64):
            raise TypeError(f"dtype must be torch.float32 or torch.float64, got {dtype!r}")
        self.n_inputs, self.n_hidden = n_inputs, n_hidden
        self.rnn = nn.RNN(n_inputs, n_hidden, nonlinearity="tanh", batch_first=True, dtype=dtype)
        self.out = nn.Linear(n_hidden, n_outputs, dtype=dtype)

    @classmethod
    def from_numpy(cls, params: dict[str, np.ndarray]) -> TorchSRN:
        """A model whose weights are copies of the numpy SRN ``params`` (same dtype);
        ``b`` goes to ``bias_ih_l0`` and ``bias_hh_l0`` is zero."""
        m, u, k = check_params(params)
        dtype = torch.float64 if params["W"].dtype == np.float64 else torch.float32
        model = cls(m, u, k, dtype)
        with torch.no_grad():
            model.rnn.weight_ih_l0.copy_(torch.from_numpy(np.asarray(params["U"])))
            model.rnn.weight_hh_l0.copy_(torch.from_numpy(np.asarray(params["W"])))
            model.rnn.bias_ih_l0.copy_(torch.from_numpy(np.asarray(params["b"])))
            model.rnn.bias_hh_l0.zero_()
            model.out.weight.copy_(torch.from_numpy(np.asarray(params["V"])))
            model.out.bias.copy_(torch.from_numpy(np.asarray(params["c"])))
        return model

    def forward(self, inputs: torch.Tensor, h0: torch.Tensor | None = None):
        """``inputs`` ``(N, T)`` long ids -> ``(logits (N, T, K), hidden (N, T, U))``;
        ``h0`` ``(N, U)`` (default zeros). Both are checked before torch sees them."""
        if not isinstance(inputs, torch.Tensor) or inputs.dtype != torch.long or inputs.ndim != 2:
            raise TypeError(f"inputs must be a (N, T) torch.long tensor of token ids, got "
                            f"{type(inputs).__name__}"
                            + (f" of dtype {inputs.dtype} and shape {tuple(inputs.shape)}"
                               if isinstance(inputs, torch.Tensor) else ""))
        if inputs.numel() and (int(inputs.min()) < 0 or int(inputs.max()) >= self.n_inputs):
            bad = int(inputs.min()) if int(inputs.min()) < 0 else int(inputs.max())
            raise ValueError(f"inputs must hold values in [0, {self.n_inputs}), found {bad}")
        if h0 is not None:
            expected = (inputs.shape[0], self.n_hidden)
            if not isinstance(h0, torch.Tensor) or tuple(h0.shape) != expected:
                got = tuple(h0.shape) if isinstance(h0, torch.Tensor) else type(h0).__name__
                raise ValueError(f"h0 must be a tensor of shape {expected} (batch, hidden), got {got}")
        x = nn.functional.one_hot(inputs, self.n_inputs).to(self.out.weight.dtype)
        hidden, _ = self.rnn(x, None if h0 is None else h0[None])
        return self.out(hidden), hidden


def srn_loss_and_gradients(params, inputs, targets, h0=None, truncate: int | None = None):
    """Torch autograd's view of ``helpers.srn.loss_and_gradients``: returns
    ``(J, grads, probs)`` with numpy ``grads`` for ``U, W, b, V, c, h0`` and the
    output distributions ``probs (N, T, K)``. ``truncate=k`` detaches the state
    every ``k`` steps."""
    m, u, k = check_params(params)
    model = TorchSRN.from_numpy(params)
    dtype = model.out.weight.dtype
    inputs = torch.from_numpy(as_index_array(inputs, "inputs", m, (None, None)))
    n, t_len = inputs.shape
    targets = torch.from_numpy(as_index_array(targets, "targets", k, (n, t_len)))
    if truncate is not None:
        truncate = require_positive_int(truncate, "truncate")
    h0 = torch.zeros(n, u, dtype=dtype) if h0 is None else \
        torch.tensor(as_float_array(h0, "h0", (n, u)), dtype=dtype)
    h0.requires_grad_(True)
    step = truncate or t_len
    h, parts = h0, []
    for start in range(0, t_len, step):
        logits, hidden = model(inputs[:, start:start + step], h)
        parts.append(logits)
        h = hidden[:, -1].detach() if truncate else hidden[:, -1]
    logits = torch.cat(parts, dim=1)
    loss = nn.functional.cross_entropy(logits.reshape(-1, k), targets.reshape(-1), reduction="sum")
    loss.backward()
    grads = {
        "U": model.rnn.weight_ih_l0.grad, "W": model.rnn.weight_hh_l0.grad,
        "b": model.rnn.bias_ih_l0.grad, "V": model.out.weight.grad, "c": model.out.bias.grad,
        "h0": h0.grad,
    }
    grads = {name: grads[name].numpy() for name in (*PARAM_NAMES, "h0")}
    probs = torch.softmax(logits, dim=-1).detach().numpy()
    return float(loss.detach()), grads, probs
