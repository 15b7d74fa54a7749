"""Generation from a language model one token at a time (notebooks 03, 04 and 07): the
next token's distribution at a temperature, cut to the ``top_k`` most likely tokens or to
the nucleus of probability ``top_p``, and the loop that feeds each chosen token back.

The loop is model-agnostic: ``generate`` takes a ``step(token_id, state)`` function that
returns the next-token distribution and the new state, so the same code drives the numpy
SRN (``srn.predict_step``) and the torch character model (``helpers.torch_nets.sampling``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from helpers.numpy_nets.activations import softmax
from helpers.validation import (
    as_float_array,
    as_index_array,
    require_callable,
    require_generator,
    require_int_in,
    require_positive_float,
    require_positive_int,
)


def check_options(temperature, top_k, top_p) -> tuple[float, int | None, float | None]:
    """The sampling options, checked: ``temperature > 0``, ``top_k`` an integer ``>= 1`` or
    ``None``, ``top_p`` in ``(0, 1]`` or ``None``."""
    temperature = require_positive_float(temperature, "temperature")
    top_k = None if top_k is None else require_positive_int(top_k, "top_k")
    if top_p is not None and (require_positive_float(top_p, "top_p") > 1):
        raise ValueError(f"top_p must be a number in (0, 1] or None, got {top_p!r}")
    return temperature, top_k, None if top_p is None else float(top_p)


def next_token_probs(logits, temperature: float = 1.0, top_k: int | None = None,
                     top_p: float | None = None) -> np.ndarray:
    """The distribution to draw the next token from, ``(K,)``: ``softmax(logits /
    temperature)``, then (if given) only the ``top_k`` most likely tokens kept, then only
    the smallest set of most likely tokens whose probabilities add up to at least
    ``top_p`` (the most likely one is always kept), renormalised to sum to 1."""
    temperature, top_k, top_p = check_options(temperature, top_k, top_p)
    logits = as_float_array(logits, "logits", (None,), allow_empty=False).astype(np.float64)
    probs = softmax(logits, temperature=temperature)
    order = np.argsort(-probs, kind="stable")
    n_keep = probs.size if top_k is None else min(top_k, probs.size)
    if top_p is not None:
        cumulative = np.cumsum(probs[order])
        n_keep = min(n_keep, int(np.searchsorted(cumulative, top_p - 1e-12)) + 1)
    if n_keep == probs.size:
        return probs
    keep = np.zeros(probs.size, dtype=bool)
    keep[order[:n_keep]] = True
    probs = np.where(keep, probs, 0.0)
    return probs / probs.sum()


def _distribution(probs) -> np.ndarray:
    """``probs`` as float64 ``(K,)``, checked to be non-negative and to sum to 1."""
    probs = as_float_array(probs, "probs", (None,), allow_empty=False).astype(np.float64)
    if np.any(probs < 0) or not np.isclose(probs.sum(), 1.0, atol=1e-4):
        raise ValueError(f"probs must be a non-negative vector summing to 1, got sum {probs.sum():.4g}"
                         f" and smallest entry {probs.min():.4g}")
    return probs


def choose(probs, rng: np.random.Generator | None = None) -> int:
    """A token id from the distribution ``probs`` ``(K,)``: its arg-max when ``rng`` is
    ``None`` (greedy), else a draw with ``rng``."""
    probs = _distribution(probs)
    if rng is None:
        return int(np.argmax(probs))
    require_generator(rng)
    return int(rng.choice(probs.size, p=probs))


def generate(step: Callable, prompt_ids, n_new: int, state=None, rng: np.random.Generator | None = None,
             temperature: float = 1.0, top_k: int | None = None, top_p: float | None = None) -> list[int]:
    """Feed ``prompt_ids`` through a model, then extend them by ``n_new`` tokens.

    ``step(token_id, state) -> (probs (K,), new_state)`` advances the model by one token
    (``state=None`` at the start). Each new token is the arg-max of the distribution when
    ``rng`` is ``None`` (greedy), else drawn from ``next_token_probs`` of its log at
    ``temperature``, ``top_k`` and ``top_p``; it is then fed back in. Returns the prompt
    ids followed by the ``n_new`` generated ids."""
    require_callable(step, "step")
    prompt = [int(i) for i in as_index_array(prompt_ids, "prompt_ids", np.iinfo(np.int64).max).reshape(-1)]
    if not prompt:
        raise ValueError("prompt_ids must hold at least one token id")
    require_int_in(n_new, "n_new", 0)
    check_options(temperature, top_k, top_p)
    if rng is not None:
        require_generator(rng)
    out, probs = list(prompt), None
    for token in prompt:
        probs, state = step(token, state)
    for _ in range(n_new):
        if rng is not None:
            logits = np.log(np.maximum(_distribution(probs), 1e-300))   # log of 0 would be -inf
            probs = next_token_probs(logits, temperature, top_k, top_p)
        token = choose(probs, rng)
        out.append(token)
        probs, state = step(token, state)
    return out
