"""Derived tables assembled from Arrow or Python columns, in the form a CSV is read into."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from besa545.model.csvfile import StringTable
from besa545.model.schema import TableSchema

if TYPE_CHECKING:
    import pyarrow as pa


def string_table(name: str, schema: TableSchema, columns: dict[str, Any]) -> StringTable:
    """A derived table from Arrow or Python columns, in the form a CSV file is read into."""
    import numpy as np
    import pyarrow as pa

    # large_string: what pandas' text columns hold, so that no column is cast again
    arrow = pa.table({field: pa.array(columns[field], type=pa.large_string()) if isinstance(
        columns[field], list) else columns[field].cast(pa.large_string())
        for field in schema.field_names})
    frame = _in_key_order(arrow, schema.primary_key).to_pandas().astype("str")
    return StringTable(name, f"data/{name}.csv", frame, np.zeros(len(frame), dtype=np.int64))


def _in_key_order(arrow: pa.Table, key: tuple[str, ...]) -> pa.Table:
    """The rows in the order the build writes them, sorted by primary key (the order they
    are derived in already, unless an ID's number outgrows its zero padding)."""
    import pyarrow.compute as pc

    if len(key) == 1 and arrow.num_rows > 1:
        column = arrow[key[0]]
        if pc.all(pc.less(column[:-1], column[1:])).as_py():
            return arrow
    return arrow.take(pc.sort_indices(arrow, sort_keys=[(name, "ascending") for name in key]))


def joined(first: pa.Array, infix: str, number: Any, width: int) -> pa.Array:
    """``first + infix + number``, the number zero-padded to ``width`` digits (IDs)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = pc.utf8_lpad(pa.array(number, type=pa.int64()).cast(first.type), width, "0")
    return pc.binary_join_element_wise(first, digits, pa.scalar(infix, first.type))
