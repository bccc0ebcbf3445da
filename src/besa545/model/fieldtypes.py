"""How each Frictionless field type is represented in every tool the package talks to.

One row per type: its pandas dtype (required, nullable), its Arrow type, its Croissant
(schema.org) type, its SQLite column type, the Python value of a CSV cell and the pattern
a CSV string must fully match to be a value of it.
:mod:`besa545.model.schema` and :mod:`besa545.model.vectors` both read these tables;
nothing else names a type's representation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

TYPES = ("string", "integer", "number", "boolean", "date")
# How a Frictionless type becomes a pandas dtype, when required / when nullable.
PANDAS_DTYPES: dict[str, tuple[str, str]] = {
    "string": ("str", "str"),
    "integer": ("int64", "Int64"),
    "number": ("float64", "float64"),
    "boolean": ("bool", "boolean"),
    "date": ("datetime64[ns]", "datetime64[ns]"),
}


def pandas_3() -> bool:
    """Whether the installed pandas is 3 or later (validation needs it; reading does not)."""
    import pandas as pd

    return int(pd.__version__.split(".")[0]) >= 3


def text_dtype() -> str:
    """The dtype of a text column: pandas 3's ``str``; on pandas 2, ``string`` (missing is
    ``pd.NA``), since its ``str`` is ``object`` and turns a missing value into "None"."""
    return "str" if pandas_3() else "string"


# How a Frictionless type becomes a Croissant (schema.org) data type.
CROISSANT_TYPES = {"string": "sc:Text", "integer": "sc:Integer", "number": "sc:Float",
                   "boolean": "sc:Boolean", "date": "sc:Date"}
# The type to give each column when reading a CSV with a reader that would otherwise guess
# (and read a code such as 051 as the number 51): pandas ``read_csv(dtype=...)`` (dates
# through ``parse_dates``), polars ``read_csv(schema_overrides=...)``, readr's compact
# ``col_types`` letters, base R's and data.table's ``colClasses``, DuckDB
# ``read_csv(columns=...)`` and Spark's schema. The data dictionary prints
# them per table and the consumer tests read the CSVs with exactly these.
READER_TYPES: dict[str, dict[str, str]] = {
    "pandas": {"string": "string", "integer": "Int64", "number": "Float64",
               "boolean": "boolean", "date": "string"},
    "polars": {"string": "String", "integer": "Int64", "number": "Float64",
               "boolean": "Boolean", "date": "Date"},
    "readr": {"string": "c", "integer": "i", "number": "d", "boolean": "l", "date": "D"},
    "r": {"string": "character", "integer": "integer", "number": "numeric",
          "boolean": "logical", "date": "Date"},
    "duckdb": {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE",
               "boolean": "BOOLEAN", "date": "DATE"},
    "spark": {"string": "STRING", "integer": "BIGINT", "number": "DOUBLE",
              "boolean": "BOOLEAN", "date": "DATE"},
}
# How a Frictionless type becomes an SQLite column type (`besa545 export --format sqlite`):
# SQLite has no boolean or date type, so booleans are INTEGER 0/1 and dates ISO TEXT.
SQLITE_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL",
                "boolean": "INTEGER", "date": "TEXT"}
TRUE_VALUES = ("true",)
FALSE_VALUES = ("false",)
# Patterns that a CSV string must fully match to be a value of each Frictionless type.
TYPE_PATTERNS = {
    "integer": r"[+-]?[0-9]+",
    "number": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?",
    "boolean": "|".join(TRUE_VALUES + FALSE_VALUES),
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}


def arrow_type(type_name: str) -> pa.DataType:
    """The Arrow type of a Frictionless type (enums are dictionaries; see the schema)."""
    import pyarrow as pa

    return {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(),
            "boolean": pa.bool_(), "date": pa.date32()}[type_name]


def python_value(cell: str, type_name: str) -> str | int | float | bool | None:
    """The Python value of a canonical CSV cell of a Frictionless type: ``None`` for an
    empty cell, ``int``, ``float`` or ``bool`` for those types, the ISO text for a date
    and the text itself for a string (SQLite stores these as they are; JSON writes them
    as its own types)."""
    if cell == "":
        return None
    if type_name == "integer":
        return int(cell)
    if type_name == "number":
        return float(cell)
    if type_name == "boolean":
        return cell in TRUE_VALUES
    return cell
