"""A long-range memory task for notebooks 05 and 06, and the loop that trains any of the
numpy recurrent networks (``srn``, ``lstm``, ``gru`` of ``helpers.numpy_nets``) on it.

**Remember the first symbol.** Each step's input is a vector of ``n_symbols + 1`` numbers.
Step 0 holds the symbol to remember, one-hot on the first ``n_symbols`` channels; the next
``lag`` steps hold distractors, Gaussian noise (standard deviation ``noise``) on those same
channels; the last step raises the query flag, the extra channel. At the query the network
must name the first symbol. Only that step has a target (the others are ``-1``), so the
whole learning signal has to travel ``lag + 1`` steps back, and because the noise arrives
on the symbol's own channels a network cannot just ignore a channel: it has to stop
listening once the symbol is stored. Chance is ``1 / n_symbols``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from helpers.numpy_nets import optim, recurrent
from helpers.numpy_nets.recurrent import IGNORE
from helpers.validation import (
    as_float_array,
    as_index_array,
    require_callable,
    require_generator,
    require_int_in,
    require_positive_int,
)


class TaskBatch(NamedTuple):
    """``inputs`` ``(N, lag + 2, n_symbols + 1)`` vectors, ``targets`` ``(N, lag + 2)``
    (``-1`` except at the query), ``answers`` ``(N,)`` the first symbols."""

    inputs: np.ndarray
    targets: np.ndarray
    answers: np.ndarray


def input_size(n_symbols: int = 4) -> int:
    """Length of each input vector: the symbol channels and the query flag."""
    return require_positive_int(n_symbols, "n_symbols") + 1


def first_symbol_batch(n_sequences: int, lag: int, rng: np.random.Generator, n_symbols: int = 4,
                       noise: float = 2.0) -> TaskBatch:
    """``n_sequences`` fresh sequences of the task with ``lag`` distractor steps (``lag >= 0``)."""
    n = require_positive_int(n_sequences, "n_sequences")
    lag = require_int_in(lag, "lag", 0)
    require_generator(rng)
    m = input_size(n_symbols)
    noise = float(as_float_array(noise, "noise", ()))
    if not noise >= 0:
        raise ValueError(f"noise must be a non-negative standard deviation, got {noise}")
    answers = rng.integers(0, n_symbols, n)
    inputs = np.zeros((n, lag + 2, m))
    inputs[np.arange(n), 0, answers] = 1.0
    inputs[:, 1:-1, :n_symbols] = rng.normal(0.0, noise, (n, lag, n_symbols))
    inputs[:, -1, n_symbols] = 1.0
    targets = np.full((n, lag + 2), IGNORE, dtype=np.int64)
    targets[:, -1] = answers
    return TaskBatch(inputs, targets, answers)


def query_accuracy(probs, answers) -> float:
    """Fraction of sequences whose most probable output at the last step (the query) is the
    right symbol; ``probs`` ``(N, T, K)``, ``answers`` ``(N,)``."""
    probs = np.asarray(probs)
    if probs.ndim != 3:
        raise ValueError(f"probs must have shape (N, T, K), got shape {probs.shape}")
    answers = as_index_array(answers, "answers", probs.shape[2], (probs.shape[0],))
    return float(np.mean(np.argmax(probs[:, -1], axis=1) == answers))


def _task_sizes(module, params) -> int:
    """Check ``params`` for ``module`` and that they fit the task; returns ``n_symbols``."""
    recurrent.require_network(module)
    n_inputs, _, n_symbols = module.check_params(params)
    if n_inputs != n_symbols + 1:
        raise ValueError(f"the task needs n_inputs = n_symbols + 1 = {n_symbols + 1} for {n_symbols} "
                         f"outputs (the symbol channels and the query flag), got n_inputs = {n_inputs}")
    return n_symbols


def train_on_task(module, params, lag: int, steps: int, rng: np.random.Generator, batch: int = 32,
                  lr: float = 0.01, max_norm: float | None = 1.0, noise: float = 2.0,
                  truncate: int | None = None) -> list[float]:
    """Train ``params`` of ``module`` (``srn``, ``lstm`` or ``gru``) in place with Adam on
    ``steps`` fresh batches of ``batch`` sequences, clipping the global gradient norm to
    ``max_norm`` (``None``: no clipping) and truncating BPTT to ``truncate`` steps (``None``:
    full). Returns the mean cost per sequence of each step."""
    steps = require_positive_int(steps, "steps")
    batch = require_positive_int(batch, "batch")
    lag = require_int_in(lag, "lag", 0)
    n_symbols = _task_sizes(module, params)
    optimizer = optim.Adam(params, lr=lr)   # checks lr; clip_gradients checks max_norm
    losses = []
    for _ in range(steps):
        data = first_symbol_batch(batch, lag, rng, n_symbols, noise)
        loss, grads, _ = module.loss_and_gradients(params, data.inputs, data.targets, None, truncate)
        if max_norm is not None:
            optim.clip_gradients(grads, max_norm)
        optimizer.step(params, grads)
        losses.append(loss / batch)
    return losses


def evaluate_on_task(module, params, lag: int, rng: np.random.Generator, n_sequences: int = 1000,
                     noise: float = 2.0) -> float:
    """Query accuracy of ``params`` on ``n_sequences`` fresh sequences with ``lag`` distractors."""
    n_symbols = _task_sizes(module, params)
    data = first_symbol_batch(n_sequences, lag, rng, n_symbols, noise)
    return query_accuracy(module.forward(params, data.inputs).probs, data.answers)


def train_and_evaluate(module, make_params: Callable, lag: int, steps: int, seed: int = 0,
                       **train_options) -> tuple[dict[str, np.ndarray], float]:
    """One run of the experiment: fresh parameters ``make_params(rng)``, ``steps`` training
    batches (``train_options`` passed to ``train_on_task``), then the accuracy on 1,000 new
    sequences. Seeds depend on ``(seed, lag)`` only, so every network meets the same
    sequences. Returns ``(params, accuracy)``."""
    require_callable(make_params, "make_params")
    require_int_in(seed, "seed", 0)
    lag = require_int_in(lag, "lag", 0)
    params = make_params(np.random.default_rng([seed, lag, 0]))
    train_on_task(module, params, lag, steps, np.random.default_rng([seed, lag, 1]), **train_options)
    noise = train_options.get("noise", 2.0)
    return params, evaluate_on_task(module, params, lag, np.random.default_rng([seed, lag, 2]), noise=noise)


def accuracy_by_lag(module, make_params: Callable, lags: Sequence[int], steps: int, seed: int = 0,
                    **train_options) -> dict[int, float]:
    """``train_and_evaluate`` at each lag, the same budget for every lag. Returns
    ``{lag: accuracy}``."""
    if isinstance(lags, str | bytes) or not isinstance(lags, Sequence):
        raise TypeError(f"lags must be a sequence of non-negative integers, got {type(lags).__name__}")
    if not lags:
        raise ValueError("lags must hold at least one lag")
    return {int(lag): train_and_evaluate(module, make_params, lag, steps, seed, **train_options)[1]
            for lag in [require_int_in(lag, "lag", 0) for lag in lags]}
