"""Forecasting a series one day and several days ahead (notebook 08): the baselines every
forecaster must beat (persistence, seasonal naive, a linear autoregression) and a GRU
trained many-to-many, all predicting from windows made by ``helpers.series``."""

from __future__ import annotations

import copy
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from helpers.series import sliding_windows
from helpers.validation import (
    as_float_array,
    as_index_array,
    require_callable,
    require_positive_float,
    require_positive_int,
)


def persistence(values, ends) -> np.ndarray:
    """Tomorrow as today: the forecast of ``values[e]`` is ``values[e - 1]``, ``(N,)``."""
    return sliding_windows(values, 1, ends)[0][:, 0]


def seasonal_naive(values, ends, period: int) -> np.ndarray:
    """The same day one season earlier: ``values[e - period]``, ``(N,)``."""
    return sliding_windows(values, period, ends)[0][:, 0]


def fit_autoregression(values, order: int, ends) -> np.ndarray:
    """Least-squares coefficients ``(order + 1,)`` of ``values[e] ~ w . values[e-order:e] + b``
    over the target days ``ends`` (training days only); the last entry is ``b``."""
    inputs, targets = sliding_windows(values, order, ends)
    if targets.size <= order:
        raise ValueError(f"{targets.size} training days are too few to fit {order + 1} coefficients")
    design = np.column_stack([inputs, np.ones(len(inputs))])
    return np.linalg.lstsq(design, targets, rcond=None)[0]


def autoregression_predict(coefficients, windows) -> np.ndarray:
    """The autoregression's next value after each window: ``windows`` ``(N, order)`` ->
    ``(N,)``."""
    coefficients = as_float_array(coefficients, "coefficients", (None,))
    windows = as_float_array(windows, "windows", (None, coefficients.size - 1))
    return windows @ coefficients[:-1] + coefficients[-1]


def forecast_ahead(predict_next: Callable, windows, horizon: int) -> np.ndarray:
    """Forecasts ``(N, horizon)`` made by feeding predictions back: ``predict_next`` maps
    windows ``(N, W)`` to the next values ``(N,)``; after each step the window drops its
    oldest value and takes the prediction, so step ``h`` rests on ``h - 1`` guesses."""
    require_callable(predict_next, "predict_next")
    windows = as_float_array(windows, "windows", (None, None)).copy()
    horizon = require_positive_int(horizon, "horizon")
    out = np.empty((windows.shape[0], horizon))
    for h in range(horizon):
        step = np.asarray(predict_next(windows), dtype=float)
        if step.shape != (windows.shape[0],):
            raise ValueError(f"predict_next must return shape ({windows.shape[0]},), got {step.shape}")
        out[:, h] = step
        windows = np.column_stack([windows[:, 1:], step])
    return out


class Forecaster(nn.Module):
    """A GRU reading one value per step, ``hidden`` units, and a linear head predicting the
    next value after every step: ``forward(x (B, T))`` -> predictions ``(B, T)``."""

    def __init__(self, hidden: int = 32):
        super().__init__()
        hidden = require_positive_int(hidden, "hidden")
        self.rnn = nn.GRU(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or x.dim() != 2 or not x.is_floating_point():
            raise ValueError(f"x must be a (B, T) float tensor, got {getattr(x, 'dtype', type(x).__name__)} "
                             f"of shape {tuple(getattr(x, 'shape', ()))}")
        output, _ = self.rnn(x.unsqueeze(-1))
        return self.head(output).squeeze(-1)

    @torch.no_grad()
    def predict_next(self, windows) -> np.ndarray:
        """The value after each window: ``(N, W)`` numpy -> ``(N,)`` numpy (for
        ``forecast_ahead``)."""
        windows = as_float_array(windows, "windows", (None, None))
        was_training = self.training
        self.eval()
        out = self(torch.as_tensor(windows, dtype=torch.float32))[:, -1].double().numpy()
        self.train(was_training)
        return out


@dataclass
class ForecastHistory:
    """Per epoch: ``train_mse`` (standardised units) and ``val_rmse`` (units of the
    validation targets given); ``best_epoch`` (1-based) is the one whose weights were kept."""

    train_mse: list[float] = field(default_factory=list)
    val_rmse: list[float] = field(default_factory=list)
    best_epoch: int = 0


def train_forecaster(model: Forecaster, inputs, targets, *, val_windows, val_targets, epochs: int = 10,
                     batch_size: int = 64, lr: float = 3e-3, warmup: int = 10, seed: int = 0,
                     to_units: Callable | None = None) -> ForecastHistory:
    """Train ``model`` in place with Adam on many-to-many windows ``inputs`` and ``targets``
    (both ``(N, W)``, standardised) on the mean squared error of the steps after the first
    ``warmup`` (which have seen too little history); after each epoch score the one-day
    forecasts of ``val_windows`` ``(M, W)`` against ``val_targets`` ``(M,)`` by RMSE (after
    ``to_units``, e.g. a scaler's ``inverse``), and keep the best epoch's weights."""
    if not isinstance(model, Forecaster):
        raise TypeError(f"model must be a Forecaster, got {type(model).__name__}")
    inputs = as_float_array(inputs, "inputs", (None, None))
    targets = as_float_array(targets, "targets", inputs.shape)
    val_windows = as_float_array(val_windows, "val_windows", (None, None))
    val_targets = as_float_array(val_targets, "val_targets", (val_windows.shape[0],))
    epochs = require_positive_int(epochs, "epochs")
    batch_size = require_positive_int(batch_size, "batch_size")
    lr = require_positive_float(lr, "lr")
    steps = inputs.shape[1]
    if isinstance(warmup, bool) or not isinstance(warmup, numbers.Integral) or not 0 <= warmup < steps:
        raise ValueError(f"warmup must be an integer in [0, {steps}) (steps per window), got {warmup!r}")
    to_units = (lambda z: z) if to_units is None else to_units
    require_callable(to_units, "to_units")
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    x_all = torch.as_tensor(inputs, dtype=torch.float32)
    y_all = torch.as_tensor(targets, dtype=torch.float32)
    history, best_state, best = ForecastHistory(), None, np.inf
    for epoch in range(1, epochs + 1):
        model.train()
        order, total = rng.permutation(len(inputs)), 0.0
        for start in range(0, len(order), batch_size):
            batch = torch.from_numpy(order[start:start + batch_size])
            loss = ((model(x_all[batch]) - y_all[batch])[:, warmup:] ** 2).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        history.train_mse.append(total / len(inputs))
        predicted = np.asarray(to_units(model.predict_next(val_windows)), dtype=float)
        history.val_rmse.append(float(np.sqrt(np.mean((predicted - val_targets) ** 2))))
        if history.val_rmse[-1] < best:
            best, best_state = history.val_rmse[-1], copy.deepcopy(model.state_dict())
            history.best_epoch = epoch
    model.load_state_dict(best_state)
    return history


def error_by_horizon(forecasts, values, ends) -> np.ndarray:
    """RMSE at each horizon ``(H,)``: ``forecasts[n, h]`` predicts ``values[ends[n] + h]``;
    origins whose later days run past the end of the series are left out of that horizon."""
    values = as_float_array(values, "values", (None,))
    forecasts = as_float_array(forecasts, "forecasts", (None, None))
    ends = as_index_array(ends, "ends", values.size, (forecasts.shape[0],))
    out = np.empty(forecasts.shape[1])
    for h in range(forecasts.shape[1]):
        ok = ends + h < values.size
        if not ok.any():
            raise ValueError(f"no origin has a true value {h} days later: the horizon is longer than "
                             "the test part")
        out[h] = np.sqrt(np.mean((forecasts[ok, h] - values[ends[ok] + h]) ** 2))
    return out
