"""The vectorised helpers the validator's checks are built on."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from besa545.model.vectors import codes, dates, distinct, integers, isin, numbers


@pytest.mark.parametrize("text, real", [
    ("2016-02-29", True),  # a leap day
    ("2017-02-29", False),  # not a leap year
    ("2017-04-31", False),  # April has 30 days
    ("2017-13-01", False),
    ("0000-01-01", False),  # there is no year 0 (pandas alone reads it)
    # real days, but outside what a loaded table (datetime64[ns]) can hold
    ("0001-01-01", False),
    ("0999-02-03", False),
    ("9999-12-31", False),
    ("1677-12-31", False),
    ("2262-01-01", False),
    ("1678-01-01", True),  # the first and last days accepted
    ("2261-12-31", True),
    ("2017-4-1", False),  # not zero-padded
    (" 2017-04-01", False),
    ("April 2017", False),
])
def test_dates_are_real_calendar_days(text, real):
    parsed = dates(pd.Series([text, None], dtype="str"))
    assert parsed.dtype.kind == "M"
    assert parsed.notna().tolist() == [real, False]
    if real:
        assert parsed.iat[0].strftime("%Y-%m-%d").zfill(10) == text


def test_isin_ignores_nulls_on_both_sides():
    values = pd.Series(["a", None, "c"], dtype="str")
    assert isin(values, pd.Series(["a", None], dtype="str")).tolist() == [True, False, False]
    assert isin(values, ["c"]).tolist() == [False, False, True]


def test_numbers_read_only_plain_decimals():
    values = pd.Series(["3", "-4.5", "1e2", "+11", "high", "", "0x10", None], dtype="str")
    parsed = numbers(values)
    assert parsed[:4].tolist() == [3.0, -4.5, 100.0, 11.0]  # a sign is part of a number
    assert pd.isna(parsed[4:]).all()



def test_codes_are_positions_among_the_distinct_values():
    values = distinct(pd.Series(["b", None, "a", "b"], dtype="str"))
    assert values.to_pylist() == ["b", "a"]  # in order of first appearance, no null
    asked = pd.Series(["a", "b", "c", None, "A"], dtype="str")
    assert codes(asked, values).tolist() == [1, 0, -1, -1, -1]  # -1: not among them
    with_null = pa.array(["b", None], pa.string())  # a null is matched only by a null
    assert codes(asked, with_null).tolist() == [-1, 0, -1, 1, -1]


def test_integers_read_offsets_with_minus_one_for_none():
    # the build's offsets: every value an integer or empty (the exact path)
    assert integers(pd.Series(["0", None, "57"], dtype="str")).tolist() == [0, -1, 57]
    # anything else is read as a number and cut to its integer part, or -1
    mixed = pd.Series(["3.7", "+4", "-2", "x", "", "1e30", None, "12"], dtype="str")
    assert integers(mixed).tolist() == [3, 4, -2, -1, -1, -1, -1, 12]

def test_fits_int64_compares_digits_not_floats():
    from besa545.model.vectors import fits_int64

    values = pd.Series(["1", "-9223372036854775808", "9223372036854775807",
                        "9223372036854775808", "-9223372036854775809",
                        "+0009223372036854775807", "99999999999999999999", None, "x"],
                       dtype="str")
    assert fits_int64(values).tolist() == [True, True, True, False, False, True, False,
                                           False, False]
