"""helpers.torch_nets.sampling: seeded sampling from a character model, and the distinct
n-gram fraction (the distributions it samples from: tests/test_generation.py)."""

import pytest
import torch

from helpers.torch_nets import char_lm, sampling


@pytest.fixture(scope="module")
def model_and_vocab():
    text = "abcabcabcabd\n" * 50
    vocab = char_lm.char_vocabulary(text)
    torch.manual_seed(0)
    model = char_lm.CharLM(len(vocab), kind="gru", hidden=16)
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
        (("",), {}, ValueError, "prompt must not be empty"),
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
