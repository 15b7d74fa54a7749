"""Flag types the benchmark scripts share: a bad value is refused by argparse, naming the
flag, before any data is loaded (``--rounds 0`` would divide by zero at the end)."""

from __future__ import annotations

import argparse
import math


def _number(kind, low: float, inclusive: bool, what: str):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} expected, got {text!r}") from None
        if not math.isfinite(value) or value < low or (value == low and not inclusive):
            raise argparse.ArgumentTypeError(f"{what} expected, got {text!r}")
        return value

    parse.__name__ = what   # argparse names the type in its messages
    return parse


positive_int = _number(int, 1, True, "an integer >= 1")
non_negative_int = _number(int, 0, True, "an integer >= 0")
positive_float = _number(float, 0.0, False, "a number > 0")
non_negative_float = _number(float, 0.0, True, "a number >= 0")


def fraction_below_one(text: str) -> float:
    """A probability in [0, 1) (dropout)."""
    value = non_negative_float(text)
    if value >= 1:
        raise argparse.ArgumentTypeError(f"a number in [0, 1) expected, got {text!r}")
    return value
