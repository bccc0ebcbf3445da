"""``coerce``: CSV strings or Parquet values become the schema's dtypes, in schema order,
on a fresh 0-based index; the same frame either way."""

from __future__ import annotations

import pandas as pd
import pytest

from besa545.model.schema import coerce, parse_schema

SCHEMA = parse_schema("t", {"fields": [
    {"name": "name", "type": "string", "constraints": {"required": True}},
    {"name": "count", "type": "integer", "constraints": {"required": True}},
    {"name": "rank", "type": "integer"},
    {"name": "score", "type": "number"},
    {"name": "is_open", "type": "boolean"},
    {"name": "day", "type": "date"},
    {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}},
]})
DTYPES = {"name": "str", "count": "int64", "rank": "Int64", "score": "float64",
          "is_open": "boolean", "day": "datetime64[ns]", "kind": "category"}


def _strings() -> pd.DataFrame:
    """Two rows as the CSV reader gives them (columns out of order, a 1-based index)."""
    return pd.DataFrame({"kind": ["b", None], "day": ["2017-04-30", None],
                         "is_open": ["true", "false"], "score": ["1.5", None],
                         "rank": ["7", None], "count": ["3", "-4"], "name": ["x", "y"]},
                        index=[1, 2], dtype="str")


def test_strings_become_the_schema_dtypes_in_schema_order():
    frame = coerce(_strings(), SCHEMA)
    assert list(frame.columns) == SCHEMA.field_names
    assert {name: str(dtype) for name, dtype in frame.dtypes.items()} == DTYPES
    assert list(frame.index) == [0, 1]
    assert frame["count"].tolist() == [3, -4]
    assert frame["rank"].tolist()[0] == 7 and frame["rank"].isna().tolist() == [False, True]
    assert frame["score"].iat[0] == 1.5 and pd.isna(frame["score"].iat[1])
    assert frame["is_open"].tolist() == [True, False]
    assert frame["day"].iat[0] == pd.Timestamp("2017-04-30") and pd.isna(frame["day"].iat[1])
    assert frame["kind"].cat.categories.tolist() == ["a", "b"]


def test_typed_values_give_the_same_frame():
    typed = coerce(_strings(), SCHEMA)
    as_parquet = typed.astype({"day": "datetime64[ms]"}).set_axis([5, 6])  # Arrow's unit
    pd.testing.assert_frame_equal(coerce(as_parquet, SCHEMA), typed)


def test_a_frame_in_order_is_returned_as_it_is():
    typed = coerce(_strings(), SCHEMA)
    assert coerce(typed, SCHEMA) is typed


def test_numbers_written_as_text_are_read_as_numbers():
    schema = parse_schema("n", {"fields": [{"name": "score", "type": "number",
                                            "constraints": {"required": True}}]})
    frame = coerce(pd.DataFrame({"score": ["1e3", "-0.5", "+2"]}, dtype="str"), schema)
    assert frame["score"].tolist() == [1000.0, -0.5, 2.0]


def test_integers_with_a_sign_or_leading_zeros_are_read_as_numbers():
    """The integer pattern allows ``+5`` and ``007``; a nullable integer column holds them."""
    frame = coerce(pd.DataFrame({"name": ["a", "b", "c"], "count": ["+5", "007", "-0"],
                                 "rank": ["+5", "007", None], "score": [None] * 3,
                                 "is_open": [None] * 3, "day": [None] * 3,
                                 "kind": [None] * 3}, dtype="str"), SCHEMA)
    assert frame["count"].tolist() == [5, 7, 0]
    assert frame["rank"].tolist()[:2] == [5, 7] and str(frame["rank"].dtype) == "Int64"


@pytest.mark.parametrize("day", ["30/07/2017", "July 30, 2017", "2017-07-30T10:00"])
def test_a_date_not_written_year_month_day_is_refused(day):
    """As documented, a value that is not the schema's type raises ValueError; pandas alone
    would read these forms (and the time of day) without a word."""
    day_schema = parse_schema("d", {"fields": [{"name": "day", "type": "date"}]})
    with pytest.raises(ValueError):
        coerce(pd.DataFrame({"day": [day]}, dtype="str"), day_schema)
