"""What every numpy recurrent network of the course shares (``helpers.numpy_nets.srn``,
``helpers.numpy_nets.lstm``, ``helpers.numpy_nets.gru``): inputs as token ids or as real vectors, the softmax
output layer with the summed cross-entropy, initial states, and the truncation rule.

Shapes: ``N`` sequences of ``T`` steps, ``M`` inputs, ``H`` hidden units (``U`` in the
SRN's notation), ``K`` outputs, ``G`` stacked gate activities (``4H`` for the LSTM,
``3H`` for the GRU, ``H`` for the SRN).
"""

from __future__ import annotations

import numpy as np

from helpers.validation import (
    as_float_array,
    as_index_array,
    as_param_array,
    check_keys,
    require_positive_int,
)


def check_sizes(n_inputs, n_hidden, n_outputs, rng, dtype) -> tuple[int, int, int, np.dtype]:
    """The arguments every ``init_params`` takes: three positive sizes, a numpy
    ``Generator`` and float32 or float64. Returns ``(M, H, K, dtype)``."""
    m = require_positive_int(n_inputs, "n_inputs")
    h = require_positive_int(n_hidden, "n_hidden")
    k = require_positive_int(n_outputs, "n_outputs")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator, got {type(rng).__name__}")
    try:
        dtype = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype must be np.float32 or np.float64, got {dtype!r}") from exc
    if dtype not in (np.float32, np.float64):
        raise TypeError(f"dtype must be np.float32 or np.float64, got {dtype}")
    return m, h, k, dtype


def check_params(params, names, blocks: int = 1, per_unit=()) -> tuple[int, int, int]:
    """Validate a recurrent network's parameter dict: exactly the keys ``names``; ``W``
    ``(G, H)`` and ``U`` ``(G, M)`` with ``G = blocks H``, ``b`` ``(G,)``, each key of
    ``per_unit`` ``(H,)``, ``V`` ``(K, H)``, ``c`` ``(K,)``; finite float32 or float64 arrays
    of one dtype. Returns ``(M, H, K)``; errors name the key, the expected and the actual
    shape, or the dtypes."""
    check_keys(params, "params", names)
    g, m = as_param_array(params["U"], "params['U']", (None, None)).shape
    if g % blocks:
        raise ValueError(f"params['U'] must have {blocks} blocks of H rows, got shape {(g, m)}")
    h = g // blocks
    as_param_array(params["W"], "params['W']", (g, h))
    as_param_array(params["b"], "params['b']", (g,))
    for key in per_unit:
        as_param_array(params[key], f"params[{key!r}]", (h,))
    k = as_param_array(params["V"], "params['V']", (None, h)).shape[0]
    as_param_array(params["c"], "params['c']", (k,))
    dtypes = {params[key].dtype for key in names}
    if len(dtypes) != 1:
        raise TypeError(f"all parameters must share one float dtype, got {sorted(map(str, dtypes))}")
    return m, h, k


def last_state(cache) -> np.ndarray:
    """The hidden state after the last step of a forward cache, ``(N, H)``."""
    return cache.hidden[:, -1]


def require_network(module) -> None:
    """``TypeError`` unless ``module`` is one of the numpy networks (``srn``, ``lstm``, ``gru``)."""
    if not all(callable(getattr(module, f, None)) for f in ("check_params", "forward", "loss_and_gradients")):
        raise TypeError(f"module must be helpers.numpy_nets.srn, lstm or gru, got {module!r}")


def check_inputs(inputs, n_inputs: int) -> np.ndarray:
    """Token ids ``(N, T)`` in ``[0, M)`` (integers), or input vectors ``(N, T, M)`` (real
    numbers; integer or boolean one-hot codes become floats). Returns int64 ids, or floats."""
    try:
        vectors = np.ndim(inputs) == 3
    except ValueError:   # a ragged list: as_index_array names it
        vectors = False
    if vectors:
        arr = as_float_array(inputs, "inputs", (None, None, n_inputs))
    else:
        arr = as_index_array(inputs, "inputs", n_inputs, (None, None))
    if arr.shape[1] == 0:
        raise ValueError("inputs must hold at least one time step, got shape (N, 0)")
    if arr.shape[0] == 0:
        raise ValueError("inputs must hold at least one sequence, got shape (0, T)")
    return arr


def input_projection(U: np.ndarray, b: np.ndarray, inputs: np.ndarray) -> np.ndarray:
    """``x<t> U^T + b`` for every step at once, ``(N, T, G)``: a column of ``U`` per token id
    (a one-hot ``x`` picks it), or a matrix product for real vectors ``(N, T, M)``."""
    if inputs.ndim == 2:
        out = U.T[inputs]
    else:
        out = (inputs.astype(U.dtype, copy=False) @ U.T)
    out += b
    return out


ONE_HOT_PRODUCT_UP_TO = 192   # ids for which X^T d_a beats summing rows (65 ids: 3.5x faster; even near 256)


def input_weight_gradient(d_a: np.ndarray, inputs: np.ndarray, n_inputs: int) -> np.ndarray:
    """``dJ/dU = sum_t d_a<t>^T x<t>``, ``(G, M)``, from ``d_a`` ``(N, T, G)``."""
    n, t_len, g = d_a.shape
    flat = d_a.reshape(n * t_len, g)
    if inputs.ndim == 2 and n_inputs > ONE_HOT_PRODUCT_UP_TO:
        return sum_rows_by_id(flat, inputs.reshape(-1), n_inputs).T.copy()
    if inputs.ndim == 2:   # a small vocabulary: the one-hot product itself is the faster way
        return flat.T @ np.eye(n_inputs, dtype=d_a.dtype)[inputs.reshape(-1)]
    return flat.T @ inputs.reshape(n * t_len, -1).astype(d_a.dtype, copy=False)


def forward_start(params, inputs, h0, sizes: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """A forward pass's checked ``inputs`` and its initial state ``h0`` ``(N, H)`` in the
    parameters' dtype, for a network of ``sizes = (M, H, K)``."""
    inputs = check_inputs(inputs, sizes[0])
    return inputs, initial_state(h0, inputs.shape[0], sizes[1], params["W"].dtype, "h0")


def initial_state(s0, n: int, n_hidden: int, dtype, name: str) -> np.ndarray:
    """The starting state ``(N, H)``: zeros for ``None``; a ``(H,)`` vector is shared by all
    sequences."""
    if s0 is None:
        return np.zeros((n, n_hidden), dtype=dtype)
    s0 = as_float_array(s0, name)
    if s0.shape == (n_hidden,):
        s0 = np.broadcast_to(s0, (n, n_hidden))
    if s0.shape != (n, n_hidden):
        raise ValueError(f"{name} must have shape ({n}, {n_hidden}) (batch, hidden), got {s0.shape}")
    return np.ascontiguousarray(s0, dtype=dtype)


def check_truncate(truncate) -> int | None:
    """``None`` (full BPTT) or a positive block length."""
    return None if truncate is None else require_positive_int(truncate, "truncate")


def blame_crosses(t: int, truncate: int | None) -> bool:
    """Whether blame from step ``t + 1`` reaches step ``t``: always in full BPTT; under
    truncation to blocks of ``truncate`` steps (counted from the start) not across a block
    boundary."""
    return truncate is None or (t + 1) % truncate != 0


def softmax_rows_in_place(o: np.ndarray) -> None:
    """``o <- softmax(o)`` along the last axis of a 2-D array, in place (the stable
    computation of ``helpers.numpy_nets.activations.softmax`` without its temporary copies)."""
    o -= o.max(axis=1, keepdims=True)
    np.exp(o, out=o)
    o /= o.sum(axis=1, keepdims=True)


def output_layer(V: np.ndarray, c: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    """``softmax(c + V h<t>)`` for every step, ``(N, T, K)``, from ``hidden`` ``(N, T, H)``."""
    n, t_len, h = hidden.shape
    probs = hidden.reshape(n * t_len, h) @ V.T
    probs += c
    softmax_rows_in_place(probs)
    return probs.reshape(n, t_len, -1)


IGNORE = -1  # a target of -1 means "no target at this step" (e.g. many-to-one tasks)


def check_targets(targets, probs: np.ndarray) -> np.ndarray:
    """Target ids ``(N, T)`` in ``[0, K)`` for outputs ``probs`` ``(N, T, K)``, or ``-1``
    (``IGNORE``) at steps without a target, which then add nothing to the cost."""
    n, t_len, k = probs.shape
    raw = targets
    mask = None
    if isinstance(targets, np.ndarray | list | tuple):
        try:
            arr = np.asarray(targets)
        except ValueError:  # ragged: as_index_array reports it
            arr = None
        numeric = arr is not None and np.issubdtype(arr.dtype, np.number) and arr.dtype.kind in "iuf"
        if numeric:
            mask = arr == IGNORE
            raw = np.where(mask, 0, arr)
    ids = as_index_array(raw, "targets", k, (n, t_len))
    return ids if mask is None or not mask.any() else np.where(mask, IGNORE, ids)


def cross_entropy(probs: np.ndarray, targets: np.ndarray) -> float:
    """``-sum_{n,t} ln probs[n, t, targets[n, t]]`` over the steps with a target; a
    probability that underflowed to 0 counts as the dtype's smallest normal number, so the
    sum stays finite."""
    n, t_len, k = probs.shape
    flat = targets.reshape(-1)
    keep = flat != IGNORE
    picked = probs.reshape(n * t_len, k)[np.arange(n * t_len)[keep], flat[keep]]
    tiny = np.finfo(probs.dtype).tiny
    return float(-np.log(np.maximum(picked, tiny)).sum(dtype=np.float64))


def output_gradients(V: np.ndarray, hidden: np.ndarray, probs: np.ndarray, targets: np.ndarray):
    """Gradients of the summed cross-entropy through the output layer.

    Returns ``(dV (K, H), dc (K,), dh (N, T, H))`` with ``do<t> = y<t> - onehot(target<t>)``
    (0 at steps without a target), ``dV = sum_t do<t>^T h<t>``, ``dc = sum_t do<t>`` and
    ``dh<t> = do<t> V`` (the blame on each state from its own output). ``probs`` is used
    in place and restored when every step has a target.
    """
    if not probs.flags.c_contiguous and probs.swapaxes(0, 1).flags.c_contiguous:
        # time-major views (the LSTM keeps its arrays so): work in their memory order
        d_v, d_c, d_h = output_gradients(V, *(array.swapaxes(0, 1) for array in (hidden, probs, targets)))
        return d_v, d_c, d_h.swapaxes(0, 1)
    n, t_len, h = hidden.shape
    k = probs.shape[-1]
    flat = targets.reshape(-1)
    keep = flat != IGNORE
    if keep.all():
        d_out = probs.reshape(n * t_len, k)
        rows, cols = np.arange(n * t_len), flat
        picked = d_out[rows, cols]
        d_out[rows, cols] = picked - 1.0
        try:
            return _output_products(V, hidden, d_out)
        finally:
            d_out[rows, cols] = picked
    d_out = probs.reshape(n * t_len, k).copy()
    d_out[np.arange(n * t_len)[keep], flat[keep]] -= 1.0
    d_out[~keep] = 0.0
    return _output_products(V, hidden, d_out)


def _output_products(V, hidden, d_out):
    n, t_len, h = hidden.shape
    return d_out.T @ hidden.reshape(n * t_len, h), d_out.sum(axis=0), (d_out @ V).reshape(n, t_len, h)


def backward_start(params, cache, cache_type: type, targets, truncate):
    """What every ``backward`` does first: check ``cache`` (an instance of ``cache_type``),
    ``targets`` and ``truncate``, then go back through the output layer. Returns
    ``(targets, truncate, grads, dh)`` with ``grads`` holding ``V`` and ``c`` and ``dh``
    ``(N, T, H)`` the blame on each state from its own output."""
    if not isinstance(cache, cache_type):
        raise TypeError(f"cache must be the {cache_type.__name__} that forward returned, "
                        f"got {type(cache).__name__}")
    targets = check_targets(targets, cache.probs)
    truncate = check_truncate(truncate)
    grads = {}
    grads["V"], grads["c"], d_h = output_gradients(params["V"], cache.hidden, cache.probs, targets)
    return targets, truncate, grads, d_h


def sum_rows_by_id(rows: np.ndarray, ids: np.ndarray, n_ids: int) -> np.ndarray:
    """``out[i] = sum of rows[j] with ids[j] == i``, shape ``(n_ids, rows.shape[1])``.

    Equivalent to ``np.add.at(out, ids, rows)`` (the one-hot product ``X^T rows``) but
    several times faster: sort the ids once, then add up each run of equal ids.
    """
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_ids[1:] != sorted_ids[:-1])))
    out = np.zeros((n_ids, rows.shape[1]), dtype=rows.dtype)
    out[sorted_ids[starts]] = np.add.reduceat(rows[order], starts, axis=0)
    return out


def sigmoid_in_place(a: np.ndarray) -> np.ndarray:
    """``a <- 1 / (1 + exp(-a))`` in place, computed as ``(1 + tanh(a / 2)) / 2``, which
    never overflows; returns ``a``."""
    a *= 0.5
    np.tanh(a, out=a)
    a += 1.0
    a *= 0.5
    return a
