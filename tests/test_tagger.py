"""The tagger (notebook 09): left to right it cannot see later words, both ways it can,
padding changes nothing, and it learns a tag that only the next word decides."""

import numpy as np
import torch

from helpers.torch_nets.tagger import Tagger, tag_probabilities, train_tagger


def test_a_left_to_right_tagger_does_not_see_later_words():
    torch.manual_seed(0)
    for both_ways, same in ((False, True), (True, False)):
        tagger = Tagger(6, 3, hidden=4, embedding=3, bidirectional=both_ways)
        a, b = tag_probabilities(tagger, [np.array([1, 2, 3]), np.array([1, 2, 5])])
        assert np.allclose(a[:2], b[:2]) == same


def test_padding_changes_nothing():
    torch.manual_seed(1)
    tagger = Tagger(6, 3, hidden=4, embedding=3)
    alone = tag_probabilities(tagger, [np.array([1, 2])])[0]
    beside = tag_probabilities(tagger, [np.array([1, 2]), np.array([3, 4, 5, 1])])[0]
    assert np.allclose(alone, beside, atol=1e-6) and alone.shape == (2, 3)


def test_it_learns_a_tag_decided_by_the_next_word():
    """Word 1 is tagged 1 when word 2 follows and 2 when word 3 does: only reading both ways can learn it."""
    rng = np.random.default_rng(0)
    sentences = [np.array([1, rng.choice([2, 3])]) for _ in range(400)]
    tags = [np.array([1 if s[1] == 2 else 2, 0]) for s in sentences]
    accuracy = {}
    for both_ways in (False, True):
        torch.manual_seed(0)
        tagger = Tagger(4, 3, hidden=8, embedding=4, bidirectional=both_ways)
        train_tagger(tagger, sentences, tags, epochs=15, progress=False)
        probs = tag_probabilities(tagger, sentences)
        accuracy[both_ways] = np.mean([p[0].argmax() == t[0] for p, t in zip(probs, tags, strict=True)])
    assert accuracy[True] == 1.0 and accuracy[False] < 0.65, accuracy
