"""Splitting data into training, validation and test parts without leaks (notebook 08):
by class for labelled examples (every class in every part, in proportion, and a group such
as one surname never in two parts) and by time for a series (the test part comes last)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable

import numpy as np

from helpers.validation import as_float_array, require_int_in, require_positive_int


def _fractions(fractions) -> np.ndarray:
    """Positive fractions that add up to 1, as an array."""
    if isinstance(fractions, str | bytes) or not hasattr(fractions, "__len__"):
        raise TypeError(f"fractions must be a list of numbers that add up to 1, "
                        f"got {type(fractions).__name__}")
    values = as_float_array(fractions, "fractions", (None,))
    if values.size < 2 or np.any(values <= 0) or abs(values.sum() - 1) > 1e-9:
        raise ValueError(f"fractions must be two or more positive numbers that add up to 1, "
                         f"got {list(fractions)}")
    return values


def _bounds(n: int, fractions: np.ndarray) -> np.ndarray:
    """Cut points ``0 = b_0 <= ... <= b_P = n`` with part ``p`` getting about ``fractions[p] n``."""
    return np.round(np.concatenate([[0.0], np.cumsum(fractions)]) * n).astype(int)


def stratified_split(labels, fractions, seed: int = 0, groups=None) -> list[np.ndarray]:
    """Indices of each part, sorted: ``fractions`` (e.g. ``[0.7, 0.15, 0.15]``) of the
    examples of every class, drawn at random (``seed``).

    ``labels``: one hashable label per example (``N`` of them). ``groups``: optional, one
    key per example; all examples with the same key go to the same part (a surname listed
    under two languages lands in one part only). A group is placed with the examples of the
    rarest class among its members."""
    if isinstance(labels, str | bytes | dict | set) or not hasattr(labels, "__len__"):
        raise TypeError(f"labels must be a list with one label per example, got {type(labels).__name__}")
    labels = list(labels)
    if not labels:
        raise ValueError("labels is empty: there is nothing to split")
    fractions = _fractions(fractions)
    require_int_in(seed, "seed", 0)
    if any(not isinstance(label, Hashable) or isinstance(label, np.ndarray) for label in labels):
        raise TypeError("labels must be one class (a name or a number) per example, not arrays or lists")
    if groups is None:
        groups = list(range(len(labels)))
    elif isinstance(groups, str | bytes) or not hasattr(groups, "__len__") or len(groups) != len(labels):
        raise ValueError(f"groups must give one key per example ({len(labels)}), got "
                         f"{len(groups) if hasattr(groups, '__len__') else type(groups).__name__}")
    counts = Counter(labels)
    members: dict = {}
    for i, key in enumerate(groups):
        members.setdefault(key, []).append(i)
    strata: dict = {}
    for key, idx in members.items():
        stratum = min((labels[i] for i in idx), key=lambda label: (counts[label], str(label)))
        strata.setdefault(stratum, []).append(key)
    rng = np.random.default_rng(seed)
    parts: list[list[int]] = [[] for _ in fractions]
    for stratum in sorted(strata, key=str):
        keys = strata[stratum]
        order = rng.permutation(len(keys))
        bounds = _bounds(len(keys), fractions)
        for p in range(len(fractions)):
            for k in order[bounds[p]:bounds[p + 1]]:
                parts[p].extend(members[keys[k]])
    return [np.array(sorted(part), dtype=np.int64) for part in parts]


def time_split(n: int, fractions) -> list[np.ndarray]:
    """Indices ``0..n-1`` cut in time order into consecutive parts of about ``fractions``
    of ``n`` each (e.g. ``[0.7, 0.1, 0.2]``: train, validation, then the last 20% to test):
    nothing in a later part happens before anything in an earlier one."""
    n = require_positive_int(n, "n (the series length)")
    fractions = _fractions(fractions)
    bounds = _bounds(int(n), fractions)
    if np.any(np.diff(bounds) == 0):
        raise ValueError(f"{n} steps are too few for the fractions {list(fractions)}: a part would be empty")
    return [np.arange(bounds[p], bounds[p + 1]) for p in range(len(fractions))]
