"""Scores for sequence tasks (notebook 08): for classes, accuracy, balanced accuracy,
macro-F1 and the confusion matrix; for real-valued forecasts, RMSE and MAE.

Class labels are integer ids in ``[0, K)``; ``y_true`` and ``y_pred`` have shape ``(N,)``.
Each function agrees with its scikit-learn namesake (tests/test_metrics.py) but says what
is wrong with its input in the course's words.
"""

from __future__ import annotations

import numpy as np

from helpers.validation import as_float_array, as_index_array, require_positive_int


def _labels(y_true, y_pred, n_classes: int | None) -> tuple[np.ndarray, np.ndarray, int]:
    """Both label arrays checked as ids in ``[0, K)`` of one shape ``(N,)``, N >= 1."""
    if n_classes is not None:
        require_positive_int(n_classes, "n_classes")
    upper = np.iinfo(np.int64).max if n_classes is None else int(n_classes)
    y_true = as_index_array(y_true, "y_true", upper, (None,))
    y_pred = as_index_array(y_pred, "y_pred", upper, (None,))
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {y_true.size} and {y_pred.size}")
    if y_true.size == 0:
        raise ValueError("y_true and y_pred are empty: there is nothing to score")
    if n_classes is None:
        n_classes = int(max(y_true.max(), y_pred.max())) + 1
    return y_true, y_pred, int(n_classes)


def confusion_matrix(y_true, y_pred, n_classes: int | None = None) -> np.ndarray:
    """Counts ``(K, K)``: entry ``[i, j]`` is how many examples of true class ``i`` were
    predicted as class ``j`` (rows: truth, columns: prediction). ``K`` is ``n_classes``,
    or one more than the largest label seen."""
    y_true, y_pred, k = _labels(y_true, y_pred, n_classes)
    return np.bincount(y_true * k + y_pred, minlength=k * k).reshape(k, k)


def accuracy(y_true, y_pred) -> float:
    """Fraction of examples whose predicted class is the true one."""
    y_true, y_pred, _ = _labels(y_true, y_pred, None)
    return float(np.mean(y_true == y_pred))


def balanced_accuracy(y_true, y_pred, n_classes: int | None = None) -> float:
    """Mean over the classes **present in** ``y_true`` of the recall (the fraction of that
    class's examples predicted correctly): every class counts the same, however rare."""
    matrix = confusion_matrix(y_true, y_pred, n_classes)
    support = matrix.sum(axis=1)
    present = support > 0
    return float(np.mean(np.diag(matrix)[present] / support[present]))


def macro_f1(y_true, y_pred, n_classes: int | None = None) -> float:
    """Mean over classes of F1 = 2 precision recall / (precision + recall), over the classes
    that occur in ``y_true`` or ``y_pred``; a class never predicted (or never right) has
    F1 = 0."""
    matrix = confusion_matrix(y_true, y_pred, n_classes)
    true_pos = np.diag(matrix).astype(float)
    support, predicted = matrix.sum(axis=1), matrix.sum(axis=0)
    seen = (support + predicted) > 0
    f1 = 2 * true_pos[seen] / (support[seen] + predicted[seen])
    return float(np.mean(f1))


def _errors(y_true, y_pred) -> np.ndarray:
    y_true = as_float_array(y_true, "y_true", allow_empty=False)
    y_pred = as_float_array(y_pred, "y_pred", allow_empty=False)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape, got {y_true.shape} and {y_pred.shape}")
    return y_pred - y_true


def rmse(y_true, y_pred) -> float:
    """Root mean squared error, in the units of the data."""
    return float(np.sqrt(np.mean(_errors(y_true, y_pred) ** 2)))


def mae(y_true, y_pred) -> float:
    """Mean absolute error, in the units of the data."""
    return float(np.mean(np.abs(_errors(y_true, y_pred))))
