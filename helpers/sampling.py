"""Sampling text from a character language model (notebook 07): greedy decoding,
temperature, top-k and top-p (nucleus) filtering, primed with a prompt, seeded; and one
property of a sample to compare strategies by."""

from __future__ import annotations

import numbers

import numpy as np
import torch

from helpers.text import Vocabulary
from helpers.validation import as_float_array, require_positive_int


def _check_options(temperature, top_k, top_p) -> tuple[float, int | None, float | None]:
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real) or not temperature > 0:
        raise ValueError(f"temperature must be a number > 0 (use greedy=True for the most likely "
                         f"character), got {temperature!r}")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral)
                              or top_k < 1):
        raise ValueError(f"top_k must be an integer >= 1 or None, got {top_k!r}")
    if top_p is not None and (isinstance(top_p, bool) or not isinstance(top_p, numbers.Real)
                              or not 0 < top_p <= 1):
        raise ValueError(f"top_p must be a number in (0, 1] or None, got {top_p!r}")
    return float(temperature), None if top_k is None else int(top_k), None if top_p is None else float(top_p)


def next_char_probs(logits, temperature: float = 1.0, top_k: int | None = None,
                    top_p: float | None = None) -> np.ndarray:
    """The distribution to sample the next character from, ``(V,)``: ``softmax(logits /
    temperature)``, then (if given) only the ``top_k`` most likely characters kept, then
    only the smallest set of most likely characters whose probabilities add up to at least
    ``top_p`` (the most likely one is always kept); renormalised to sum to 1."""
    temperature, top_k, top_p = _check_options(temperature, top_k, top_p)
    if isinstance(logits, torch.Tensor):
        logits = logits.detach().cpu().double().numpy()
    logits = as_float_array(logits, "logits", (None,)).astype(np.float64)
    if logits.size == 0:
        raise ValueError("logits must hold at least one value")
    scaled = logits / temperature
    probs = np.exp(scaled - scaled.max())
    probs /= probs.sum()
    order = np.argsort(-probs, kind="stable")
    keep = np.zeros(probs.size, dtype=bool)
    n_keep = probs.size if top_k is None else min(top_k, probs.size)
    if top_p is not None:
        cumulative = np.cumsum(probs[order])
        n_keep = min(n_keep, int(np.searchsorted(cumulative, top_p - 1e-12)) + 1)
    keep[order[:n_keep]] = True
    probs = np.where(keep, probs, 0.0)
    return probs / probs.sum()


def sample(model, vocab: Vocabulary, prompt: str, n_chars: int, temperature: float = 1.0,
           top_k: int | None = None, top_p: float | None = None, greedy: bool = False,
           seed: int = 0) -> str:
    """``n_chars`` characters that ``model`` (a ``helpers.char_lm.CharLM``) writes after
    reading ``prompt``: each drawn from ``next_char_probs`` (or the most likely one when
    ``greedy``) with a ``torch.Generator`` seeded by ``seed``, so a call is reproducible on
    any device. Returns the new characters only."""
    from helpers.char_lm import CharLM

    if not isinstance(model, CharLM):
        raise TypeError(f"model must be a CharLM, got {type(model).__name__}")
    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab must be a helpers.text.Vocabulary, got {type(vocab).__name__}")
    if not isinstance(prompt, str) or not prompt:
        raise ValueError(f"prompt must be a non-empty str, got {prompt!r}")
    unknown = sorted({c for c in prompt if c not in vocab})
    if unknown:
        raise ValueError(f"the prompt holds characters outside the vocabulary: {unknown}")
    n_chars = require_positive_int(n_chars, "n_chars")
    _check_options(temperature, top_k, top_p)
    if not isinstance(greedy, bool):
        raise TypeError(f"greedy must be True or False, got {greedy!r}")
    generator = torch.Generator().manual_seed(int(seed))
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    out = []
    with torch.no_grad():
        ids = torch.from_numpy(vocab.encode(list(prompt)))[None].to(device)
        logits, state = model(ids)
        for _ in range(n_chars):
            last = logits[0, -1]
            if greedy:
                next_id = int(torch.argmax(last))
            else:
                probs = torch.from_numpy(next_char_probs(last, temperature, top_k, top_p))
                next_id = int(torch.multinomial(probs, 1, generator=generator))
            out.append(vocab.tokens[next_id])
            logits, state = model(torch.tensor([[next_id]], device=device), state)
    model.train(was_training)
    return "".join(out)


def distinct_ngram_fraction(text: str, n: int = 4) -> float:
    """Distinct ``n``-grams of characters in ``text`` over all its ``n``-grams: near 0 for
    text that loops, higher for varied text."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    n = require_positive_int(n, "n")
    if len(text) < n:
        raise ValueError(f"text of {len(text)} characters has no {n}-grams")
    grams = [text[i:i + n] for i in range(len(text) - n + 1)]
    return len(set(grams)) / len(grams)
