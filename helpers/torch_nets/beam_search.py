"""Beam search for the encoder–decoder (notebook 09): keep the ``k`` most probable partial
outputs at every step instead of the single most probable token. A finished output (one
that wrote ``EOS``) is scored by its summed log-probability divided by ``length **
length_penalty``: with 0 the sum itself, which favours short outputs, since every token
adds a negative term; with 1 the mean per token."""

from __future__ import annotations

import numpy as np
import torch

from helpers.data.batching import pad_sequences
from helpers.torch_nets.cells import evaluating
from helpers.torch_nets.encoder_decoder import BOS, EOS, PAD, EncoderDecoder, _check_sequences
from helpers.validation import require_int_in, require_positive_int


def _score(log_prob: float, length: int, length_penalty: float) -> float:
    return log_prob / length ** length_penalty


def _advance(total: torch.Tensor, beams: list, finished: list, k: int, length_penalty: float):
    """One source's step: of the ``2k`` best extensions ``total`` ``(k, V)`` of its ``beams``
    (token lists), those among the best ``k`` that end in ``EOS`` join ``finished``, and the
    best ``k`` others live on. Returns ``(rows, tokens, scores)`` of the live ones."""
    values, flat = total.reshape(-1).topk(min(2 * k, total.numel()))
    rows, tokens, scores = [], [], []
    for rank, (value, index) in enumerate(zip(values.tolist(), flat.tolist(), strict=True)):
        row, token = divmod(index, total.shape[1])
        if value == float("-inf"):
            break
        if token == EOS:
            if rank >= k:
                continue
            finished.append((_score(value, len(beams[row]) + 1, length_penalty), beams[row], value))
        elif len(rows) < k:
            rows.append(row), tokens.append(token), scores.append(value)
    return rows, tokens, scores


def beam_search(model: EncoderDecoder, sources, beam_width: int = 5, max_len: int = 60,
                length_penalty: float = 1.0) -> list[tuple[np.ndarray, float]]:
    """For each source, the best output found with ``beam_width`` beams (``EOS`` not
    included) and its summed log-probability. A source stops when it has ``beam_width``
    finished outputs or after ``max_len`` tokens (then its live beams count as finished).
    ``beam_width=1`` is greedy decoding."""
    if not isinstance(model, EncoderDecoder):
        raise TypeError(f"model must be an EncoderDecoder, got {type(model).__name__}")
    sources = _check_sequences(sources, "sources", model.config["source_size"])
    k, max_len = require_positive_int(beam_width, "beam_width"), require_positive_int(max_len, "max_len")
    if isinstance(length_penalty, bool) or not isinstance(length_penalty, int | float) or not (
            0 <= length_penalty <= 5):
        raise ValueError(f"length_penalty must be a number in [0, 5], got {length_penalty!r}")
    require_int_in(len(sources), "len(sources)", 1)
    results = []
    with evaluating(model):
        for start in range(0, len(sources), 256):
            results += _search_batch(model, sources[start:start + 256], k, max_len, length_penalty)
    return results


def _search_batch(model, sources, k, max_len, length_penalty):
    n = len(sources)
    ids, lengths = pad_sequences(sources, PAD)
    encoded = model.encode(torch.from_numpy(ids), lengths).select(torch.arange(n).repeat_interleave(k))
    state, last = encoded.state, torch.full((n * k, 1), BOS)
    scores = torch.full((n, k), float("-inf"))
    scores[:, 0] = 0.0                       # one live beam at the start
    beams = [[[] for _ in range(k)] for _ in range(n)]
    finished, done = [[] for _ in range(n)], [False] * n
    for _ in range(max_len):
        logits, state, _ = model.decode(last, state, encoded)
        total = scores[:, :, None] + torch.log_softmax(logits[:, -1].double(), -1).view(n, k, -1)
        rows_all, next_tokens = np.zeros((n, k), dtype=np.int64), np.full((n, k), PAD)
        for i in range(n):
            if done[i]:
                continue
            rows, tokens, kept = _advance(total[i], beams[i], finished[i], k, length_penalty)
            beams[i] = [beams[i][r] + [t] for r, t in zip(rows, tokens, strict=True)] + [[]] * (k - len(rows))
            rows_all[i, :len(rows)], next_tokens[i, :len(rows)] = rows, tokens
            scores[i] = float("-inf")
            scores[i, :len(rows)] = torch.tensor(kept, dtype=scores.dtype)
            done[i] = len(finished[i]) >= k or not rows
        if all(done):
            break
        order = torch.from_numpy((np.arange(n)[:, None] * k + rows_all).reshape(-1))
        state, last = state[:, order], torch.from_numpy(next_tokens.reshape(-1, 1))
    return [_best(finished[i], beams[i], scores[i], length_penalty, done[i]) for i in range(n)]


def _best(finished, beams, scores, length_penalty, done):
    candidates = list(finished)
    if not done:   # out of steps: the live beams count as finished
        candidates += [(_score(float(s), len(b), length_penalty), b, float(s))
                       for b, s in zip(beams, scores, strict=True) if b and s > float("-inf")]
    _, tokens, log_prob = max(candidates, key=lambda c: c[0])
    return np.array(tokens, dtype=np.int64), log_prob
