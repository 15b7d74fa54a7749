"""Sampling text from a character language model (notebook 07): greedy, at a temperature,
cut to the top k or the nucleus top p (``helpers.numpy_nets.generation``), primed with a
prompt and seeded; and one property of a sample to compare strategies by."""

from __future__ import annotations

import numpy as np
import torch

from helpers.data.text import Vocabulary
from helpers.numpy_nets.generation import check_options, generate
from helpers.torch_nets.cells import device_of, evaluating
from helpers.torch_nets.char_lm import CharLM, check_model_and_vocab
from helpers.validation import require_int_in, require_positive_int


def sample(model: CharLM, vocab: Vocabulary, prompt: str, n_chars: int, temperature: float = 1.0,
           top_k: int | None = None, top_p: float | None = None, greedy: bool = False,
           seed: int = 0) -> str:
    """``n_chars`` characters that ``model`` writes after reading ``prompt``: each the most
    likely one when ``greedy``, else drawn from ``generation.next_token_probs`` with a numpy
    generator seeded by ``seed``, so a call is reproducible on any device. Returns the new
    characters only."""
    check_model_and_vocab(model, vocab)
    if not isinstance(prompt, str):
        raise TypeError(f"prompt must be a str, got {type(prompt).__name__}")
    if not prompt:
        raise ValueError("prompt must not be empty: the model needs a character to start from")
    unknown = sorted({c for c in prompt if c not in vocab})
    if unknown:
        raise ValueError(f"the prompt holds characters outside the vocabulary: {unknown}")
    n_chars = require_positive_int(n_chars, "n_chars")
    check_options(temperature, top_k, top_p)
    require_int_in(seed, "seed", 0)
    if not isinstance(greedy, bool):
        raise TypeError(f"greedy must be True or False, got {greedy!r}")
    device = device_of(model)

    def step(token: int, state):
        logits, state = model(torch.tensor([[token]], device=device), state)
        return torch.softmax(logits[0, -1].double(), dim=-1).cpu().numpy(), state

    prompt_ids = vocab.encode(list(prompt))
    with evaluating(model):
        ids = generate(step, prompt_ids, n_chars, rng=None if greedy else np.random.default_rng(seed),
                       temperature=temperature, top_k=top_k, top_p=top_p)
    return "".join(vocab.decode(ids[len(prompt_ids):]))


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
