"""A small probabilistic context-free grammar (PCFG) as a source of sentences whose true
probabilities we know (notebooks 08 and 09): write the rules, list every sentence with its
probability, sample a training corpus, compute the exact surprisal of each word, tag each
word with the nonterminal that wrote it, and the best accuracy any tagger can reach.

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


def tag_words(grammar, tags) -> dict:
    """The grammar with a part of speech on every word: each word that a rule of a
    nonterminal in ``tags`` writes becomes ``'word/NONTERMINAL'`` (notebook 09's tagger
    reads the words and learns the tags). ``sentence_distribution`` of the result lists
    tagged sentences; ``split_tags`` takes one apart."""
    check_grammar(grammar)
    if not isinstance(tags, list | tuple | set) or not all(isinstance(t, str) for t in tags):
        raise TypeError(f"tags must be a list of nonterminals (strings), got {tags!r:.80}")
    unknown = sorted(set(tags) - set(grammar))
    if unknown:
        raise ValueError(f"tags {unknown} are not nonterminals of the grammar ({sorted(grammar)})")
    return {lhs: [(p, [s if lhs not in tags or s in grammar else f"{s}/{lhs}" for s in rhs])
                  for p, rhs in rules]
            for lhs, rules in grammar.items()}


def split_tags(sentence) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``('the/DET', 'horse/NOUN')`` -> ``(('the', 'horse'), ('DET', 'NOUN'))``."""
    if not isinstance(sentence, tuple | list):
        raise TypeError(f"sentence must be a tuple of 'word/TAG' tokens (from tag_words), got "
                        f"{type(sentence).__name__}")
    if not sentence or not all(isinstance(t, str) and "/" in t for t in sentence):
        raise ValueError(f"sentence must be a tuple of 'word/TAG' tokens (from tag_words), got {sentence!r}")
    words, tags = zip(*(token.rsplit("/", 1) for token in sentence), strict=True)
    return words, tags


def tagging_ceiling(distribution, word: str, reads: str = "left") -> float:
    """The best accuracy any tagger can reach on ``word`` in sentences drawn from the
    tagged ``distribution``: at each place the word stands, the best tagger names the tag
    that is most probable given what it reads (``'left'``: the words up to and including
    this one; ``'both'``: the whole sentence). The share of the word's occurrences, counted
    with their probabilities, that it gets right."""
    _check_distribution(distribution)
    if not isinstance(word, str):
        raise TypeError(f"word must be a str, got {type(word).__name__}")
    if not isinstance(reads, str) or reads not in ("left", "both"):
        raise ValueError(f"reads must be 'left' or 'both', got {reads!r}")
    mass: dict = defaultdict(lambda: defaultdict(float))
    for sentence, p in distribution.items():
        words, tags = split_tags(sentence)
        for t, (w, tag) in enumerate(zip(words, tags, strict=True)):
            if w == word:
                mass[(words[:t + 1] if reads == "left" else words, t)][tag] += p
    if not mass:
        raise ValueError(f"the word {word!r} never occurs in the grammar's sentences")
    return sum(max(by_tag.values()) for by_tag in mass.values()) / sum(
        sum(by_tag.values()) for by_tag in mass.values())
