"""Forecasting a series one day and several days ahead (notebook 08): the baselines every
forecaster must beat (persistence, seasonal naive, a linear autoregression) and a GRU
trained many-to-many, all predicting from windows made by ``helpers.data.series``."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from helpers.data.series import sliding_windows
from helpers.numpy_nets.metrics import rmse
from helpers.torch_nets.cells import check_sizes, evaluating, recurrent_layer
from helpers.torch_nets.training import Budget, TrainResult, fit, shuffled_batches
from helpers.validation import (
    as_float_array,
    as_index_array,
    require_callable,
    require_int_in,
    require_positive_int,
)


def persistence(values, ends) -> np.ndarray:
    """Tomorrow as today: the forecast of ``values[e]`` is ``values[e - 1]``, ``(N,)``."""
    return sliding_windows(values, 1, ends)[0][:, 0]


def seasonal_naive(values, ends, period: int) -> np.ndarray:
    """The same day one season earlier: ``values[e - period]``, ``(N,)``."""
    return sliding_windows(values, require_positive_int(period, "period"), ends)[0][:, 0]


def fit_autoregression(values, order: int, ends) -> np.ndarray:
    """Least-squares coefficients ``(order + 1,)`` of ``values[e] ~ w . values[e-order:e] + b``
    over the target days ``ends`` (training days only); the last entry is ``b``."""
    inputs, targets = sliding_windows(values, require_positive_int(order, "order"), ends)
    if targets.size <= order:
        raise ValueError(f"ends names {targets.size} training days, too few to fit {order + 1} coefficients")
    design = np.column_stack([inputs, np.ones(len(inputs))])
    return np.linalg.lstsq(design, targets, rcond=None)[0]


def autoregression_predict(coefficients, windows) -> np.ndarray:
    """The autoregression's next value after each window: ``windows`` ``(N, order)`` ->
    ``(N,)``."""
    coefficients = as_float_array(coefficients, "coefficients", (None,))
    if coefficients.size < 2:
        raise ValueError(f"coefficients must hold at least one weight and the bias, got {coefficients.size}")
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
    next value after every step: ``forward(x (N, T))`` -> predictions ``(N, T)``."""

    def __init__(self, *, hidden: int = 32):
        super().__init__()
        hidden = check_sizes(hidden=hidden)["hidden"]
        self.rnn = recurrent_layer("gru", 1, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or not x.is_floating_point():
            raise TypeError(f"x must be a (N, T) float tensor, got {getattr(x, 'dtype', type(x).__name__)}")
        if x.dim() != 2:
            raise ValueError(f"x must be a (N, T) float tensor, got shape {tuple(x.shape)}")
        output, _ = self.rnn(x.unsqueeze(-1))
        return self.head(output).squeeze(-1)

    def predict_next(self, windows) -> np.ndarray:
        """The value after each window: ``(N, W)`` numpy -> ``(N,)`` numpy (for
        ``forecast_ahead``)."""
        windows = as_float_array(windows, "windows", (None, None))
        with evaluating(self):
            return self(torch.as_tensor(windows, dtype=torch.float32))[:, -1].double().numpy()


def train_forecaster(model: Forecaster, inputs, targets, *, val_windows, val_targets, epochs: int = 10,
                     batch_size: int = 64, lr: float = 3e-3, warmup: int = 10, seed: int = 0,
                     to_units: Callable | None = None, progress: bool = True) -> TrainResult:
    """Train ``model`` in place with ``helpers.torch_nets.training.fit`` (Adam, a constant
    step size, no clipping) on many-to-many windows ``inputs`` and ``targets`` (both
    ``(N, W)``, standardised) on the mean squared error of the steps after the first
    ``warmup`` (which have seen too little history); after each epoch score the one-day
    forecasts of ``val_windows`` ``(M, W)`` against ``val_targets`` ``(M,)`` by RMSE (after
    ``to_units``, e.g. a scaler's ``inverse``; the result's ``val``), and keep the best
    epoch's weights (``result.best + 1`` is that epoch)."""
    if not isinstance(model, Forecaster):
        raise TypeError(f"model must be a Forecaster, got {type(model).__name__}")
    inputs = as_float_array(inputs, "inputs", (None, None), allow_empty=False)
    targets = as_float_array(targets, "targets", inputs.shape)
    val_windows = as_float_array(val_windows, "val_windows", (None, None), allow_empty=False)
    val_targets = as_float_array(val_targets, "val_targets", (val_windows.shape[0],))
    epochs = require_positive_int(epochs, "epochs")
    batch_size = require_positive_int(batch_size, "batch_size")
    steps = inputs.shape[1]
    require_int_in(warmup, "warmup (steps of a window not scored)", 0, steps)
    to_units = (lambda z: z) if to_units is None else to_units
    require_callable(to_units, "to_units")
    x_all, y_all = torch.as_tensor(inputs, dtype=torch.float32), torch.as_tensor(targets, dtype=torch.float32)

    def epoch_batches(rng):
        return map(torch.from_numpy, shuffled_batches(len(inputs), batch_size)(rng))

    def batch_loss(batch):
        return ((model(x_all[batch]) - y_all[batch])[:, warmup:] ** 2).mean(), len(batch)

    def validation_rmse(model):
        predicted = np.asarray(to_units(model.predict_next(val_windows)), dtype=float)
        return rmse(val_targets, predicted)

    return fit(model, epoch_batches, batch_loss,
               Budget(epochs=epochs, steps_per_epoch=math.ceil(len(inputs) / batch_size)), lr=lr,
               max_norm=None, schedule="constant", evaluate=validation_rmse, evaluations=epochs,
               keep_best="min", seed=seed, progress=progress)


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
        out[h] = rmse(values[ends[ok] + h], forecasts[ok, h])
    return out
