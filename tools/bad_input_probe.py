"""A probe, not a test: every argument of the newer helpers replaced, one at a time, by
each value of a list of wrong ones, and the outcome sorted as a learner would meet it.

    python -m tools.bad_input_probe          # counts, and every case that is not clear
    python -m tools.bad_input_probe --all    # every case

"clear": a TypeError, ValueError, KeyError or FileExistsError whose message names the
argument; "cryptic": any other error, or a message that does not name it; "accepted": the
call returned (a valid input, or a silent wrong result: read those lines). The baseline
calls are small, valid and fast; each is checked to run before its arguments are varied.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import signal
import sys
import warnings

import numpy as np
import torch

from helpers.data import batching, dates, pcfg, series, splits, symbol_strings
from helpers.data.text import Vocabulary
from helpers.numpy_nets import attention, generation, gradient_flow, gru, lstm, metrics, optim, srn, tasks
from helpers.torch_nets import (
    attention as torch_attention,
)
from helpers.torch_nets import (
    beam_search,
    char_lm,
    encoder_decoder,
    forecasting,
    sampling,
    sequence_classifier,
    surprisal,
    tagger,
    twins,
)

WRONG = {
    "None": None,
    "a string": "x",
    "NaN": float("nan"),
    "inf": float("inf"),
    "-1": -1,
    "0": 0,
    "2.5": 2.5,
    "True": True,
    "an empty list": [],
    "an empty array": np.zeros(0),
    "a 4-D array": np.zeros((2, 2, 2, 2)),
    "a dict": {"a": 1},
    "10**12": 10**12,
}
CLEAR = (TypeError, ValueError, KeyError, FileExistsError)
SECONDS = 3   # a call still running then accepted an enormous budget


def rng():
    return np.random.default_rng(0)


def small():
    m, h, k = 5, 4, 6
    return {
        "srn": srn.init_params(m, h, k, rng()),
        "lstm": lstm.init_params(m, h, k, rng()),
        "gru": gru.init_params(m, h, k, rng()),
    }


IDS = np.array([[0, 1, 2], [3, 4, 0]])
TARGETS = np.array([[1, 2, 3], [4, 5, 0]])
VOCAB = Vocabulary(list("abc"))
GRAMMAR = {"S": [(0.5, ["a", "B"]), (0.5, ["b"])], "B": [(1.0, ["c"])]}


def char_model():
    torch.manual_seed(0)
    return char_lm.CharLM(3, kind="gru", hidden=4, embedding=2)


def classifier():
    torch.manual_seed(0)
    return sequence_classifier.SequenceClassifier(3, 2, hidden=4, embedding=2)


ATTENTION = {"W": np.zeros((2, 2)), "U": np.zeros((2, 3)), "v": np.zeros(2)}
PAIRS = [("ab", "ba"), ("b", "b")]
SEQ_VOCABS = encoder_decoder.vocabularies(PAIRS)
SEQ_DATA = encoder_decoder.encode_pairs(PAIRS, *SEQ_VOCABS)
TAGGED = {("a/X", "b/Y"): 0.5, ("a/Z", "c/Y"): 0.5}


def seq_model():
    return encoder_decoder.EncoderDecoder(len(SEQ_VOCABS[0]), len(SEQ_VOCABS[1]), hidden=2, embedding=2,
                                          attention="additive", n_attention=2)


BATCH = {"inputs": IDS, "targets": TARGETS}
# function -> the keyword arguments of one small valid call
CALLS = {
    lstm.forward: lambda: {"params": small()["lstm"], "inputs": IDS},
    lstm.loss_and_gradients: lambda: {"params": small()["lstm"], **BATCH, "truncate": 2},
    lstm.predict_step: lambda: {"params": small()["lstm"], "token_id": 1},
    lstm.lstm_step: lambda: {"x": np.eye(5)[[0, 1]], "params": small()["lstm"],
                             "state": (np.zeros((2, 4)),) * 2},
    gru.forward: lambda: {"params": small()["gru"], "inputs": IDS},
    gru.loss_and_gradients: lambda: {"params": small()["gru"], **BATCH, "truncate": 2},
    gru.predict_step: lambda: {"params": small()["gru"], "token_id": 1},
    gru.gru_step: lambda: {"x": np.eye(5)[[0, 1]], "h_prev": np.zeros((2, 4)), "params": small()["gru"]},
    optim.sgd_step: lambda: {
        "params": small()["srn"],
        "grads": srn.loss_and_gradients(small()["srn"], IDS, TARGETS)[1],
        "lr": 0.1,
    },
    optim.clip_gradients: lambda: {
        "grads": srn.loss_and_gradients(small()["srn"], IDS, TARGETS)[1],
        "max_norm": 1.0,
    },
    optim.Adam: lambda: {"params": small()["srn"], "lr": 0.01},
    optim.cosine_factor: lambda: {"done": 1, "total": 4},
    optim.train_epoch: lambda: {
        "loss_and_gradients": srn.loss_and_gradients,
        "params": small()["srn"],
        "optimizer": optim.Adam(small()["srn"]),
        "inputs": IDS,
        "targets": IDS % 5,
        "seq_len": 2,
        "max_norm": 1.0,
    },
    optim.next_stream_states: lambda: {"state": np.ones((3, 4))},
    gradient_flow.scale_spectral_radius: lambda: {"W": np.eye(3) * 2, "rho": 0.9},
    gradient_flow.state_jacobians: lambda: {
        "params": small()["srn"],
        "cache": srn.forward(small()["srn"], IDS),
        "sequence": 1,
    },
    gradient_flow.jacobian_product: lambda: {"jacobians": np.ones((3, 2, 2)), "t": 2, "k": 0},
    gradient_flow.jacobian_bound: lambda: {"W": np.eye(2), "lag": 3, "max_slope": 1.0},
    gradient_flow.blame_norms: lambda: {"params": small()["srn"], "inputs": [0, 1, 2], "target": 3},
    gradient_flow.lag_curve: lambda: {
        "rho": 1.0,
        "activation": "tanh",
        "n_steps": 5,
        "n_hidden": 4,
        "seed": 0,
    },
    gradient_flow.blame_by_lag: lambda: {
        "module": srn,
        "params": small()["srn"],
        "inputs": IDS,
        "targets": TARGETS,
    },
    gradient_flow.one_unit_cost: lambda: {"w": 1.0, "b": 0.0, "n_steps": 5, "h0": 0.5, "target": 0.6},
    tasks.input_size: lambda: {"n_symbols": 4},
    tasks.first_symbol_batch: lambda: {
        "n_sequences": 3,
        "lag": 2,
        "rng": rng(),
        "n_symbols": 4,
        "noise": 1.0,
    },
    tasks.query_accuracy: lambda: {"probs": np.full((2, 4, 4), 0.25), "answers": [0, 1]},
    tasks.train_on_task: lambda: {
        "module": srn,
        "params": srn.init_params(5, 4, 4, rng()),
        "lag": 1,
        "steps": 2,
        "rng": rng(),
        "batch": 4,
        "lr": 0.01,
        "max_norm": 1.0,
        "noise": 1.0,
        "truncate": None,
    },
    tasks.evaluate_on_task: lambda: {
        "module": srn,
        "params": srn.init_params(5, 4, 4, rng()),
        "lag": 1,
        "rng": rng(),
        "n_sequences": 8,
        "noise": 1.0,
    },
    char_lm.split_text: lambda: {"text": "abcdefghij" * 3, "val_fraction": 0.2},
    char_lm.char_vocabulary: lambda: {"text": "abc"},
    char_lm.count_parameters: lambda: {"model": char_model()},
    char_lm.epoch_windows: lambda: {"ids": np.arange(40) % 3, "n_streams": 2, "seq_len": 4, "rng": rng()},
    char_lm.detach: lambda: {"state": torch.zeros(1, 2)},
    char_lm.evaluate: lambda: {"model": char_model(), "ids": np.arange(40) % 3, "n_streams": 2, "seq_len": 4},
    char_lm.train: lambda: {
        "model": char_model(),
        "train_ids": np.arange(60) % 3,
        "val_ids": np.arange(20) % 3,
        "n_streams": 2,
        "seq_len": 4,
        "lr": 0.01,
        "max_seconds": None,
        "max_epochs": 1,
        "max_chars": None,
        "max_norm": 1.0,
        "evaluations": 1,
        "seed": 0,
        "progress": False,
    },
    char_lm.CharLM: lambda: {
        "vocab_size": 3,
        "kind": "gru",
        "hidden": 4,
        "layers": 1,
        "dropout": 0.0,
        "embedding": 2,
    },
    sampling.sample: lambda: {
        "model": char_model(),
        "vocab": VOCAB,
        "prompt": "ab",
        "n_chars": 3,
        "temperature": 1.0,
        "top_k": None,
        "top_p": None,
        "greedy": False,
        "seed": 0,
    },
    sampling.distinct_ngram_fraction: lambda: {"text": "abcabc", "n": 2},
    generation.next_token_probs: lambda: {
        "logits": [0.0, 1.0, 2.0],
        "temperature": 1.0,
        "top_k": 2,
        "top_p": 0.9,
    },
    generation.choose: lambda: {"probs": [0.2, 0.8], "rng": rng()},
    batching.pad_sequences: lambda: {"sequences": [[1, 2], [3]], "pad_id": 0},
    batching.padding_mask: lambda: {"lengths": [2, 1], "max_len": 3},
    splits.stratified_split: lambda: {"labels": [0, 1] * 10, "fractions": [0.5, 0.5], "seed": 0},
    splits.time_split: lambda: {"n": 20, "fractions": [0.5, 0.5]},
    series.sliding_windows: lambda: {"values": np.arange(20.0), "width": 3, "ends": [5, 6, 7]},
    series.fit_scaler: lambda: {"values": np.arange(5.0)},
    metrics.confusion_matrix: lambda: {"y_true": [0, 1, 1], "y_pred": [0, 1, 0], "n_classes": 2},
    metrics.accuracy: lambda: {"y_true": [0, 1, 1], "y_pred": [0, 1, 0]},
    metrics.balanced_accuracy: lambda: {"y_true": [0, 1, 1], "y_pred": [0, 1, 0], "n_classes": 2},
    metrics.macro_f1: lambda: {"y_true": [0, 1, 1], "y_pred": [0, 1, 0], "n_classes": 2},
    metrics.rmse: lambda: {"y_true": [0.0, 1.0], "y_pred": [0.5, 1.0]},
    metrics.mae: lambda: {"y_true": [0.0, 1.0], "y_pred": [0.5, 1.0]},
    forecasting.persistence: lambda: {"values": np.arange(10.0), "ends": [3, 4]},
    forecasting.seasonal_naive: lambda: {"values": np.arange(10.0), "ends": [5, 6], "period": 3},
    forecasting.fit_autoregression: lambda: {
        "values": np.sin(np.arange(30.0)),
        "order": 2,
        "ends": np.arange(5, 30),
    },
    forecasting.autoregression_predict: lambda: {"coefficients": [0.5, 0.2, 0.1], "windows": np.ones((2, 2))},
    forecasting.forecast_ahead: lambda: {
        "predict_next": lambda w: w[:, -1],
        "windows": np.ones((2, 3)),
        "horizon": 2,
    },
    forecasting.Forecaster: lambda: {"hidden": 2},
    forecasting.train_forecaster: lambda: {
        "model": forecasting.Forecaster(hidden=2),
        "inputs": np.zeros((4, 12)),
        "targets": np.zeros((4, 12)),
        "val_windows": np.zeros((2, 12)),
        "val_targets": np.zeros(2),
        "epochs": 1,
        "batch_size": 2,
        "lr": 0.01,
        "warmup": 2,
        "seed": 0,
        "progress": False,
    },
    forecasting.error_by_horizon: lambda: {
        "forecasts": np.zeros((2, 2)),
        "values": np.arange(10.0),
        "ends": [3, 4],
    },
    sequence_classifier.SequenceClassifier: lambda: {
        "vocab_size": 3,
        "n_classes": 2,
        "kind": "gru",
        "hidden": 4,
        "embedding": 2,
        "dropout": 0.0,
    },
    sequence_classifier.class_weights: lambda: {"labels": [0, 1, 1], "n_classes": 2, "power": 1.0},
    sequence_classifier.predict_proba: lambda: {
        "model": classifier(),
        "sequences": [[0, 1], [2]],
        "batch_size": 2,
    },
    sequence_classifier.train_classifier: lambda: {
        "model": classifier(),
        "sequences": [[0, 1], [2], [1]],
        "labels": [0, 1, 0],
        "val_sequences": [[0], [1, 2]],
        "val_labels": [0, 1],
        "epochs": 1,
        "batch_size": 2,
        "lr": 0.01,
        "weights": None,
        "max_norm": 1.0,
        "seed": 0,
        "progress": False,
    },
    sequence_classifier.rank_labels: lambda: {
        "model": classifier(),
        "vocab": VOCAB,
        "text": "ab",
        "label_names": ["x", "y"],
        "top": 2,
    },
    pcfg.check_grammar: lambda: {"grammar": GRAMMAR, "start": "S"},
    pcfg.sentence_distribution: lambda: {"grammar": GRAMMAR, "start": "S", "max_sentences": 100},
    pcfg.sample_sentences: lambda: {
        "distribution": pcfg.sentence_distribution(GRAMMAR),
        "n": 3,
        "rng": rng(),
    },
    pcfg.exact_surprisal: lambda: {"distribution": pcfg.sentence_distribution(GRAMMAR), "words": ["a", "c"]},
    surprisal.next_word_probabilities: lambda: {
        "model": char_model(),
        "vocab": VOCAB,
        "words": ["a", "b"],
        "context": ["c"],
    },
    surprisal.model_surprisal: lambda: {
        "model": char_model(),
        "vocab": VOCAB,
        "words": ["a", "b"],
        "context": ["c"],
    },
    surprisal.expected_words: lambda: {
        "model": char_model(),
        "vocab": VOCAB,
        "words": ["a", "b"],
        "context": ["c"],
        "top": 2,
    },
    dates.ordinal: lambda: {"n": 3},
    dates.write_date: lambda: {"day": dt.date(1994, 3, 3), "style": "dd/mm/yy"},
    dates.split_days: lambda: {"test_fraction": 0.2, "seed": 0},
    dates.date_pairs: lambda: {"days": [dt.date(1994, 3, 3)], "styles": ["dd/mm/yy"], "n": 2, "rng": rng()},
    symbol_strings.string_pairs: lambda: {"n": 2, "min_len": 1, "max_len": 3, "alphabet": "ab", "rng": rng(),
                                          "reverse": True},
    pcfg.tag_words: lambda: {"grammar": GRAMMAR, "tags": ["S"]},
    pcfg.split_tags: lambda: {"sentence": ("a/X", "b/Y")},
    pcfg.tagging_ceiling: lambda: {"distribution": TAGGED, "word": "a", "reads": "left"},
    attention.init_params: lambda: {"kind": "additive", "n_query": 2, "n_keys": 3, "n_attention": 2,
                                    "rng": rng()},
    attention.masked_softmax: lambda: {"scores": np.zeros((2, 3)), "mask": np.ones((2, 3), dtype=bool)},
    attention.forward: lambda: {"params": ATTENTION, "query": np.zeros((2, 2)), "keys": np.zeros((2, 4, 3)),
                                "mask": np.ones((2, 4), dtype=bool), "kind": "additive"},
    attention.backward: lambda: {"params": ATTENTION, "cache": attention.forward(
        ATTENTION, np.zeros((2, 2)), np.zeros((2, 4, 3)))[1], "d_context": np.ones((2, 3))},
    torch_attention.Attention: lambda: {"kind": "dot", "n_query": 3, "n_keys": 3, "n_attention": 2},
    encoder_decoder.vocabularies: lambda: {"pairs": PAIRS},
    encoder_decoder.encode_pairs: lambda: {"pairs": PAIRS, "source_vocab": SEQ_VOCABS[0],
                                           "target_vocab": SEQ_VOCABS[1]},
    encoder_decoder.EncoderDecoder: lambda: {"source_size": 5, "target_size": 5, "hidden": 2, "embedding": 2,
                                             "attention": "dot", "n_attention": 2},
    encoder_decoder.teacher_batch: lambda: {"sources": SEQ_DATA[0], "targets": SEQ_DATA[1], "index": [0, 1]},
    encoder_decoder.train_encoder_decoder: lambda: {
        "model": seq_model(), "sources": SEQ_DATA[0], "targets": SEQ_DATA[1], "steps": 2,
        "val_sources": SEQ_DATA[0], "val_targets": SEQ_DATA[1], "batch_size": 2, "lr": 0.01, "evaluations": 1,
        "seed": 0, "progress": False},
    encoder_decoder.greedy_decode: lambda: {"model": seq_model(), "sources": SEQ_DATA[0], "max_len": 3,
                                            "batch_size": 2, "weights": True},
    encoder_decoder.teacher_forced_predictions: lambda: {"model": seq_model(), "sources": SEQ_DATA[0],
                                                         "targets": SEQ_DATA[1]},
    encoder_decoder.exact_match: lambda: {"outputs": [np.array([3])], "targets": [np.array([3, 2])]},
    beam_search.beam_search: lambda: {"model": seq_model(), "sources": SEQ_DATA[0], "beam_width": 2,
                                      "max_len": 3, "length_penalty": 1.0},
    tagger.Tagger: lambda: {"vocab_size": 3, "n_tags": 2, "kind": "gru", "hidden": 2, "embedding": 2,
                            "bidirectional": True},
    tagger.train_tagger: lambda: {"model": tagger.Tagger(3, 2, hidden=2, embedding=2),
                                  "sentences": [[0, 1], [2]],
                                  "tags": [[0, 1], [1]], "epochs": 1, "batch_size": 2, "lr": 0.01, "seed": 0,
                                  "progress": False},
    tagger.tag_probabilities: lambda: {"model": tagger.Tagger(3, 2, hidden=2, embedding=2),
                                       "sentences": [[0, 1], [2]]},
    twins.TorchRecurrentNet: lambda: {"kind": "gru", "n_inputs": 3, "n_hidden": 2, "n_outputs": 3},
    twins.lstm_loss_and_gradients: lambda: {"params": small()["lstm"], "inputs": IDS, "targets": TARGETS},
    twins.gru_loss_and_gradients: lambda: {"params": small()["gru"], "inputs": IDS, "targets": TARGETS},
}


class _Slow(Exception):
    pass


def _stop(signum, frame):
    raise _Slow


def outcome(function, kwargs, name) -> tuple[str, str]:
    signal.signal(signal.SIGALRM, _stop)
    signal.alarm(SECONDS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = function(**kwargs)
    except _Slow:
        return "slow", f"still running after {SECONDS} s (accepted, and works on it)"
    except MemoryError as error:   # or torch's allocator: a size beyond the machine, refused at once
        return "too big", f"{type(error).__name__}: {str(error)[:110]}"
    except CLEAR as error:
        message = str(error)
        kind = "clear" if name in message and "Traceback" not in message else "cryptic"
        return kind, f"{type(error).__name__}: {message[:110]}"
    except Exception as error:  # noqa: BLE001 - sorting every failure is the point
        too_big = ("can't allocate memory", "array is too big", "too large to convert")
        if any(text in str(error) for text in too_big):
            return "too big", f"{type(error).__name__}: {str(error)[:110]}"
        return "cryptic", f"{type(error).__name__}: {str(error)[:110]}"
    finally:
        signal.alarm(0)
    values = np.ravel(result) if isinstance(result, np.ndarray | float) else []
    silent = any(isinstance(v, float | np.floating) and math.isnan(v) for v in values)
    return ("silent" if silent else "accepted"), repr(result)[:80]


def main() -> int:
    counts, lines = {}, []
    for function, make in CALLS.items():
        label = f"{function.__module__.rsplit('.', 1)[1]}.{function.__qualname__}"
        function(**make())  # the baseline works
        for name in inspect.signature(function).parameters:
            if name not in make():
                continue
            for wrong, value in WRONG.items():
                kwargs = make()
                kwargs[name] = value
                kind, detail = outcome(function, kwargs, name)
                counts[kind] = counts.get(kind, 0) + 1
                if kind != "clear" or "--all" in sys.argv:
                    lines.append(f"{kind:9s} {label}({name}={wrong}): {detail}")
    print("\n".join(lines))
    print(f"cases: {sum(counts.values())}; " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
