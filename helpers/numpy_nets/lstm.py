"""The LSTM in numpy, as plain functions on explicit arrays (the shape of ``helpers.numpy_nets.srn``),
with backpropagation through time (full and truncated) and a softmax output layer.

Deck 001's notation, with the output gate of Hochreiter and Schmidhuber (1997) and the
forget gate of Gers, Schmidhuber and Cummins (2000), which the deck leaves out of its
equations:

    i<t> = sigma(W_i [h<t-1>, x<t>] + b_i)        input gate
    f<t> = sigma(W_f [h<t-1>, x<t>] + b_f)        forget gate
    C~<t> = tanh(W_C [h<t-1>, x<t>] + b_C)        candidate
    o<t> = sigma(W_o [h<t-1>, x<t>] + b_o)        output gate
    C<t> = f<t> * C<t-1> + i<t> * C~<t>           cell state
    h<t> = o<t> * tanh(C<t>)                      hidden state
    y<t> = softmax(c + V h<t>)                    output

Parameters (``params``, exactly these keys; ``H`` hidden units, ``M`` inputs, ``K``
outputs), laid out as ``torch.nn.LSTM`` lays them out, so weights copy across unchanged:

* ``U`` ``(4H, M)``: input weights, the four gates stacked in torch's order
  ``[i, f, C~, o]`` (torch ``weight_ih_l0``); deck 001's ``W_f`` is
  ``[W[f rows], U[f rows]]`` side by side;
* ``W`` ``(4H, H)``: recurrent weights, same order (torch ``weight_hh_l0``);
* ``b`` ``(4H,)``: gate biases, **added** (torch ``bias_ih_l0 + bias_hh_l0``);
* ``V`` ``(K, H)``, ``c`` ``(K,)``: output layer (torch ``nn.Linear`` ``weight``, ``bias``).

The state is the pair ``(h, C)``, each ``(N, H)``. Inputs are token ids ``(N, T)`` or
real vectors ``(N, T, M)``; the cost is the summed cross-entropy over targets ``(N, T)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from helpers.numpy_nets import recurrent
from helpers.validation import as_float_array, as_index_array

PARAM_NAMES = ("U", "W", "b", "V", "c")
GATES = ("i", "f", "g", "o")  # torch's order; g is the candidate C~


class LSTMCache(NamedTuple):
    """What ``forward`` keeps for ``backward``.

    ``inputs`` ids ``(N, T)`` or vectors ``(N, T, M)``; ``h0``, ``c0`` ``(N, H)``;
    ``gates`` ``(N, T, 4H)`` the activations ``[i, f, C~, o]``; ``cells`` ``(N, T, H)``
    the cell states ``C<1..T>``; ``hidden`` ``(N, T, H)`` the states ``h<1..T>``;
    ``probs`` ``(N, T, K)`` the outputs.
    """

    inputs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    gates: np.ndarray
    cells: np.ndarray
    hidden: np.ndarray
    probs: np.ndarray

    @property
    def state(self) -> tuple[np.ndarray, np.ndarray]:
        """``(h, C)`` after the last step, each ``(N, H)``: carry it into the next batch."""
        return self.hidden[:, -1], self.cells[:, -1]


def init_params(n_inputs: int, n_hidden: int, n_outputs: int, rng: np.random.Generator,
                dtype=np.float64, forget_bias: float = 1.0, input_bias: float = 0.0) -> dict[str, np.ndarray]:
    """Random LSTM weights, uniform in ``+-1/sqrt(n_hidden)`` as ``torch.nn.LSTM`` draws them;
    gate biases zero except the forget gate's, ``forget_bias`` (1 by default, so that the
    cell keeps its content at the start of training), and the input gate's,
    ``input_bias`` (0 by default); output bias zero. Tallec and Ollivier's (2018) chrono
    initialisation for lags up to ``L`` is ``forget_bias = ln L``, ``input_bias = -ln L``."""
    m, h, k, dtype = recurrent.check_sizes(n_inputs, n_hidden, n_outputs, rng, dtype)
    s = 1.0 / np.sqrt(h)
    b = np.zeros(4 * h, dtype=dtype)
    b[:h] = float(as_float_array(input_bias, "input_bias", ()))
    b[h:2 * h] = float(as_float_array(forget_bias, "forget_bias", ()))
    return {
        "U": rng.uniform(-s, s, (4 * h, m)).astype(dtype),
        "W": rng.uniform(-s, s, (4 * h, h)).astype(dtype),
        "b": b,
        "V": rng.uniform(-s, s, (k, h)).astype(dtype),
        "c": np.zeros(k, dtype=dtype),
    }


def check_params(params) -> tuple[int, int, int]:
    """Validate an LSTM parameter dict (keys, shapes, finite float32/float64 arrays of one
    dtype); returns ``(M, H, K)``. Errors name the key, the expected and the actual shape."""
    return recurrent.check_params(params, PARAM_NAMES, blocks=4)


def _split_state(state, n: int, h: int, dtype) -> tuple[np.ndarray, np.ndarray]:
    if state is None:
        state = (None, None)
    if not isinstance(state, tuple) or len(state) != 2:
        raise TypeError(f"state must be a pair (h0, c0) of (N, H) arrays or None, got {type(state).__name__}")
    return (recurrent.initial_state(state[0], n, h, dtype, "h0"),
            recurrent.initial_state(state[1], n, h, dtype, "c0"))


def lstm_step(x, state, params) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray, np.ndarray]:
    """One time step for a batch: ``x`` ``(N, M)`` real input vectors (one-hot or any),
    ``state = (h_prev, c_prev)`` each ``(N, H)``. Returns ``((h, c), y, gates)``: the new
    state, the output distribution ``y`` ``(N, K)`` and the gate activations ``(N, 4H)``
    ``[i, f, C~, o]``."""
    m, h, _ = check_params(params)
    x = as_float_array(x, "x", (None, m))
    h_prev, c_prev = _split_state(state, x.shape[0], h, params["W"].dtype)
    a = x @ params["U"].T + h_prev @ params["W"].T + params["b"]
    gates = _activate(a, h)
    i, f, g, o = (gates[:, k * h:(k + 1) * h] for k in range(4))
    c = f * c_prev + i * g
    h_new = o * np.tanh(c)
    y = recurrent.output_layer(params["V"], params["c"], h_new[:, None, :])[:, 0]
    return (h_new, c), y, gates


def _gate_constants(h: int, dtype) -> tuple[np.ndarray, np.ndarray]:
    """``(scale, offset)``, each ``(4H,)``, that make one ``tanh`` give all four gates:
    ``sigma(a) = tanh(a / 2) / 2 + 1 / 2`` for ``i, f, o``, ``tanh(a)`` for ``C~``. The
    activities are halved before the ``tanh`` (``scale``), then ``act = scale * tanh + offset``."""
    scale = np.full(4 * h, 0.5, dtype=dtype)
    scale[2 * h:3 * h] = 1.0
    offset = np.where(scale == 0.5, 0.5, 0.0).astype(dtype)
    return scale, offset


def _activate(a: np.ndarray, h: int) -> np.ndarray:
    """Gate activations from activities ``(N, 4H)``, in place: sigmoid for ``i, f, o``,
    tanh for the candidate."""
    scale, offset = _gate_constants(h, a.dtype)
    a *= scale
    np.tanh(a, out=a)
    a *= scale
    a += offset
    return a


def forward(params, inputs, state=None) -> LSTMCache:
    """Run the LSTM over a batch: ``inputs`` ids ``(N, T)`` or vectors ``(N, T, M)``;
    ``state`` ``(h0, c0)`` (each ``(N, H)`` or ``(H,)``; default zeros). The input and
    output layers run as one matrix product over all steps; only the recurrence loops
    over ``t``, with a fixed set of in-place operations per step and no allocation.

    The arrays are laid out time-major in memory, ``(T, N, ...)``, so that each step
    reads and writes a contiguous block; the cache holds them as ``(N, T, ...)`` views
    (``swapaxes``), the shapes the rest of the course uses."""
    m, h, _ = check_params(params)
    inputs = recurrent.check_inputs(inputs, m)
    n, t_len = inputs.shape[:2]
    dtype = params["W"].dtype
    h0, c0 = _split_state(state, n, h, dtype)
    scale, offset = _gate_constants(h, dtype)
    # every step's input part at once, (T, N, 4H), halved for the gates' tanh (U, b and W
    # scaled, not the activities: fewer numbers to multiply)
    gates = recurrent.input_projection(params["U"] * scale[:, None], params["b"] * scale,
                                       inputs.swapaxes(0, 1))
    w_scaled = params["W"].T * scale     # (H, 4H)
    cells = np.empty((t_len, n, h), dtype=dtype)
    hidden = np.empty((t_len, n, h), dtype=dtype)
    recurrent_part, kept = np.empty((n, 4 * h), dtype=dtype), np.empty((n, h), dtype=dtype)
    h_t, c_t = h0, c0
    for t in range(t_len):
        a = gates[t]
        np.matmul(h_t, w_scaled, out=recurrent_part)
        a += recurrent_part
        np.tanh(a, out=a)
        a *= scale
        a += offset                      # a = [i, f, C~, o]
        np.multiply(a[:, h:2 * h], c_t, out=kept)
        c_t = cells[t]
        np.multiply(a[:, :h], a[:, 2 * h:3 * h], out=c_t)
        c_t += kept                      # C<t> = f C<t-1> + i C~
        h_t = hidden[t]
        np.tanh(c_t, out=h_t)
        h_t *= a[:, 3 * h:]              # h<t> = o tanh(C<t>)
    probs = recurrent.output_layer(params["V"], params["c"], hidden)
    return LSTMCache(inputs, h0, c0, *(array.swapaxes(0, 1) for array in (gates, cells, hidden, probs)))


def cross_entropy(cache: LSTMCache, targets) -> float:
    """Summed cross-entropy ``J = -sum_{n,t} ln y<t>[targets[n, t]]``; ``targets`` ``(N, T)``."""
    if not isinstance(cache, LSTMCache):
        raise TypeError(f"cache must be the LSTMCache that forward returned, got {type(cache).__name__}")
    return recurrent.cross_entropy(cache.probs, recurrent.check_targets(targets, cache.probs))


def _local_slopes(gates, cells, c0) -> tuple[np.ndarray, np.ndarray]:
    """Every step's local slopes at once, from time-major ``gates`` ``(T, N, 4H)``, ``cells``
    ``(T, N, H)`` and ``c0`` ``(N, H)``: ``(slope (T, N, 4H), cell_slope (T, N, H))`` with
    ``da<t> = [dC, dC, dC, dh] * slope<t>`` and ``dC<t> += dh<t> * cell_slope<t>``. ``backward``
    turns ``slope`` into ``da`` in place, a few products per step."""
    h = cells.shape[-1]
    i, f, g, o = (gates[..., k * h:(k + 1) * h] for k in range(4))
    slope = np.empty(gates.shape, dtype=gates.dtype)
    s_i, s_f, s_g, s_o = (slope[..., k * h:(k + 1) * h] for k in range(4))
    tanh_c = np.tanh(cells)
    np.subtract(1.0, i, out=s_i)
    s_i *= i
    s_i *= g                                          # C~ i (1 - i)
    np.subtract(1.0, f, out=s_f)
    s_f *= f
    s_f[0] *= c0
    s_f[1:] *= cells[:-1]                             # C<t-1> f (1 - f)
    np.multiply(g, g, out=s_g)
    np.subtract(1.0, s_g, out=s_g)
    s_g *= i                                          # i (1 - C~^2)
    np.subtract(1.0, o, out=s_o)
    s_o *= o
    s_o *= tanh_c                                     # tanh(C) o (1 - o)
    cell_slope = np.multiply(tanh_c, tanh_c, out=tanh_c)
    np.subtract(1.0, cell_slope, out=cell_slope)
    cell_slope *= o                                   # dh<t>/dC<t> = o (1 - tanh^2 C<t>)
    return slope, cell_slope


def backward(params, cache: LSTMCache, targets, truncate: int | None = None) -> dict[str, np.ndarray]:
    """Gradients of ``J`` for ``U, W, b, V, c`` and the initial state ``h0``, ``c0``.

    Full BPTT (``truncate=None``) or truncated to blocks of ``truncate`` steps counted from
    the start: blame crosses a block boundary neither through ``h`` nor through ``C``,
    as running ``forward`` block by block and carrying the state without its gradient
    would. Per step, with ``dC`` the blame on the cell state:

        dh<t> = do<t> V + da<t+1> W            dC<t> = dC<t+1> f<t+1> + dh<t> o<t> (1 - tanh^2 C<t>)
        di = dC C~ i (1 - i)     df = dC C<t-1> f (1 - f)     dC~ = dC i (1 - C~^2)
        do = dh tanh(C<t>) o (1 - o)

    The term ``dC<t+1> f<t+1>`` is the "constant error carousel": when the forget gate is
    near 1 the cell's blame passes back unchanged.
    """
    m, h, _ = check_params(params)
    targets, truncate, grads, d_h_out = recurrent.backward_start(params, cache, LSTMCache, targets, truncate)
    n, t_len, _ = cache.hidden.shape
    # time-major, (T, N, ...): views of forward's arrays, contiguous blocks per step
    gates, cells, hidden = (array.swapaxes(0, 1) for array in (cache.gates, cache.cells, cache.hidden))
    d_h_out = np.ascontiguousarray(d_h_out.swapaxes(0, 1))
    d_a, cell_slope = _local_slopes(gates, cells, cache.c0)
    f = gates[..., h:2 * h]
    blocks = d_a.reshape(t_len, n, 4, h)              # a view: [i, f, C~, o] blocks
    w = params["W"]
    dh_carry, dc_carry = np.zeros((n, h), dtype=w.dtype), np.zeros((n, h), dtype=w.dtype)
    dh, dc = np.empty((n, h), dtype=w.dtype), np.empty((n, h), dtype=w.dtype)
    for t in range(t_len - 1, -1, -1):
        crosses = recurrent.blame_crosses(t, truncate)
        if crosses:
            np.add(d_h_out[t], dh_carry, out=dh)
        else:
            dh[...] = d_h_out[t]
        np.multiply(dh, cell_slope[t], out=dc)
        if crosses:
            dc += dc_carry
        blocks[t, :, :3] *= dc[:, None, :]            # da for i, f, C~
        blocks[t, :, 3] *= dh                         # da for o
        np.matmul(d_a[t], w, out=dh_carry)
        np.multiply(dc, f[t], out=dc_carry)
    grads["h0"], grads["c0"] = dh_carry, dc_carry  # the first block always reaches the start
    flat_da = d_a.reshape(t_len * n, 4 * h)
    grads["W"] = flat_da[n:].T @ hidden[:-1].reshape((t_len - 1) * n, h) + flat_da[:n].T @ cache.h0
    grads["b"] = flat_da.sum(axis=0)
    grads["U"] = recurrent.input_weight_gradient(d_a, cache.inputs.swapaxes(0, 1), m)
    return {key: grads[key] for key in (*PARAM_NAMES, "h0", "c0")}


def loss_and_gradients(params, inputs, targets, state=None, truncate: int | None = None):
    """``forward`` + ``cross_entropy`` + ``backward``: returns ``(J, grads, (h, c))``, the
    last being the state to carry into the next batch (as ``helpers.numpy_nets.optim.train_epoch``
    expects)."""
    cache = forward(params, inputs, state)
    loss = cross_entropy(cache, targets)
    h_last, c_last = cache.state
    return loss, backward(params, cache, targets, truncate), (h_last.copy(), c_last.copy())


def predict_step(params, token_id: int, state=None):
    """Feed one token: returns ``(y, (h, c))``, the next-token distribution ``(K,)`` and the
    new state, each ``(H,)``; ``state=None`` is the zero state. Matches the ``step``
    signature of ``helpers.numpy_nets.generation.generate``."""
    m, h, _ = check_params(params)
    token_id = int(as_index_array(token_id, "token_id", m, ()))
    if state is not None:
        if not isinstance(state, tuple) or len(state) != 2:
            raise TypeError(f"state must be a pair (h, c) of (H,) arrays or None, got {type(state).__name__}")
        state = (as_float_array(state[0], "h", (h,))[None], as_float_array(state[1], "c", (h,))[None])
    x = np.zeros((1, m), dtype=params["W"].dtype)
    x[0, token_id] = 1.0
    (h_new, c_new), y, _ = lstm_step(x, state, params)
    return y[0], (h_new[0], c_new[0])
