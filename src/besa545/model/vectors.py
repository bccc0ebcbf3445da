"""Vectorised helpers on text columns, backed by pyarrow compute.

pandas' ``isin`` builds a Python scalar for every value of the set it tests against,
which is slow when that set is a whole column (a foreign key into a million rows).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa


def arrow_text(series: pd.Series) -> pa.ChunkedArray:
    """The text column as an Arrow string array, without copying when pandas holds Arrow."""
    import pyarrow as pa

    array = pa.array(series.array)  # Arrow-backed strings hand over their buffers
    if isinstance(array, pa.Array):
        array = pa.chunked_array([array])
    # either string type as it is: Arrow's kernels take both (pandas holds large_string)
    return array if array.type in (pa.string(), pa.large_string()) else array.cast(
        pa.large_string())


def isin(series: pd.Series, values: pd.Series | Iterable[str]) -> np.ndarray:
    """Boolean mask: which values of ``series`` are in ``values`` (nulls never are)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    value_set = (arrow_text(values.dropna()).combine_chunks() if isinstance(values, pd.Series)
                 else pa.array(list(values), type=pa.string()))
    mask = pc.is_in(arrow_text(series), value_set=value_set, skip_nulls=True)
    result: np.ndarray = mask.fill_null(False).to_numpy(zero_copy_only=False)
    return result


def distinct(series: pd.Series) -> pa.Array:
    """The column's distinct values, nulls left out, in the order they first appear."""
    import pyarrow.compute as pc

    values: pa.Array = pc.drop_null(arrow_text(series).unique())
    return values


def codes(series: pd.Series, values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Each value's position in ``values`` as int64 (-1: not there), found in Arrow without
    a Python string per row. A null matches a null of ``values``, if it has one."""
    import numpy as np
    import pyarrow.compute as pc

    positions = pc.index_in(arrow_text(series), value_set=values, skip_nulls=False)
    result: np.ndarray = pc.fill_null(positions, -1).to_numpy(
        zero_copy_only=False).astype(np.int64)
    return result


def integers(series: pd.Series) -> np.ndarray:
    """Offsets as int64, -1 where empty ("not located"). Meant for the offsets the build
    writes, plain integers, which Arrow casts at once; a column Arrow's cast refuses is
    read as plain decimals (cut to their integer part; -1 where not one). Arrow's cast
    also takes a few spellings a person would not write in a CSV (``0x10``), and refuses
    spaces around a number."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    try:  # the usual case, offsets the build wrote: every value an integer or empty
        exact: np.ndarray = pc.fill_null(pc.cast(arrow_text(series), pa.int64()), -1).to_numpy(
            zero_copy_only=False)
        return exact
    except pa.ArrowInvalid:
        floats = numbers(series)
    usable = np.isfinite(floats) & (np.abs(floats) < 2.0**63)
    result: np.ndarray = np.where(usable, np.trunc(np.where(usable, floats, 0)), -1).astype(
        np.int64)
    return result


# Plain decimal numbers that pyarrow's cast reads exactly as Python does.
PLAIN_NUMBER = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"


def numbers(series: pd.Series) -> np.ndarray:
    """The text column as float64; NaN where the value is empty or not a plain number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = arrow_text(series)
    plain = pc.match_substring_regex(text, PLAIN_NUMBER)
    kept = pc.if_else(plain, text, pa.scalar(None, text.type))
    result: np.ndarray = pc.cast(kept, pa.float64()).to_numpy(zero_copy_only=False)
    return result


INT64_DIGITS = str(2**63 - 1)  # 9223372036854775807; the negative bound ends in 8


def fits_int64(series: pd.Series) -> np.ndarray:
    """Which integer strings (``[+-]?[0-9]+``) int64 can hold; False for any other text.

    Compared as digit strings (a float would round near 2**63): a number with fewer
    digits than the bound fits, one with as many fits when it is not greater.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from besa545.model.fieldtypes import TYPE_PATTERNS

    text = arrow_text(series)
    negative = pc.starts_with(text, "-")
    digits = pc.utf8_ltrim(pc.utf8_ltrim(text, "+-"), "0")
    length = pc.utf8_length(digits)
    bound = pc.if_else(negative, pa.scalar(INT64_DIGITS[:-1] + "8"), pa.scalar(INT64_DIGITS))
    shorter = pc.less(length, len(INT64_DIGITS))
    as_long = pc.and_(pc.equal(length, len(INT64_DIGITS)), pc.less_equal(digits, bound))
    integer = pc.match_substring_regex(text, f"^(?:{TYPE_PATTERNS['integer']})$")
    fits = pc.and_(integer, pc.or_(shorter, as_long))
    result: np.ndarray = pc.fill_null(fits, False).to_numpy(zero_copy_only=False)
    return result


def dates(series: pd.Series) -> pd.Series:
    """The text column as dates: NaT where empty, not a real YYYY-MM-DD calendar day, or
    outside the range a loaded table can hold (:data:`FIRST_DATE` to :data:`LAST_DATE`).

    pandas alone also reads ``2017-4-1`` and year 0, which Python's ``date`` (and so
    frictionless) rejects; this does not. Loaded dates are ``datetime64[ns]``, which
    holds the years 1677 to 2262 only: a date outside would pass here and then fail in
    ``besa545.load``, so it is refused here.
    """
    import numpy as np
    import pandas as pd

    from besa545.model.fieldtypes import TYPE_PATTERNS

    positions, distinct_values = pd.factorize(series)  # a column has few distinct dates
    texts = pd.Series(distinct_values, dtype="str")
    parsed = pd.to_datetime(texts, format="%Y-%m-%d", errors="coerce")
    written = texts.str.fullmatch(TYPE_PATTERNS["date"]).fillna(False).to_numpy(bool)
    in_range = ((parsed >= FIRST_DATE) & (parsed <= LAST_DATE)).to_numpy(bool)
    valid = parsed.where(written & in_range).astype("datetime64[ns]").to_numpy()
    valid = np.append(valid, np.datetime64("NaT", "ns"))  # position -1: an empty cell
    return pd.Series(valid[positions], index=series.index, dtype="datetime64[ns]")


FIRST_DATE, LAST_DATE = "1678-01-01", "2261-12-31"  # whole years inside datetime64[ns]
