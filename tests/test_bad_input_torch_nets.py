"""Bad input for the torch layer (``helpers.torch_nets``): see tests/bad_input.py for what a row
asserts and how the table stays complete."""

from __future__ import annotations

import numpy as np
import torch
from bad_input import (
    IDS,
    T_GOOD,
    TARGETS,
    VALID,
    X_GOOD,
    K,
    M,
    Table,
    U,
    layer_tests,
    params64,
    small_net,
)

from helpers.data import text
from helpers.numpy_nets import (
    gru,
    lstm,
)
from helpers.torch_nets import (
    attention,
    beam_search,
    cells,
    char_lm,
    encoder_decoder,
    forecasting,
    sampling,
    sequence_classifier,
    surprisal,
    tagger,
    training,
    twins,
)

TABLE = Table("torch_nets")
add, add_array_cases = TABLE.add, TABLE.add_array_cases


# ---------------------------------------------------------------- char_lm and sampling
CHAR_TEXT = "abcab\n" * 20


def char_vocab():
    return char_lm.char_vocabulary(CHAR_TEXT)


def char_model(kind="gru"):
    return char_lm.CharLM(len(char_vocab()), kind=kind, hidden=4)


def char_ids():
    return char_vocab().encode(list(CHAR_TEXT))


for label, kwargs, expect, names in [
    ("kind unknown", {"kind": "transformer"}, ValueError, "kind"),
    ("vocab_size 0", {"vocab_size": 0}, ValueError, "vocab_size"),
    ("hidden 0", {"hidden": 0}, ValueError, "hidden"),
    ("layers 1.5", {"layers": 1.5}, ValueError, "layers"),
    ("dropout 1", {"dropout": 1.0}, ValueError, "dropout"),
    ("dropout a string", {"dropout": "0.1"}, TypeError, "dropout"),
    ("embedding -1", {"embedding": -1}, ValueError, "embedding"),
]:
    add("char_lm.CharLM", label, lambda kw=kwargs: char_lm.CharLM(**{"vocab_size": 5, **kw}), expect, names)
for label, value, expect, names in [
    ("ids a numpy array", np.zeros((2, 3), dtype=np.int64), TypeError, "torch.long"),
    ("ids float", torch.zeros(2, 3), TypeError, "torch.long"),
    ("ids 1-D", torch.zeros(3, dtype=torch.long), ValueError, "(N, T)"),
    ("ids out of range", torch.full((1, 2), 9), ValueError, "ids must lie in [0, 4)"),
]:
    add("char_lm.CharLM.forward", label, lambda v=value: char_model()(v), expect, names)
for label, model, vocab, expect, names in [
    ("model None", None, None, TypeError, "model"),
    ("vocab a list", "model", ["a"], TypeError, "vocab"),
    ("vocab of another size", "model", "small", ValueError, "vocab has 2 tokens"),
]:
    add("char_lm.check_model_and_vocab", label, lambda m=model, v=vocab: char_lm.check_model_and_vocab(
        char_model() if m == "model" else m, text.Vocabulary(["a", "b"]) if v == "small" else v),
        expect, names)
add("char_lm.count_parameters", "a dict", lambda: char_lm.count_parameters({}), TypeError, "model")
for label, args, expect, names in [
    ("text bytes", (b"abc",), TypeError, "text"),
    ("val_fraction 0", ("abcdef", 0), ValueError, "val_fraction"),
    ("val_fraction 1", ("abcdef", 1.0), ValueError, "val_fraction"),
    ("text too short", ("abc",), ValueError, "too short"),
]:
    add("char_lm.split_text", label, lambda a=args: char_lm.split_text(*a), expect, names)
add("char_lm.char_vocabulary", "empty text", lambda: char_lm.char_vocabulary(""), ValueError, "text")
add("char_lm.char_vocabulary", "a list", lambda: char_lm.char_vocabulary(["a"]), TypeError, "text")
for label, args, expect, names in [
    ("ids 2-D", (np.zeros((2, 3), dtype=np.int64), 2, 2), ValueError, "ids"),
    ("n_streams 0", (np.arange(50), 0, 2), ValueError, "n_streams"),
    ("seq_len 0", (np.arange(50), 2, 0), ValueError, "seq_len"),
    ("too few ids", (np.arange(3), 5, 2), ValueError, "too few"),
]:
    add(
        "char_lm.epoch_windows",
        label,
        lambda a=args: list(char_lm.epoch_windows(*a, np.random.default_rng(0))),
        expect,
        names,
    )
add(
    "char_lm.epoch_windows",
    "rng a seed",
    lambda: list(char_lm.epoch_windows(np.arange(50), 2, 2, 0)),
    TypeError,
    "rng",
)
add("char_lm.detach", "a list", lambda: char_lm.detach([torch.zeros(2)]), TypeError, "state")
add("char_lm.evaluate", "model None", lambda: char_lm.evaluate(None, char_ids()), TypeError, "model")
add(
    "char_lm.evaluate",
    "ids out of range",
    lambda: char_lm.evaluate(char_model(), [0, 1, 99]),
    ValueError,
    "ids",
)
add(
    "char_lm.evaluate",
    "n_streams 0",
    lambda: char_lm.evaluate(char_model(), char_ids(), 0),
    ValueError,
    "n_streams",
)
for label, kwargs, expect, names in [
    ("no budget", {"max_seconds": None, "max_epochs": None}, ValueError, "budget"),
    ("max_seconds 0", {"max_seconds": 0}, ValueError, "max_seconds"),
    ("max_epochs 0", {"max_epochs": 0, "max_seconds": None}, ValueError, "max_epochs"),
    ("max_chars 0", {"max_chars": 0, "max_seconds": None}, ValueError, "max_chars"),
    ("max_chars nan", {"max_chars": float("nan")}, ValueError, "max_chars"),
    ("evaluations 0", {"evaluations": 0}, ValueError, "evaluations"),
    ("callbacks 1.5", {"callbacks": 1.5}, ValueError, "callbacks"),
    ("lr -1", {"lr": -1.0}, ValueError, "lr"),
    ("max_norm 0", {"max_norm": 0.0}, ValueError, "max_norm"),
    ("eval_every 0", {"eval_every": 0.0}, ValueError, "eval_every"),
    ("eval_every_chars 0", {"eval_every_chars": 0}, ValueError, "eval_every_chars"),
    ("eval_every_chars 2.5", {"eval_every_chars": 2.5}, ValueError, "eval_every_chars"),
    ("two schedules", {"eval_every": 1, "eval_every_chars": 9}, ValueError, "not eval_every and eval_every_"),
    ("patience without keep_best", {"patience": 2}, ValueError, "patience needs keep_best"),
    ("patience 0", {"patience": 0, "keep_best": True, "val_ids": list(range(4)) * 8, "evaluations": 2},
     ValueError, "patience"),
    ("patience, no schedule", {"patience": 2, "keep_best": True, "val_ids": list(range(4)) * 8}, ValueError,
     "evaluation schedule"),
    ("callback not callable", {"callback": 3}, TypeError, "callback"),
    ("seq_len too long", {"seq_len": 500}, ValueError, "too few"),
    ("val_ids out of range", {"val_ids": [0, 99]}, ValueError, "val_ids"),
]:
    add(
        "char_lm.train",
        label,
        lambda kw=kwargs: char_lm.train(
            char_model(), char_ids(), **{"n_streams": 2, "progress": False, **kw}
        ),
        expect,
        names,
    )
add("char_lm.train", "model a dict", lambda: char_lm.train({}, char_ids()), TypeError, "model")
add(
    "char_lm.train",
    "train_ids out of range",
    lambda: char_lm.train(char_model(), [0, 99]),
    ValueError,
    "train_ids",
)
add(
    "char_lm.save_checkpoint",
    "vocab of another size",
    lambda: char_lm.save_checkpoint(char_lm.CharLM(9, kind="srn", hidden=2), char_vocab(), "m.pt"),
    ValueError,
    "vocab has 4 tokens",
)
add(
    "char_lm.save_checkpoint",
    "model None",
    lambda: char_lm.save_checkpoint(None, char_vocab(), "m.pt"),
    TypeError,
    "model",
)


def existing_checkpoint():
    char_lm.save_checkpoint(char_model(), char_vocab(), "m.pt")
    return char_lm.save_checkpoint(char_model(), char_vocab(), "m.pt")


add("char_lm.save_checkpoint", "file exists", existing_checkpoint, FileExistsError, "overwrite=True")
add("char_lm.save_checkpoint", "an array in extra (load_checkpoint could not read it back)",
    lambda: char_lm.save_checkpoint(char_model(), char_vocab(), "m.pt", extra={"curve": np.zeros(2)}),
    TypeError, "extra['curve'] is a numpy.ndarray")
add("char_lm.save_checkpoint", "extra not a dict",
    lambda: char_lm.save_checkpoint(char_model(), char_vocab(), "m.pt", extra=[1.0]), TypeError,
    "extra must be a dict")
add(
    "char_lm.load_checkpoint",
    "no file",
    lambda: char_lm.load_checkpoint("none.pt"),
    FileNotFoundError,
    "no checkpoint at",
)


def damaged_checkpoint():
    with open("bad.pt", "wb") as handle:
        handle.write(b"\x00" * 10)
    return char_lm.load_checkpoint("bad.pt")


add("char_lm.load_checkpoint", "damaged file", damaged_checkpoint, ValueError, "is damaged")


def checkpoint_into_other_shape():
    char_lm.save_checkpoint(char_model(), char_vocab(), "m.pt")
    return char_lm.load_checkpoint("m.pt", char_model("lstm"))


add(
    "char_lm.load_checkpoint",
    "model of another shape",
    checkpoint_into_other_shape,
    ValueError,
    "another shape",
)


def checkpoint_into_a_dict():
    char_lm.save_checkpoint(char_model(), char_vocab(), "m.pt")
    return char_lm.load_checkpoint("m.pt", {})


add("char_lm.load_checkpoint", "model a dict", checkpoint_into_a_dict, TypeError, "model")
for label, args, kwargs, expect, names in [
    ("prompt empty", ("", 3), {}, ValueError, "prompt"),
    ("prompt None", (None, 3), {}, TypeError, "prompt"),
    ("prompt outside the vocabulary", ("abz", 3), {}, ValueError, "outside the vocabulary: ['z']"),
    ("n_chars 0", ("ab", 0), {}, ValueError, "n_chars"),
    ("temperature -1", ("ab", 3), {"temperature": -1.0}, ValueError, "temperature"),
    ("top_k 0", ("ab", 3), {"top_k": 0}, ValueError, "top_k"),
    ("top_p 2", ("ab", 3), {"top_p": 2.0}, ValueError, "top_p"),
    ("greedy 1", ("ab", 3), {"greedy": 1}, TypeError, "greedy"),
]:
    add(
        "sampling.sample",
        label,
        lambda a=args, kw=kwargs: sampling.sample(char_model(), char_vocab(), *a, **kw),
        expect,
        names,
    )
add("sampling.sample", "model None", lambda: sampling.sample(None, char_vocab(), "ab", 2), TypeError, "model")
add(
    "sampling.sample",
    "vocab a list",
    lambda: sampling.sample(char_model(), ["a"], "ab", 2),
    TypeError,
    "vocab",
)
add(
    "sampling.distinct_ngram_fraction",
    "text None",
    lambda: sampling.distinct_ngram_fraction(None),
    TypeError,
    "text",
)
add(
    "sampling.distinct_ngram_fraction",
    "n 0",
    lambda: sampling.distinct_ngram_fraction("abc", 0),
    ValueError,
    "n",
)
add(
    "sampling.distinct_ngram_fraction",
    "too short",
    lambda: sampling.distinct_ngram_fraction("ab", 3),
    ValueError,
    "3-grams",
)

add(
    "forecasting.persistence",
    "end 0",
    lambda: forecasting.persistence(np.arange(5.0), [0]),
    ValueError,
    "width",
)
add("forecasting.persistence", "values None", lambda: forecasting.persistence(None, [1]), TypeError, "values")
add(
    "forecasting.seasonal_naive",
    "period longer than the past",
    lambda: forecasting.seasonal_naive(np.arange(5.0), [3], 4),
    ValueError,
    "width",
)
add(
    "forecasting.seasonal_naive",
    "period 0",
    lambda: forecasting.seasonal_naive(np.arange(5.0), [3], 0),
    ValueError,
    "period",
)
add(
    "forecasting.fit_autoregression",
    "too few days",
    lambda: forecasting.fit_autoregression(np.arange(10.0), 3, [3, 4]),
    ValueError,
    "too few",
)
add(
    "forecasting.fit_autoregression",
    "order 0",
    lambda: forecasting.fit_autoregression(np.arange(10.0), 0, [5]),
    ValueError,
    "order",
)
add_array_cases(
    "forecasting.autoregression_predict",
    "windows",
    np.zeros((2, 3)),
    lambda v: forecasting.autoregression_predict(np.zeros(4), v),
    shape_bad=np.zeros((2, 4)),
)
add(
    "forecasting.autoregression_predict",
    "coefficients None",
    lambda: forecasting.autoregression_predict(None, np.zeros((1, 2))),
    TypeError,
    "coefficients",
)
add(
    "forecasting.forecast_ahead",
    "not callable",
    lambda: forecasting.forecast_ahead(3, np.zeros((1, 2)), 2),
    TypeError,
    "predict_next",
)
add(
    "forecasting.forecast_ahead",
    "horizon 0",
    lambda: forecasting.forecast_ahead(lambda w: w[:, -1], np.zeros((1, 2)), 0),
    ValueError,
    "horizon",
)
add(
    "forecasting.forecast_ahead",
    "windows 1-D",
    lambda: forecasting.forecast_ahead(lambda w: w[:, -1], np.zeros(3), 2),
    ValueError,
    "windows",
)
add(
    "forecasting.forecast_ahead",
    "wrong return shape",
    lambda: forecasting.forecast_ahead(lambda w: w, np.zeros((1, 2)), 2),
    ValueError,
    "predict_next",
)
add(
    "forecasting.error_by_horizon",
    "horizon past the end",
    lambda: forecasting.error_by_horizon(np.zeros((1, 3)), np.arange(5.0), [4]),
    ValueError,
    "horizon",
)
add(
    "forecasting.error_by_horizon",
    "ends count",
    lambda: forecasting.error_by_horizon(np.zeros((2, 1)), np.arange(5.0), [4]),
    ValueError,
    "ends",
)
add("forecasting.Forecaster", "hidden 0", lambda: forecasting.Forecaster(hidden=0), ValueError, "hidden")
add(
    "forecasting.Forecaster.forward",
    "3-D input",
    lambda: forecasting.Forecaster(hidden=2)(torch.zeros(1, 2, 1)),
    ValueError,
    "x",
)
add(
    "forecasting.Forecaster.forward",
    "long tensor",
    lambda: forecasting.Forecaster(hidden=2)(torch.zeros(1, 2, dtype=torch.long)),
    TypeError,
    "x",
)
add_array_cases(
    "forecasting.Forecaster.predict_next",
    "windows",
    np.zeros((2, 3)),
    lambda v: forecasting.Forecaster(hidden=2).predict_next(v),
    shape_bad=np.zeros(3),
)


def forecaster_call(**kwargs):
    args = {
        "inputs": np.zeros((4, 12)),
        "targets": np.zeros((4, 12)),
        "val_windows": np.zeros((2, 12)),
        "val_targets": np.zeros(2),
        "epochs": 1,
    }
    args.update(kwargs)
    model = args.pop("model", forecasting.Forecaster(hidden=2))
    return forecasting.train_forecaster(model, args.pop("inputs"), args.pop("targets"), **args)


for label, kwargs, expect, name in [
    ("model None", {"model": None}, TypeError, "model"),
    ("targets shape", {"targets": np.zeros((4, 3))}, ValueError, "targets"),
    ("val_targets shape", {"val_targets": np.zeros(3)}, ValueError, "val_targets"),
    ("NaN inputs", {"inputs": np.full((4, 12), np.nan)}, ValueError, "inputs"),
    ("epochs 0", {"epochs": 0}, ValueError, "epochs"),
    ("lr 0", {"lr": 0}, ValueError, "lr"),
    ("warmup too long", {"warmup": 12}, ValueError, "warmup"),
    ("to_units not callable", {"to_units": 3}, TypeError, "to_units"),
    ("no validation windows", {"val_windows": np.zeros((0, 12)), "val_targets": np.zeros(0)}, ValueError,
     "val_windows"),
    ("no training windows", {"inputs": np.zeros((0, 12)), "targets": np.zeros((0, 12))}, ValueError,
     "inputs"),
    ("warmup a string", {"warmup": "2"}, TypeError, "warmup"),
    ("valid", {}, VALID, ""),
]:
    add("forecasting.train_forecaster", label, lambda kw=kwargs: forecaster_call(**kw), expect, name)
for label, kwargs, expect, name in [
    ("kind", {"kind": "cnn"}, ValueError, "kind"),
    ("vocab_size 0", {"vocab_size": 0}, ValueError, "vocab_size"),
    ("n_classes 0", {"n_classes": 0}, ValueError, "n_classes"),
    ("hidden 0", {"hidden": 0}, ValueError, "hidden"),
    ("embedding 0", {"embedding": 0}, ValueError, "embedding"),
    ("dropout 1", {"dropout": 1.0}, ValueError, "dropout"),
]:
    add(
        "sequence_classifier.SequenceClassifier",
        label,
        lambda kw=kwargs: sequence_classifier.SequenceClassifier(**{"vocab_size": 5, "n_classes": 2, **kw}),
        expect,
        name,
    )


def tiny_classifier():
    torch.manual_seed(0)
    return sequence_classifier.SequenceClassifier(5, 2, hidden=4, embedding=3)


for label, ids, lengths, expect, name in [
    ("float ids", torch.zeros(1, 2), [2], TypeError, "ids"),
    ("1-D ids", torch.zeros(2, dtype=torch.long), [2], ValueError, "ids"),
    ("id out of range", torch.full((1, 2), 9), [2], ValueError, "ids"),
    ("length 0", torch.zeros(1, 2, dtype=torch.long), [0], ValueError, "lengths"),
    ("length > T", torch.zeros(1, 2, dtype=torch.long), [3], ValueError, "lengths"),
    ("lengths count", torch.zeros(2, 2, dtype=torch.long), [2], ValueError, "lengths"),
]:
    add(
        "sequence_classifier.SequenceClassifier.forward",
        label,
        lambda i=ids, n=lengths: tiny_classifier()(i, n),
        expect,
        name,
    )
add(
    "sequence_classifier.class_weights",
    "class missing",
    lambda: sequence_classifier.class_weights([0, 0], 2),
    ValueError,
    "classes [1]",
)
add(
    "sequence_classifier.class_weights",
    "label out of range",
    lambda: sequence_classifier.class_weights([0, 2], 2),
    ValueError,
    "labels",
)
add(
    "sequence_classifier.class_weights",
    "power 2",
    lambda: sequence_classifier.class_weights([0, 1], 2, 2.0),
    ValueError,
    "power",
)
add(
    "sequence_classifier.class_weights",
    "n_classes 0",
    lambda: sequence_classifier.class_weights([0], 0),
    ValueError,
    "n_classes",
)
add(
    "sequence_classifier.predict_proba",
    "model None",
    lambda: sequence_classifier.predict_proba(None, [[1]]),
    TypeError,
    "model",
)
add(
    "sequence_classifier.predict_proba",
    "no sequences",
    lambda: sequence_classifier.predict_proba(tiny_classifier(), []),
    ValueError,
    "sequences",
)
add(
    "sequence_classifier.predict_proba",
    "empty sequence",
    lambda: sequence_classifier.predict_proba(tiny_classifier(), [[]]),
    ValueError,
    "sequences[0]",
)
add(
    "sequence_classifier.predict_proba",
    "batch_size 0",
    lambda: sequence_classifier.predict_proba(tiny_classifier(), [[1]], batch_size=0),
    ValueError,
    "batch_size",
)


def classifier_call(**kwargs):
    args = {
        "sequences": [[1, 2], [3]],
        "labels": [0, 1],
        "val_sequences": [[1]],
        "val_labels": [0],
        "epochs": 1,
    }
    args.update(kwargs)
    model = args.pop("model", tiny_classifier())
    return sequence_classifier.train_classifier(model, args.pop("sequences"), args.pop("labels"), **args)


for label, kwargs, expect, name in [
    ("model None", {"model": None}, TypeError, "model"),
    ("labels count", {"labels": [0]}, ValueError, "labels"),
    ("label out of range", {"labels": [0, 5]}, ValueError, "labels"),
    ("no validation", {"val_sequences": [], "val_labels": []}, ValueError, "val_sequences"),
    ("sequences a string", {"sequences": "ab"}, TypeError, "sequences"),
    ("an empty sequence far down the list", {"sequences": [[0]] * 1 + [[]], "labels": [0, 1]}, ValueError,
     "sequences[1] is empty"),
    ("val_labels None", {"val_labels": None}, TypeError, "val_labels"),
    ("seed a string", {"seed": "0"}, TypeError, "seed"),
    ("progress an array", {"progress": np.zeros(2)}, TypeError, "progress"),
    ("weights shape", {"weights": [1.0]}, ValueError, "weights"),
    ("weights zero", {"weights": [1.0, 0.0]}, ValueError, "weights"),
    ("epochs 0", {"epochs": 0}, ValueError, "epochs"),
    ("lr negative", {"lr": -1.0}, ValueError, "lr"),
    ("valid", {}, VALID, ""),
]:
    add("sequence_classifier.train_classifier", label, lambda kw=kwargs: classifier_call(**kw), expect, name)
for label, args, expect, name in [
    ("vocab a list", (["a"], "ab", ["x", "y"]), TypeError, "vocab"),
    ("empty text", (text.Vocabulary(list("ab")), " ", ["x", "y"]), ValueError, "text"),
    ("text None", (text.Vocabulary(list("ab")), None, ["x", "y"]), TypeError, "text"),
    ("text only spaces", (text.Vocabulary(list("ab")), "  ", ["x", "y"]), ValueError, "text"),
    ("label count", (text.Vocabulary(list("ab")), "ab", ["x"]), ValueError, "label_names"),
    ("unknown character, no unknown token", (text.Vocabulary(list("ab")), "az", ["x", "y"]), KeyError, "'z'"),
]:
    add(
        "sequence_classifier.rank_labels",
        label,
        lambda a=args: sequence_classifier.rank_labels(tiny_classifier(), *a),
        expect,
        name,
    )
add(
    "sequence_classifier.rank_labels",
    "top 0",
    lambda: sequence_classifier.rank_labels(
        tiny_classifier(), text.Vocabulary(list("ab")), "ab", ["x", "y"], top=0
    ),
    ValueError,
    "top",
)

def word_model():
    torch.manual_seed(0)
    return char_lm.CharLM(3, kind="lstm", hidden=4, embedding=2)


WORDS = text.Vocabulary([".", "a", "b"])
for fn in ("next_word_probabilities", "model_surprisal", "expected_words"):
    call = getattr(surprisal, fn)
    for label, args, expect, name in [
        ("model None", (None, WORDS, ["a"]), TypeError, "model"),
        ("vocab a list", (word_model(), [".", "a"], ["a"]), TypeError, "vocab"),
        ("words a string", (word_model(), WORDS, "a b"), TypeError, "words"),
        ("no words", (word_model(), WORDS, []), ValueError, "words"),
        ("a sentence as one string", (word_model(), WORDS, "a b ."), TypeError, "words"),
        ("unknown word", (word_model(), WORDS, ["a", "z"]), KeyError, "'z'"),
        ("empty context", (word_model(), WORDS, ["a"], []), ValueError, "context"),
        ("valid", (word_model(), WORDS, ["a", "b", "."]), VALID, ""),
    ]:
        add(f"surprisal.{fn}", label, lambda c=call, a=args: c(*a), expect, name)
add(
    "surprisal.expected_words",
    "top 0",
    lambda: surprisal.expected_words(word_model(), WORDS, ["a"], top=0),
    ValueError,
    "top",
)
# ---------------------------------------------------------------- torch twins
add(
    "twins.TorchRecurrentNet",
    "unknown kind",
    lambda: twins.TorchRecurrentNet("rnn", n_inputs=M, n_hidden=U, n_outputs=K),
    ValueError,
    "kind",
)
add(
    "twins.TorchRecurrentNet.from_numpy",
    "an SRN's params as an LSTM's",
    lambda: twins.TorchRecurrentNet.from_numpy("lstm", params64()),
    ValueError,
    "params",
)
add(
    "twins.TorchRecurrentNet.forward",
    "LSTM state not a pair",
    lambda: twins.TorchRecurrentNet("lstm", n_inputs=M, n_hidden=U, n_outputs=K)(
        torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, U)
    ),
    ValueError,
    "state",
)
add(
    "twins.TorchRecurrentNet.forward",
    "vectors of the wrong width",
    lambda: twins.TorchRecurrentNet("gru", n_inputs=M, n_hidden=U, n_outputs=K)(torch.zeros(2, 3, M + 1)),
    TypeError,
    "inputs",
)
for fname, state in (
    ("lstm_loss_and_gradients", (np.zeros((2, U)), np.zeros((2, U + 1)))),
    ("gru_loss_and_gradients", np.zeros((3, U))),
):
    module = lstm if fname.startswith("lstm") else gru
    add(
        f"twins.{fname}",
        "initial state of the wrong shape",
        lambda f=fname, st=state, m=module: getattr(twins, f)(
            m.init_params(M, U, K, np.random.default_rng(0)), IDS, TARGETS, st
        ),
        ValueError,
        "0",
    )
    add(
        f"twins.{fname}",
        "truncate 0",
        lambda f=fname, m=module: getattr(twins, f)(
            m.init_params(M, U, K, np.random.default_rng(0)), IDS, TARGETS, None, 0
        ),
        ValueError,
        "truncate",
    )
add("twins.TorchRecurrentNet", "n_hidden 0",
    lambda: twins.TorchRecurrentNet("srn", n_inputs=M, n_hidden=0, n_outputs=K), ValueError, "n_hidden")
add(
    "twins.TorchRecurrentNet",
    "dtype int",
    lambda: twins.TorchRecurrentNet("srn", n_inputs=M, n_hidden=U, n_outputs=K, dtype=torch.int64),
    TypeError,
    "dtype",
)
add(
    "twins.TorchRecurrentNet.from_numpy",
    "params missing a key",
    lambda: twins.TorchRecurrentNet.from_numpy("srn", {"U": np.zeros((U, M))}),
    ValueError,
    "params",
)
add(
    "twins.TorchRecurrentNet.from_numpy",
    "int weights",
    lambda: twins.TorchRecurrentNet.from_numpy("srn", {**params64(), "V": np.ones((K, U), int)}),
    TypeError,
    "params['V']",
)


def twin():
    return twins.TorchRecurrentNet.from_numpy("srn", params64())


for label, inputs, expect, names in [
    ("numpy ids", IDS, TypeError, "inputs"),
    ("float tensor", torch.zeros(2, 3), TypeError, "inputs"),
    ("1-D tensor", torch.zeros(3, dtype=torch.long), TypeError, "inputs"),
    ("id out of range", torch.full((2, 3), M, dtype=torch.long), ValueError, "inputs"),
]:
    add("twins.TorchRecurrentNet.forward", label, lambda v=inputs: twin()(v), expect, names)
add(
    "twins.TorchRecurrentNet.forward",
    "h0 of the wrong shape",
    lambda: twin()(torch.from_numpy(IDS), torch.zeros(2, U + 1)),
    ValueError,
    "h0",
)
add(
    "twins.TorchRecurrentNet.forward",
    "h0 3-D as torch wants",
    lambda: twin()(torch.from_numpy(IDS), torch.zeros(1, 2, U)),
    ValueError,
    "h0",
)
add_array_cases(
    "twins.srn_loss_and_gradients",
    "h0",
    np.zeros((2, U)),
    lambda v: twins.srn_loss_and_gradients(params64(), IDS, TARGETS, v),
    shape_bad=np.zeros((2, 1)),
    none=VALID,
)
for label, truncate in [("truncate 0", 0), ("truncate -1", -1)]:
    add(
        "twins.srn_loss_and_gradients",
        label,
        lambda k=truncate: twins.srn_loss_and_gradients(params64(), IDS, TARGETS, truncate=k),
        ValueError,
        "truncate",
    )
add(
    "twins.srn_loss_and_gradients",
    "inputs out of range",
    lambda: twins.srn_loss_and_gradients(params64(), IDS + M, TARGETS),
    ValueError,
    "inputs",
)
add(
    "twins.torch_cost_and_gradients",
    "X wrong shape",
    lambda: twins.torch_cost_and_gradients(small_net(), np.zeros((5, 4)), T_GOOD),
    ValueError,
    "X",
)
add(
    "twins.torch_cost_and_gradients",
    "unknown cost",
    lambda: twins.torch_cost_and_gradients(small_net(), X_GOOD, T_GOOD, "l1"),
    ValueError,
    "cost",
)
add(
    "twins.parity_errors",
    "T NaN",
    lambda: twins.parity_errors(small_net(), X_GOOD, np.full((5, 2), np.nan)),
    ValueError,
    "T",
)



# ---------------------------------------------------------------- cells: what every torch model shares
READER = {"kind": "gru", "dropout": 0.0, "vocab_size": 3, "hidden": 2, "embedding": 2}
add("cells.TokenReader", "layers 10**12 (torch would hang building them)",
    lambda: cells.TokenReader(**READER, layers=10 ** 12), ValueError, "layers must be at most 64")
for label, options, names in [("kind rnn", {"kind": "rnn"}, "kind"),
                              ("dropout 1", {"dropout": 1.0}, "dropout")]:
    add("cells.TokenReader", label, lambda kw=options: cells.TokenReader(**{**READER, **kw}), ValueError,
        names)
add("cells.recurrent_layer", "kind rnn", lambda: cells.recurrent_layer("rnn", 2, 3), ValueError, "kind")
add("cells.check_sizes", "hidden 0", lambda: cells.check_sizes(hidden=0), ValueError, "hidden")
add("cells.check_sizes", "hidden a string", lambda: cells.check_sizes(hidden="8"), TypeError, "hidden")
for label, ids, expect, names in [
    ("a list", [[0, 1]], TypeError, "torch.long"),
    ("float", torch.zeros(1, 2), TypeError, "torch.long"),
    ("1-D", torch.zeros(2, dtype=torch.long), ValueError, "(N, T)"),
    ("out of range", torch.full((1, 2), 3), ValueError, "[0, 3)"),
]:
    add("cells.check_token_ids", f"ids {label}", lambda v=ids: cells.check_token_ids(v, 3), expect, names)
add("cells.device_of", "a dict", lambda: cells.device_of({}), TypeError, "model")
add("cells.device_of", "no weights", lambda: cells.device_of(torch.nn.ReLU()), ValueError, "no weights")
add("cells.final_hidden", "a list", lambda: cells.final_hidden([torch.zeros(1)]), TypeError, "state")
add("cells.evaluating", "a dict", lambda: cells.evaluating({}).__enter__(), TypeError, "model")


# ---------------------------------------------------------------- found by tools/bad_input_probe.py
add("char_lm.epoch_windows", "seq_len a string, refused when called", lambda: char_lm.epoch_windows(
    np.arange(20) % 3, 2, "4", np.random.default_rng(0)), TypeError, "seq_len")
for label, kwargs, expect, names in [
    ("val_ids too short to evaluate", {"val_ids": [0, 1, 2]}, ValueError, "val_ids holds 3 characters"),
    ("no budget", {"max_seconds": None}, ValueError, "max_seconds, max_epochs, max_chars"),
    ("seed a string", {"seed": "0", "max_epochs": 1, "n_streams": 2, "seq_len": 4}, TypeError, "seed"),
    ("n_streams beyond the text", {"n_streams": 1000, "max_epochs": 1}, ValueError, "n_streams=1000"),
]:
    add("char_lm.train", label,
        lambda kw=kwargs: char_lm.train(char_model(), np.arange(60) % 3, progress=False, **kw), expect, names)
add("sampling.sample", "seed a string",
    lambda: sampling.sample(char_model(), char_vocab(), "ab", 2, seed="x"), TypeError, "seed")
add("forecasting.autoregression_predict", "no coefficients", lambda: forecasting.autoregression_predict(
    [], np.ones((2, 2))), ValueError, "coefficients")
add("sequence_classifier.rank_labels", "label_names None", lambda: sequence_classifier.rank_labels(
    tiny_classifier(), text.Vocabulary(list("ab")), "ab", None), TypeError, "label_names")
add("surprisal.model_surprisal", "words a dict", lambda: surprisal.model_surprisal(
    word_model(), WORDS, {"a": 1}), TypeError, "words")

# ---------------------------------------------------------------- notebook 09
for label, kwargs, expect, names in [
    ("kind unknown", {"kind": "cosine"}, ValueError, "kind"),
    ("dot with unequal widths", {"kind": "dot", "n_query": 2}, ValueError, "n_query == n_keys"),
    ("n_attention 0", {"n_attention": 0}, ValueError, "n_attention"),
]:
    add("attention.Attention", label, lambda kw=kwargs: attention.Attention(
        **{"kind": "additive", "n_query": 3, "n_keys": 3, "n_attention": 2, **kw}), expect, names)
ATTEND = attention.Attention("dot", n_query=3, n_keys=3)
for label, args, expect, names in [
    ("queries a numpy array", (np.zeros((2, 1, 3)), torch.zeros(2, 4, 3), torch.ones(2, 4, dtype=torch.bool)),
     TypeError, "queries"),
    ("keys 2-D", (torch.zeros(2, 1, 3), torch.zeros(2, 3), torch.ones(2, 4, dtype=torch.bool)), ValueError,
     "keys"),
    ("mask of floats", (torch.zeros(2, 1, 3), torch.zeros(2, 4, 3), torch.ones(2, 4)), ValueError, "mask"),
]:
    add("attention.Attention.forward", label, lambda a=args: ATTEND(*a), expect, names)

PAIRS = [("ab", "ba"), ("b", "b")]
SOURCE_VOCAB, TARGET_VOCAB = encoder_decoder.vocabularies(PAIRS)
SOURCES, TARGETS_09 = encoder_decoder.encode_pairs(PAIRS, SOURCE_VOCAB, TARGET_VOCAB)


def seq_model(attention_kind="additive"):
    torch.manual_seed(0)
    return encoder_decoder.EncoderDecoder(len(SOURCE_VOCAB), len(TARGET_VOCAB), hidden=2, embedding=2,
                                          attention=attention_kind, n_attention=2)


for function, label, call, expect, names in [
    ("vocabularies", "pairs a string", lambda: encoder_decoder.vocabularies("ab"), TypeError, "pairs"),
    ("vocabularies", "an empty target", lambda: encoder_decoder.vocabularies([("a", "")]), TypeError,
     "pairs"),
    ("encode_pairs", "source_vocab None", lambda: encoder_decoder.encode_pairs(PAIRS, None, TARGET_VOCAB),
     TypeError,
     "source_vocab"),
    ("encode_pairs", "a character the vocabulary lacks", lambda: encoder_decoder.encode_pairs(
        [("z", "a")], SOURCE_VOCAB, TARGET_VOCAB), KeyError, "'z'"),
    ("EncoderDecoder", "attention unknown", lambda: encoder_decoder.EncoderDecoder(5, 5, attention="cosine"),
     ValueError, "attention"),
    ("EncoderDecoder", "hidden 0", lambda: encoder_decoder.EncoderDecoder(5, 5, hidden=0), ValueError,
     "hidden"),
    ("EncoderDecoder.encode", "ids a numpy array", lambda: seq_model().encode(np.zeros((1, 2), dtype=int),
     [2]),
     TypeError, "ids"),
    ("EncoderDecoder.encode", "a length 0", lambda: seq_model().encode(torch.zeros(1, 2, dtype=torch.long),
     [0]),
     ValueError, "lengths"),
    ("EncoderDecoder.decode", "encoded None", lambda: seq_model().decode(
        torch.zeros(1, 1, dtype=torch.long), torch.zeros(1, 1, 4), None), TypeError, "encoded"),
    ("EncoderDecoder.decode", "state of the wrong shape", lambda: seq_model().decode(
        torch.zeros(1, 1, dtype=torch.long), torch.zeros(1, 1, 3), seq_model().encode(
            torch.ones(1, 2, dtype=torch.long), [2])), ValueError, "state"),
    ("EncoderDecoder.forward", "previous ids out of range", lambda: seq_model()(
        torch.ones(1, 2, dtype=torch.long), [2], torch.full((1, 2), 99)), ValueError, "ids must lie"),
    ("teacher_batch", "index beyond the pairs", lambda: encoder_decoder.teacher_batch(SOURCES, TARGETS_09,
     [5]),
     ValueError, "index"),
    ("teacher_batch", "sources and targets unequal", lambda: encoder_decoder.teacher_batch(
        SOURCES, TARGETS_09[:1], [0]), ValueError, "pair up"),
    ("train_encoder_decoder", "model a CharLM", lambda: encoder_decoder.train_encoder_decoder(
        char_model(), SOURCES, TARGETS_09, steps=1), TypeError, "model"),
    ("train_encoder_decoder", "steps 0", lambda: encoder_decoder.train_encoder_decoder(
        seq_model(), SOURCES, TARGETS_09, steps=0), ValueError, "max_steps"),
    ("train_encoder_decoder", "val_sources without val_targets",
     lambda: encoder_decoder.train_encoder_decoder(
        seq_model(), SOURCES, TARGETS_09, steps=1, val_sources=SOURCES), ValueError, "val_targets"),
    ("train_encoder_decoder", "val_sources a string", lambda: encoder_decoder.train_encoder_decoder(
        seq_model(), SOURCES, TARGETS_09, steps=1, val_sources="ab", val_targets=TARGETS_09), TypeError,
     "val_sources"),
    ("greedy_decode", "an empty source", lambda: encoder_decoder.greedy_decode(seq_model(), [[]]), ValueError,
     "sources[0]"),
    ("greedy_decode", "weights a string", lambda: encoder_decoder.greedy_decode(
        seq_model(), SOURCES, weights="yes"), TypeError, "weights"),
    ("teacher_forced_predictions", "targets None", lambda: encoder_decoder.teacher_forced_predictions(
        seq_model(), SOURCES, None), TypeError, "targets"),
    ("exact_match", "outputs None", lambda: encoder_decoder.exact_match(None, TARGETS_09), TypeError,
     "outputs"),
    ("exact_match", "unequal lengths", lambda: encoder_decoder.exact_match([[3]], TARGETS_09), ValueError,
     "pair up"),
]:
    add(f"encoder_decoder.{function}", label, call, expect, names)
for label, kwargs, expect, names in [
    ("model None", {"model": None}, TypeError, "model"),
    ("beam_width 0", {"beam_width": 0}, ValueError, "beam_width"),
    ("max_len 0", {"max_len": 0}, ValueError, "max_len"),
    ("length_penalty -1", {"length_penalty": -1}, ValueError, "length_penalty"),
    ("sources ids out of range", {"sources": [[99]]}, ValueError, "sources[0]"),
]:
    add("beam_search.beam_search", label, lambda kw=kwargs: beam_search.beam_search(
        **{"model": seq_model(), "sources": SOURCES, **kw}), expect, names)
for function, label, call, expect, names in [
    ("Tagger", "n_tags 0", lambda: tagger.Tagger(3, 0), ValueError, "n_tags"),
    ("Tagger", "bidirectional a string", lambda: tagger.Tagger(3, 2, bidirectional="yes"), TypeError,
     "bidirectional"),
    ("Tagger.forward", "a length 0", lambda: tagger.Tagger(3, 2)(torch.zeros(1, 2, dtype=torch.long), [0]),
     ValueError, "lengths"),
    ("train_tagger", "tags None", lambda: tagger.train_tagger(tagger.Tagger(3, 2), [[0, 1]], None), TypeError,
     "tags"),
    ("train_tagger", "a tag per word missing", lambda: tagger.train_tagger(tagger.Tagger(3, 2), [[0, 1]],
     [[1]]),
     ValueError, "tags[0]"),
    ("train_tagger", "a tag out of range", lambda: tagger.train_tagger(tagger.Tagger(3, 2), [[0]], [[5]]),
     ValueError, "tags[0]"),
    ("tag_probabilities", "model a CharLM", lambda: tagger.tag_probabilities(char_model(), [[0]]), TypeError,
     "model"),
    ("tag_probabilities", "sentences a string", lambda: tagger.tag_probabilities(tagger.Tagger(3, 2), "ab"),
     TypeError, "sentences"),
]:
    add(f"tagger.{function}", label, call, expect, names)

for function, label, call, expect, names in [
    ("training.shuffled_batches", "batch_size 0", lambda: training.shuffled_batches(5, 0), ValueError,
     "batch_size"),
    ("training.shuffled_batches", "n_items a list", lambda: training.shuffled_batches([1, 2], 2), TypeError,
     "n_items"),
    ("cells.pack_tokens", "ids a numpy array", lambda: cells.pack_tokens(
        torch.nn.Embedding(3, 2), np.zeros((1, 2), dtype=int), [2], 3), TypeError, "ids"),
    ("cells.pack_tokens", "lengths longer than the ids", lambda: cells.pack_tokens(
        torch.nn.Embedding(3, 2), torch.zeros(1, 2, dtype=torch.long), [3], 3), ValueError, "lengths"),
]:
    add(function, label, call, expect, names)

# functions without rows here: covered by their own tests, or not a learner's to call
COVERED_ELSEWHERE: dict[str, str] = {
    "char_lm.Evaluation": "a dataclass returned by evaluate",
    "encoder_decoder.Encoded": "a NamedTuple returned by EncoderDecoder.encode",
    "training.TrainResult": "a dataclass returned by fit",
    "training.Budget": "tests/test_training.py (a budget needs a limit; each limit is checked)",
    "training.Budget.done": "arithmetic on a checked budget, tests/test_training.py",
    "training.fit": "tests/test_training.py (every option checked); its callers' rows are here",
}

(test_bad_input_gets_a_clear_error, test_every_public_function_is_in_the_table,
 test_a_wrong_kind_of_value_is_a_type_error) = layer_tests(TABLE, COVERED_ELSEWHERE, __file__)
