"""helpers.numpy_nets.metrics agrees with scikit-learn on random and edge-case labels."""

import numpy as np
import pytest
from sklearn import metrics as skm

from helpers.numpy_nets import metrics


@pytest.mark.parametrize("seed", range(5))
def test_class_metrics_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    k = 6
    y_true = rng.choice(k, size=200, p=[0.5, 0.2, 0.1, 0.1, 0.05, 0.05])
    y_pred = np.where(rng.random(200) < 0.6, y_true, rng.integers(0, k, 200))
    labels = list(range(k))
    assert np.array_equal(
        metrics.confusion_matrix(y_true, y_pred, k), skm.confusion_matrix(y_true, y_pred, labels=labels)
    )
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(skm.accuracy_score(y_true, y_pred))
    assert metrics.balanced_accuracy(y_true, y_pred, k) == pytest.approx(
        skm.balanced_accuracy_score(y_true, y_pred)
    )
    assert metrics.macro_f1(y_true, y_pred, k) == pytest.approx(skm.f1_score(y_true, y_pred, average="macro"))


def test_a_class_never_predicted_scores_zero_f1_and_an_absent_class_is_left_out():
    y_true, y_pred = [0, 0, 1, 1], [0, 0, 0, 0]
    assert metrics.macro_f1(y_true, y_pred, 3) == pytest.approx(skm.f1_score(y_true, y_pred, average="macro"))
    assert metrics.balanced_accuracy(y_true, y_pred, 3) == pytest.approx(0.5)  # class 2 never occurs
    assert metrics.confusion_matrix(y_true, y_pred).shape == (2, 2)


def test_majority_class_balanced_accuracy_is_one_over_k():
    y_true = np.repeat(np.arange(4), [70, 10, 10, 10])
    assert metrics.accuracy(y_true, np.zeros(100, int)) == pytest.approx(0.7)
    assert metrics.balanced_accuracy(y_true, np.zeros(100, int)) == pytest.approx(0.25)


def test_rmse_and_mae_match_sklearn():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=50), rng.normal(size=50)
    assert metrics.rmse(a, b) == pytest.approx(np.sqrt(skm.mean_squared_error(a, b)))
    assert metrics.mae(a, b) == pytest.approx(skm.mean_absolute_error(a, b))
    assert metrics.rmse(a, a) == 0.0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: metrics.accuracy([0, 1], [0]), "same length"),
        (lambda: metrics.accuracy([], []), "empty"),
        (lambda: metrics.confusion_matrix([0, 3], [0, 1], 3), "y_true"),
        (lambda: metrics.balanced_accuracy([0.5], [0], 2), "y_true"),
        (lambda: metrics.rmse([1.0, 2.0], [1.0]), "same shape"),
    ],
)
def test_bad_labels_are_named(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()
