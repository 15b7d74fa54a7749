"""Tokenisation, vocabulary, one-hot codes, truncated-BPTT batching and generation."""

import numpy as np
import pytest

from helpers import srn
from helpers.text import (
    Vocabulary,
    bptt_chunks,
    contiguous_streams,
    generate,
    join_words,
    sample_from,
    tokenize_chars,
    tokenize_words,
    word_tokens_from,
)


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


def test_sample_from_greedy_and_sampled():
    probs = np.array([0.1, 0.7, 0.2])
    assert sample_from(probs) == 1
    rng = np.random.default_rng(0)
    draws = [sample_from(probs, rng) for _ in range(2000)]
    assert abs(np.mean(np.array(draws) == 1) - 0.7) < 0.04
    cold = [sample_from(probs, rng, temperature=0.05) for _ in range(50)]
    assert set(cold) == {1}
    with pytest.raises(ValueError, match="summing to 1"):
        sample_from([0.5, 0.6])


def test_generate_feeds_tokens_back():
    # a "model" that always predicts (last token + 1) mod 5
    def step(tok, state):
        probs = np.zeros(5)
        probs[(tok + 1) % 5] = 1.0
        return probs, (state or 0) + 1

    assert generate(step, [3], 4) == [3, 4, 0, 1, 2]
    assert generate(step, [0, 1], 2, rng=np.random.default_rng(0)) == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="at least one"):
        generate(step, [], 3)
    with pytest.raises(ValueError, match="n_new"):
        generate(step, [1], -1)


def test_generate_with_the_srn_matches_greedy_forward():
    rng = np.random.default_rng(3)
    params = srn.init_params(7, 5, 7, rng)
    out = generate(lambda t, h: srn.predict_step(params, t, h), [2, 4], 3)
    cache = srn.forward(params, np.array([out[:-1]]))
    assert out[2:] == cache.probs[0, 1:].argmax(-1).tolist()


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
