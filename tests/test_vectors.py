"""The vectorised helpers the validator's checks are built on."""

from __future__ import annotations

import pandas as pd
import pytest

from besa545.model.vectors import dates, isin, numbers


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


def test_fits_int64_compares_digits_not_floats():
    from besa545.model.vectors import fits_int64

    values = pd.Series(["1", "-9223372036854775808", "9223372036854775807",
                        "9223372036854775808", "-9223372036854775809",
                        "+0009223372036854775807", "99999999999999999999", None, "x"],
                       dtype="str")
    assert fits_int64(values).tolist() == [True, True, True, False, False, True, False,
                                           False, False]
