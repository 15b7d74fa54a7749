"""Tokenisation, vocabulary, one-hot codes and truncated-BPTT batching."""

import numpy as np
import pytest

from helpers.data.text import (
    Vocabulary,
    bptt_chunks,
    contiguous_streams,
    join_words,
    tokenize_chars,
    tokenize_words,
    word_tokens_from,
)
from helpers.numpy_nets import srn


def test_tokenize_words_splits_punctuation_and_keeps_case():
    assert tokenize_words("It is, sir. _Very_ well!") == [
        "It", "is", ",", "sir", ".", "Very", "well", "!"]
    assert tokenize_words("don't") == ["don", "'", "t"]
    assert tokenize_chars("ab c") == ["a", "b", " ", "c"]
    with pytest.raises(TypeError, match="str"):
        tokenize_words(["a"])


def test_join_words_inverts_tokenisation_of_plain_sentences():
    text = "It is a truth, universally acknowledged (by all)."
    assert join_words(tokenize_words(text)) == text


def test_vocabulary_encode_decode_round_trip():
    tokens = tokenize_words("the cat saw the dog .")
    vocab = Vocabulary(tokens)
    assert len(vocab) == 5 and vocab.tokens[:2] == ["the", "cat"]
    ids = vocab.encode(tokens)
    assert ids.dtype == np.int64 and ids.tolist() == [0, 1, 2, 0, 3, 4]
    assert vocab.decode(ids) == tokens
    assert "dog" in vocab and "cow" not in vocab


def test_unknown_token_policy():
    strict = Vocabulary(["a", "b"])
    with pytest.raises(KeyError, match="'c' .*position 1.* not in the vocabulary"):
        strict.encode(["a", "c"])
    lenient = Vocabulary(["a", "b", "b"], min_count=2, unknown="<unk>")
    assert lenient.tokens == ["<unk>", "b"]
    assert lenient.encode(["a", "b", "zzz"]).tolist() == [0, 1, 0]
    with pytest.raises(ValueError, match=r"ids must hold values in \[0, 2\), found 2"):
        lenient.decode([2])
    with pytest.raises(TypeError, match="list of tokens"):
        lenient.encode("ab")


def test_contiguous_streams_and_chunks_cover_the_text_in_order():
    ids = np.arange(23)
    x, y = contiguous_streams(ids, 3)
    assert x.shape == (3, 7)
    np.testing.assert_array_equal(y, x + 1)
    np.testing.assert_array_equal(x[1], np.arange(7, 14))
    chunks = list(bptt_chunks(x, y, 3))
    assert [c[0].shape for c in chunks] == [(3, 3), (3, 3), (3, 1)]
    np.testing.assert_array_equal(np.concatenate([c[0] for c in chunks], axis=1), x)
    with pytest.raises(ValueError, match="too few"):
        contiguous_streams(np.arange(3), 3)
    with pytest.raises(ValueError, match="one shape"):
        next(bptt_chunks(x, y[:, :-1], 2))


def test_carried_state_over_chunks_equals_one_long_forward_pass():
    rng = np.random.default_rng(0)
    params = srn.init_params(10, 6, 10, rng)
    x, _ = contiguous_streams(rng.integers(0, 10, 41), 4)
    whole = srn.forward(params, x)
    h = None
    states = []
    for xb, _ in bptt_chunks(x, x, 3):
        cache = srn.forward(params, xb, h)
        h = cache.h_last
        states.append(cache.hidden)
    np.testing.assert_allclose(np.concatenate(states, axis=1), whole.hidden, atol=1e-14)


def test_word_tokens_from_skips_to_the_start_and_counts_tokens():
    text = "PREFACE. Ignore me.\nIt is a truth, sir. More words follow here."
    assert word_tokens_from(text, "It is", 6) == ["It", "is", "a", "truth", ",", "sir"]
    with pytest.raises(ValueError, match="'Once upon' does not occur"):
        word_tokens_from(text, "Once upon", 3)
    with pytest.raises(ValueError, match="only 12 tokens after 'It is', fewer than n_tokens=50"):
        word_tokens_from(text, "It is", 50)
    with pytest.raises(TypeError, match="must be str"):
        word_tokens_from(b"It is", "It is", 2)
    with pytest.raises(ValueError, match="n_tokens must be a positive integer"):
        word_tokens_from(text, "It is", 0)
