"""Baselines, feedback forecasts and the GRU forecaster on series whose answer we know."""

import numpy as np
import pytest
import torch

from helpers.data import series
from helpers.torch_nets import forecasting


def ar2_series(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    x = np.zeros(n)
    for t in range(2, n):
        x[t] = 1.0 + 0.6 * x[t - 1] - 0.3 * x[t - 2] + rng.normal(scale=0.1)
    return x


def test_naive_baselines_index_the_past():
    values = np.arange(20.0)
    assert forecasting.persistence(values, [5, 9]).tolist() == [4.0, 8.0]
    assert forecasting.seasonal_naive(values, [12, 19], 7).tolist() == [5.0, 12.0]


def test_autoregression_recovers_known_coefficients():
    x = ar2_series()
    coef = forecasting.fit_autoregression(x, 2, np.arange(2, 3000))
    assert np.allclose(coef, [-0.3, 0.6, 1.0], atol=0.05)  # oldest lag first, then the intercept
    windows, _ = series.sliding_windows(x, 2, [100])
    assert forecasting.autoregression_predict(coef, windows)[0] == pytest.approx(
        coef[:2] @ x[98:100] + coef[2]
    )


def test_forecast_ahead_feeds_predictions_back():
    windows = np.array([[1.0, 2.0, 3.0]])
    out = forecasting.forecast_ahead(lambda w: w[:, -1] + w[:, -2], windows, 4)  # a Fibonacci-like rule
    assert out.tolist() == [[5.0, 8.0, 13.0, 21.0]]
    with pytest.raises(ValueError, match="must return shape"):
        forecasting.forecast_ahead(lambda w: w, windows, 2)


def test_error_by_horizon_drops_origins_past_the_end():
    values = np.arange(10.0)
    forecasts = np.array([[8.0, 9.0], [9.0, 100.0]])  # origins 8 and 9; 9 + 1 runs off the end
    assert forecasting.error_by_horizon(forecasts, values, [8, 9]).tolist() == [0.0, 0.0]


def test_gru_forecaster_learns_a_sine_and_keeps_its_best_epoch():
    torch.manual_seed(0)
    t = np.arange(1200)
    values = np.sin(2 * np.pi * t / 25)
    x, y = series.sliding_windows(values, 30, np.arange(30, 900), many_to_many=True)
    val_x, val_y = series.sliding_windows(values, 30, np.arange(900, 1200))
    model = forecasting.Forecaster(hidden=16)
    history = forecasting.train_forecaster(
        model, x, y, val_windows=val_x, val_targets=val_y, epochs=6, seed=0
    )
    assert len(history.val) == 6 and history.val[history.best] == min(history.val)
    predicted = model.predict_next(val_x)
    assert np.sqrt(np.mean((predicted - val_y) ** 2)) == pytest.approx(min(history.val), rel=1e-5)
    persistence_rmse = np.sqrt(np.mean((forecasting.persistence(values, np.arange(900, 1200)) - val_y) ** 2))
    assert min(history.val) < persistence_rmse / 3


def test_forecaster_rejects_bad_input():
    model = forecasting.Forecaster(hidden=4)
    with pytest.raises(ValueError, match=r"\(N, T\) float tensor, got shape \(2, 3, 1\)"):
        model(torch.zeros(2, 3, 1))
    with pytest.raises(TypeError, match=r"\(N, T\) float tensor, got torch.int64"):
        model(torch.zeros(2, 3, dtype=torch.long))
    with pytest.raises(ValueError, match="warmup"):
        forecasting.train_forecaster(
            model,
            np.zeros((4, 5)),
            np.zeros((4, 5)),
            val_windows=np.zeros((2, 5)),
            val_targets=np.zeros(2),
            warmup=5,
        )
