"""Optimisers, gradient clipping and the truncated-BPTT training loop, for any network whose
parameters are a dict of named numpy arrays (the SRN's ``U, W, b, V, c``, the LSTM's and
the GRU's).

* ``sgd_step``: steepest descent, deck 000's update ``theta <- theta - lr dJ/dtheta``.
* ``Adam``: Kingma and Ba's Adam.
* ``clip_gradients``: rescale all gradients together so their joint (global) norm is at
  most ``max_norm`` (Pascanu, Mikolov and Bengio 2013).
* ``cosine_factor``: the cosine schedule, a step size's multiplier that falls from 1 towards
  0 over a budget (the torch loop uses it too).
* ``train_epoch``: one pass over contiguous streams in truncated-BPTT chunks, the state
  carried from chunk to chunk; ``next_stream_states`` hands it on between epochs.

Gradient dicts may also hold the gradients of initial states (``STATE_KEYS``); those are
never updated or clipped.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from helpers.data.text import bptt_chunks
from helpers.validation import (
    as_float_array,
    as_param_array,
    check_keys,
    require_callable,
    require_positive_float,
)

STATE_KEYS = ("h0", "c0")


def check_param_dict(params, name: str = "params") -> None:
    """``params`` must be a non-empty dict of finite float32/float64 arrays (updated in place)."""
    if not isinstance(params, dict):
        raise TypeError(f"{name} must be a dict of named arrays, got {type(params).__name__}")
    if not params:
        raise ValueError(f"{name} must hold at least one array, got an empty dict")
    for key, value in params.items():
        as_param_array(value, f"{name}[{key!r}]")


def check_grads(grads, params, name: str = "grads") -> None:
    """``grads`` must hold a finite array of each parameter's shape for every key of
    ``params`` (initial-state keys ``h0``, ``c0`` are allowed too); ``ValueError`` otherwise."""
    check_keys(grads, name, list(params), optional=STATE_KEYS)
    for key, value in params.items():
        as_float_array(grads[key], f"{name}[{key!r}]", value.shape)


def sgd_step(params: dict[str, np.ndarray], grads: dict[str, np.ndarray], lr: float) -> None:
    """Steepest descent in place: ``params[k] -= lr * grads[k]`` for every parameter."""
    lr = require_positive_float(lr, "lr")
    check_param_dict(params)
    check_grads(grads, params)
    for key in params:
        params[key] -= lr * grads[key]


def clip_gradients(grads: dict[str, np.ndarray], max_norm: float) -> float:
    """Scale the parameter gradients in place so that their joint norm
    ``sqrt(sum_k ||grads[k]||^2)`` is at most ``max_norm``; the direction is kept.

    Initial-state entries (``h0``, ``c0``) neither count nor change. Returns the norm
    before clipping. ``max_norm=inf`` measures without clipping.
    """
    max_norm = require_positive_float(max_norm, "max_norm", allow_inf=True)
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of named arrays, got {type(grads).__name__}")
    names = [k for k in grads if k not in STATE_KEYS]
    if not names:
        raise ValueError("grads must hold at least one parameter gradient")
    for key in names:
        as_float_array(grads[key], f"grads[{key!r}]")
    norm = float(np.sqrt(sum(float(np.vdot(grads[k], grads[k])) for k in names)))
    if norm > max_norm:
        for key in names:
            grads[key] *= max_norm / norm
    return norm


class Adam:
    """Adam (Kingma and Ba 2015) for a dict of parameter arrays, updating them in place:
    ``theta -= lr m_hat / (sqrt(v_hat) + eps)`` with bias-corrected moment estimates, the
    paper's algorithm and ``torch.optim.Adam``'s.

    ``lr`` step size (change ``.lr`` between steps for a schedule), ``betas`` decay rates
    of the first and second moment estimates, ``eps`` added to the root of the second
    moment. The moment estimates have the shapes of ``params`` at creation.
    """

    def __init__(self, params: dict[str, np.ndarray], lr: float = 0.01,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        check_param_dict(params)
        lr = require_positive_float(lr, "lr")
        if (not isinstance(betas, tuple | list) or len(betas) != 2
                or not all(isinstance(b, numbers.Real) and 0 <= b < 1 for b in betas)):
            raise ValueError(f"betas must be two numbers in [0, 1), got {betas!r}")
        eps = require_positive_float(eps, "eps")
        self.lr, self.betas, self.eps = lr, tuple(float(b) for b in betas), eps
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """One update of every array in ``params`` from the matching ``grads`` entry."""
        check_param_dict(params)
        check_grads(grads, params)
        if set(params) != set(self.m) or any(self.m[k].shape != params[k].shape for k in params):
            raise ValueError("params do not have the names and shapes this Adam was created for")
        self.t += 1
        b1, b2 = self.betas
        step = self.lr / (1 - b1 ** self.t)          # bias correction of m
        root_correction = np.sqrt(1 - b2 ** self.t)  # bias correction of sqrt(v)
        for key in params:
            g, m, v = grads[key], self.m[key], self.v[key]
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            params[key] -= step * m / (np.sqrt(v) / root_correction + self.eps)


def cosine_factor(done: float, total: float) -> float:
    """The cosine schedule's multiplier of the step size after ``done`` of ``total`` (epochs,
    steps, or a fraction of 1): 1 at the start, 0 at the end, ``(1 + cos(pi done / total)) / 2``.
    Epoch ``e`` (1 .. ``n``) of a budget of ``n`` uses ``lr * cosine_factor(e - 1, n)``: a
    longer budget keeps the step large for longer."""
    total = require_positive_float(total, "total")
    done = min(max(float(as_float_array(done, "done", ())), 0.0), total)
    return 0.5 * (1.0 + float(np.cos(np.pi * done / total)))


class EpochResult(NamedTuple):
    """What ``train_epoch`` returns: ``loss``, the summed training cross-entropy of the
    epoch, and ``state``, every stream's state after its last chunk (``(N, U)`` for the
    SRN and the GRU, the pair ``(h, c)`` for the LSTM)."""

    loss: float
    state: object


def train_epoch(loss_and_gradients: Callable, params, optimizer, inputs, targets, seq_len: int,
                max_norm: float | None = None, state=None) -> EpochResult:
    """One pass over ``(N, S)`` streams in truncated-BPTT chunks of ``seq_len`` steps.

    ``loss_and_gradients(params, x, y, state) -> (J, grads, final_state)`` is the
    network's own function (``srn.loss_and_gradients``, ...). ``inputs``/``targets``
    come from ``helpers.data.text.contiguous_streams``; the state is carried from chunk to
    chunk (starting from ``state``, default zeros) without its gradient, and
    ``optimizer.step(params, grads)`` runs after every chunk, after clipping the gradient
    norm to ``max_norm`` when given. ``next_stream_states`` turns the returned state into
    the next epoch's starting state.
    """
    require_callable(loss_and_gradients, "loss_and_gradients")
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have a step(params, grads) method (e.g. optim.Adam), "
                        f"got {type(optimizer).__name__}")
    if max_norm is not None:
        require_positive_float(max_norm, "max_norm", allow_inf=True)
    total = 0.0
    for x, y in bptt_chunks(inputs, targets, seq_len):
        loss, grads, state = loss_and_gradients(params, x, y, state)
        if max_norm is not None:
            clip_gradients(grads, max_norm)
        optimizer.step(params, grads)
        total += loss
    return EpochResult(total, state)


def next_stream_states(state):
    """Starting states for the next pass over contiguous streams.

    Stream ``i + 1`` of ``contiguous_streams`` starts where stream ``i`` ends, so its next
    starting state is the state stream ``i`` ended with (row ``i``); stream 0 starts the
    text and gets zeros. ``state``: an ``(N, U)`` array, or a tuple of them (the LSTM's
    ``(h, c)``), shifted alike. Training then sees, at every position, a state close to
    the one a single pass over the whole text carries there.
    """
    if isinstance(state, tuple):
        return tuple(next_stream_states(part) for part in state)
    state = as_float_array(state, "state", (None, None))
    return np.concatenate([np.zeros_like(state[:1]), state[:-1]])
