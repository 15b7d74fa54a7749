"""helpers.numpy_nets.generation: the next token's distribution (temperature, top-k,
top-p), choosing a token, and the generation loop that feeds tokens back."""

import numpy as np
import pytest

from helpers.numpy_nets import srn
from helpers.numpy_nets.activations import softmax
from helpers.numpy_nets.generation import choose, generate, next_token_probs

LOGITS = np.log(np.array([0.5, 0.25, 0.15, 0.1]))


def test_the_temperature_softmax_is_the_softmax_of_scaled_logits():
    np.testing.assert_allclose(softmax(LOGITS, temperature=0.5), softmax(2 * LOGITS))
    assert softmax(LOGITS, temperature=1.0).tolist() == softmax(LOGITS).tolist()
    with pytest.raises(ValueError, match="too small"):
        softmax([1000.0, 0.0], temperature=1e-306)


def test_temperature_one_is_the_softmax_and_others_sharpen_or_flatten():
    np.testing.assert_allclose(next_token_probs(LOGITS), [0.5, 0.25, 0.15, 0.1])
    cold = next_token_probs(LOGITS, temperature=0.5)
    hot = next_token_probs(LOGITS, temperature=2.0)
    np.testing.assert_allclose(
        cold, np.array([0.5, 0.25, 0.15, 0.1]) ** 2 / np.sum(np.array([0.5, 0.25, 0.15, 0.1]) ** 2)
    )
    assert cold[0] > 0.5 > hot[0] and hot[-1] > 0.1
    np.testing.assert_allclose(next_token_probs(LOGITS.astype(np.float32)), [0.5, 0.25, 0.15, 0.1], rtol=1e-6)


def test_top_k_keeps_the_k_most_likely():
    np.testing.assert_allclose(next_token_probs(LOGITS, top_k=2), [2 / 3, 1 / 3, 0, 0])
    np.testing.assert_allclose(next_token_probs(LOGITS, top_k=1), [1, 0, 0, 0])
    np.testing.assert_allclose(next_token_probs(LOGITS, top_k=10), [0.5, 0.25, 0.15, 0.1])


def test_top_p_keeps_the_smallest_set_reaching_p():
    np.testing.assert_allclose(next_token_probs(LOGITS, top_p=0.75), [2 / 3, 1 / 3, 0, 0])
    np.testing.assert_allclose(
        next_token_probs(LOGITS, top_p=0.76), [0.5 / 0.9, 0.25 / 0.9, 0.15 / 0.9, 0]
    )
    np.testing.assert_allclose(next_token_probs(LOGITS, top_p=0.1), [1, 0, 0, 0])
    np.testing.assert_allclose(next_token_probs(LOGITS, top_p=1.0), [0.5, 0.25, 0.15, 0.1])
    np.testing.assert_allclose(
        next_token_probs(LOGITS, top_k=3, top_p=0.95), [0.5 / 0.9, 0.25 / 0.9, 0.15 / 0.9, 0]
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"temperature": 0.0}, "temperature must be a positive finite number"),
        ({"temperature": -1.0}, "temperature must be a positive finite number"),
        ({"top_k": 0}, "top_k must be a positive integer"),
        ({"top_k": 2.5}, "top_k must be a positive integer"),
        ({"top_p": 0.0}, "top_p must be a positive finite number"),
        ({"top_p": 1.5}, r"top_p must be a number in \(0, 1\]"),
    ],
)
def test_bad_options_get_clear_errors(options, message):
    with pytest.raises(ValueError, match=message):
        next_token_probs(LOGITS, **options)
    with pytest.raises(TypeError, match="temperature must be a positive number, got a str"):
        next_token_probs(LOGITS, temperature="hot")


def test_choose_is_greedy_without_a_generator_and_draws_with_one():
    probs = np.array([0.1, 0.7, 0.2])
    assert choose(probs) == 1
    rng = np.random.default_rng(0)
    draws = [choose(probs, rng) for _ in range(2000)]
    assert abs(np.mean(np.array(draws) == 1) - 0.7) < 0.04
    with pytest.raises(ValueError, match="summing to 1"):
        choose([0.5, 0.6])


def test_a_cold_temperature_makes_generation_greedy_and_top_k_one_too():
    def step(tok, state):
        return np.array([0.1, 0.7, 0.2]), state

    rng = np.random.default_rng(0)
    assert generate(step, [0], 50, rng=rng, temperature=0.05)[1:] == [1] * 50
    assert generate(step, [0], 50, rng=rng, top_k=1)[1:] == [1] * 50
    assert set(generate(step, [0], 200, rng=rng, top_k=2)[1:]) == {1, 2}


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
