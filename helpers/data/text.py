"""Text as numbers for language models: tokenisation, a vocabulary with encode/decode,
and contiguous batching for truncated backpropagation through time. Generation from a
model is in ``helpers.numpy_nets.generation``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

import numpy as np

from helpers.validation import as_index_array, require_positive_int

# a word is a run of letters or digits (underscores, Project Gutenberg's italics
# marks, are dropped); every other visible character is a token of its own
_WORD_OR_MARK = re.compile(r"[^\W_]+|[^\w\s_]")
_NO_SPACE_BEFORE = set(",.;:!?)]}'’”")
_NO_SPACE_AFTER = set("([{‘“")


def tokenize_words(text: str) -> list[str]:
    """Split ``text`` into words and punctuation marks, keeping case:
    ``"It is, sir."`` -> ``['It', 'is', ',', 'sir', '.']``. Underscores are dropped."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _WORD_OR_MARK.findall(text)


def tokenize_chars(text: str) -> list[str]:
    """Split ``text`` into single characters (spaces and newlines included)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return list(text)


def join_words(tokens: Iterable[str]) -> str:
    """Inverse of ``tokenize_words`` up to spacing: words separated by one space,
    no space before closing punctuation or after an opening bracket or quote."""
    if isinstance(tokens, str):
        raise TypeError("tokens must be a list of strings, got one string (tokenise it first)")
    out = ""
    for i, tok in enumerate(tokens):
        if not isinstance(tok, str):
            raise TypeError(f"tokens must be strings, got {type(tok).__name__} at position {i}")
        if not tok:
            raise ValueError(f"tokens must not be empty strings, got '' at position {i}")
        if out and tok[0] not in _NO_SPACE_BEFORE and out[-1] not in _NO_SPACE_AFTER:
            out += " "
        out += tok
    return out


class Vocabulary:
    """A two-way map between tokens and ids ``0 .. len(vocab) - 1``.

    ``tokens``: the training tokens; ids are given in order of first appearance
    (so the vocabulary of a text is reproducible). ``min_count``: tokens seen
    fewer times are left out. ``unknown``: ``None`` (default) makes ``encode``
    raise ``KeyError`` on an unseen token; a string such as ``"<unk>"`` becomes
    id 0 and every unseen or rare token is encoded as it.
    """

    def __init__(self, tokens: Iterable[str], min_count: int = 1, unknown: str | None = None):
        min_count = require_positive_int(min_count, "min_count")
        if unknown is not None and not isinstance(unknown, str):
            raise TypeError(f"unknown must be a str or None, got {type(unknown).__name__}")
        tokens = list(tokens)
        if not all(isinstance(t, str) for t in tokens):
            raise TypeError("tokens must all be strings")
        counts = Counter(tokens)
        self.unknown = unknown
        self.tokens: list[str] = [] if unknown is None else [unknown]
        seen = set(self.tokens)
        for tok in tokens:
            if tok not in seen and counts[tok] >= min_count:
                seen.add(tok)
                self.tokens.append(tok)
        if not self.tokens:
            raise ValueError("the vocabulary is empty: give at least one token")
        self.index = {tok: i for i, tok in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token) -> bool:
        return token in self.index

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} tokens, unknown={self.unknown!r})"

    def encode(self, tokens: Sequence[str]) -> np.ndarray:
        """Token list -> int64 id array ``(len(tokens),)``."""
        if isinstance(tokens, str):
            raise TypeError("encode takes a list of tokens; tokenise the string first")
        if not hasattr(tokens, "__len__"):
            raise TypeError(f"encode takes a list of tokens, got {type(tokens).__name__}")
        ids = np.empty(len(tokens), dtype=np.int64)
        for i, tok in enumerate(tokens):
            if not isinstance(tok, str):
                raise TypeError(f"tokens must be strings, got {type(tok).__name__} at position {i}")
            if tok in self.index:
                ids[i] = self.index[tok]
            elif self.unknown is not None:
                ids[i] = self.index[self.unknown]
            else:
                raise KeyError(f"token {tok!r} (position {i}) is not in the vocabulary and "
                               "no unknown token was set (Vocabulary(..., unknown='<unk>'))")
        return ids

    def decode(self, ids) -> list[str]:
        """Id array ``(T,)`` -> list of ``T`` tokens."""
        ids = as_index_array(ids, "ids", len(self), (None,))
        return [self.tokens[i] for i in ids]


def contiguous_streams(ids, n_streams: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut a long id sequence ``(L,)`` into ``n_streams`` contiguous rows for batching.

    Returns ``(inputs, targets)``, both ``(n_streams, S)`` with
    ``S = (L - 1) // n_streams``; ``targets`` is ``inputs`` shifted by one token,
    and row ``i`` covers ``ids[i S : (i + 1) S + 1]``. The last ``(L - 1) % n_streams``
    tokens are dropped. Reading the rows left to right in chunks lets the hidden
    state carry over from one chunk to the next (see ``bptt_chunks``).
    """
    ids = as_index_array(ids, "ids", np.iinfo(np.int64).max, (None,))
    n_streams = require_positive_int(n_streams, "n_streams")
    per_row = (ids.size - 1) // n_streams
    if per_row < 1:
        raise ValueError(f"ids holds {ids.size} tokens, too few for n_streams={n_streams} streams (need at "
                         f"least {n_streams + 1})")
    used = per_row * n_streams
    return ids[:used].reshape(n_streams, per_row), ids[1:used + 1].reshape(n_streams, per_row)


def bptt_chunks(inputs, targets, seq_len: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The ``(x, y)`` column blocks of ``(N, S)`` arrays, ``seq_len`` steps each (the last
    may be shorter), in order: block ``j`` continues block ``j - 1`` in every row, so
    the final state of one block is the initial state of the next (truncated BPTT).
    Checked when called; the blocks are made as they are read."""
    inputs = as_index_array(inputs, "inputs", np.iinfo(np.int64).max)
    targets = as_index_array(targets, "targets", np.iinfo(np.int64).max)
    if inputs.ndim != 2 or inputs.shape != targets.shape:
        raise ValueError(f"inputs and targets must be (N, S) arrays of one shape, got "
                         f"{inputs.shape} and {targets.shape}")
    seq_len = require_positive_int(seq_len, "seq_len")
    return ((inputs[:, s:s + seq_len], targets[:, s:s + seq_len]) for s in range(0, inputs.shape[1], seq_len))


def word_tokens_from(text: str, start: str, n_tokens: int) -> list[str]:
    """The first ``n_tokens`` word/punctuation tokens of ``text`` from the first
    occurrence of ``start`` on (e.g. a novel's first sentence, skipping its preface)."""
    n_tokens = require_positive_int(n_tokens, "n_tokens")
    if not isinstance(text, str) or not isinstance(start, str):
        raise TypeError(f"text and start must be str, got {type(text).__name__} and {type(start).__name__}")
    at = text.find(start)
    if at < 0:
        raise ValueError(f"start text {start!r} does not occur in the text")
    tokens = tokenize_words(text[at:])[:n_tokens]
    if len(tokens) < n_tokens:
        raise ValueError(f"the text has only {len(tokens)} tokens after {start!r}, "
                         f"fewer than n_tokens={n_tokens}")
    return tokens
