"""Attention (helpers.numpy_nets.attention): centred differences, torch parity in float64,
the mask, and a gradient check that must fail when the backward pass is wrong."""

import numpy as np
import pytest
import torch

from helpers.numpy_nets import attention
from helpers.numpy_nets.gradcheck import gradient_errors, relative_error
from helpers.torch_nets.attention import Attention


def problem(kind, seed, lengths=(6, 3, 1), width=5, n_attention=4, n_query=None):
    rng = np.random.default_rng(seed)
    n_query = width if kind == "dot" else (n_query or 3)
    params = attention.init_params(kind, n_query, width, n_attention, rng)
    keys = rng.normal(size=(len(lengths), max(lengths), width))
    query = rng.normal(size=(len(lengths), n_query))
    mask = np.arange(max(lengths))[None, :] < np.array(lengths)[:, None]
    projection = rng.normal(size=(len(lengths), width))
    return params, query, keys, mask, projection


def cost(params, query, keys, mask, projection, kind):
    return float(np.sum(projection * attention.forward(params, query, keys, mask, kind)[0]))


@pytest.mark.parametrize("kind", attention.KINDS)
@pytest.mark.parametrize("seed", range(3))
def test_backward_matches_centred_differences(kind, seed):
    params, query, keys, mask, projection = problem(kind, seed)
    _, cache = attention.forward(params, query, keys, mask, kind)
    grads = attention.backward(params, cache, projection)
    errors = gradient_errors(lambda: cost(params, query, keys, mask, projection, kind),
                             {**params, "query": query, "keys": keys}, grads)
    assert set(errors) == set(params) | {"query", "keys"}
    assert max(errors.values()) <= 1e-7, errors


def test_a_wrong_backward_fails_the_check():
    params, query, keys, mask, projection = problem("additive", 0)
    _, cache = attention.forward(params, query, keys, mask, "additive")
    grads = attention.backward(params, cache, projection)
    grads["U"] = grads["U"] * 1.01
    errors = gradient_errors(lambda: cost(params, query, keys, mask, projection, "additive"),
                             {"U": params["U"]}, {"U": grads["U"]})
    assert errors["U"] > 1e-4


def torch_twin(kind, params, width, n_query, n_attention):
    module = Attention(kind, n_query=n_query, n_keys=width, n_attention=n_attention).double()
    if kind == "additive":
        with torch.no_grad():
            module.query_proj.weight.copy_(torch.from_numpy(params["W"]))
            module.key_proj.weight.copy_(torch.from_numpy(params["U"]))
            module.score.weight.copy_(torch.from_numpy(params["v"])[None])
    return module


@pytest.mark.parametrize("kind", attention.KINDS)
def test_numpy_matches_torch_autograd_in_float64(kind):
    params, query, keys, mask, projection = problem(kind, 7)
    context, cache = attention.forward(params, query, keys, mask, kind)
    grads = attention.backward(params, cache, projection)
    module = torch_twin(kind, params, keys.shape[2], query.shape[1], 4)
    q, k = torch.tensor(query, requires_grad=True), torch.tensor(keys, requires_grad=True)
    c, weights = module(q[:, None, :], k, torch.from_numpy(mask))
    (c[:, 0] * torch.from_numpy(projection)).sum().backward()
    assert relative_error(context, c[:, 0].detach().numpy()) <= 1e-12
    assert relative_error(cache.weights, weights[:, 0].detach().numpy()) <= 1e-12
    pairs = {"query": q.grad, "keys": k.grad}
    if kind == "additive":
        pairs.update(W=module.query_proj.weight.grad, U=module.key_proj.weight.grad,
                     v=module.score.weight.grad[0])
    for name, grad in pairs.items():
        assert relative_error(grads[name], grad.numpy()) <= 1e-10, name


def test_padding_gets_exactly_zero_weight_and_no_gradient():
    params, query, keys, mask, projection = problem("additive", 1)
    _, cache = attention.forward(params, query, keys, mask, "additive")
    assert np.all(cache.weights[~mask] == 0)
    assert np.allclose(cache.weights.sum(axis=1), 1)
    grads = attention.backward(params, cache, projection)
    assert np.all(grads["keys"][~mask] == 0)
    changed = keys.copy()
    changed[~mask] = 1e6
    assert np.allclose(attention.forward(params, query, changed, mask, "additive")[0],
                       attention.forward(params, query, keys, mask, "additive")[0])


def test_masked_softmax_is_stable_and_exact():
    weights = attention.masked_softmax(np.array([[1000.0, 1000.0, -5.0]]), np.array([[True, True, False]]))
    assert weights.tolist() == [[0.5, 0.5, 0.0]]
    with pytest.raises(ValueError, match="no True entry"):
        attention.masked_softmax(np.zeros((2, 3)), np.array([[True, False, False], [False, False, False]]))


def test_dot_attention_weighs_the_most_similar_key_most():
    keys = np.eye(4)[None] * 5.0
    _, cache = attention.forward({}, np.array([[0.0, 0.0, 1.0, 0.0]]), keys, kind="dot")
    assert cache.weights.argmax() == 2 and cache.weights.max() > 0.9
