"""The date generator and the random strings of notebook 09."""

import datetime as dt

import numpy as np
import pytest

from helpers.data import dates
from helpers.data.symbol_strings import string_pairs

ORDINALS = [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
            (21, "21st"), (22, "22nd"), (31, "31st")]


@pytest.mark.parametrize("n, expected", ORDINALS)
def test_ordinals(n, expected):
    assert dates.ordinal(n) == expected


def test_every_style_writes_the_example_day():
    day = dt.date(1994, 3, 3)
    written = {style: dates.write_date(day, style) for style in dates.STYLES}
    assert written["ordinal of month"] == "3rd of March 1994"
    assert written["weekday, month day, year"] == "Thursday, March 3, 1994"
    assert written["dd/mm/yy"] == "03/03/94"
    assert written["wkd, dd mon yyyy"] == "Thu, 03 Mar 1994"
    assert len(set(written.values())) == len(dates.STYLES)


def test_two_digit_years_and_day_first_are_unambiguous():
    """Within 1950-2049 and day-first numeric styles, each written form names one day."""
    seen = {}
    for offset in range(0, (dates.LAST_DAY - dates.FIRST_DAY).days + 1, 7):
        day = dates.FIRST_DAY + dt.timedelta(days=offset)
        for style in ("dd/mm/yy", "d mon yy"):
            text = dates.write_date(day, style)
            assert seen.setdefault(text, day) == day, f"{text!r} names two days"


def test_split_days_is_a_partition_and_reproducible():
    train, test = dates.split_days(0.2, seed=0)
    n_days = (dates.LAST_DAY - dates.FIRST_DAY).days + 1
    assert len(train) + len(test) == n_days and not set(train) & set(test)
    assert len(test) == round(0.2 * n_days)
    assert dates.split_days(0.2, seed=0) == (train, test)
    assert set(dates.TRAIN_STYLES).isdisjoint(dates.HELD_OUT_STYLES)


def test_date_pairs_are_right():
    train, _ = dates.split_days()
    for written, iso in dates.date_pairs(train, dates.TRAIN_STYLES, 200, np.random.default_rng(0)):
        day = dt.date.fromisoformat(iso)
        assert day in set(train)
        assert written in {dates.write_date(day, style) for style in dates.TRAIN_STYLES}


def test_string_pairs():
    pairs = string_pairs(300, 2, 6, "xyz", np.random.default_rng(0), reverse=True)
    assert all(t == s[::-1] and 2 <= len(s) <= 6 and set(s) <= set("xyz") for s, t in pairs)
    assert {len(s) for s, _ in pairs} == set(range(2, 7))
    assert all(s == t for s, t in string_pairs(20, 3, 3, "ab", np.random.default_rng(1)))
