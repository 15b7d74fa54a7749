"""The simple recurrent network (Elman network) in numpy, as plain functions on
explicit arrays, with backpropagation through time (full and truncated). Optimisers,
clipping and the training loop are in ``helpers.numpy_nets.optim``.

Notation (the lecture's): ``M`` inputs, ``U`` hidden units, ``K`` outputs, and

    a<t> = b + W h<t-1> + U x<t>,   h<t> = tanh(a<t>),
    o<t> = c + V h<t>,              y<t> = softmax(o<t>),

with the summed cross-entropy ``J = -sum_t log y<t>[target<t>]``.

Conventions used by every function here:

* The weights keep the lecture's column-vector orientation: ``U`` is ``(U, M)``,
  ``W`` is ``(U, U)``, ``V`` is ``(K, U)``; biases ``b`` ``(U,)`` and ``c`` ``(K,)``
  are **added** (not subtracted as in notebook 01's MLP). ``params`` is a dict
  with exactly the keys ``"U", "W", "b", "V", "c"``. These are the shapes of
  ``torch.nn.RNN``'s ``weight_ih_l0``, ``weight_hh_l0`` and ``torch.nn.Linear``'s
  ``weight``, so weights copy across without transposing
  (``b = bias_ih_l0 + bias_hh_l0``).
* Activity arrays are **rows**: a batch of ``N`` sequences of ``T`` steps has
  hidden states ``(N, T, U)``, so one step computes ``A = b + H W^T + X U^T``.
* Inputs are token ids ``(N, T)`` in ``[0, M)`` (multiplying ``U`` by a one-hot ``x``
  is the same as reading column ``U[:, id]``, which is what the code does) or real
  input vectors ``(N, T, M)``.
* The dtype of the weights (float64 or float32) is the dtype of the computation.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from helpers.numpy_nets import recurrent
from helpers.numpy_nets.activations import get_activation, softmax
from helpers.validation import as_float_array, as_index_array

PARAM_NAMES = ("U", "W", "b", "V", "c")
RECURRENT_INITS = ("uniform", "orthogonal", "identity")


class SRNCache(NamedTuple):
    """What ``forward`` keeps for ``backward``.

    ``inputs`` ``(N, T)`` token ids; ``h0`` ``(N, U)`` initial state; ``hidden``
    ``(N, T, U)`` states ``h<1..T>``; ``probs`` ``(N, T, K)`` the outputs ``y<t>``
    (each row sums to 1).
    """

    inputs: np.ndarray
    h0: np.ndarray
    hidden: np.ndarray
    probs: np.ndarray

    h_last = property(recurrent.last_state, doc="The state after the last step, ``(N, U)``: carry it on.")


def init_params(n_inputs: int, n_hidden: int, n_outputs: int, rng: np.random.Generator,
                dtype=np.float64, recurrent_init: str = "uniform") -> dict[str, np.ndarray]:
    """Random SRN weights: ``U (n_hidden, n_inputs)``, ``W (n_hidden, n_hidden)``,
    ``V (n_outputs, n_hidden)`` uniform in ``+-1/sqrt(fan_in)`` (fan-in of ``U`` is 1
    for one-hot input, so ``U`` uses ``+-1/sqrt(n_hidden)`` like ``torch.nn.RNN``);
    biases ``b``, ``c`` zero. ``dtype``: float64 (default) or float32.

    ``recurrent_init`` chooses ``W``: ``'uniform'`` as above, ``'orthogonal'`` a random
    orthogonal matrix (every singular value 1; Saxe, McClelland and Ganguli 2014) or
    ``'identity'`` (Le, Jaitly and Hinton 2015), the two starts that keep the blame's norm
    through ``W`` from shrinking or growing at first."""
    m, u, k, dtype = recurrent.check_sizes(n_inputs, n_hidden, n_outputs, rng, dtype)
    if recurrent_init not in RECURRENT_INITS:
        raise ValueError(f"recurrent_init must be one of {RECURRENT_INITS}, got {recurrent_init!r}")
    s = 1.0 / np.sqrt(u)
    params = {
        "U": rng.uniform(-s, s, (u, m)).astype(dtype),
        "W": rng.uniform(-s, s, (u, u)).astype(dtype),
        "b": np.zeros(u, dtype=dtype),
        "V": rng.uniform(-s, s, (k, u)).astype(dtype),
        "c": np.zeros(k, dtype=dtype),
    }
    if recurrent_init == "orthogonal":
        q, r = np.linalg.qr(rng.normal(size=(u, u)))
        params["W"] = (q * np.sign(np.diag(r))).astype(dtype)
    elif recurrent_init == "identity":
        params["W"] = np.eye(u, dtype=dtype)
    return params


def check_params(params) -> tuple[int, int, int]:
    """Validate an SRN parameter dict: exactly the keys ``U, W, b, V, c``, each a finite
    float32 or float64 numpy array of the shapes in the module docstring, all of one dtype;
    returns ``(M, U, K)``. ``ValueError`` names a missing key or the expected and actual
    shape (or NaN/inf entries); ``TypeError`` a non-dict, a non-array, an integer or
    float16 array, or mixed dtypes."""
    return recurrent.check_params(params, PARAM_NAMES)


def srn_step(x, h_prev, params, activation: str = "tanh") -> tuple[np.ndarray, np.ndarray]:
    """One time step for a batch: returns ``(h, y)``.

    ``x`` ``(N, M)`` input vectors (one-hot or any reals), ``h_prev`` ``(N, U)``;
    ``h = f(b + h_prev W^T + x U^T)`` with ``f`` = ``activation`` (``'tanh'``, or
    ``'sigmoid'`` as in the lecture's "hello" example), ``y = softmax(c + h V^T)``.
    ``h`` is ``(N, U)`` and ``y`` is ``(N, K)``. Single vectors ``(M,)`` and ``(U,)``
    are accepted and give ``(U,)`` and ``(K,)``.
    """
    n_inputs, n_hidden, _ = check_params(params)
    x = as_float_array(x, "x")
    single = x.ndim == 1
    x = as_float_array(x, "x", (n_inputs,) if single else (None, n_inputs))
    h_prev = as_float_array(h_prev, "h_prev", (n_hidden,) if single else (x.shape[0], n_hidden))
    f, _ = get_activation(activation)
    h = f(params["b"] + h_prev @ params["W"].T + x @ params["U"].T)
    y = softmax(params["c"] + h @ params["V"].T)
    return h, y


def forward(params, inputs, h0=None) -> SRNCache:
    """Run the SRN over a batch of sequences.

    ``inputs``: token ids ``(N, T)`` in ``[0, M)``, or real input vectors ``(N, T, M)``;
    ``h0`` ``(N, U)`` or ``(U,)`` carried state (default zeros). Returns an ``SRNCache``
    with ``hidden (N, T, U)`` and ``probs (N, T, K)``. The output layer runs as one
    matrix product over all ``N T`` steps; only the recurrence ``h<t> = tanh(a<t>)``
    loops over ``t``.
    """
    inputs, h0 = recurrent.forward_start(params, inputs, h0, check_params(params))
    (n, t_len), n_hidden, dtype = inputs.shape[:2], h0.shape[1], h0.dtype
    # a<t> without the recurrent term, for every step at once: b + U x<t>
    hidden = recurrent.input_projection(params["U"], params["b"], inputs)
    w_t = params["W"].T
    h = h0
    tmp = np.empty((n, n_hidden), dtype=dtype)
    for t in range(t_len):
        np.matmul(h, w_t, out=tmp)
        h = hidden[:, t]
        h += tmp
        np.tanh(h, out=h)
    probs = recurrent.output_layer(params["V"], params["c"], hidden)
    return SRNCache(inputs, h0, hidden, probs)


def cross_entropy(cache: SRNCache, targets) -> float:
    """Summed cross-entropy ``J = -sum_{n,t} log y<t>[targets[n, t]]``; ``targets`` ``(N, T)``.

    A probability that underflowed to 0 counts as the dtype's smallest normal number
    (about 1e-38 in float32), so ``J`` stays finite."""
    if not isinstance(cache, SRNCache):
        raise TypeError(f"cache must be the SRNCache that forward returned, got {type(cache).__name__}")
    return recurrent.cross_entropy(cache.probs, recurrent.check_targets(targets, cache.probs))


def backward(params, cache: SRNCache, targets, truncate: int | None = None) -> dict[str, np.ndarray]:
    """Gradients of ``J`` (summed cross-entropy) for every parameter and for ``h0``.

    ``targets`` ``(N, T)`` ids in ``[0, K)``. Returns a dict with ``"U", "W", "b",
    "V", "c"`` (the shapes of ``params``) and ``"h0"`` ``(N, U)``.

    Full BPTT (``truncate=None``) sums every path back to ``t = 1`` and into ``h0``.
    ``truncate=k`` cuts the sequence into blocks of ``k`` steps (counted from the
    start) and stops the blame at each block boundary, exactly as running
    ``forward`` block by block and carrying the state without its gradient would;
    ``h0`` then only receives blame from the first block.

    The blame equations, in row form for each step (``d`` = dJ/d):
    ``do<t> = y<t> - onehot(target<t>)``, ``dh<t> = do<t> V + da<t+1> W``,
    ``da<t> = dh<t> (1 - h<t>^2)``; then ``dV = sum_t do<t>^T h<t>``,
    ``dc = sum_t do<t>``, ``dW = sum_t da<t>^T h<t-1>``, ``dU = sum_t da<t>^T x<t>``,
    ``db = sum_t da<t>``, ``dh0 = da<1> W``.
    """
    n_inputs, n_hidden, _ = check_params(params)
    # blame on h<t> from the output, for all steps at once; turned into da<t> in place
    targets, truncate, grads, d_a = recurrent.backward_start(params, cache, SRNCache, targets, truncate)
    n, t_len, _ = cache.hidden.shape
    hidden = cache.hidden
    w = params["W"]
    carry = np.zeros((n, n_hidden), dtype=w.dtype)
    tanh_slope = hidden * hidden  # 1 - h<t>^2 for all steps at once, formed in place
    np.subtract(1.0, tanh_slope, out=tanh_slope)
    for t in range(t_len - 1, -1, -1):
        da_t = d_a[:, t]
        if recurrent.blame_crosses(t, truncate):
            da_t += carry
        da_t *= tanh_slope[:, t]
        np.matmul(da_t, w, out=carry)
    grads["h0"] = carry  # da<1> W: under truncation the first block always reaches h0
    h_prev = np.concatenate([cache.h0[:, None, :], hidden[:, :-1]], axis=1)
    flat_da = d_a.reshape(n * t_len, n_hidden)
    grads["W"] = flat_da.T @ h_prev.reshape(n * t_len, n_hidden)
    grads["b"] = flat_da.sum(axis=0)
    grads["U"] = recurrent.input_weight_gradient(d_a, cache.inputs, n_inputs)
    return {k: grads[k] for k in (*PARAM_NAMES, "h0")}


def loss_and_gradients(params, inputs, targets, h0=None, truncate: int | None = None):
    """``forward`` + ``cross_entropy`` + ``backward`` in one call.

    Returns ``(J, grads, h_last)``: the summed cross-entropy, the gradient dict of
    ``backward`` and the final state ``(N, U)`` to carry into the next batch.
    """
    cache = forward(params, inputs, h0)
    loss = cross_entropy(cache, targets)
    return loss, backward(params, cache, targets, truncate), cache.h_last.copy()


def predict_step(params, token_id: int, h=None) -> tuple[np.ndarray, np.ndarray]:
    """Feed one token: returns ``(y, h)``, the next-token distribution ``(K,)`` and the
    new state ``(U,)``. ``h=None`` is the zero state. Matches the signature that
    ``helpers.numpy_nets.generation.generate`` expects of ``step``."""
    n_inputs, n_hidden, _ = check_params(params)
    token_id = int(as_index_array(token_id, "token_id", n_inputs, ()))
    dtype = params["W"].dtype
    h = np.zeros(n_hidden, dtype=dtype) if h is None else as_float_array(h, "h", (n_hidden,))
    h = np.tanh(params["b"] + params["W"] @ h + params["U"][:, token_id])
    return softmax(params["c"] + params["V"] @ h), h
