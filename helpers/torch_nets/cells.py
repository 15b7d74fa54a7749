"""The recurrent layers torch offers, by the course's names, and what every torch model of
the course does before and after its layers: check its sizes and token ids, find its
device, run in evaluation mode. Shapes: ``N`` sequences (the batch), ``T`` steps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence

from helpers.validation import as_index_array, require_dropout, require_positive_int

CELLS = {"srn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}   # nn.RNN's default activation is tanh, the SRN's
MAX_LAYERS = 64   # torch builds stacked layers one by one: far more would hang, not fail


def recurrent_layer(kind: str, n_inputs: int, n_hidden: int, **options) -> nn.RNNBase:
    """torch's layer for ``kind`` (``'srn'``, ``'lstm'`` or ``'gru'``), batch first, reading
    ``(N, T, n_inputs)`` into ``n_hidden`` units; ``options`` go to the layer."""
    if not isinstance(kind, str) or kind not in CELLS:
        raise ValueError(f"kind must be one of {sorted(CELLS)}, got {kind!r}")
    return CELLS[kind](n_inputs, n_hidden, batch_first=True, **options)


def check_sizes(**sizes) -> dict[str, int]:
    """Every size, checked to be a positive integer: ``check_sizes(hidden=64)`` -> ``{'hidden': 64}``."""
    return {name: require_positive_int(value, name) for name, value in sizes.items()}


def check_token_ids(ids, vocab_size: int) -> None:
    """``TypeError`` unless ``ids`` is a ``torch.long`` tensor, ``ValueError`` unless it is
    ``(N, T)`` with every id in ``[0, vocab_size)``."""
    if not isinstance(ids, torch.Tensor) or ids.dtype != torch.long:
        kind = getattr(ids, "dtype", type(ids).__name__)
        raise TypeError(f"ids must be a (N, T) torch.long tensor of token ids, got {kind}")
    if ids.dim() != 2:
        raise ValueError(f"ids must be a (N, T) torch.long tensor of token ids, got shape {tuple(ids.shape)}")
    if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= vocab_size):
        raise ValueError(f"ids must lie in [0, {vocab_size}), got values from {int(ids.min())} to "
                         f"{int(ids.max())}")


def pack_tokens(embed: nn.Embedding, ids: torch.Tensor, lengths, vocab_size: int) -> PackedSequence:
    """The embeddings of ``ids`` ``(N, T)`` packed by ``lengths`` ``(N,)`` (each ``>= 1``), so
    that a recurrent layer never reads the padding (in either direction), after checking
    both."""
    check_token_ids(ids, vocab_size)
    lengths = as_index_array(lengths, "lengths", ids.shape[1] + 1, (ids.shape[0],))
    if lengths.size and lengths.min() < 1:
        raise ValueError("lengths must all be >= 1: an empty sequence has nothing to read")
    return pack_padded_sequence(embed(ids), torch.as_tensor(lengths), batch_first=True, enforce_sorted=False)


def _check_model(model) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")


class TokenReader(nn.Module):
    """Token ids -> embedding ``(V, E)`` -> ``layers`` recurrent layers of ``kind`` with
    ``hidden`` units (``dropout`` between them; reading both ways when ``bidirectional``) ->
    dropout: the front that the character model, the sequence classifier and the tagger
    share. ``config`` keeps every size and option."""

    def __init__(self, *, kind: str, dropout: float, bidirectional: bool = False, **sizes):
        super().__init__()
        sizes = check_sizes(**sizes)
        layers = sizes.get("layers", 1)
        if layers > MAX_LAYERS:
            raise ValueError(f"layers must be at most {MAX_LAYERS}, got {layers}")
        if not isinstance(bidirectional, bool):
            raise TypeError(f"bidirectional must be True or False, got {type(bidirectional).__name__}")
        self.config = {**sizes, "kind": kind, "dropout": require_dropout(dropout),
                       **({"bidirectional": True} if bidirectional else {})}
        self.embed = nn.Embedding(sizes["vocab_size"], sizes["embedding"])
        self.rnn = recurrent_layer(kind, sizes["embedding"], sizes["hidden"], num_layers=layers,
                                   dropout=self.config["dropout"] if layers > 1 else 0.0,
                                   bidirectional=bidirectional)
        self.drop = nn.Dropout(self.config["dropout"])


def device_of(model: nn.Module) -> torch.device:
    """Where ``model``'s weights are."""
    _check_model(model)
    weights = next(model.parameters(), None)
    if weights is None:
        raise ValueError(f"the model ({type(model).__name__}) has no weights, so no device")
    return weights.device


def final_hidden(state) -> torch.Tensor:
    """The hidden part of a layer's final state: the LSTM's ``(h, C)`` -> ``h``."""
    if isinstance(state, tuple) and state and isinstance(state[0], torch.Tensor):
        return state[0]
    if not isinstance(state, torch.Tensor):
        raise TypeError(f"state must be a tensor or the LSTM's (h, C), got {type(state).__name__}")
    return state


@contextmanager
def evaluating(model: nn.Module) -> Iterator[nn.Module]:
    """``with evaluating(model):`` runs in evaluation mode (no dropout) without gradients,
    and gives the model back in the mode it was in."""
    _check_model(model)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield model
    finally:
        model.train(was_training)
