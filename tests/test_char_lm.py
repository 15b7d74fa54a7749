"""helpers.torch_nets.char_lm: the torch character language model, char-rnn batching, training on a
budget, evaluation on a whole split, checkpoints and the device choice."""

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from helpers.data.text import Vocabulary
from helpers.torch_nets import char_lm

TEXT = "to be or not to be, that is the question.\n" * 40


@pytest.fixture(scope="module")
def vocab():
    return char_lm.char_vocabulary(TEXT)


def test_split_is_nanogpts():
    train, val = char_lm.split_text("x" * 1_115_394)
    assert (len(train), len(val)) == (1_003_854, 111_540)
    train, val = char_lm.split_text("abcdefghij", 0.2)
    assert (train, val) == ("abcdefgh", "ij")


def test_vocabulary_is_sorted_and_round_trips(vocab):
    assert vocab.tokens == sorted(set(TEXT))
    assert "".join(vocab.decode(vocab.encode(list(TEXT[:30])))) == TEXT[:30]


@pytest.mark.parametrize("kind", ["srn", "gru", "lstm"])
def test_model_shapes_and_parameter_count(kind):
    model = char_lm.CharLM(20, kind=kind, hidden=8, layers=2, embedding=5)
    logits, state = model(torch.zeros(3, 7, dtype=torch.long))
    assert logits.shape == (3, 7, 20)
    h = state[0] if kind == "lstm" else state
    assert h.shape == (2, 3, 8)
    gates = {"srn": 1, "gru": 3, "lstm": 4}[kind]
    per_layer = [gates * (8 * (n_in + 8) + 2 * 8) for n_in in (5, 8)]
    assert char_lm.count_parameters(model) == 20 * 5 + sum(per_layer) + 20 * 8 + 20


def test_windows_are_contiguous_streams_with_a_random_offset():
    ids = np.arange(1000)
    rng = np.random.default_rng(0)
    windows = list(char_lm.epoch_windows(ids, 4, 10, rng))
    first_x, first_y = windows[0]
    assert first_x.shape == (4, 10)
    np.testing.assert_array_equal(first_y, first_x + 1)  # targets are the next characters
    offset = first_x[0, 0]
    assert 0 <= offset < 10
    for (x0, _), (x1, _) in zip(windows[:-1], windows[1:], strict=True):
        np.testing.assert_array_equal(x1[:, 0], x0[:, -1] + 1)  # window j + 1 continues window j
    stream_len = (1000 - offset - 1) // 4
    np.testing.assert_array_equal(first_x[:, 0], offset + stream_len * np.arange(4))
    offsets = {next(char_lm.epoch_windows(ids, 4, 10, rng))[0][0, 0] for _ in range(30)}
    assert len(offsets) > 3  # the offset changes from epoch to epoch


def test_carrying_the_state_equals_reading_the_whole_stream():
    torch.manual_seed(0)
    model = char_lm.CharLM(10, kind="gru", hidden=6)
    ids = torch.randint(0, 10, (2, 12))
    whole, _ = model(ids)
    first, state = model(ids[:, :5])
    second, _ = model(ids[:, 5:], char_lm.detach(state))
    torch.testing.assert_close(torch.cat([first, second], dim=1), whole)
    assert char_lm.detach(None) is None


def test_evaluate_reports_nats_bits_and_perplexity(vocab):
    torch.manual_seed(0)
    model = char_lm.CharLM(len(vocab), kind="lstm", hidden=8)
    ids = vocab.encode(list(TEXT[:400]))
    result = char_lm.evaluate(model, ids, n_streams=4, seq_len=16)
    logits, _ = model(torch.from_numpy(ids[:-1].reshape(1, -1)))
    assert result.n_chars == 4 * (399 // 4)
    assert math.isclose(result.bits, result.nats / math.log(2))
    assert math.isclose(result.perplexity, math.exp(result.nats))
    one_stream = char_lm.evaluate(model, ids, n_streams=1, seq_len=16)
    direct = torch.nn.functional.cross_entropy(logits[0], torch.from_numpy(ids[1:])).item()
    assert math.isclose(one_stream.nats, direct, rel_tol=1e-5)
    assert abs(result.nats - math.log(len(vocab))) < 0.3  # untrained: close to uniform


def test_training_lowers_the_validation_cost_within_an_epoch_budget(vocab):
    ids = vocab.encode(list(TEXT))
    torch.manual_seed(0)
    model = char_lm.CharLM(len(vocab), kind="gru", hidden=32)
    before = char_lm.evaluate(model, ids).nats
    seen = []
    result = char_lm.train(
        model,
        ids,
        val_ids=ids,
        n_streams=4,
        seq_len=32,
        max_seconds=None,
        max_epochs=8,
        lr=1e-2,
        eval_every=1e-9,
        callback=lambda m, s: seen.append(s),
        callback_every=1e-9,
        progress=False,
    )
    assert result.epochs == 8 and result.steps > 8
    assert result.history[-1][3] < 0.5 * before
    times = [row[0] for row in result.history]
    assert times == sorted(times) and len(seen) == result.steps
    assert result.items_per_second > 0


def test_a_wall_clock_budget_stops_training(vocab):
    ids = vocab.encode(list(TEXT))
    model = char_lm.CharLM(len(vocab), kind="srn", hidden=8)
    result = char_lm.train(model, ids, n_streams=2, seq_len=8, max_seconds=0.5, progress=False)
    assert 0.5 <= result.seconds < 1.5 and result.steps > 0
    assert math.isnan(result.history[-1][3])  # no validation split given


def test_a_character_budget_trains_the_same_model_every_time(vocab):
    ids = vocab.encode(list(TEXT))
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        model = char_lm.CharLM(len(vocab), kind="srn", hidden=8)
        calls = []
        result = char_lm.train(model, ids, val_ids=ids, n_streams=2, seq_len=8, max_seconds=None,
                               max_chars=600, evaluations=3, callbacks=4, progress=False,
                               callback=lambda m, s, calls=calls: calls.append(s))
        runs.append((result, calls, [p.detach().clone() for p in model.parameters()]))
    (first, calls, weights), (second, _, weights_again) = runs
    assert 600 <= first.items < 600 + 2 * 8 and first.epochs >= 1
    assert len(first.history) == 3 and len(calls) == 4
    assert [row[1:] for row in first.history] == [row[1:] for row in second.history]
    assert all(torch.equal(a, b) for a, b in zip(weights, weights_again, strict=True))
    chars = [row[1] for row in first.history]
    assert chars == sorted(chars) and chars[-1] == first.items


def test_the_best_weights_are_kept_stored_and_stop_an_overfitting_run(tmp_path, vocab):
    ids = vocab.encode(list(TEXT))
    train_ids, val_ids = ids[: len(ids) // 2], ids[len(ids) // 2:]
    torch.manual_seed(0)
    model = char_lm.CharLM(len(vocab), kind="gru", hidden=64)
    result = char_lm.train(model, train_ids, val_ids=val_ids, n_streams=2, seq_len=16, max_seconds=None,
                           max_epochs=200, lr=2e-2, eval_every_chars=400, keep_best=True, patience=3,
                           progress=False)
    best = result.history[result.best]
    assert result.stopped_early and result.epochs < 200, "validation stops improving long before 200 epochs"
    assert best[3] == min(result.val) < result.val[-1]
    assert all(later[3] >= best[3] for later in result.history[result.best + 1:])
    assert len(result.history) - 1 - result.best == 3
    assert math.isclose(char_lm.evaluate(model, val_ids).nats, best[3], rel_tol=1e-6)
    path = char_lm.save_checkpoint(model, vocab, tmp_path / "best.pt", extra={"val_nats": best[3]})
    loaded, _, extra = char_lm.load_checkpoint(path)
    assert math.isclose(char_lm.evaluate(loaded, val_ids).nats, extra["val_nats"], rel_tol=1e-6)


def test_a_checkpoint_of_the_kind_once_called_rnn_still_loads(tmp_path, vocab):
    path = char_lm.save_checkpoint(char_lm.CharLM(len(vocab), kind="srn", hidden=4), vocab, tmp_path / "m.pt")
    payload = torch.load(path, weights_only=True)
    payload["config"]["kind"] = "rnn"
    torch.save(payload, path)
    loaded, _, _ = char_lm.load_checkpoint(path)
    assert loaded.config["kind"] == "srn" and isinstance(loaded.rnn, torch.nn.RNN)


def test_checkpoint_round_trip(tmp_path, vocab):
    torch.manual_seed(0)
    model = char_lm.CharLM(len(vocab), kind="lstm", hidden=8, layers=2, dropout=0.1)
    path = char_lm.save_checkpoint(model, vocab, tmp_path / "sub" / "m.pt", extra={"val_nats": 1.5})
    loaded, vocab2, extra = char_lm.load_checkpoint(path)
    assert loaded.config == model.config and vocab2.tokens == vocab.tokens and extra == {"val_nats": 1.5}
    ids = torch.randint(0, len(vocab), (2, 9))
    model.eval()
    loaded.eval()
    torch.testing.assert_close(loaded(ids)[0], model(ids)[0])
    other = char_lm.CharLM(len(vocab), kind="lstm", hidden=8, layers=2)
    char_lm.load_checkpoint(path, other)
    torch.testing.assert_close(other.eval()(ids)[0], model(ids)[0])
    with pytest.raises(FileExistsError, match="overwrite=True"):
        char_lm.save_checkpoint(model, vocab, path)
    char_lm.save_checkpoint(model, vocab, path, overwrite=True)


def test_checkpoint_into_a_model_of_another_shape(tmp_path, vocab):
    model = char_lm.CharLM(len(vocab), kind="lstm", hidden=8)
    path = char_lm.save_checkpoint(model, vocab, tmp_path / "m.pt")
    with pytest.raises(
        ValueError, match=r"another shape.*rnn.weight_hh_l0: checkpoint \(32, 8\), model \(64, 16\)"
    ):
        char_lm.load_checkpoint(path, char_lm.CharLM(len(vocab), kind="lstm", hidden=16))
    with pytest.raises(ValueError, match="another shape"):
        char_lm.load_checkpoint(path, char_lm.CharLM(len(vocab), kind="gru", hidden=8))


@pytest.mark.parametrize("damage", ["truncated", "garbage", "foreign"])
def test_a_damaged_checkpoint_gets_a_clear_error(tmp_path, vocab, damage):
    path = char_lm.save_checkpoint(char_lm.CharLM(len(vocab), kind="srn", hidden=4), vocab, tmp_path / "m.pt")
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "garbage":
        path.write_bytes(b"not a checkpoint at all")
    else:
        torch.save({"weights": torch.zeros(3)}, path)
    with pytest.raises(ValueError, match="is damaged or not a checkpoint written by save_checkpoint"):
        char_lm.load_checkpoint(path)


def test_missing_checkpoint_and_checkpoint_folder_is_ignored(tmp_path):
    import subprocess

    with pytest.raises(FileNotFoundError, match="no checkpoint at"):
        char_lm.load_checkpoint(tmp_path / "none.pt")
    probe = char_lm.CHECKPOINT_DIR / "probe.pt"
    root = char_lm.CHECKPOINT_DIR.parent.parent
    ignored = subprocess.run(["git", "check-ignore", "-q", str(probe.relative_to(root))], cwd=root)
    assert ignored.returncode == 0


def test_the_model_follows_its_device(vocab):
    from helpers.notebook.setup import torch_device

    device = torch_device()
    model = char_lm.CharLM(len(vocab), kind="gru", hidden=4).to(device)
    ids = vocab.encode(list(TEXT[:200]))
    assert char_lm.evaluate(model, ids, n_streams=2).n_chars == 2 * (199 // 2)
    result = char_lm.train(model, ids, n_streams=2, seq_len=8, max_epochs=1, max_seconds=None, progress=False)
    assert result.steps > 0 and next(model.parameters()).device.type == device.type


def test_vocabulary_and_model_must_agree(tmp_path, vocab):
    with pytest.raises(ValueError, match="vocab has"):
        char_lm.save_checkpoint(char_lm.CharLM(3, kind="srn", hidden=4), vocab, tmp_path / "m.pt")
    with pytest.raises(TypeError, match="vocab must be"):
        char_lm.save_checkpoint(char_lm.CharLM(3, kind="srn", hidden=4), ["a"], tmp_path / "m.pt")
    assert isinstance(vocab, Vocabulary)


def test_whatever_a_checkpoint_accepts_it_loads_and_the_rest_is_refused_up_front(tmp_path, vocab):
    model = char_lm.CharLM(len(vocab), kind="gru", hidden=4)
    extra = {"history": [[1, 2.5], [2, float("nan")]], "best": {"step": 3, "nats": 1.25}, "note": None}
    path = char_lm.save_checkpoint(model, vocab, tmp_path / "ok.pt", extra=extra)
    loaded = char_lm.load_checkpoint(path)[2]
    assert loaded["best"] == extra["best"] and loaded["history"][0] == [1, 2.5] and loaded["note"] is None
    for bad, named in (({"curve": np.zeros(3)}, r"extra\['curve'\] is a numpy.ndarray.*\.tolist\(\)"),
                       ({"best": {"nats": np.float32(1.0)}}, r"extra\['best'\]\['nats'\] is a numpy.float32"),
                       ({1: "x"}, "keys must be strings"), ([1], "extra must be a dict")):
        with pytest.raises(TypeError, match=named):
            char_lm.save_checkpoint(model, vocab, tmp_path / "bad.pt", extra=bad)
        assert not (tmp_path / "bad.pt").exists()


def test_a_save_that_fails_half_way_leaves_no_file(tmp_path, vocab, monkeypatch):
    model = char_lm.CharLM(len(vocab), kind="srn", hidden=4)
    path = tmp_path / "m.pt"
    path_before = char_lm.save_checkpoint(model, vocab, path)
    kept = path_before.read_bytes()

    def breaks_half_way(payload, target):
        Path(target).write_bytes(b"half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(char_lm.torch, "save", breaks_half_way)
    with pytest.raises(OSError, match="disk full"):
        char_lm.save_checkpoint(model, vocab, path, overwrite=True)
    with pytest.raises(OSError, match="disk full"):
        char_lm.save_checkpoint(model, vocab, tmp_path / "new.pt")
    assert path.read_bytes() == kept, "the checkpoint that was there is intact"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.pt"], "no partial file is left"
    monkeypatch.undo()
    char_lm.save_checkpoint(model, vocab, tmp_path / "new.pt")   # no FileExistsError from a partial file
