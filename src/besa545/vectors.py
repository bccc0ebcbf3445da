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


def isin(series: pd.Series, values: pd.Series | Iterable[str]) -> np.ndarray:
    """Boolean mask: which values of ``series`` are in ``values`` (nulls never are)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    value_set = pa.array(values if not hasattr(values, "dropna") else values.dropna(),
                         type=pa.string())
    mask = pc.is_in(pa.array(series, type=pa.string(), from_pandas=True), value_set=value_set,
                    skip_nulls=True)
    return mask.fill_null(False).to_numpy(zero_copy_only=False)
