"""The many-to-one classifier: packing ignores padding, class weights, training, ranking."""

import numpy as np
import pytest
import torch
from sklearn.utils.class_weight import compute_class_weight

from helpers.data.batching import pad_sequences
from helpers.data.text import Vocabulary
from helpers.torch_nets.sequence_classifier import (
    SequenceClassifier,
    class_weights,
    predict_proba,
    rank_labels,
    train_classifier,
)


@pytest.mark.parametrize("kind", ["srn", "gru", "lstm"])
def test_padding_does_not_change_the_logits(kind):
    torch.manual_seed(0)
    model = SequenceClassifier(10, 3, kind=kind, hidden=8, embedding=4).eval()
    sequences = [[1, 2, 3, 4], [5], [6, 7]]
    ids, lengths = pad_sequences(sequences, pad_id=9)
    batch = model(torch.from_numpy(ids), lengths)
    for b, seq in enumerate(sequences):
        alone = model(torch.tensor([seq]), [len(seq)])
        assert torch.allclose(batch[b], alone[0], atol=1e-6)


def test_class_weights_match_sklearn_balanced():
    labels = np.array([0] * 50 + [1] * 30 + [2] * 20)
    expected = compute_class_weight("balanced", classes=np.arange(3), y=labels)
    assert np.allclose(class_weights(labels, 3), expected)
    assert np.allclose(class_weights(labels, 3, power=0), 1.0)
    assert np.allclose((class_weights(labels, 3) * np.bincount(labels)), len(labels) / 3)
    with pytest.raises(ValueError, match=r"classes \[3\] have no training labels"):
        class_weights(labels, 4)


def toy_data(n, rng):
    """Class = which of the symbols 1, 2, 3 occurs in a sequence of 4s; lengths 2 to 9."""
    sequences, labels = [], []
    for _ in range(n):
        label = int(rng.integers(3))
        seq = [4] * int(rng.integers(2, 10))
        seq[int(rng.integers(len(seq)))] = label + 1
        sequences.append(seq)
        labels.append(label)
    return sequences, np.array(labels)


def test_training_learns_a_toy_task_and_keeps_the_best_epoch():
    rng = np.random.default_rng(0)
    train, val = toy_data(600, rng), toy_data(200, rng)
    torch.manual_seed(0)
    model = SequenceClassifier(5, 3, hidden=16, embedding=8)
    history = train_classifier(model, *train, val_sequences=val[0], val_labels=val[1], epochs=8, lr=0.01)
    assert max(history.val) == history.val[history.best]
    predicted = predict_proba(model, val[0]).argmax(axis=1)
    assert np.mean(predicted == val[1]) == pytest.approx(max(history.val), abs=0.05)
    assert np.mean(predicted == val[1]) > 0.9


def test_rank_labels_sorts_and_sums_to_one():
    vocab = Vocabulary(list("abc"), unknown="<unk>")
    torch.manual_seed(0)
    model = SequenceClassifier(len(vocab), 4, hidden=8)
    ranking = rank_labels(model, vocab, "abz", ["w", "x", "y", "z"], top=4)  # 'z' is unknown
    probs = [p for _, p in ranking]
    assert sorted(probs, reverse=True) == probs and sum(probs) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="label_names"):
        rank_labels(model, vocab, "ab", ["w"])
    with pytest.raises(ValueError, match="text must hold at least one character"):
        rank_labels(model, vocab, "  ", ["w", "x", "y", "z"])


def test_forward_names_bad_lengths():
    model = SequenceClassifier(5, 2, hidden=4)
    with pytest.raises(ValueError, match="lengths"):
        model(torch.zeros(2, 3, dtype=torch.long), [3, 0])
    with pytest.raises(ValueError, match="lengths"):
        model(torch.zeros(2, 3, dtype=torch.long), [3, 4])


def test_ranking_readout_draws_one_bar_per_label():
    from helpers.notebook.widgets import label_ranker, ranking_readout

    lines = ranking_readout([("Japanese", 0.9), ("Czech", 0.1)]).splitlines()
    assert lines[0].startswith("Japanese") and lines[0].count("#") == 18 and lines[1].count("#") == 2
    widget = label_ranker(lambda name: [(name.upper(), 1.0)], "abe")
    assert "ABE" in widget.children[1].value
    widget.children[0].value = "<b>"
    assert "&lt;B&gt;" in widget.children[1].value  # what the learner types is escaped
