"""A character-level language model in PyTorch (notebook 07): the model, char-rnn's
batching, training on a budget of characters, epochs or seconds, evaluation on a whole
split, and checkpoints. Sampling is in ``helpers.torch_nets.sampling``.

Shapes: ``N`` streams (the batch), ``T`` characters per window, ``V`` characters in the
vocabulary, ``H`` hidden units, ``E`` embedding size.
"""

from __future__ import annotations

import math
import os
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from helpers.data.text import Vocabulary, bptt_chunks, contiguous_streams
from helpers.torch_nets.cells import TokenReader, check_token_ids, device_of, evaluating
from helpers.torch_nets.training import Budget, TrainResult, fit
from helpers.validation import (
    REASON_CHARS,
    as_index_array,
    require_generator,
    require_positive_int,
)

# where checkpoints go: $RNN_COURSE_OUTPUTS/checkpoints (the grader sets it inside its sandbox),
# else outputs/checkpoints in the repository
OUTPUTS_DIR = Path(os.environ.get("RNN_COURSE_OUTPUTS") or Path(__file__).resolve().parents[2] / "outputs")
CHECKPOINT_DIR = OUTPUTS_DIR / "checkpoints"


class CharLM(TokenReader):
    """Embedding ``(V, E)`` -> ``nn.RNN`` / ``nn.GRU`` / ``nn.LSTM`` (``kind`` ``'srn'``,
    ``'gru'`` or ``'lstm'``, ``layers`` stacked, ``hidden`` units, ``dropout`` between
    layers and before the head) -> linear head ``(V, H)``. ``forward(ids (N, T), state)``
    returns logits ``(N, T, V)`` and the state. Sizes are keyword arguments."""

    def __init__(self, vocab_size: int, *, kind: str = "lstm", hidden: int = 256, layers: int = 1,
                 dropout: float = 0.0, embedding: int = 64):
        super().__init__(kind=kind, dropout=dropout, vocab_size=vocab_size, hidden=hidden, layers=layers,
                         embedding=embedding)
        self.head = nn.Linear(self.config["hidden"], self.config["vocab_size"])

    def forward(self, ids: torch.Tensor, state=None):
        check_token_ids(ids, self.config["vocab_size"])
        output, state = self.rnn(self.embed(ids), state)
        return self.head(self.drop(output)), state


def check_model_and_vocab(model, vocab) -> None:
    """``TypeError`` unless ``model`` is a ``CharLM`` and ``vocab`` a ``Vocabulary``;
    ``ValueError`` unless the vocabulary has the model's number of tokens."""
    if not isinstance(model, CharLM):
        raise TypeError(f"model must be a helpers.torch_nets.char_lm.CharLM, got {type(model).__name__}")
    if not isinstance(vocab, Vocabulary):
        raise TypeError(f"vocab must be a helpers.data.text.Vocabulary, got {type(vocab).__name__}")
    if len(vocab) != model.config["vocab_size"]:
        raise ValueError(f"vocab has {len(vocab)} tokens but the model predicts {model.config['vocab_size']}")


def count_parameters(model: nn.Module) -> int:
    """Number of trainable numbers in ``model``."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def split_text(text: str, val_fraction: float = 0.1) -> tuple[str, str]:
    """The first ``1 - val_fraction`` of ``text`` for training and the rest for validation,
    as nanoGPT splits Tiny Shakespeare (1,003,854 / 111,540 characters)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if (isinstance(val_fraction, bool) or not isinstance(val_fraction, int | float)
            or not 0 < val_fraction < 1):
        raise ValueError(f"val_fraction must be a number in (0, 1), got {val_fraction!r}")
    n_train = int(len(text) * (1 - val_fraction))
    if n_train < 2 or len(text) - n_train < 2:
        raise ValueError(f"a text of {len(text)} characters is too short to split")
    return text[:n_train], text[n_train:]


def char_vocabulary(text: str) -> Vocabulary:
    """The characters of ``text``, sorted, as a ``Vocabulary`` (ids ``0 .. V - 1``)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if not text:
        raise ValueError("text must not be empty")
    return Vocabulary(sorted(set(text)))


def epoch_windows(ids, n_streams: int, seq_len: int, rng: np.random.Generator) -> Iterator[tuple]:
    """One epoch of char-rnn batches: skip a random offset in ``[0, seq_len)`` (so the window
    borders move from epoch to epoch), cut the rest into ``n_streams`` contiguous streams,
    and give ``(x, y)`` windows ``(N, T)`` (int64 numpy) left to right; window ``j + 1``
    continues window ``j`` in every stream, so the state can be carried across. The
    arguments are checked when it is called, not when the first window is read."""
    ids = as_index_array(ids, "ids", np.iinfo(np.int64).max, (None,))
    n_streams = require_positive_int(n_streams, "n_streams")
    seq_len = require_positive_int(seq_len, "seq_len")
    require_generator(rng)
    offset = int(rng.integers(0, seq_len))
    inputs, targets = contiguous_streams(ids[offset:], n_streams)
    return bptt_chunks(inputs, targets, seq_len)


def detach(state):
    """The state with its history cut (truncated BPTT): a tensor, a tuple of them, or None."""
    if state is None:
        return None
    if isinstance(state, tuple) and all(isinstance(s, torch.Tensor) for s in state):
        return tuple(s.detach() for s in state)
    if not isinstance(state, torch.Tensor):
        raise TypeError(f"state must be a tensor, a tuple of tensors or None, got {type(state).__name__}")
    return state.detach()


@dataclass
class Evaluation:
    """Mean cross-entropy per predicted character: ``nats``, ``bits`` (``nats / ln 2``) and
    ``perplexity`` (``e^nats``), over ``n_chars`` predictions."""

    nats: float
    bits: float
    perplexity: float
    n_chars: int


@torch.no_grad()
def evaluate(model: CharLM, ids, n_streams: int = 16, seq_len: int = 256) -> Evaluation:
    """The model's cost on a whole split ``ids`` ``(L,)``: cut into ``n_streams`` contiguous
    streams read left to right with the state carried through each (only the first
    character of each stream is predicted from a zero state)."""
    if not isinstance(model, CharLM):
        raise TypeError(f"model must be a CharLM, got {type(model).__name__}")
    ids = as_index_array(ids, "ids", model.config["vocab_size"], (None,))
    inputs, targets = contiguous_streams(ids, n_streams)
    device = device_of(model)
    total, state = 0.0, None
    with evaluating(model):
        for x, y in bptt_chunks(inputs, targets, seq_len):
            logits, state = model(torch.from_numpy(x).to(device), state)
            y = torch.from_numpy(y).to(device).reshape(-1)
            cost = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y, reduction="sum")
            total += cost.item()
    nats = total / targets.size
    perplexity = math.exp(nats) if nats < 700 else math.inf   # a diverged model: no overflow error
    return Evaluation(nats, nats / math.log(2), perplexity, int(targets.size))


def _check_counts(max_chars, evaluations, eval_every, eval_every_chars) -> None:
    """``train``'s character counts are positive integers, and at most one evaluation
    schedule is given (errors in ``train``'s names, not ``fit``'s)."""
    schedules = {"evaluations": evaluations, "eval_every": eval_every, "eval_every_chars": eval_every_chars}
    if sum(value is not None for value in schedules.values()) > 1:
        given = " and ".join(name for name, value in schedules.items() if value is not None)
        raise ValueError(f"give only one of evaluations, eval_every and eval_every_chars, not {given}")
    for name, count in (("max_chars", max_chars), ("eval_every_chars", eval_every_chars)):
        if count is not None:
            require_positive_int(count, name)


def train(model: CharLM, train_ids, *, val_ids=None, n_streams: int = 32, seq_len: int = 64,
          lr: float = 3e-3, max_seconds: float | None = 30.0, max_epochs: int | None = None,
          max_chars: int | None = None, max_norm: float = 1.0, eval_every: float | None = None,
          eval_every_chars: int | None = None, evaluations: int | None = None, keep_best: bool = False,
          patience: int | None = None, callback: Callable | None = None, callback_every: float | None = None,
          callbacks: int | None = None, seed: int = 0, progress: bool = True) -> TrainResult:
    """Train ``model`` in place on ``train_ids`` ``(L,)`` with ``training.fit`` (whose options
    these are) until ``max_seconds``, ``max_epochs`` or ``max_chars`` characters, whichever
    comes first: epochs and characters train the same model on any machine (at a fixed
    thread count), seconds do not. Batches are char-rnn's (``epoch_windows``), the state
    carried from window to window and detached; the evaluation is the whole ``val_ids``
    split's nats per character, ``evaluations`` times over the budget or every ``eval_every``
    seconds or ``eval_every_chars`` characters (``keep_best``: keep the best evaluation's
    weights, which a checkpoint saved afterwards stores; ``patience``: stop once that many
    evaluations in a row have not beaten the best)."""
    if not isinstance(model, CharLM):
        raise TypeError(f"model must be a CharLM, got {type(model).__name__}")
    vocab_size = model.config["vocab_size"]
    train_ids = as_index_array(train_ids, "train_ids", vocab_size, (None,))
    if val_ids is not None:
        val_ids = as_index_array(val_ids, "val_ids", vocab_size, (None,))
        if val_ids.size <= 16:
            raise ValueError(f"val_ids holds {val_ids.size} characters: evaluation reads 16 streams, "
                             "so 17 at least")
    if max_seconds is None and max_epochs is None and max_chars is None:
        raise ValueError("give a budget: max_seconds, max_epochs, max_chars or several")
    if keep_best and val_ids is None:
        raise ValueError("keep_best needs val_ids: the kept weights are those with the best validation cost")
    _check_counts(max_chars=max_chars, evaluations=evaluations, eval_every=eval_every,
                  eval_every_chars=eval_every_chars)
    n_streams = require_positive_int(n_streams, "n_streams")
    seq_len = require_positive_int(seq_len, "seq_len")
    windows_per_epoch = math.ceil(((train_ids.size - seq_len) // n_streams) / seq_len)
    if windows_per_epoch < 1:
        raise ValueError(f"train_ids holds {train_ids.size} characters, too few for n_streams={n_streams} "
                         f"streams of seq_len={seq_len}")
    budget = Budget(epochs=max_epochs, items=max_chars, seconds=max_seconds,
                    steps_per_epoch=windows_per_epoch)
    device, carried = device_of(model), {"state": None}

    def epoch_batches(rng):
        carried["state"] = None   # each epoch starts its streams afresh
        return epoch_windows(train_ids, n_streams, seq_len, rng)

    def batch_loss(batch):
        logits, state = model(torch.from_numpy(batch[0]).to(device), carried["state"])
        carried["state"] = detach(state)
        targets = torch.from_numpy(batch[1]).to(device).reshape(-1)
        return nn.functional.cross_entropy(logits.reshape(-1, vocab_size), targets), targets.numel()

    return fit(model, epoch_batches, batch_loss, budget, lr=lr, max_norm=max_norm,
               evaluate=None if val_ids is None else (lambda m: evaluate(m, val_ids).nats),
               evaluations=evaluations, eval_every=eval_every, eval_every_items=eval_every_chars,
               keep_best="min" if keep_best else None, patience=patience,
               callback=callback, callbacks=callbacks, callback_every=callback_every, seed=seed,
               progress=progress)


def _check_extra(value, where: str = "extra") -> None:
    """``TypeError`` unless ``value`` is what ``torch.load(weights_only=True)`` reads back:
    numbers, strings, ``None``, and lists, tuples and string-keyed dicts of them."""
    if value is None or isinstance(value, bool | int | float | str):
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_extra(item, f"{where}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} has the key {key!r} ({type(key).__name__}): keys must be strings")
            _check_extra(item, f"{where}[{key!r}]")
        return
    hint = " (an array: .tolist(); a numpy number: float(x) or int(x))" if type(value).__module__ in (
        "numpy", "torch") else ""
    kind = f"{type(value).__module__}.{type(value).__name__}"
    raise TypeError(f"{where} is a {kind}: a checkpoint's extra holds numbers, strings, None, and lists or "
                    f"dicts of them{hint}")


def save_checkpoint(model: CharLM, vocab: Vocabulary, path, extra: dict | None = None,
                    overwrite: bool = False) -> Path:
    """Write ``model``'s weights, its configuration, ``vocab`` and ``extra`` (numbers,
    strings, ``None``, and lists or string-keyed dicts of them: what ``load_checkpoint``
    reads back) to ``path`` (a ``.pt`` file; folders are created). An existing file is
    kept unless ``overwrite``. The file is written whole or not at all (a temporary file,
    then renamed). Returns the path."""
    check_model_and_vocab(model, vocab)
    if extra is not None and not isinstance(extra, dict):
        raise TypeError(f"extra must be a dict or None, got {type(extra).__name__}")
    _check_extra(extra)
    path = Path(path)
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format": "rnn-course char_lm 1", "config": dict(model.config),
               "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
               "tokens": list(vocab.tokens), "extra": dict(extra or {})}
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        torch.save(payload, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def load_checkpoint(path, model: CharLM | None = None, device=None) -> tuple[CharLM, Vocabulary, dict]:
    """Read a checkpoint written by ``save_checkpoint`` (``torch.load(weights_only=True)``):
    returns ``(model, vocab, extra)``. With ``model`` given, its weights are replaced, and
    a model of another shape gets an error naming every mismatched weight; without, a new
    ``CharLM`` is built from the stored configuration on ``device`` (default: CPU)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}: train one first (it is written by "
                                f"save_checkpoint), or check the path")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
        if not isinstance(payload, dict) or payload.get("format") != "rnn-course char_lm 1":
            raise ValueError("its contents are not a course checkpoint")
        config, weights, tokens = payload["config"], payload["state_dict"], payload["tokens"]
        extra = payload.get("extra", {})
    except (OSError, RuntimeError, ValueError, KeyError, EOFError, AttributeError, TypeError,
            pickle.UnpicklingError) as exc:
        reason = f"{type(exc).__name__}: {str(exc)[:REASON_CHARS]}"
        raise ValueError(f"{path} is damaged or not a checkpoint written by save_checkpoint ({reason}); "
                         "train again or restore the file") from exc
    if config.get("kind") == "rnn":   # written before the kinds took the course's names
        config = {**config, "kind": "srn"}
    if model is None:
        model = CharLM(**config)
    elif not isinstance(model, CharLM):
        raise TypeError(f"model must be a CharLM or None, got {type(model).__name__}")
    own = model.state_dict()
    problems = [f"{name}: checkpoint {tuple(weights[name].shape)}, model {tuple(own[name].shape)}"
                for name in own if name in weights and weights[name].shape != own[name].shape]
    missing = sorted(set(own) ^ set(weights))
    if problems or missing:
        raise ValueError(f"{path} holds a model of another shape (checkpoint config {config}, model config "
                         f"{model.config}): " + "; ".join(problems + [f"{m}: in one only" for m in missing]))
    model.load_state_dict(weights)
    if device is not None:
        model.to(device)
    return model, Vocabulary(tokens), extra
