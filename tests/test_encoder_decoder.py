"""The encoder–decoder and beam search (notebook 09): padding never matters, teacher forcing
shifts the target, a beam of one is greedy, a wide beam finds the most probable output,
and a short training run learns to copy."""

import itertools

import numpy as np
import pytest
import torch

from helpers.torch_nets import encoder_decoder as ed
from helpers.torch_nets.beam_search import beam_search

PAIRS = [("abc", "cba"), ("ba", "ab"), ("cab", "bac"), ("a", "a")]


def model(attention="additive", seed=0, **sizes):
    source, target = ed.vocabularies(PAIRS)
    torch.manual_seed(seed)
    sizes = {"hidden": 4, "embedding": 3, "n_attention": 5, **sizes}
    return ed.EncoderDecoder(len(source), len(target), **sizes, attention=attention)


def test_vocabularies_and_encoding():
    source, target = ed.vocabularies(PAIRS)
    assert source.tokens[:3] == list(ed.SPECIALS) == target.tokens[:3]
    sources, targets = ed.encode_pairs(PAIRS, source, target)
    assert [len(s) for s in sources] == [3, 2, 3, 1]
    assert all(t[-1] == ed.EOS for t in targets) and target.decode(targets[0][:-1]) == list("cba")


def test_teacher_batch_shifts_the_target_right():
    source, target = ed.vocabularies(PAIRS)
    sources, targets = ed.encode_pairs(PAIRS, source, target)
    ids, lengths, previous, gold = ed.teacher_batch(sources, targets, [1, 3])
    assert ids.shape == (2, 2) and lengths.tolist() == [2, 1]
    assert previous[:, 0].tolist() == [ed.BOS, ed.BOS]
    assert previous[0, 1:].tolist() == gold[0, :-1].tolist()
    assert gold[1].tolist() == [targets[3][0], ed.EOS, ed.PAD]
    assert ed.EOS not in previous.tolist()[1]


@pytest.mark.parametrize("attention", [None, "additive", "dot"])
def test_padding_changes_nothing(attention):
    """A source decoded alone and beside a longer one gives the same logits."""
    net = model(attention, hidden=3, embedding=2).eval()
    short, long_ = np.array([3, 4]), np.array([5, 3, 4, 4, 3])
    previous = torch.tensor([[ed.BOS, 3, 4]])
    alone = net(torch.from_numpy(short[None]), np.array([2]), previous)
    ids = torch.tensor([[3, 4, 0, 0, 0], long_.tolist()])
    together = net(ids, np.array([2, 5]), previous.repeat(2, 1))
    assert torch.allclose(alone[0], together[0], atol=1e-6)
    encoded = net.encode(ids, np.array([2, 5]))
    _, _, weights = net.decode(previous.repeat(2, 1), encoded.state, encoded)
    if attention is not None:
        assert torch.all(weights[0, :, 2:] == 0) and torch.allclose(weights.sum(-1), torch.ones(2, 3))


def test_a_beam_of_one_is_greedy_decoding():
    net = model(seed=3)
    sources = [np.array([3, 4, 5]), np.array([4]), np.array([5, 5, 3, 4])]
    greedy = ed.greedy_decode(net, sources, max_len=6)
    beams = beam_search(net, sources, beam_width=1, max_len=6)
    assert all(np.array_equal(g, b) for g, (b, _) in zip(greedy, beams, strict=True))


def sequence_log_prob(net, source, tokens, finished=True):
    """log P(tokens, then EOS if finished | source)."""
    previous = torch.tensor([[ed.BOS, *tokens]])
    with torch.no_grad():
        logits = net(torch.tensor([source]), np.array([len(source)]), previous)
        logp = torch.log_softmax(logits.double(), -1)[0]
    return float(sum(logp[t, tok] for t, tok in enumerate([*tokens, ed.EOS] if finished else tokens)))


@pytest.mark.parametrize("length_penalty", [0.0, 1.0])
def test_a_wide_beam_finds_the_best_output_by_brute_force(length_penalty):
    """With more beams than outputs of up to 3 tokens, beam search is exhaustive: it returns
    the best of every output that ends within 3 steps (scored with its end token) and every
    3-token output cut off there (scored without)."""
    net = model("dot", seed=1, hidden=2).eval()
    source = [3, 4, 5]
    tokens = [t for t in range(len(ed.vocabularies(PAIRS)[1])) if t != ed.EOS]
    scored = {(c, True): sequence_log_prob(net, source, c)
              for n in range(3) for c in itertools.product(tokens, repeat=n)}
    scored.update({(c, False): sequence_log_prob(net, source, c, finished=False)
                   for c in itertools.product(tokens, repeat=3)})
    best = max(scored, key=lambda c: scored[c] / (len(c[0]) + c[1]) ** length_penalty)
    found, log_prob = beam_search(net, [np.array(source)], beam_width=200, max_len=3,
                                  length_penalty=length_penalty)[0]
    assert tuple(found.tolist()) == best[0]
    assert log_prob == pytest.approx(scored[best], abs=1e-5)


def test_a_short_training_run_learns_to_reverse():
    rng = np.random.default_rng(0)
    pairs = []
    for _ in range(600):
        s = "".join(rng.choice(list("abcd"), size=rng.integers(2, 5)))
        pairs.append((s, s[::-1]))
    source, target = ed.vocabularies(pairs)
    sources, targets = ed.encode_pairs(pairs, source, target)
    torch.manual_seed(0)
    net = ed.EncoderDecoder(len(source), len(target), hidden=16, embedding=8, attention="dot")
    before = ed.exact_match(ed.greedy_decode(net, sources[:100], max_len=8), targets[:100])
    result = ed.train_encoder_decoder(net, sources, targets, steps=250, val_sources=sources[:100],
                                      val_targets=targets[:100], lr=1e-2, progress=False)
    after = ed.exact_match(ed.greedy_decode(net, sources[:100], max_len=8), targets[:100])
    assert before < 0.2 and after >= 0.9, (before, after)
    assert result.best is not None and max(result.val) == pytest.approx(after)
    forced = ed.teacher_forced_predictions(net, sources[:100], targets[:100])
    assert np.mean([np.array_equal(p, t) for p, t in zip(forced, targets[:100], strict=True)]) >= after - 0.05


def test_exact_match_ignores_the_end_token():
    outputs, targets = [np.array([4, 5]), np.array([4])], [np.array([4, 5, ed.EOS]), np.array([5, ed.EOS])]
    assert ed.exact_match(outputs, targets) == 0.5
