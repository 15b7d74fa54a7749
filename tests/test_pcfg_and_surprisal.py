"""The grammar lists its sentences exactly, and surprisal is read off a model correctly."""

import math

import numpy as np
import pytest
import torch

from helpers.data import pcfg
from helpers.data.text import Vocabulary
from helpers.torch_nets import char_lm, surprisal

TINY = {
    "S": [(0.75, ["the", "N", "V"]), (0.25, ["a", "N", "V"])],
    "N": [(0.5, ["cat"]), (0.5, ["dog"])],
    "V": [(0.8, ["sat"]), (0.2, ["ran", "off"])],
}


def test_sentence_distribution_is_exact():
    dist = pcfg.sentence_distribution(TINY)
    assert len(dist) == 8 and sum(dist.values()) == pytest.approx(1.0)
    assert dist[("the", "cat", "ran", "off")] == pytest.approx(0.75 * 0.5 * 0.2)


def test_rules_that_make_the_same_sentence_add_up():
    grammar = {"S": [(0.5, ["A"]), (0.5, ["B"])], "A": [(1.0, ["x"])], "B": [(1.0, ["x"])]}
    assert pcfg.sentence_distribution(grammar) == {("x",): 1.0}


def test_exact_surprisal_by_hand():
    dist = pcfg.sentence_distribution(TINY)
    bits = pcfg.exact_surprisal(dist, ["the", "dog", "ran", "off"])
    assert bits == pytest.approx([-math.log2(0.75), 1.0, -math.log2(0.2), 0.0])
    with pytest.raises(ValueError, match="never continues 'the' with 'sat'"):
        pcfg.exact_surprisal(dist, ["the", "sat"])


def test_samples_follow_the_distribution():
    dist = pcfg.sentence_distribution(TINY)
    sample = pcfg.sample_sentences(dist, 20000, np.random.default_rng(0))
    assert np.mean([s[0] == "the" for s in sample]) == pytest.approx(0.75, abs=0.015)


@pytest.mark.parametrize(
    "grammar, message",
    [
        ({"S": [(0.5, ["x"])]}, "add up to 0.5"),
        ({"S": [(1.0, ["S", "x"])]}, "recursive"),
        ({"S": [(1.0, [])]}, "non-empty list of symbols"),
        ({"S": [(1.5, ["x"])]}, r"in \(0, 1\]"),
        ({"T": [(1.0, ["x"])]}, "start symbol 'S'"),
        ({"S": []}, "non-empty list"),
    ],
)
def test_malformed_grammars_are_named(grammar, message):
    with pytest.raises((ValueError, TypeError), match=message):
        pcfg.sentence_distribution(grammar)


def test_model_surprisal_matches_step_by_step_probabilities():
    vocab = Vocabulary([".", "the", "cat", "sat"])
    torch.manual_seed(0)
    model = char_lm.CharLM(len(vocab), kind="lstm", hidden=8, embedding=4).eval()
    words = ["the", "cat", "sat", "."]
    bits = surprisal.model_surprisal(model, vocab, words)
    state, expected = None, []
    previous = "."
    with torch.no_grad():
        for word in words:
            logits, state = model(torch.tensor([[vocab.index[previous]]]), state)
            expected.append(-math.log2(torch.softmax(logits[0, -1].double(), -1)[vocab.index[word]].item()))
            previous = word
    assert bits == pytest.approx(expected, rel=1e-5)
    top = surprisal.expected_words(model, vocab, words, top=2)
    assert len(top) == 4 and all(a[1] >= b[1] for a, b in top)
    with pytest.raises(KeyError, match="'dog' is not in the model's vocabulary"):
        surprisal.model_surprisal(model, vocab, ["the", "dog"])


def test_a_grammar_too_large_to_list_is_refused_before_it_fills_the_memory():
    ten = [(0.1, [f"w{i}"]) for i in range(10)]
    with pytest.raises(ValueError, match="more than max_sentences=1,000,000 sentences from 'S'"):
        pcfg.sentence_distribution({"S": [(1.0, ["A"] * 8)], "A": ten})
    assert len(pcfg.sentence_distribution({"S": [(1.0, ["A"] * 3)], "A": ten}, max_sentences=1000)) == 1000


AMBIGUOUS = {
    "S": [(0.5, ["A", "X", "END"]), (0.5, ["A", "Y"])],
    "A": [(1.0, ["w"])], "X": [(1.0, ["x"])], "Y": [(1.0, ["y"])], "END": [(1.0, ["."])],
}


def test_tag_words_and_the_tagging_ceiling():
    """'w' is tagged A either way; with A split into two tags that only the next word decides,
    a left-to-right tagger can get half right and a whole-sentence tagger all."""
    tagged = pcfg.sentence_distribution(pcfg.tag_words(AMBIGUOUS, ["A", "X", "Y", "END"]))
    assert tagged == {("w/A", "x/X", "./END"): 0.5, ("w/A", "y/Y"): 0.5}
    assert pcfg.split_tags(("w/A", "y/Y")) == (("w", "y"), ("A", "Y"))
    split = {**AMBIGUOUS, "S": [(0.3, ["A", "X", "END"]), (0.7, ["B", "Y"])], "B": [(1.0, ["w"])]}
    dist = pcfg.sentence_distribution(pcfg.tag_words(split, ["A", "B", "X", "Y", "END"]))
    assert pcfg.tagging_ceiling(dist, "w", "left") == pytest.approx(0.7)
    assert pcfg.tagging_ceiling(dist, "w", "both") == pytest.approx(1.0)
    assert pcfg.tagging_ceiling(dist, "x", "left") == pytest.approx(1.0)
    with pytest.raises(ValueError, match="never occurs"):
        pcfg.tagging_ceiling(dist, "zebra")
