"""The encoder–decoder for unaligned sequences (notebook 09): a bidirectional GRU reads
the source; a GRU decoder writes the target one token at a time, reading the token it
wrote before (during training the true one: teacher forcing). Without attention the
decoder starts from one vector made of the encoder's final states and reads that same
vector at every step (Cho et al., 2014); with attention each decoder state ``s_t`` reads
instead a context ``c_t`` over all encoder states (Luong et al.'s arrangement: the context
joins after the decoder step, so training computes every step at once). Shapes: ``N``
pairs, ``S`` source and ``T`` target steps, ``H`` encoder units per direction; the
decoder has ``2H`` units."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pad_packed_sequence

from helpers.data.batching import pad_sequences
from helpers.data.text import Vocabulary
from helpers.numpy_nets.attention import KINDS
from helpers.torch_nets.attention import Attention
from helpers.torch_nets.cells import check_sizes, check_token_ids, evaluating, pack_tokens
from helpers.torch_nets.training import Budget, TrainResult, fit, shuffled_batches
from helpers.validation import as_index_array, require_positive_int

SPECIALS = ("<pad>", "<bos>", "<eos>")
PAD, BOS, EOS = 0, 1, 2


def vocabularies(pairs) -> tuple[Vocabulary, Vocabulary]:
    """Character vocabularies ``(source, target)`` for ``(source text, target text)`` pairs;
    ids 0, 1, 2 are ``SPECIALS`` (padding, begin and end of an output) in both."""
    _check_pairs(pairs)
    return tuple(Vocabulary(list(SPECIALS) + sorted({c for pair in pairs for c in pair[side]}))
                 for side in (0, 1))


def _check_pairs(pairs) -> None:
    if isinstance(pairs, str) or not hasattr(pairs, "__len__") or not len(pairs) or not all(
            isinstance(p, tuple | list) and len(p) == 2 and all(isinstance(s, str) and s for s in p)
            for p in pairs):
        raise TypeError("pairs must be a non-empty list of (source text, target text) pairs of "
                        "non-empty strings")


def encode_pairs(pairs, source_vocab: Vocabulary, target_vocab: Vocabulary) -> tuple[list, list]:
    """``(sources, targets)``: id arrays, each target ending with ``EOS``."""
    _check_pairs(pairs)
    for name, vocab in (("source_vocab", source_vocab), ("target_vocab", target_vocab)):
        if not isinstance(vocab, Vocabulary) or vocab.tokens[:3] != list(SPECIALS):
            raise TypeError(f"{name} must be a Vocabulary from vocabularies(pairs), got {vocab!r:.60}")
    sources = [source_vocab.encode(list(s)) for s, _ in pairs]
    targets = [np.append(target_vocab.encode(list(t)), EOS) for _, t in pairs]
    return sources, targets


class Encoded(NamedTuple):
    """The encoder's output: ``keys`` ``(N, S, 2H)`` (every encoder state), ``mask``
    ``(N, S)`` bool (False on padding), ``state`` ``(1, N, 2H)`` (the decoder's start)."""

    keys: torch.Tensor
    mask: torch.Tensor
    state: torch.Tensor

    def select(self, index: torch.Tensor) -> Encoded:
        """The rows ``index`` (e.g. each source repeated once per beam)."""
        return Encoded(self.keys[index], self.mask[index], self.state[:, index])


class EncoderDecoder(nn.Module):
    """``forward(source ids (N, S), lengths (N,), previous (N, T))`` -> logits ``(N, T, V)``
    of each target token given the tokens before it (``previous`` starts with ``BOS``).
    ``attention``: ``None``, ``"additive"`` or ``"dot"``."""

    def __init__(self, source_size: int, target_size: int, *, hidden: int = 64, embedding: int = 32,
                 attention: str | None = "additive", n_attention: int = 64):
        super().__init__()
        if attention is not None and (not isinstance(attention, str) or attention not in KINDS):
            raise ValueError(f"attention must be None, 'additive' or 'dot', got {attention!r:.60}")
        sizes = check_sizes(source_size=source_size, target_size=target_size, hidden=hidden,
                            embedding=embedding, n_attention=n_attention)
        self.config = {**sizes, "attention": attention}
        width = 2 * sizes["hidden"]
        self.source_embed = nn.Embedding(sizes["source_size"], sizes["embedding"], padding_idx=PAD)
        self.encoder = nn.GRU(sizes["embedding"], sizes["hidden"], batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(width, width)
        self.target_embed = nn.Embedding(sizes["target_size"], sizes["embedding"], padding_idx=PAD)
        self.decoder = nn.GRU(sizes["embedding"], width, batch_first=True)
        self.attention = None if attention is None else Attention(
            attention, n_query=width, n_keys=width, n_attention=sizes["n_attention"])
        self.combine = nn.Linear(2 * width, width)
        self.out = nn.Linear(width, sizes["target_size"])

    def encode(self, ids: torch.Tensor, lengths) -> Encoded:
        """Read the sources (packed: the padding is never read, in either direction)."""
        states, final = self.encoder(pack_tokens(self.source_embed, ids, lengths, self.config["source_size"]))
        lengths = np.asarray(lengths)
        keys, _ = pad_packed_sequence(states, batch_first=True, total_length=ids.shape[1])
        mask = torch.arange(ids.shape[1])[None, :] < torch.as_tensor(lengths)[:, None]
        start = torch.tanh(self.bridge(torch.cat([final[0], final[1]], dim=-1)))[None]
        return Encoded(keys, mask.to(keys.device), start)

    def decode(self, previous: torch.Tensor, state: torch.Tensor, encoded: Encoded
               ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """Decoder steps on the tokens ``previous`` ``(N, T)`` from ``state`` ``(1, N, 2H)``:
        ``(logits (N, T, V), the state after them, attention weights (N, T, S) or None)``."""
        check_token_ids(previous, self.config["target_size"])
        if not isinstance(encoded, Encoded):
            raise TypeError(f"encoded must be what encode returns (an Encoded), got {type(encoded).__name__}")
        width = 2 * self.config["hidden"]
        if not isinstance(state, torch.Tensor) or tuple(state.shape) != (1, len(previous), width):
            raise ValueError(f"state must be a (1, {len(previous)}, {width}) tensor, got "
                             f"{tuple(getattr(state, 'shape', ())) or type(state).__name__}")
        if encoded.keys.shape[0] != len(previous):
            raise ValueError(f"previous has {len(previous)} rows but encoded holds "
                             f"{encoded.keys.shape[0]} sources")
        states, state = self.decoder(self.target_embed(previous), state)
        if self.attention is None:   # the one vector the encoder made, at every step
            context, weights = encoded.state[0][:, None, :].expand_as(states), None
        else:
            context, weights = self.attention(states, encoded.keys, encoded.mask)
        return self.out(torch.tanh(self.combine(torch.cat([states, context], dim=-1)))), state, weights

    def forward(self, ids: torch.Tensor, lengths, previous: torch.Tensor) -> torch.Tensor:
        encoded = self.encode(ids, lengths)
        return self.decode(previous, encoded.state, encoded)[0]


def _check_model(model) -> None:
    if not isinstance(model, EncoderDecoder):
        raise TypeError(f"model must be an EncoderDecoder, got {type(model).__name__}")


def _check_sequences(sequences, name: str, vocab_size: int) -> list[np.ndarray]:
    if isinstance(sequences, str | bytes) or not hasattr(sequences, "__len__") or not len(sequences):
        raise TypeError(f"{name} must be a non-empty list of id arrays, got {type(sequences).__name__}")
    out = [as_index_array(s, f"{name}[{i}]", vocab_size, (None,)) for i, s in enumerate(sequences)]
    empty = [i for i, s in enumerate(out) if s.size == 0]
    if empty:
        raise ValueError(f"{name}[{empty[0]}] is empty: every sequence needs at least one id")
    return out


def teacher_batch(sources, targets, index) -> tuple[torch.Tensor, np.ndarray, torch.Tensor, torch.Tensor]:
    """``(source ids (N, S), lengths (N,), previous (N, T), gold (N, T))`` for the pairs
    ``index``: ``previous`` is ``BOS`` then the target shifted right (the true previous
    tokens: teacher forcing), ``gold`` the target, ``PAD`` after its end."""
    sources, targets = _check_pairs_of_ids(sources, targets, "")
    index = as_index_array(index, "index", len(sources), (None,))
    if index.size == 0:
        raise ValueError("index is empty: a batch needs at least one pair")
    return _teacher_batch(sources, targets, index)


def _check_pairs_of_ids(sources, targets, prefix, model=None) -> tuple[list, list]:
    big = np.iinfo(np.int64).max
    sources = _check_sequences(sources, f"{prefix}sources", model.config["source_size"] if model else big)
    targets = _check_sequences(targets, f"{prefix}targets", model.config["target_size"] if model else big)
    if len(sources) != len(targets):
        raise ValueError(f"{prefix}sources and {prefix}targets must pair up, got {len(sources)} and "
                         f"{len(targets)}")
    return sources, targets


def _teacher_batch(sources, targets, index):
    ids, lengths = pad_sequences([sources[i] for i in index], PAD)
    gold, _ = pad_sequences([targets[i] for i in index], PAD)
    previous = np.concatenate([np.full((len(gold), 1), BOS), gold[:, :-1]], axis=1)
    previous[previous == EOS] = PAD
    return torch.from_numpy(ids), lengths, torch.from_numpy(previous), torch.from_numpy(gold)


def train_encoder_decoder(model: EncoderDecoder, sources, targets, *, steps: int, val_sources=None,
                          val_targets=None, batch_size: int = 64, lr: float = 3e-3, evaluations: int = 5,
                          seed: int = 0, progress: bool = True) -> TrainResult:
    """Train ``model`` in place with ``training.fit`` for ``steps`` batches of ``batch_size``
    pairs, teacher-forced, on the cross-entropy of every target token (padding ignored).
    With validation pairs, greedy exact match on them ``evaluations`` times; the best
    weights are kept."""
    _check_model(model)
    sources, targets = _check_pairs_of_ids(sources, targets, "", model)
    if (val_sources is None) != (val_targets is None):
        raise ValueError("give both val_sources and val_targets, or neither")
    if val_sources is not None:
        val_sources, val_targets = _check_pairs_of_ids(val_sources, val_targets, "val_", model)
    batch_size = require_positive_int(batch_size, "batch_size")
    cost = nn.CrossEntropyLoss(ignore_index=PAD)

    def batch_loss(index):
        ids, lengths, previous, gold = _teacher_batch(sources, targets, index)
        logits = model(ids, lengths, previous)
        return cost(logits.reshape(-1, logits.shape[-1]), gold.reshape(-1)), len(index)

    evaluate = None
    if val_sources is not None:
        def evaluate(model):
            return exact_match(greedy_decode(model, val_sources), val_targets)
    return fit(model, shuffled_batches(len(sources), batch_size), batch_loss,
               Budget(steps=steps, steps_per_epoch=math.ceil(len(sources) / batch_size)), lr=lr,
               evaluate=evaluate, evaluations=evaluations if evaluate else None,
               keep_best="max" if evaluate else None, seed=seed, progress=progress)


def greedy_decode(model: EncoderDecoder, sources, max_len: int = 60, batch_size: int = 1000,
                  weights: bool = False):
    """For each source, the target the decoder writes choosing the most likely token at
    each step, up to ``EOS`` (not included) or ``max_len`` tokens. With ``weights``, also
    each output's attention weights ``(T, S)``."""
    _check_model(model)
    sources = _check_sequences(sources, "sources", model.config["source_size"])
    max_len = require_positive_int(max_len, "max_len")
    batch_size = require_positive_int(batch_size, "batch_size")
    if not isinstance(weights, bool):
        raise TypeError(f"weights must be True or False, got {type(weights).__name__}")
    outputs, maps = [], []
    with evaluating(model):
        for start in range(0, len(sources), batch_size):
            ids, lengths = pad_sequences(sources[start:start + batch_size], PAD)
            encoded = model.encode(torch.from_numpy(ids), lengths)
            token, state = torch.full((len(ids), 1), BOS), encoded.state
            written, steps = [], []
            for _ in range(max_len):
                logits, state, step_weights = model.decode(token, state, encoded)
                token = logits[:, -1].argmax(-1, keepdim=True)
                written.append(token)
                steps.append(step_weights)
                if bool((torch.cat(written, 1) == EOS).any(1).all()):
                    break
            written = torch.cat(written, 1).numpy()
            for n, row in enumerate(written):
                end = int(np.argmax(row == EOS)) if (row == EOS).any() else len(row)
                outputs.append(row[:end])
                if weights and model.attention is not None:
                    maps.append(torch.cat(steps, 1)[n, :end + 1, :lengths[n]].numpy())
    return (outputs, maps) if weights else outputs


def teacher_forced_predictions(model: EncoderDecoder, sources, targets) -> list[np.ndarray]:
    """Each target's tokens as the model predicts them when it reads the **true** previous
    tokens (teacher forcing), one per target token, ``EOS`` included."""
    _check_model(model)
    sources, targets = _check_pairs_of_ids(sources, targets, "", model)
    with evaluating(model):
        ids, lengths, previous, _ = _teacher_batch(sources, targets, range(len(sources)))
        predicted = model(ids, lengths, previous).argmax(-1).numpy()
    return [row[:len(t)] for row, t in zip(predicted, targets, strict=True)]


def exact_match(outputs, targets) -> float:
    """The share of outputs that equal their target (the target's final ``EOS`` aside)."""
    for name, value in (("outputs", outputs), ("targets", targets)):
        if not isinstance(value, list | tuple):
            raise TypeError(f"{name} must be a list of id arrays, got {type(value).__name__}")
    if len(outputs) != len(targets) or not len(outputs):
        raise ValueError(f"outputs and targets must be non-empty and pair up, got {len(outputs)} and "
                         f"{len(targets)}")
    return float(np.mean([np.array_equal(np.asarray(o), np.asarray(t)[np.asarray(t) != EOS])
                          for o, t in zip(outputs, targets, strict=True)]))
