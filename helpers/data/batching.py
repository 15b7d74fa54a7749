"""Batches of sequences of different lengths (notebook 08): pad them to one length and
remember the lengths, so that a network can skip the padding (``torch``'s packed
sequences) and a cost can ignore it (a mask)."""

from __future__ import annotations

import numpy as np

from helpers.validation import as_index_array, require_int_in


def pad_sequences(sequences, pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, lengths)``: ``ids`` int64 ``(N, T_max)``, row ``n`` holding sequence ``n``
    followed by ``pad_id`` up to the longest length ``T_max``; ``lengths`` int64 ``(N,)``.

    ``sequences``: a list of ``N >= 1`` non-empty sequences of integer ids (lists or 1-D
    arrays)."""
    require_int_in(pad_id, "pad_id", 0)
    if isinstance(sequences, str | bytes | np.ndarray) or not hasattr(sequences, "__len__"):
        raise TypeError(f"sequences must be a list of id sequences, got {type(sequences).__name__}")
    if len(sequences) == 0:
        raise ValueError("sequences is empty: a batch needs at least one sequence")
    rows = []
    for b, seq in enumerate(sequences):
        row = as_index_array(seq, f"sequences[{b}]", np.iinfo(np.int64).max, (None,))
        if row.size == 0:
            raise ValueError(f"sequences[{b}] is empty: every sequence needs at least one id")
        rows.append(row)
    lengths = np.array([row.size for row in rows], dtype=np.int64)
    ids = np.full((len(rows), int(lengths.max())), int(pad_id), dtype=np.int64)
    for b, row in enumerate(rows):
        ids[b, : row.size] = row
    return ids, lengths


def padding_mask(lengths, max_len: int | None = None) -> np.ndarray:
    """Boolean ``(N, T)`` mask, True where a real element is and False on padding;
    ``T`` is ``max_len`` or the largest length."""
    lengths = as_index_array(lengths, "lengths", np.iinfo(np.int64).max, (None,))
    if lengths.size == 0:
        raise ValueError("lengths is empty")
    longest = int(lengths.max())
    if max_len is None:
        max_len = longest
    else:
        require_int_in(max_len, "max_len (at least the longest length)", longest)
    return np.arange(int(max_len))[None, :] < lengths[:, None]
