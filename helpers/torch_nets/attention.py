"""Attention in torch (notebook 09): the equations of ``helpers.numpy_nets.attention``
for every decoder step at once, as the encoder–decoder uses them. Shapes: ``N``
sequences, ``T`` decoder steps (queries), ``S`` encoder positions."""

from __future__ import annotations

import torch
from torch import nn

from helpers.numpy_nets.attention import KINDS
from helpers.torch_nets.cells import check_sizes


class Attention(nn.Module):
    """Additive (``v^T tanh(W s + U h_j)``; ``query_proj.weight`` is ``W`` ``(A, Hq)``,
    ``key_proj.weight`` is ``U`` ``(A, Hk)``, ``score.weight[0]`` is ``v`` ``(A,)``) or dot
    (``s^T h_j``, no weights). ``forward(queries (N, T, Hq), keys (N, S, Hk), mask (N, S)
    bool)`` returns the contexts ``(N, T, Hk)`` and the weights ``(N, T, S)``, 0 where
    ``mask`` is False."""

    def __init__(self, kind: str, *, n_query: int, n_keys: int, n_attention: int = 64):
        super().__init__()
        if not isinstance(kind, str) or kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        sizes = check_sizes(n_query=n_query, n_keys=n_keys, n_attention=n_attention)
        if kind == "dot" and n_query != n_keys:
            raise ValueError(f"dot attention needs n_query == n_keys, got {n_query} and {n_keys}")
        self.kind = kind
        if kind == "additive":
            self.query_proj = nn.Linear(sizes["n_query"], sizes["n_attention"], bias=False)
            self.key_proj = nn.Linear(sizes["n_keys"], sizes["n_attention"], bias=False)
            self.score = nn.Linear(sizes["n_attention"], 1, bias=False)

    def forward(self, queries: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor]:
        for name, value in (("queries", queries), ("keys", keys), ("mask", mask)):
            if not isinstance(value, torch.Tensor):
                raise TypeError(f"{name} must be a torch tensor, got {type(value).__name__}")
        if queries.dim() != 3 or keys.dim() != 3 or queries.shape[0] != keys.shape[0]:
            raise ValueError(f"queries must be (N, T, Hq) and keys (N, S, Hk) with the same N, got "
                             f"{tuple(queries.shape)} and {tuple(keys.shape)}")
        if mask.dtype != torch.bool or mask.shape != keys.shape[:2]:
            raise ValueError(f"mask must be a bool tensor of shape {tuple(keys.shape[:2])}, got "
                             f"{mask.dtype} {tuple(mask.shape)}")
        if self.kind == "dot":
            scores = queries @ keys.transpose(1, 2)                                  # (N, T, S)
        else:
            hidden = torch.tanh(self.query_proj(queries)[:, :, None, :] + self.key_proj(keys)[:, None, :, :])
            scores = self.score(hidden)[..., 0]
        weights = torch.softmax(scores.masked_fill(~mask[:, None, :], float("-inf")), dim=-1)
        return weights @ keys, weights
