"""How surprising each word is to a trained language model (notebook 08): surprisal
``-log2 p(w_t | w_1 .. w_{t-1})`` in bits, read off a ``helpers.torch_nets.char_lm.CharLM`` trained
on word ids, and the words it expected instead."""

from __future__ import annotations

import numpy as np
import torch

from helpers.data.text import Vocabulary
from helpers.torch_nets.cells import device_of, evaluating
from helpers.torch_nets.char_lm import CharLM, check_model_and_vocab
from helpers.validation import require_positive_int


def _encode(model, vocab, words, context) -> tuple[list[str], np.ndarray]:
    check_model_and_vocab(model, vocab)
    for name, seq in (("words", words), ("context", context)):
        if isinstance(seq, str | dict | set) or not hasattr(seq, "__len__") or not all(
                isinstance(w, str) for w in seq):
            raise TypeError(f"{name} must be a list of words (split the sentence first), got {seq!r}")
        if len(seq) == 0:
            raise ValueError(f"{name} must hold at least one word, got {seq!r}")
    tokens = list(context) + list(words)
    missing = [w for w in tokens if w not in vocab]
    if missing:
        raise KeyError(f"{missing[0]!r} is not in the model's vocabulary: the model never saw it")
    return tokens, vocab.encode(tokens)


def next_word_probabilities(model: CharLM, vocab: Vocabulary, words, context=(".",)) -> np.ndarray:
    """``(T, V)``: row ``t`` is the model's distribution over the word after ``context``
    followed by ``words[:t]`` (the state starts from zero and reads ``context`` first, as
    it would read the end of the previous sentence)."""
    tokens, ids = _encode(model, vocab, words, context)
    with evaluating(model):
        logits, _ = model(torch.from_numpy(ids[None, :-1]).to(device_of(model)))
    probs = torch.softmax(logits[0].double(), dim=-1).cpu().numpy()
    return probs[len(tokens) - len(words) - 1:]


def model_surprisal(model: CharLM, vocab: Vocabulary, words, context=(".",)) -> np.ndarray:
    """Surprisal of each word of ``words`` in bits ``(T,)``: ``-log2`` of the probability
    the model gave it, having read ``context`` and the words before it."""
    probs = next_word_probabilities(model, vocab, words, context)
    ids = vocab.encode(list(words))
    return -np.log2(probs[np.arange(len(ids)), ids]) if probs.size else np.zeros(0)


def expected_words(model: CharLM, vocab: Vocabulary, words, context=(".",), top: int = 3
                   ) -> list[list[tuple[str, float]]]:
    """For each position of ``words``, the ``top`` words the model found most likely there,
    as ``(word, probability)`` pairs."""
    top = require_positive_int(top, "top")
    probs = next_word_probabilities(model, vocab, words, context)
    order = np.argsort(-probs, axis=1, kind="stable")[:, :top]
    return [[(vocab.tokens[k], float(row[k])) for k in idx] for row, idx in zip(probs, order, strict=True)]

