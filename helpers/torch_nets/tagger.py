"""Aligned many-to-many: a tag for every word (notebook 09). A recurrent layer reads the
sentence left to right, or both ways (``bidirectional``: one layer each way, their states
side by side), and a linear head names each word's tag from the state at that word.
Batches are padded and packed; the cost skips the padding."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pad_packed_sequence

from helpers.data.batching import pad_sequences
from helpers.torch_nets.cells import TokenReader, evaluating, pack_tokens
from helpers.torch_nets.training import Budget, TrainResult, fit, shuffled_batches
from helpers.validation import as_index_array, require_positive_int

IGNORE = -100   # torch's ignore_index: the tag of a padding position


class Tagger(TokenReader):
    """Embedding ``(V, E)`` -> ``nn.GRU`` (``kind``; ``hidden`` units each way) -> linear
    head ``(K, H)`` or ``(K, 2H)`` when ``bidirectional``. ``forward(ids (N, T) long,
    lengths (N,))`` returns logits ``(N, T, K)`` (0 on padding)."""

    def __init__(self, vocab_size: int, n_tags: int, *, kind: str = "gru", hidden: int = 32,
                 embedding: int = 16, bidirectional: bool = True):
        super().__init__(kind=kind, dropout=0.0, bidirectional=bidirectional, vocab_size=vocab_size,
                         n_tags=n_tags, hidden=hidden, embedding=embedding)
        self.head = nn.Linear(self.config["hidden"] * (2 if bidirectional else 1), self.config["n_tags"])

    def forward(self, ids: torch.Tensor, lengths) -> torch.Tensor:
        packed = pack_tokens(self.embed, ids, lengths, self.config["vocab_size"])
        states, _ = pad_packed_sequence(self.rnn(packed)[0], batch_first=True, total_length=ids.shape[1])
        return self.head(states)


def _check_data(model, sentences, tags) -> tuple[list[np.ndarray], list[np.ndarray]]:
    if isinstance(sentences, str) or not hasattr(sentences, "__len__") or not len(sentences):
        raise TypeError(f"sentences must be a non-empty list of word-id arrays, got "
                        f"{type(sentences).__name__}")
    words = [as_index_array(s, f"sentences[{i}]", model.config["vocab_size"], (None,))
             for i, s in enumerate(sentences)]
    if tags is None:
        return words, None
    if not isinstance(tags, list | tuple):
        raise TypeError(f"tags must be a list of tag-id arrays, one per sentence, got {type(tags).__name__}")
    if isinstance(tags, str) or not hasattr(tags, "__len__") or len(tags) != len(words):
        raise ValueError(f"tags must hold one tag-id array per sentence ({len(words)})")
    return words, [as_index_array(t, f"tags[{i}]", model.config["n_tags"], (len(words[i]),))
                   for i, t in enumerate(tags)]


def train_tagger(model: Tagger, sentences, tags, *, epochs: int = 3, batch_size: int = 32, lr: float = 1e-2,
                 seed: int = 0, progress: bool = True) -> TrainResult:
    """Train ``model`` in place with ``training.fit`` on the cross-entropy of every word's
    tag (``sentences`` and ``tags``: lists of id arrays of equal lengths)."""
    if not isinstance(model, Tagger):
        raise TypeError(f"model must be a Tagger, got {type(model).__name__}")
    if tags is None:
        raise TypeError("tags must be a list of tag-id arrays, one per sentence, got None")
    words, tags = _check_data(model, sentences, tags)
    epochs = require_positive_int(epochs, "epochs")
    batch_size = require_positive_int(batch_size, "batch_size")
    cost = nn.CrossEntropyLoss(ignore_index=IGNORE)

    def batch_loss(index):
        ids, lengths = pad_sequences([words[i] for i in index])
        gold = np.full(ids.shape, IGNORE)
        for row, i in enumerate(index):
            gold[row, :lengths[row]] = tags[i]
        logits = model(torch.from_numpy(ids), lengths)
        return cost(logits.reshape(-1, logits.shape[-1]), torch.from_numpy(gold).reshape(-1)), len(index)

    return fit(model, shuffled_batches(len(words), batch_size), batch_loss,
               Budget(epochs=epochs, steps_per_epoch=math.ceil(len(words) / batch_size)), lr=lr,
               seed=seed, progress=progress)


def tag_probabilities(model: Tagger, sentences) -> list[np.ndarray]:
    """For each sentence ``(T,)`` of word ids, its tag probabilities ``(T, K)``."""
    if not isinstance(model, Tagger):
        raise TypeError(f"model must be a Tagger, got {type(model).__name__}")
    words, _ = _check_data(model, sentences, None)
    ids, lengths = pad_sequences(words)
    with evaluating(model):
        probs = torch.softmax(model(torch.from_numpy(ids), lengths), dim=-1).double().numpy()
    return [p[:n] for p, n in zip(probs, lengths, strict=True)]
