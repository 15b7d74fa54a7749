"""Many-to-one: a recurrent network reads a whole sequence (a surname, one character per
step) and names its class (a language) from its last state (notebook 08). Batches are
padded (``helpers.data.batching``) and packed, so the network never reads the padding; rare
classes can weigh more in the cost."""

from __future__ import annotations

import math
import numbers

import numpy as np
import torch
from torch import nn

from helpers.data.batching import pad_sequences
from helpers.data.text import Vocabulary
from helpers.numpy_nets.metrics import balanced_accuracy
from helpers.torch_nets.cells import TokenReader, evaluating, final_hidden, pack_tokens
from helpers.torch_nets.training import Budget, TrainResult, fit, shuffled_batches
from helpers.validation import as_float_array, as_index_array, require_positive_int


class SequenceClassifier(TokenReader):
    """Embedding ``(V, E)`` -> ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` (``hidden`` units) ->
    dropout -> linear head ``(K, H)`` on the state after each sequence's last real element.
    ``forward(ids (N, T) long, lengths (N,))`` returns logits ``(N, K)``. Sizes are keyword
    arguments."""

    def __init__(self, vocab_size: int, n_classes: int, *, kind: str = "gru", hidden: int = 128,
                 embedding: int = 32, dropout: float = 0.0):
        super().__init__(kind=kind, dropout=dropout, vocab_size=vocab_size, n_classes=n_classes,
                         hidden=hidden, embedding=embedding)
        self.head = nn.Linear(self.config["hidden"], self.config["n_classes"])

    def forward(self, ids: torch.Tensor, lengths) -> torch.Tensor:
        _, state = self.rnn(pack_tokens(self.embed, ids, lengths, self.config["vocab_size"]))
        return self.head(self.drop(final_hidden(state)[-1]))


def class_weights(labels, n_classes: int, power: float = 1.0) -> np.ndarray:
    """Weights ``(K,)`` for a weighted cross-entropy: ``(N / (K n_k)) ** power`` for a class
    with ``n_k`` of the ``N`` training labels. ``power=1`` makes every class weigh the same
    in total ("balanced"); ``0`` gives all weights 1."""
    n_classes = require_positive_int(n_classes, "n_classes")
    labels = as_index_array(labels, "labels", n_classes, (None,))
    if not isinstance(power, numbers.Real):
        raise TypeError(f"power must be a number in [0, 1], got {type(power).__name__}")
    if isinstance(power, bool) or not 0 <= power <= 1:
        raise ValueError(f"power must be a number in [0, 1], got {power!r}")
    counts = np.bincount(labels, minlength=n_classes)
    if np.any(counts == 0):
        raise ValueError(f"classes {np.flatnonzero(counts == 0).tolist()} have no training labels: "
                         "their weight would be infinite")
    return (labels.size / (n_classes * counts)) ** power


def _batch(sequences, index) -> tuple[torch.Tensor, np.ndarray]:
    ids, lengths = pad_sequences([sequences[i] for i in index])
    return torch.from_numpy(ids), lengths


def _check_sequences(sequences, name: str) -> None:
    """``TypeError`` unless ``sequences`` is a list of id sequences, ``ValueError`` if empty."""
    if isinstance(sequences, str | bytes) or not hasattr(sequences, "__len__"):
        raise TypeError(f"{name} must be a list of id sequences, got {type(sequences).__name__}")
    if len(sequences) == 0:
        raise ValueError(f"{name} holds no examples")
    for i, seq in enumerate(sequences):   # named by their place in the whole list, not in a batch
        if isinstance(seq, str | bytes) or not hasattr(seq, "__len__"):
            raise TypeError(f"{name}[{i}] must be a sequence of ids, got {type(seq).__name__}")
        if len(seq) == 0:
            raise ValueError(f"{name}[{i}] is empty: every sequence needs at least one id")


def _check_data(model, sequences, labels, prefix: str = "") -> np.ndarray:
    _check_sequences(sequences, f"{prefix}sequences")
    return as_index_array(labels, f"{prefix}labels", model.config["n_classes"], (len(sequences),))


def predict_proba(model: SequenceClassifier, sequences, batch_size: int = 1024) -> np.ndarray:
    """Class probabilities ``(N, K)`` (softmax of the logits) for ``N`` id sequences."""
    if not isinstance(model, SequenceClassifier):
        raise TypeError(f"model must be a SequenceClassifier, got {type(model).__name__}")
    _check_sequences(sequences, "sequences")
    batch_size = require_positive_int(batch_size, "batch_size")
    out = []
    with evaluating(model):
        for start in range(0, len(sequences), batch_size):
            ids, lengths = _batch(sequences, range(start, min(start + batch_size, len(sequences))))
            out.append(torch.softmax(model(ids, lengths), dim=-1).double().numpy())
    return np.concatenate(out)


def train_classifier(model: SequenceClassifier, sequences, labels, *, val_sequences, val_labels,
                     epochs: int = 10, batch_size: int = 64, lr: float = 3e-3, weights=None,
                     max_norm: float = 1.0, seed: int = 0, progress: bool = True) -> TrainResult:
    """Train ``model`` in place with ``helpers.torch_nets.training.fit`` (Adam, clipping to
    ``max_norm``, a constant step size) on the cross-entropy, weighted per class by
    ``weights`` ``(K,)`` (``class_weights``; ``None``: unweighted), shuffling the ``N``
    training sequences each epoch; after each epoch measure the balanced accuracy on the
    validation sequences (the result's ``val``) and keep the best epoch's weights (early
    stopping chosen on validation data, never on the test part): ``result.best + 1`` is
    that epoch."""
    if not isinstance(model, SequenceClassifier):
        raise TypeError(f"model must be a SequenceClassifier, got {type(model).__name__}")
    n_classes = model.config["n_classes"]
    labels = _check_data(model, sequences, labels)
    val_labels = _check_data(model, val_sequences, val_labels, "val_")
    epochs = require_positive_int(epochs, "epochs")
    batch_size = require_positive_int(batch_size, "batch_size")
    if weights is not None:
        weights = as_float_array(weights, "weights", (n_classes,))
        if np.any(weights <= 0):
            raise ValueError("weights must all be > 0")
        weights = torch.as_tensor(weights, dtype=torch.float32)
    cost, targets = nn.CrossEntropyLoss(weight=weights), torch.from_numpy(labels)

    def batch_loss(index):
        return cost(model(*_batch(sequences, index)), targets[index]), len(index)

    def balanced_accuracy_on_validation(model):
        return balanced_accuracy(val_labels, predict_proba(model, val_sequences).argmax(axis=1), n_classes)

    return fit(model, shuffled_batches(len(sequences), batch_size), batch_loss,
               Budget(epochs=epochs, steps_per_epoch=math.ceil(len(sequences) / batch_size)),
               lr=lr, max_norm=max_norm, schedule="constant", evaluate=balanced_accuracy_on_validation,
               evaluations=epochs, keep_best="max", seed=seed, progress=progress)


def rank_labels(model: SequenceClassifier, vocab: Vocabulary, text: str, label_names, top: int = 5
                ) -> list[tuple[str, float]]:
    """The ``top`` most likely classes for one ``text`` (e.g. a surname someone typed), as
    ``(label name, probability)`` pairs, most likely first. Characters the vocabulary does
    not know become its unknown token (build it with ``unknown=``)."""
    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab must be a helpers.data.text.Vocabulary, got {type(vocab).__name__}")
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if not text.strip():
        raise ValueError(f"text must hold at least one character that is not a space, got {text!r}")
    if isinstance(label_names, str) or not hasattr(label_names, "__len__") or not all(
            isinstance(n, str) for n in label_names):
        raise TypeError(f"label_names must be a list of class names, got {label_names!r}")
    label_names = list(label_names)
    if isinstance(model, SequenceClassifier) and len(label_names) != model.config["n_classes"]:
        raise ValueError(f"label_names must name all {model.config['n_classes']} classes, "
                         f"got {len(label_names)}")
    top = require_positive_int(top, "top")
    probs = predict_proba(model, [vocab.encode(list(text.strip()))])[0]
    order = np.argsort(-probs, kind="stable")[:top]
    return [(label_names[k], float(probs[k])) for k in order]
