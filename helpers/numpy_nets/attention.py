"""Attention in numpy (notebook 09): a decoder state asks which encoder states matter now,
as plain functions with a named cache, checked against centred differences and torch.

Notation (Bahdanau et al., 2015; Luong et al., 2015): encoder states ``h_j``, ``j = 1 .. S``
(the keys, which are also the values), the decoder's query ``s``, and

    additive (Bahdanau):  e_j = v^T tanh(W s + U h_j)
    dot (Luong):          e_j = s^T h_j
    alpha = softmax(e) over the real positions (padding gets weight 0),
    c = sum_j alpha_j h_j     (the context vector).

Shapes: ``N`` queries, ``S`` encoder positions, ``Hq`` query units, ``Hk`` key units,
``A`` attention units. ``W`` ``(A, Hq)``, ``U`` ``(A, Hk)``, ``v`` ``(A,)``: the
shapes of ``torch.nn.Linear``'s ``weight`` in ``helpers.torch_nets.attention.Attention``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from helpers.validation import as_float_array, require_generator, require_positive_int

KINDS = ("additive", "dot")


class AttentionCache(NamedTuple):
    """What ``forward`` keeps for ``backward``: ``kind``; ``query`` ``(N, Hq)``; ``keys``
    ``(N, S, Hk)``; ``mask`` ``(N, S)`` bool; ``hidden`` ``(N, S, A)``, the ``tanh`` of the
    additive score (``None`` for dot); ``weights`` ``(N, S)``, the ``alpha_j``."""

    kind: str
    query: np.ndarray
    keys: np.ndarray
    mask: np.ndarray
    hidden: np.ndarray | None
    weights: np.ndarray


def init_params(kind: str, n_query: int, n_keys: int, n_attention: int, rng: np.random.Generator,
                dtype=np.float64) -> dict[str, np.ndarray]:
    """``{"W", "U", "v"}`` for additive attention (uniform in ``±1/sqrt(fan-in)``, like
    ``nn.Linear``); ``{}`` for dot attention, which has no weights and needs
    ``n_query == n_keys``."""
    _check_kind(kind)
    n_query, n_keys = require_positive_int(n_query, "n_query"), require_positive_int(n_keys, "n_keys")
    n_attention = require_positive_int(n_attention, "n_attention")
    require_generator(rng)
    if kind == "dot":
        if n_query != n_keys:
            raise ValueError(f"dot attention needs n_query == n_keys, got {n_query} and {n_keys}")
        return {}
    shapes = {"W": (n_attention, n_query), "U": (n_attention, n_keys), "v": (n_attention,)}
    fan_in = {"W": n_query, "U": n_keys, "v": n_attention}
    return {name: rng.uniform(-1, 1, shape).astype(dtype) / np.sqrt(fan_in[name])
            for name, shape in shapes.items()}


def _check_kind(kind) -> None:
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")


def masked_softmax(scores, mask) -> np.ndarray:
    """Softmax of ``scores`` ``(N, S)`` over the positions where ``mask`` ``(N, S)`` is True;
    exactly 0 where it is False. Every row needs at least one True."""
    scores = as_float_array(scores, "scores", (None, None), finite=False)
    mask = _check_mask(mask, scores.shape)
    shifted = np.where(mask, scores, -np.inf)
    shifted = shifted - shifted.max(axis=1, keepdims=True)
    exp = np.where(mask, np.exp(shifted), 0.0)
    return exp / exp.sum(axis=1, keepdims=True)


def _check_mask(mask, shape) -> np.ndarray:
    if mask is None:
        return np.ones(shape, dtype=bool)
    mask = np.asarray(mask)
    if mask.dtype != bool or mask.shape != tuple(shape):
        raise ValueError(f"mask must be a bool array of shape {tuple(shape)}, got {mask.dtype} {mask.shape}")
    empty = np.flatnonzero(~mask.any(axis=1))
    if empty.size:
        raise ValueError(f"mask rows {empty.tolist()[:5]} have no True entry: nothing to attend to")
    return mask


def _check_inputs(params, kind, query, keys):
    _check_kind(kind)
    keys = as_float_array(keys, "keys", (None, None, None))
    if 0 in keys.shape:
        raise ValueError(f"keys must hold at least one sequence, position and unit, got shape {keys.shape}")
    query = as_float_array(query, "query", (keys.shape[0], None))
    if kind == "dot":
        if query.shape[1] != keys.shape[2]:
            raise ValueError(f"dot attention needs query (N, Hk) with Hk = {keys.shape[2]} (the keys'), "
                             f"got {query.shape}")
        return query, keys
    if not isinstance(params, dict) or set(params) != {"W", "U", "v"}:
        raise ValueError(f"additive attention needs params {{'W', 'U', 'v'}} (init_params), got "
                         f"{params!r:.80}")
    n_attention = as_float_array(params["v"], "params['v']", (None,)).shape[0]
    as_float_array(params["W"], "params['W']", (n_attention, query.shape[1]))
    as_float_array(params["U"], "params['U']", (n_attention, keys.shape[2]))
    return query, keys


def forward(params, query, keys, mask=None, kind: str = "additive") -> tuple[np.ndarray, AttentionCache]:
    """The context ``c`` ``(N, Hk)`` for each query ``(N, Hq)`` over its keys ``(N, S, Hk)``
    (``mask`` ``(N, S)``: False on padding; ``None``: every position is real), and the
    cache with the weights ``alpha`` ``(N, S)``."""
    query, keys = _check_inputs(params, kind, query, keys)
    mask = _check_mask(mask, keys.shape[:2])
    if kind == "dot":
        hidden, scores = None, np.einsum("nsk,nk->ns", keys, query)
    else:
        hidden = np.tanh((query @ params["W"].T)[:, None, :] + keys @ params["U"].T)   # (N, S, A)
        scores = hidden @ params["v"]
    weights = masked_softmax(scores, mask)
    context = np.einsum("ns,nsk->nk", weights, keys)
    return context, AttentionCache(kind, query, keys, mask, hidden, weights)


def backward(params, cache: AttentionCache, d_context) -> dict[str, np.ndarray]:
    """Gradients of a cost with respect to ``query``, ``keys`` and (additive) ``W``, ``U``,
    ``v``, given its gradient ``d_context`` ``(N, Hk)`` with respect to the context."""
    if not isinstance(cache, AttentionCache):
        raise TypeError(f"cache must be the AttentionCache that forward returns, got {type(cache).__name__}")
    _check_inputs(params, cache.kind, cache.query, cache.keys)
    query, keys, weights = cache.query, cache.keys, cache.weights
    d_context = as_float_array(d_context, "d_context", (keys.shape[0], keys.shape[2]))
    d_weights = np.einsum("nk,nsk->ns", d_context, keys)
    d_scores = weights * (d_weights - (weights * d_weights).sum(axis=1, keepdims=True))   # 0 on padding
    grads = {"keys": weights[:, :, None] * d_context[:, None, :]}
    if cache.kind == "dot":
        grads["query"] = np.einsum("ns,nsk->nk", d_scores, keys)
        grads["keys"] += d_scores[:, :, None] * query[:, None, :]
        return grads
    d_hidden = d_scores[:, :, None] * params["v"] * (1 - cache.hidden ** 2)          # (N, S, A)
    grads["v"] = np.einsum("ns,nsa->a", d_scores, cache.hidden)
    grads["W"] = d_hidden.sum(axis=1).T @ query
    grads["query"] = d_hidden.sum(axis=1) @ params["W"]
    grads["U"] = np.einsum("nsa,nsk->ak", d_hidden, keys)
    grads["keys"] += d_hidden @ params["U"]
    return grads
