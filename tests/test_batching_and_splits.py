"""Padding, masks, stratified and grouped splits, time splits, windows and scaling."""

import numpy as np
import pytest

from helpers.data import batching, series, splits


def test_pad_sequences_and_mask():
    ids, lengths = batching.pad_sequences([[3, 4, 5], [6], np.array([7, 8])], pad_id=9)
    assert ids.tolist() == [[3, 4, 5], [6, 9, 9], [7, 8, 9]] and lengths.tolist() == [3, 1, 2]
    mask = batching.padding_mask(lengths)
    assert mask.tolist() == [[True, True, True], [True, False, False], [True, True, False]]
    assert batching.padding_mask(lengths, 5).shape == (3, 5)
    assert np.array_equal(ids[mask], [3, 4, 5, 6, 7, 8])


@pytest.mark.parametrize(
    "sequences, message",
    [([], "empty"), ([[1], []], r"sequences\[1\] is empty"), ([[1, -2]], r"sequences\[0\]"), ("abc", "list")],
)
def test_pad_sequences_refuses_bad_batches(sequences, message):
    with pytest.raises((ValueError, TypeError), match=message):
        batching.pad_sequences(sequences)


def test_stratified_split_keeps_class_proportions_and_groups_together():
    rng = np.random.default_rng(0)
    labels = rng.choice(["a", "b", "c"], size=1000, p=[0.8, 0.15, 0.05])
    groups = rng.integers(0, 600, size=1000)
    parts = splits.stratified_split(labels, [0.7, 0.15, 0.15], seed=1, groups=groups)
    assert sorted(np.concatenate(parts).tolist()) == list(range(1000))
    seen = [set(groups[p]) for p in parts]
    assert not (seen[0] & seen[1]) and not (seen[0] & seen[2]) and not (seen[1] & seen[2])
    for label in "abc":
        share = np.mean(labels[parts[2]] == label)
        assert abs(share - np.mean(labels == label)) < 0.05
    again = splits.stratified_split(labels, [0.7, 0.15, 0.15], seed=1, groups=groups)
    assert all(np.array_equal(x, y) for x, y in zip(parts, again, strict=True))


def test_stratified_split_without_groups_is_exact_per_class():
    labels = [0] * 100 + [1] * 20
    train, test = splits.stratified_split(labels, [0.8, 0.2], seed=0)
    assert np.bincount(np.array(labels)[test]).tolist() == [20, 4]


def test_time_split_is_ordered_and_complete():
    parts = splits.time_split(3650, [0.7, 0.1, 0.2])
    assert [len(p) for p in parts] == [2555, 365, 730]
    assert parts[0][-1] + 1 == parts[1][0] and parts[1][-1] + 1 == parts[2][0] and parts[2][-1] == 3649


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: splits.time_split(3, [0.5, 0.2, 0.3]), "too few"),
        (lambda: splits.time_split(10, [0.5, 0.6]), "add up to 1"),
        (lambda: splits.stratified_split([0, 1], [1.0]), "two or more"),
        (lambda: splits.stratified_split([0, 1], [0.5, 0.5], groups=[1]), "one key per example"),
    ],
)
def test_split_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_sliding_windows_read_only_the_past():
    values = np.arange(10.0)
    x, y = series.sliding_windows(values, 3, [3, 9])
    assert x.tolist() == [[0, 1, 2], [6, 7, 8]] and y.tolist() == [3, 9]
    x, y = series.sliding_windows(values, 3, [5], many_to_many=True)
    assert x.tolist() == [[2, 3, 4]] and y.tolist() == [[3, 4, 5]]
    with pytest.raises(ValueError, match="width = 3"):
        series.sliding_windows(values, 3, [2])
    with pytest.raises(ValueError, match="ends"):
        series.sliding_windows(values, 3, [10])


def test_scaler_round_trip_uses_training_statistics():
    scaler = series.fit_scaler([1.0, 2.0, 3.0])
    assert scaler.mean == 2.0 and scaler.std == pytest.approx(np.std([1, 2, 3]))
    assert np.allclose(scaler.inverse(scaler.transform([10.0, -4.0])), [10.0, -4.0])
    with pytest.raises(ValueError, match="all equal"):
        series.fit_scaler([5.0, 5.0])
