"""Dates as people write them, paired with ISO 8601 (notebook 09): the data of a
character-level encoder–decoder, generated here with a seeded generator (nothing to
download). Each *style* writes a calendar day one way; some styles and some days are
kept out of training so that a test can ask about both.

Every day lies in 1950–2049, so a two-digit year is unambiguous: ``50``–``99`` are
19xx and ``00``–``49`` are 20xx. Numeric styles put the day first (``03/04/94`` is
3 April): a mix of day-first and month-first styles would make ``03/04/94`` two dates."""

from __future__ import annotations

import datetime as dt

import numpy as np

from helpers.validation import require_generator, require_int_in, require_positive_int

FIRST_DAY, LAST_DAY = dt.date(1950, 1, 1), dt.date(2049, 12, 31)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def ordinal(n: int) -> str:
    """``1`` -> ``'1st'``, ``2`` -> ``'2nd'``, ``11`` -> ``'11th'``, ``23`` -> ``'23rd'``."""
    n = require_positive_int(n, "n")
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _parts(d: dt.date) -> dict[str, str]:
    month, weekday = MONTHS[d.month - 1], WEEKDAYS[d.weekday()]
    return {"d": str(d.day), "dd": f"{d.day:02d}", "nth": ordinal(d.day), "m": str(d.month),
            "mm": f"{d.month:02d}", "month": month, "mon": month[:3], "yyyy": str(d.year),
            "yy": f"{d.year % 100:02d}", "weekday": weekday, "wkd": weekday[:3]}


STYLES = {   # name -> template over _parts' fields
    "day month year": "{d} {month} {yyyy}",
    "ordinal of month": "{nth} of {month} {yyyy}",
    "month day, year": "{month} {d}, {yyyy}",
    "weekday, month day, year": "{weekday}, {month} {d}, {yyyy}",
    "dd/mm/yy": "{dd}/{mm}/{yy}",
    "d.m.yyyy": "{d}.{m}.{yyyy}",
    "d mon yy": "{d} {mon} {yy}",
    "wkd d mon yyyy": "{wkd} {d} {mon} {yyyy}",
    "lower case": "{month_lower} {d} {yyyy}",
    # kept out of training by default (HELD_OUT_STYLES)
    "month ordinal, year": "{month} {nth}, {yyyy}",
    "dd/mm/yyyy": "{dd}/{mm}/{yyyy}",
    "wkd, dd mon yyyy": "{wkd}, {dd} {mon} {yyyy}",
}
HELD_OUT_STYLES = ("month ordinal, year", "dd/mm/yyyy", "wkd, dd mon yyyy")
TRAIN_STYLES = tuple(name for name in STYLES if name not in HELD_OUT_STYLES)


def write_date(day: dt.date, style: str) -> str:
    """``day`` written in ``style`` (a key of ``STYLES``): ``write_date(date(1994, 3, 3),
    'ordinal of month')`` -> ``'3rd of March 1994'``."""
    if not isinstance(day, dt.date):
        raise TypeError(f"day must be a datetime.date, got {type(day).__name__}")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"day must be a datetime.date from {FIRST_DAY} to {LAST_DAY}, got {day!r}")
    if not isinstance(style, str) or style not in STYLES:
        raise ValueError(f"style must be one of {sorted(STYLES)}, got {style!r}")
    parts = _parts(day)
    return STYLES[style].format(**parts, month_lower=parts["month"].lower())


def split_days(test_fraction: float = 0.2, seed: int = 0) -> tuple[list[dt.date], list[dt.date]]:
    """Every day from ``FIRST_DAY`` to ``LAST_DAY`` in two sorted lists, (training days,
    test days), with ``test_fraction`` of them, drawn at random, held out for testing."""
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, float | int) or not (
            0 < test_fraction < 1):
        raise ValueError(f"test_fraction must be a number in (0, 1), got {test_fraction!r}")
    n_days = (LAST_DAY - FIRST_DAY).days + 1
    order = np.random.default_rng(require_int_in(seed, "seed", 0)).permutation(n_days)
    n_test = int(round(test_fraction * n_days))
    days = [FIRST_DAY + dt.timedelta(days=int(i)) for i in range(n_days)]
    return [days[i] for i in sorted(order[n_test:])], [days[i] for i in sorted(order[:n_test])]


def date_pairs(days, styles, n: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    """``n`` pairs ``(written, iso)``: a day drawn from ``days`` written in a style drawn
    from ``styles``, and its ISO 8601 form ``'yyyy-mm-dd'``."""
    if not isinstance(days, list | tuple) or not days or not all(isinstance(d, dt.date) for d in days):
        raise TypeError(f"days must be a non-empty list of datetime.date (split_days), got "
                        f"{type(days).__name__}")
    if not isinstance(styles, list | tuple) or not styles or not all(isinstance(s, str) for s in styles):
        raise TypeError(f"styles must be a non-empty list of style names (keys of STYLES), got "
                        f"{styles!r:.80}")
    unknown = sorted(set(styles) - set(STYLES))
    if unknown:
        raise ValueError(f"styles {unknown} are not keys of STYLES ({sorted(STYLES)})")
    n = require_positive_int(n, "n")
    require_generator(rng)
    picked_days, picked_styles = rng.integers(len(days), size=n), rng.integers(len(styles), size=n)
    return [(write_date(days[i], styles[s]), days[i].isoformat())
            for i, s in zip(picked_days, picked_styles, strict=True)]
