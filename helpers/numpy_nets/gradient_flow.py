"""How blame travels back in time (notebooks 05 and 06): the SRN's state Jacobians, their
products, the singular-value bound, the norm of the blame on each earlier state of an
SRN, LSTM or GRU, and a one-unit network whose cost surface has a cliff.

For the SRN (``helpers.numpy_nets.srn``), ``h<t> = tanh(b + W h<t-1> + U x<t>)``, so

    dh<t>/dh<t-1> = diag(1 - h<t>^2) W,
    dh<t>/dh<k>  = prod_{j = t .. k+1} diag(1 - h<j>^2) W,

and ``||dh<t>/dh<k>|| <= (s_max(W) * max slope)^(t - k)``, with ``s_max`` the largest
singular value of ``W`` and the tanh slope at most 1: the blame shrinks geometrically
when ``s_max < 1`` (vanishing) and can grow when the spectral radius exceeds 1 (exploding).
"""

from __future__ import annotations

import numpy as np

from helpers.numpy_nets import lstm, recurrent, srn
from helpers.numpy_nets.recurrent import IGNORE
from helpers.validation import (
    as_float_array,
    as_index_array,
    require_int_in,
    require_positive_float,
    require_positive_int,
)


def scale_spectral_radius(W, rho: float) -> np.ndarray:
    """``W`` ``(U, U)`` rescaled so that its spectral radius (largest ``|eigenvalue|``) is ``rho``."""
    W = as_float_array(W, "W", (None, None))
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square, got shape {W.shape}")
    rho = float(as_float_array(rho, "rho", ()))
    if rho < 0:
        raise ValueError(f"rho must be non-negative, got {rho}")
    radius = float(np.max(np.abs(np.linalg.eigvals(W))))
    if radius == 0:
        raise ValueError("W has spectral radius 0 and cannot be rescaled")
    return W * (rho / radius)


def state_jacobians(params, cache: srn.SRNCache, sequence: int = 0) -> np.ndarray:
    """``dh<t>/dh<t-1> = diag(1 - h<t>^2) W`` for ``t = 1 .. T`` of one sequence of ``cache``
    (from ``srn.forward``): an array ``(T, U, U)``."""
    n_hidden = srn.check_params(params)[1]
    if not isinstance(cache, srn.SRNCache):
        raise TypeError(f"cache must be the SRNCache that srn.forward returned, got {type(cache).__name__}")
    if cache.hidden.shape[2] != n_hidden:
        raise ValueError(f"cache holds {cache.hidden.shape[2]} hidden units but params have {n_hidden}: "
                         "use the cache that srn.forward(params, ...) returned")
    sequence = int(as_index_array(sequence, "sequence", cache.hidden.shape[0], ()))
    slope = 1.0 - cache.hidden[sequence] ** 2           # (T, U)
    return slope[:, :, None] * params["W"][None]


def jacobian_product(jacobians, t: int, k: int) -> np.ndarray:
    """``dh<t>/dh<k> = J<t> J<t-1> ... J<k+1>`` from ``jacobians`` ``(T, U, U)`` with
    ``jacobians[j - 1] = dh<j>/dh<j-1>``; ``0 <= k <= t <= T`` (the identity when ``k = t``)."""
    jacobians = as_float_array(jacobians, "jacobians", (None, None, None))
    n_steps, u, _ = jacobians.shape
    t, k = require_int_in(t, "t", 0, n_steps + 1), require_int_in(k, "k", 0, n_steps + 1)
    if k > t:
        raise ValueError(f"k must not exceed t, got t={t}, k={k}")
    product = np.eye(u)
    for j in range(k + 1, t + 1):
        product = jacobians[j - 1] @ product
    return product


def jacobian_bound(W, lag: int, max_slope: float = 1.0) -> float:
    """``(s_max(W) * max_slope)^lag``: an upper bound on ``||dh<t>/dh<t-lag>||`` (spectral norm)
    whatever the states, since each factor has norm at most ``s_max(W) * max_slope``."""
    W = as_float_array(W, "W", (None, None))
    lag = require_int_in(lag, "lag", 0)
    return float((np.linalg.norm(W, 2) * require_positive_float(max_slope, "max_slope")) ** lag)


def blame_norms(params, inputs, target: int, h0=None) -> np.ndarray:
    """``||dJ<T>/dh<k>||`` for ``k = T, T-1, ..., 0`` (index = lag ``T - k``), where
    ``J<T> = -ln y<T>[target]`` is the cost of the **last** step of one sequence of token
    ids ``inputs`` ``(T,)``: how much of the last step's blame reaches each earlier state."""
    _, _, n_outputs = srn.check_params(params)
    inputs = as_index_array(inputs, "inputs", params["U"].shape[1], (None,))
    target = int(as_index_array(target, "target", n_outputs, ()))
    cache = srn.forward(params, inputs[None], h0)
    d_o = cache.probs[0, -1].astype(np.float64).copy()
    d_o[target] -= 1.0
    dh = params["V"].T @ d_o
    norms = [np.linalg.norm(dh)]
    hidden = np.concatenate([cache.h0, cache.hidden[0]])   # h<0..T>
    for k in range(len(inputs), 0, -1):
        dh = params["W"].T @ ((1.0 - hidden[k] ** 2) * dh)
        norms.append(np.linalg.norm(dh))
    return np.array(norms)


def lag_curve(rho: float, activation: str = "tanh", n_steps: int = 60, n_hidden: int = 32,
              seed: int = 0) -> np.ndarray:
    """Core of the spectral-radius widget: ``||dh<T>/dh<T-lag>||`` (spectral norm) for
    ``lag = 0 .. n_steps`` in a random network whose recurrent matrix has spectral radius
    ``rho``, driven by random inputs. ``activation``: ``'tanh'`` (slopes ``1 - h^2`` shrink
    the product) or ``'linear'`` (only ``W`` counts). Returns ``(n_steps + 1,)``."""
    if not isinstance(activation, str) or activation not in ("tanh", "linear"):
        raise ValueError(f"activation must be 'tanh' or 'linear', got {activation!r}")
    n_steps = require_positive_int(n_steps, "n_steps")
    n_hidden = require_positive_int(n_hidden, "n_hidden")
    require_int_in(seed, "seed", 0)
    rng = np.random.default_rng(seed)
    W = scale_spectral_radius(rng.normal(size=(n_hidden, n_hidden)), rho)
    drive = rng.normal(0.0, 1.0, (n_steps, n_hidden))
    h = np.zeros(n_hidden)
    factors = []
    for t in range(n_steps):
        a = W @ h + drive[t]
        h = np.tanh(a) if activation == "tanh" else a
        slope = 1.0 - h ** 2 if activation == "tanh" else np.ones(n_hidden)
        factors.append(slope[:, None] * W)
    product = np.eye(n_hidden)
    norms = [1.0]
    for factor in reversed(factors):        # dh<T>/dh<T-lag>, lag = 1, 2, ...
        product = product @ factor
        norms.append(np.linalg.norm(product, 2))
    return np.array(norms)


def blame_by_lag(module, params, inputs, targets) -> dict[str, np.ndarray]:
    """How far the blame reaches back in a ``module`` (``srn``, ``lstm`` or ``gru``): for
    a batch ``inputs`` ``(N, T, M)`` or ``(N, T)`` with ``targets`` ``(N, T)``, the mean over
    sequences of ``||dJ/dh<k>||`` for ``k = T-1, ..., 0``, returned by lag ``T - k`` (index
    0 is lag 1; ``k = 0`` is the initial state). For the LSTM also ``||dJ/dC<k>||``, the
    whole blame on the cell state, through ``C<k+1>`` and through ``h<k> = o tanh(C<k>)``.

    Each value comes from the gradient for the initial state of the run that starts at
    step ``k`` from the state the full forward pass reached there, so it is exactly the
    blame BPTT hands to that state. Returns ``{'h': (T,)}`` (and ``'c'`` for the LSTM)."""
    recurrent.require_network(module)
    cache = module.forward(params, inputs)
    targets = recurrent.check_targets(targets, cache.probs)
    n_hidden = cache.hidden.shape[2]
    is_lstm = module is lstm
    norms: dict[str, list[float]] = {"h": [], "c": []} if is_lstm else {"h": []}
    for k in range(cache.hidden.shape[1] - 1, -1, -1):
        if k == 0:
            state = (cache.h0, cache.c0) if is_lstm else cache.h0
        else:
            state = (cache.hidden[:, k - 1], cache.cells[:, k - 1]) if is_lstm else cache.hidden[:, k - 1]
        _, grads, _ = module.loss_and_gradients(params, cache.inputs[:, k:], targets[:, k:], state)
        d_h = grads["h0"]
        if k > 0:   # h<k> also feeds its own output y<k>
            d_o = cache.probs[:, k - 1].astype(np.float64)
            has_target = targets[:, k - 1] != IGNORE
            d_o[has_target, targets[has_target, k - 1]] -= 1.0
            d_o[~has_target] = 0.0
            d_h = d_h + d_o @ params["V"]
        norms["h"].append(float(np.mean(np.linalg.norm(d_h, axis=1))))
        if is_lstm:
            d_c = grads["c0"]
            if k > 0:   # h<k> = o<k> tanh(C<k>) passes blame to C<k> as well
                o = cache.gates[:, k - 1, 3 * n_hidden:]
                d_c = d_c + d_h * o * (1.0 - np.tanh(cache.cells[:, k - 1]) ** 2)
            norms["c"].append(float(np.mean(np.linalg.norm(d_c, axis=1))))
    return {key: np.array(values) for key, values in norms.items()}


def one_unit_cost(w, b, n_steps: int = 30, h0: float = 0.5, target: float = 0.6):
    """A one-unit recurrent network ``h<t> = tanh(w h<t-1> + b)`` run ``n_steps`` steps from
    ``h0``, with cost ``J = (h<T> - target)^2``: the smallest network with a cliff in its
    cost surface (after Pascanu, Mikolov and Bengio 2013, section 3). ``w`` and ``b`` are
    arrays of one shape (a grid of points, or scalars). Returns ``(J, dJ/dw, dJ/db)``, each
    of that shape, the gradients by backpropagation through time."""
    w = as_float_array(w, "w")
    b = as_float_array(b, "b")
    if w.shape != b.shape:
        raise ValueError(f"w and b must have one shape, got {w.shape} and {b.shape}")
    n_steps = require_positive_int(n_steps, "n_steps")
    h0 = float(as_float_array(h0, "h0", ()))
    target = float(as_float_array(target, "target", ()))
    states = [np.full(w.shape, h0)]
    for _ in range(n_steps):
        states.append(np.tanh(w * states[-1] + b))
    cost = (states[-1] - target) ** 2
    dh = 2.0 * (states[-1] - target)
    d_w = np.zeros(w.shape)
    d_b = np.zeros(w.shape)
    for t in range(n_steps, 0, -1):
        da = dh * (1.0 - states[t] ** 2)
        d_w += da * states[t - 1]
        d_b += da
        dh = da * w
    return cost, d_w, d_b
