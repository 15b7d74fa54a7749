"""Random strings of symbols and their copies or reversals (notebook 09): a task whose
inputs can be made as long as we like, to measure what one fixed vector can carry."""

from __future__ import annotations

import numpy as np

from helpers.validation import require_generator, require_positive_int


def string_pairs(n: int, min_len: int, max_len: int, alphabet: str, rng: np.random.Generator,
                 reverse: bool = False) -> list[tuple[str, str]]:
    """``n`` pairs ``(source, target)``: a string of symbols drawn uniformly from
    ``alphabet``, of a length drawn uniformly from ``min_len .. max_len``, and the same
    string (reversed when ``reverse``)."""
    n = require_positive_int(n, "n")
    min_len, max_len = require_positive_int(min_len, "min_len"), require_positive_int(max_len, "max_len")
    if max_len < min_len:
        raise ValueError(f"max_len ({max_len}) must be at least min_len ({min_len})")
    if not isinstance(alphabet, str) or not alphabet:
        raise TypeError(f"alphabet must be a non-empty str of symbols, got {alphabet!r}")
    require_generator(rng)
    if not isinstance(reverse, bool):
        raise TypeError(f"reverse must be True or False, got {type(reverse).__name__}")
    symbols = np.array(list(alphabet))
    pairs = []
    for length in rng.integers(min_len, max_len + 1, size=n):
        source = "".join(symbols[rng.integers(len(symbols), size=length)])
        pairs.append((source, source[::-1] if reverse else source))
    return pairs
