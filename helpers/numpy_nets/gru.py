"""The GRU in numpy, as plain functions on explicit arrays (the shape of ``helpers.numpy_nets.srn``),
with backpropagation through time (full and truncated) and a softmax output layer.

PyTorch's formulation of the gated recurrent unit (Cho et al. 2014), which deck 001
names without giving equations:

    r<t> = sigma(U_r x<t> + W_r h<t-1> + b_r)                  reset gate
    z<t> = sigma(U_z x<t> + W_z h<t-1> + b_z)                  update gate
    n<t> = tanh(U_n x<t> + b_n + r<t> * (W_n h<t-1> + b_hn))   candidate
    h<t> = (1 - z<t>) * n<t> + z<t> * h<t-1>
    y<t> = softmax(c + V h<t>)

The reset gate scales ``W_n h + b_hn``, *after* the matrix product; Cho et al. write
``W_n (r * h)``, resetting the state before it. The two are different functions of the
same parameter shapes (notebook 06 compares them).

Parameters (exactly these keys; ``H`` hidden units, ``M`` inputs, ``K`` outputs), in
``torch.nn.GRU``'s layout and gate order ``[r, z, n]``:

* ``U`` ``(3H, M)`` (torch ``weight_ih_l0``), ``W`` ``(3H, H)`` (``weight_hh_l0``);
* ``b`` ``(3H,)``: the biases outside the reset product, ``[b_ir + b_hr, b_iz + b_hz, b_in]``;
* ``b_hn`` ``(H,)``: the recurrent candidate bias inside it (torch ``bias_hh_l0[2H:]``);
* ``V`` ``(K, H)``, ``c`` ``(K,)``: output layer (torch ``nn.Linear``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from helpers.numpy_nets import recurrent
from helpers.validation import as_float_array, as_index_array

PARAM_NAMES = ("U", "W", "b", "b_hn", "V", "c")
GATES = ("r", "z", "n")


class GRUCache(NamedTuple):
    """What ``forward`` keeps for ``backward``: ``inputs``; ``h0`` ``(N, H)``; ``gates``
    ``(N, T, 3H)`` the activations ``[r, z, n]``; ``hn`` ``(N, T, H)`` the recurrent
    candidate term ``W_n h<t-1> + b_hn``; ``hidden`` ``(N, T, H)``; ``probs`` ``(N, T, K)``."""

    inputs: np.ndarray
    h0: np.ndarray
    gates: np.ndarray
    hn: np.ndarray
    hidden: np.ndarray
    probs: np.ndarray

    h_last = property(recurrent.last_state, doc="The state after the last step, ``(N, H)``.")


def init_params(n_inputs: int, n_hidden: int, n_outputs: int, rng: np.random.Generator,
                dtype=np.float64, update_bias: float = 0.0) -> dict[str, np.ndarray]:
    """Random GRU weights, uniform in ``+-1/sqrt(n_hidden)`` as ``torch.nn.GRU`` draws them;
    biases zero except the update gate's, ``update_bias`` (0 by default, as torch starts it;
    a positive value starts ``z`` near 1, so the state is kept rather than replaced, the
    GRU's counterpart of a large LSTM forget bias)."""
    m, h, k, dtype = recurrent.check_sizes(n_inputs, n_hidden, n_outputs, rng, dtype)
    s = 1.0 / np.sqrt(h)
    b = np.zeros(3 * h, dtype=dtype)
    b[h:2 * h] = float(as_float_array(update_bias, "update_bias", ()))
    return {
        "U": rng.uniform(-s, s, (3 * h, m)).astype(dtype),
        "W": rng.uniform(-s, s, (3 * h, h)).astype(dtype),
        "b": b,
        "b_hn": np.zeros(h, dtype=dtype),
        "V": rng.uniform(-s, s, (k, h)).astype(dtype),
        "c": np.zeros(k, dtype=dtype),
    }


def check_params(params) -> tuple[int, int, int]:
    """Validate a GRU parameter dict (keys, shapes, finite float32/float64 arrays of one
    dtype); returns ``(M, H, K)``."""
    return recurrent.check_params(params, PARAM_NAMES, blocks=3, per_unit=("b_hn",))


def _step(ax: np.ndarray, h_prev: np.ndarray, params, h: int):
    """One step from the input activities ``ax`` ``(N, 3H)`` (overwritten with the gate
    activations ``[r, z, n]``): returns ``(h_new, hn)``."""
    ah = h_prev @ params["W"][:2 * h].T
    ax[:, :2 * h] += ah
    recurrent.sigmoid_in_place(ax[:, :2 * h])
    hn = h_prev @ params["W"][2 * h:].T
    hn += params["b_hn"]
    r, z, n = ax[:, :h], ax[:, h:2 * h], ax[:, 2 * h:]
    n += r * hn
    np.tanh(n, out=n)
    return n + z * (h_prev - n), hn


def gru_step(x, h_prev, params):
    """One time step for a batch: ``x`` ``(N, M)`` real input vectors, ``h_prev`` ``(N, H)``.
    Returns ``(h, y, gates)``: the new state, the output distribution ``(N, K)`` and the
    gate activations ``(N, 3H)`` ``[r, z, n]``."""
    m, h, _ = check_params(params)
    x = as_float_array(x, "x", (None, m))
    h_prev = recurrent.initial_state(h_prev, x.shape[0], h, params["W"].dtype, "h_prev")
    gates = x @ params["U"].T + params["b"]
    h_new, _ = _step(gates, h_prev, params, h)
    y = recurrent.output_layer(params["V"], params["c"], h_new[:, None, :])[:, 0]
    return h_new, y, gates


def forward(params, inputs, h0=None) -> GRUCache:
    """Run the GRU over a batch: ``inputs`` ids ``(N, T)`` or vectors ``(N, T, M)``; ``h0``
    ``(N, H)`` or ``(H,)`` (default zeros)."""
    inputs, h0 = recurrent.forward_start(params, inputs, h0, check_params(params))
    (n, t_len), h, dtype = inputs.shape[:2], h0.shape[1], h0.dtype
    gates = recurrent.input_projection(params["U"], params["b"], inputs)
    hn = np.empty((n, t_len, h), dtype=dtype)
    hidden = np.empty((n, t_len, h), dtype=dtype)
    h_t = h0
    for t in range(t_len):
        h_t, hn[:, t] = _step(gates[:, t], h_t, params, h)
        hidden[:, t] = h_t
    probs = recurrent.output_layer(params["V"], params["c"], hidden)
    return GRUCache(inputs, h0, gates, hn, hidden, probs)


def cross_entropy(cache: GRUCache, targets) -> float:
    """Summed cross-entropy ``J = -sum_{n,t} ln y<t>[targets[n, t]]``; ``targets`` ``(N, T)``."""
    if not isinstance(cache, GRUCache):
        raise TypeError(f"cache must be the GRUCache that forward returned, got {type(cache).__name__}")
    return recurrent.cross_entropy(cache.probs, recurrent.check_targets(targets, cache.probs))


def backward(params, cache: GRUCache, targets, truncate: int | None = None) -> dict[str, np.ndarray]:
    """Gradients of ``J`` for ``U, W, b, b_hn, V, c`` and ``h0`` (full or truncated BPTT,
    as in ``helpers.numpy_nets.srn.backward``). Per step, with ``dh`` the blame on ``h<t>``:

        dn = dh (1 - z) (1 - n^2)       dz = dh (h<t-1> - n) z (1 - z)
        dr = dn hn r (1 - r)            d(hn) = dn r
        dh<t-1> = dh z + [dr, dz, d(hn)] W
    """
    m, h, _ = check_params(params)
    targets, truncate, grads, d_h_out = recurrent.backward_start(params, cache, GRUCache, targets, truncate)
    n, t_len, _ = cache.hidden.shape
    d_ax = np.empty_like(cache.gates)       # blame on the input activities [r, z, n]
    d_ah = np.empty_like(cache.gates)       # blame on the recurrent activities [r, z, hn]
    w = params["W"]
    carry = np.zeros((n, h), dtype=w.dtype)
    for t in range(t_len - 1, -1, -1):
        r, z, cand = (cache.gates[:, t, k * h:(k + 1) * h] for k in range(3))
        h_prev = cache.hidden[:, t - 1] if t else cache.h0
        dh = d_h_out[:, t] + carry if recurrent.blame_crosses(t, truncate) else d_h_out[:, t]
        dn = dh * (1.0 - z) * (1.0 - cand * cand)
        dz = dh * (h_prev - cand) * z * (1.0 - z)
        dr = dn * cache.hn[:, t] * r * (1.0 - r)
        d_ax[:, t, :h], d_ax[:, t, h:2 * h], d_ax[:, t, 2 * h:] = dr, dz, dn
        d_ah[:, t, :h], d_ah[:, t, h:2 * h], d_ah[:, t, 2 * h:] = dr, dz, dn * r
        carry = dh * z + d_ah[:, t] @ w
    grads["h0"] = carry
    h_prev_all = np.concatenate([cache.h0[:, None, :], cache.hidden[:, :-1]], axis=1)
    flat_ah = d_ah.reshape(n * t_len, 3 * h)
    grads["W"] = flat_ah.T @ h_prev_all.reshape(n * t_len, h)
    grads["b"] = d_ax.reshape(n * t_len, 3 * h).sum(axis=0)
    grads["b_hn"] = flat_ah[:, 2 * h:].sum(axis=0)
    grads["U"] = recurrent.input_weight_gradient(d_ax, cache.inputs, m)
    return {key: grads[key] for key in (*PARAM_NAMES, "h0")}


def loss_and_gradients(params, inputs, targets, h0=None, truncate: int | None = None):
    """``forward`` + ``cross_entropy`` + ``backward``: returns ``(J, grads, h_last)``."""
    cache = forward(params, inputs, h0)
    loss = cross_entropy(cache, targets)
    return loss, backward(params, cache, targets, truncate), cache.h_last.copy()


def predict_step(params, token_id: int, h=None):
    """Feed one token: returns ``(y, h)``, the next-token distribution ``(K,)`` and the new
    state ``(H,)``; ``h=None`` is the zero state (``generation.generate``'s ``step``)."""
    m, n_hidden, _ = check_params(params)
    token_id = int(as_index_array(token_id, "token_id", m, ()))
    h = None if h is None else as_float_array(h, "h", (n_hidden,))[None]
    x = np.zeros((1, m), dtype=params["W"].dtype)
    x[0, token_id] = 1.0
    h_new, y, _ = gru_step(x, h, params)
    return y[0], h_new[0]
