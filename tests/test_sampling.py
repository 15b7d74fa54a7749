"""helpers.sampling: temperature, top-k and top-p distributions, seeded sampling from a
character model, and the distinct n-gram fraction."""

import numpy as np
import pytest
import torch

from helpers import char_lm, sampling

LOGITS = np.log(np.array([0.5, 0.25, 0.15, 0.1]))


def test_temperature_one_is_the_softmax_and_others_sharpen_or_flatten():
    np.testing.assert_allclose(sampling.next_char_probs(LOGITS), [0.5, 0.25, 0.15, 0.1])
    cold = sampling.next_char_probs(LOGITS, temperature=0.5)
    hot = sampling.next_char_probs(LOGITS, temperature=2.0)
    np.testing.assert_allclose(
        cold, np.array([0.5, 0.25, 0.15, 0.1]) ** 2 / np.sum(np.array([0.5, 0.25, 0.15, 0.1]) ** 2)
    )
    assert cold[0] > 0.5 > hot[0] and hot[-1] > 0.1
    np.testing.assert_allclose(sampling.next_char_probs(torch.tensor(LOGITS)), [0.5, 0.25, 0.15, 0.1])


def test_top_k_keeps_the_k_most_likely():
    np.testing.assert_allclose(sampling.next_char_probs(LOGITS, top_k=2), [2 / 3, 1 / 3, 0, 0])
    np.testing.assert_allclose(sampling.next_char_probs(LOGITS, top_k=1), [1, 0, 0, 0])
    np.testing.assert_allclose(sampling.next_char_probs(LOGITS, top_k=10), [0.5, 0.25, 0.15, 0.1])


def test_top_p_keeps_the_smallest_set_reaching_p():
    np.testing.assert_allclose(sampling.next_char_probs(LOGITS, top_p=0.75), [2 / 3, 1 / 3, 0, 0])
    np.testing.assert_allclose(
        sampling.next_char_probs(LOGITS, top_p=0.76), [0.5 / 0.9, 0.25 / 0.9, 0.15 / 0.9, 0]
    )
    np.testing.assert_allclose(sampling.next_char_probs(LOGITS, top_p=0.1), [1, 0, 0, 0])
    np.testing.assert_allclose(sampling.next_char_probs(LOGITS, top_p=1.0), [0.5, 0.25, 0.15, 0.1])
    np.testing.assert_allclose(
        sampling.next_char_probs(LOGITS, top_k=3, top_p=0.95), [0.5 / 0.9, 0.25 / 0.9, 0.15 / 0.9, 0]
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"temperature": 0.0}, "temperature must be a number > 0"),
        ({"temperature": -1.0}, "temperature must be a number > 0"),
        ({"temperature": "hot"}, "temperature must be a number > 0"),
        ({"top_k": 0}, "top_k must be an integer >= 1"),
        ({"top_k": 2.5}, "top_k must be an integer >= 1"),
        ({"top_p": 0.0}, r"top_p must be a number in \(0, 1\]"),
        ({"top_p": 1.5}, r"top_p must be a number in \(0, 1\]"),
    ],
)
def test_bad_options_get_clear_errors(options, message):
    with pytest.raises(ValueError, match=message):
        sampling.next_char_probs(LOGITS, **options)


@pytest.fixture(scope="module")
def model_and_vocab():
    text = "abcabcabcabd\n" * 50
    vocab = char_lm.char_vocabulary(text)
    torch.manual_seed(0)
    model = char_lm.CharLM(len(vocab), "gru", hidden=16)
    char_lm.train(
        model,
        vocab.encode(list(text)),
        n_streams=2,
        seq_len=16,
        max_epochs=20,
        max_seconds=None,
        lr=1e-2,
        progress=False,
    )
    return model, vocab


def test_sampling_is_seeded_and_learned(model_and_vocab):
    model, vocab = model_and_vocab
    first = sampling.sample(model, vocab, "abc", 30, seed=1)
    assert first == sampling.sample(model, vocab, "abc", 30, seed=1)
    assert len(first) == 30 and set(first) <= set(vocab.tokens)
    assert sampling.sample(model, vocab, "ab", 1, greedy=True) == "c"
    greedy = sampling.sample(model, vocab, "abc", 12, greedy=True)
    assert greedy in "abcabcabcabd\n" * 3                        # it continues the training pattern
    assert model.training  # sampling leaves the mode as it was


def test_top_k_one_is_greedy(model_and_vocab):
    model, vocab = model_and_vocab
    assert sampling.sample(model, vocab, "a", 20, top_k=1, seed=3) == sampling.sample(
        model, vocab, "a", 20, greedy=True
    )


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (("",), {}, ValueError, "prompt must be a non-empty str"),
        (("xyz",), {}, ValueError, r"outside the vocabulary: \['x', 'y', 'z'\]"),
        (("ab",), {"temperature": 0}, ValueError, "temperature must be"),
        (("ab",), {"top_k": 0}, ValueError, "top_k must be"),
        (("ab",), {"top_p": 2.0}, ValueError, "top_p must be"),
        (("ab",), {"greedy": "yes"}, TypeError, "greedy must be True or False"),
    ],
)
def test_sample_rejects_bad_arguments(model_and_vocab, args, kwargs, error, message):
    model, vocab = model_and_vocab
    with pytest.raises(error, match=message):
        sampling.sample(model, vocab, *args, 5, **kwargs)


def test_distinct_ngram_fraction():
    assert sampling.distinct_ngram_fraction("aaaaaa", 2) == 0.2
    assert sampling.distinct_ngram_fraction("abcdef", 3) == 1.0
    with pytest.raises(ValueError, match="has no 4-grams"):
        sampling.distinct_ngram_fraction("abc", 4)
