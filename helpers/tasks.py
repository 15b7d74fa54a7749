"""A long-range memory task for notebooks 05 and 06, and the loop that trains any of the
numpy recurrent networks (``helpers.srn``, ``helpers.lstm``, ``helpers.gru``) on it.

**Remember the first symbol.** A sequence starts with one of ``n_symbols`` symbols, then
``lag`` distractor tokens drawn at random, then a query token; at the query the network
must name the first symbol. Only that step has a target (the others are ``-1``), so the
whole learning signal has to travel ``lag + 1`` steps back. Chance is ``1 / n_symbols``.

Token ids: symbols ``0 .. n_symbols - 1``, distractors the next ``n_distractors`` ids,
the query the last id; the network's ``K`` outputs are the ``n_symbols`` symbols.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from helpers import optim
from helpers.recurrent import IGNORE
from helpers.validation import as_index_array, require_generator, require_positive_float, require_positive_int


class TaskBatch(NamedTuple):
    """``inputs`` ``(N, lag + 2)`` token ids, ``targets`` ``(N, lag + 2)`` (``-1`` except at
    the query), ``answers`` ``(N,)`` the first symbols."""

    inputs: np.ndarray
    targets: np.ndarray
    answers: np.ndarray


def vocabulary_size(n_symbols: int = 4, n_distractors: int = 4) -> int:
    """Number of input token ids: symbols, distractors and the query."""
    n_symbols = require_positive_int(n_symbols, "n_symbols")
    return n_symbols + require_positive_int(n_distractors, "n_distractors") + 1


def first_symbol_batch(n_sequences: int, lag: int, rng: np.random.Generator, n_symbols: int = 4,
                       n_distractors: int = 4) -> TaskBatch:
    """``n_sequences`` fresh sequences of the task with ``lag`` distractors (``lag >= 0``)."""
    n = require_positive_int(n_sequences, "n_sequences")
    if isinstance(lag, bool) or not isinstance(lag, int | np.integer) or lag < 0:
        raise ValueError(f"lag must be a non-negative integer, got {lag!r}")
    require_generator(rng)
    m = vocabulary_size(n_symbols, n_distractors)
    answers = rng.integers(0, n_symbols, n)
    inputs = np.empty((n, lag + 2), dtype=np.int64)
    inputs[:, 0] = answers
    inputs[:, 1:-1] = rng.integers(n_symbols, n_symbols + n_distractors, (n, lag))
    inputs[:, -1] = m - 1
    targets = np.full_like(inputs, IGNORE)
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


def train_on_task(module, params, lag: int, steps: int, rng: np.random.Generator, batch: int = 32,
                  lr: float = 0.01, max_norm: float | None = 1.0) -> list[float]:
    """Train ``params`` of ``module`` (``srn``, ``lstm`` or ``gru``) in place with Adam on
    ``steps`` fresh batches of the task; returns the mean cost per sequence of each step."""
    steps = require_positive_int(steps, "steps")
    batch = require_positive_int(batch, "batch")
    lr = require_positive_float(lr, "lr")
    n_inputs = params["U"].shape[1] if isinstance(params, dict) and "U" in params else None
    n_symbols = params["V"].shape[0] if isinstance(params, dict) and "V" in params else None
    module.check_params(params)
    optimizer = optim.Adam(params, lr=lr)
    losses = []
    for _ in range(steps):
        data = first_symbol_batch(batch, lag, rng, n_symbols, n_inputs - n_symbols - 1)
        loss, grads, _ = module.loss_and_gradients(params, data.inputs, data.targets)
        if max_norm is not None:
            optim.clip_gradients(grads, max_norm)
        optimizer.step(params, grads)
        losses.append(loss / batch)
    return losses


def evaluate_on_task(module, params, lag: int, rng: np.random.Generator, n_sequences: int = 500) -> float:
    """Query accuracy of ``params`` on ``n_sequences`` fresh sequences with ``lag`` distractors."""
    module.check_params(params)
    n_symbols, n_inputs = params["V"].shape[0], params["U"].shape[1]
    data = first_symbol_batch(n_sequences, lag, rng, n_symbols, n_inputs - n_symbols - 1)
    return query_accuracy(module.forward(params, data.inputs).probs, data.answers)
