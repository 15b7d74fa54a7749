"""A small probabilistic context-free grammar (PCFG) as a source of sentences whose true
probabilities we know (notebook 08): write the rules, list every sentence with its
probability, sample a training corpus, and compute the exact surprisal of each word.

A grammar is a dict ``{nonterminal: [(probability, [symbol, ...]), ...]}``: the rules
that rewrite a nonterminal and how often each is chosen (they add up to 1). A symbol
that is not a key is a word. The grammar must not be recursive, so that its sentences
can be listed."""

from __future__ import annotations

import math
import numbers
from collections import defaultdict

import numpy as np

from helpers.validation import require_generator, require_positive_int


def check_grammar(grammar, start: str = "S") -> None:
    """``TypeError`` / ``ValueError`` naming the nonterminal and rule that are malformed:
    not a dict, an empty rule list, a probability outside (0, 1], probabilities that do not
    add up to 1, a rule that is not a non-empty list of strings, or a missing ``start``."""
    if not isinstance(grammar, dict) or not grammar:
        raise TypeError(f"grammar must be a non-empty dict {{nonterminal: [(p, [symbols])]}}, "
                        f"got {type(grammar).__name__}")
    if not isinstance(start, str) or start not in grammar:
        raise ValueError(f"the start symbol {start!r} has no rules; the grammar defines {sorted(grammar)}")
    for lhs, rules in grammar.items():
        if not isinstance(rules, list | tuple) or not rules:
            raise ValueError(f"grammar[{lhs!r}] must be a non-empty list of (probability, [symbols]) rules")
        total = 0.0
        for rule in rules:
            if not isinstance(rule, tuple | list) or len(rule) != 2:
                raise ValueError(f"grammar[{lhs!r}] has {rule!r}; each rule is (probability, [symbols])")
            p, rhs = rule
            if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0 < p <= 1:
                raise ValueError(f"grammar[{lhs!r}]: probability {p!r} of {rhs!r} must be in (0, 1]")
            if (not isinstance(rhs, list | tuple) or not rhs
                    or not all(isinstance(s, str) and s for s in rhs)):
                raise ValueError(f"grammar[{lhs!r}]: {rhs!r} must be a non-empty list of symbols (strings)")
            total += p
        if abs(total - 1) > 1e-9:
            raise ValueError(f"the probabilities of grammar[{lhs!r}] add up to {total:.6g}, not 1")


def sentence_distribution(grammar, start: str = "S", max_sentences: int = 1_000_000
                          ) -> dict[tuple[str, ...], float]:
    """Every sentence the grammar can make from ``start``, as a tuple of words, with its
    probability (summed over all its derivations). The values add up to 1. A grammar that
    makes more than ``max_sentences`` word sequences from one symbol is refused before they
    fill the memory."""
    check_grammar(grammar, start)
    max_sentences = require_positive_int(max_sentences, "max_sentences")
    memo: dict[str, dict] = {}

    def expand(symbol: str, path: tuple[str, ...]) -> dict:
        if symbol not in grammar:
            return {(symbol,): 1.0}
        if symbol in path:
            cycle = " -> ".join(path[path.index(symbol):] + (symbol,))
            raise ValueError(f"the grammar is recursive ({cycle}): its sentences cannot all be listed")
        if symbol not in memo:
            out: dict = defaultdict(float)
            for p, rhs in grammar[symbol]:
                partial = {(): p}
                for s in rhs:
                    tails = expand(s, path + (symbol,))
                    if len(partial) * len(tails) + len(out) > max_sentences:
                        raise ValueError(f"the grammar makes more than max_sentences={max_sentences:,} "
                                         f"sentences from {symbol!r}: too many to list")
                    partial = {h + t: ph * pt for h, ph in partial.items() for t, pt in tails.items()}
                for words, q in partial.items():
                    out[words] += q
            memo[symbol] = dict(out)
        return memo[symbol]

    return expand(start, ())


def _check_distribution(distribution) -> None:
    if not isinstance(distribution, dict) or not distribution or not all(
            isinstance(s, tuple) and isinstance(p, float) for s, p in distribution.items()):
        raise TypeError("distribution must be the non-empty {sentence tuple: probability} dict that "
                        "sentence_distribution returns")


def sample_sentences(distribution, n: int, rng: np.random.Generator) -> list[tuple[str, ...]]:
    """``n`` sentences drawn independently from ``distribution`` (what the grammar would
    generate, rule by rule)."""
    _check_distribution(distribution)
    n = require_positive_int(n, "n")
    require_generator(rng)
    sentences = list(distribution)
    probs = np.array([distribution[s] for s in sentences])
    return [sentences[i] for i in rng.choice(len(sentences), size=n, p=probs / probs.sum())]


def exact_surprisal(distribution, words) -> np.ndarray:
    """The grammar's own surprisal of each word, ``-log2 P(w_t | w_1 .. w_{t-1})``, in bits,
    ``(T,)``: the probability of all sentences that start with ``w_1 .. w_t`` divided by
    that of those starting with ``w_1 .. w_{t-1}``."""
    _check_distribution(distribution)
    if isinstance(words, str | dict | set) or not hasattr(words, "__len__") or not all(
            isinstance(w, str) for w in words):
        raise TypeError(f"words must be a list of word strings (split the sentence first), got {words!r}")
    if len(words) == 0:
        raise ValueError("words must hold at least one word")
    words = tuple(words)
    mass = [sum(p for s, p in distribution.items() if s[:t] == words[:t]) for t in range(len(words) + 1)]
    for t in range(1, len(words) + 1):
        if mass[t] == 0:
            raise ValueError(f"the grammar never continues {' '.join(words[:t - 1])!r} with {words[t - 1]!r}")
    return np.array([max(0.0, -math.log2(mass[t + 1] / mass[t])) for t in range(len(words))])
