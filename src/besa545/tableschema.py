"""Table Schemas as the single definition of every column.

Everything that needs to know a column's type asks this module: the pandas dtypes of the
loader, the Arrow schema of the Parquet files, the pandera schema of the validator and
the conversion of CSV strings into typed values. Nothing here names a column: it reads
``schemas/<table>.json`` and maps Frictionless types through the small tables below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from besa545.paths import schema_dir

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pandera
    import pyarrow as pa

# How a Frictionless type becomes a pandas dtype, when required / when nullable.
PANDAS_DTYPES: dict[str, tuple[str, str]] = {
    "string": ("str", "str"),
    "integer": ("int64", "Int64"),
    "number": ("float64", "float64"),
    "boolean": ("bool", "boolean"),
    "date": ("datetime64[ns]", "datetime64[ns]"),
}
# How a Frictionless type becomes a Croissant (schema.org) data type.
CROISSANT_TYPES = {"string": "sc:Text", "integer": "sc:Integer", "number": "sc:Float",
                   "boolean": "sc:Boolean", "date": "sc:Date"}
TRUE_VALUES = ("true",)
FALSE_VALUES = ("false",)


class UnknownTableError(KeyError):
    """The table name is not one of the package's tables."""

    def __init__(self, name: str, valid: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.valid = valid

    def __str__(self) -> str:
        return f"unknown table {self.name!r}; valid tables: {', '.join(self.valid)}"


@dataclass(frozen=True)
class Field:
    """One column of a Table Schema."""

    name: str
    type: str
    description: str
    constraints: dict[str, Any]
    is_computed: bool
    example: Any = None

    @property
    def is_required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def enum(self) -> list[str] | None:
        return self.constraints.get("enum")

    @property
    def pattern(self) -> str | None:
        return self.constraints.get("pattern")

    @property
    def pandas_dtype(self) -> Any:
        """The dtype of this column in a loaded DataFrame."""
        if self.enum is not None:
            import pandas as pd

            return pd.CategoricalDtype(self.enum, ordered=False)
        required, nullable = PANDAS_DTYPES[self.type]
        return required if self.is_required else nullable


@dataclass(frozen=True)
class TableSchema:
    """A table's Table Schema, read from ``schemas/<name>.json``."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[dict[str, Any], ...]
    descriptor: dict[str, Any]

    @property
    def field_names(self) -> list[str]:
        return [field.name for field in self.fields]

    def field(self, name: str) -> Field:
        return next(field for field in self.fields if field.name == name)

    @cached_property
    def pandas_dtypes(self) -> dict[str, Any]:
        """Column name to pandas dtype, in schema order (computed once per schema)."""
        return {field.name: field.pandas_dtype for field in self.fields}

    def arrow_schema(self) -> pa.Schema:
        """The Parquet schema: enums as dictionaries, dates as dates, descriptions kept."""
        import pyarrow as pa

        arrow_types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(),
                       "boolean": pa.bool_(), "date": pa.date32()}
        fields = []
        for field in self.fields:
            arrow_type = arrow_types[field.type]
            if field.enum is not None:
                arrow_type = pa.dictionary(pa.int32(), pa.string())
            fields.append(pa.field(field.name, arrow_type, nullable=not field.is_required,
                                   metadata={"description": field.description}))
        return pa.schema(fields, metadata={"table": self.name, "description": self.description})


def table_names(root: Path | None = None) -> list[str]:
    """Names of the tables of the package at ``root`` (default: this package), sorted."""
    return sorted(path.stem for path in schema_dir(root).glob("*.json"))


@cache
def table_schema(name: str, root: Path | None = None) -> TableSchema:
    """The Table Schema of ``name``; raises :class:`UnknownTableError` for other names."""
    names = table_names(root)
    if name not in names:
        raise UnknownTableError(name, names)
    path = schema_dir(root) / f"{name}.json"
    return parse_schema(name, json.loads(path.read_text(encoding="utf-8")))


def parse_schema(name: str, descriptor: dict[str, Any]) -> TableSchema:
    """Turn a Table Schema descriptor into a :class:`TableSchema`."""
    fields = tuple(
        Field(
            name=field["name"],
            type=field.get("type", "string"),
            description=field.get("description", ""),
            constraints=field.get("constraints", {}),
            is_computed=bool(field.get("x-computed")),
            example=field.get("example"),
        )
        for field in descriptor["fields"]
    )
    primary_key = descriptor.get("primaryKey", [])
    return TableSchema(
        name=name,
        title=descriptor.get("title", name),
        description=descriptor.get("description", ""),
        fields=fields,
        primary_key=tuple([primary_key] if isinstance(primary_key, str) else primary_key),
        foreign_keys=tuple(descriptor.get("foreignKeys", [])),
        descriptor=descriptor,
    )


def lint_schema(schema: TableSchema) -> list[tuple[str | None, str]]:
    """What makes a Table Schema unusable: (field name, message) for each fault."""
    import re

    faults: list[tuple[str | None, str]] = []
    names = [field.name for field in schema.fields]
    if len(set(names)) != len(names):
        faults.append((None, "a field name is used twice"))
    for field in schema.fields:
        if field.type not in PANDAS_DTYPES:
            faults.append((field.name, f"unknown type {field.type!r}; use one of "
                                       f"{', '.join(PANDAS_DTYPES)}"))
        if field.pattern is not None:
            try:
                re.compile(field.pattern)
            except re.error as error:
                faults.append((field.name, f"pattern {field.pattern!r} is not a regular "
                                           f"expression: {error}"))
    faults += [(key, f"primary key field {key!r} is not a field")
               for key in schema.primary_key if key not in names]
    return faults


def coerce(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Give ``frame`` the dtypes and column order of ``schema``.

    ``frame`` may hold CSV strings (empty string or NaN meaning null) or values already
    typed by Parquet; either way the result is the same. Raises ``ValueError`` when a
    value cannot be converted (the validator reports such values before this is called).
    """
    import pandas as pd

    fields = {field.name: field for field in schema.fields}
    changed = {name: _convert(frame[name], fields[name], dtype, pd)
               for name, dtype in schema.pandas_dtypes.items() if frame[name].dtype != dtype}
    if changed:
        frame = frame.assign(**changed)
    if list(frame.columns) != schema.field_names:
        frame = frame[schema.field_names]
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0:
        frame = frame.reset_index(drop=True)
    return frame


def _convert(column: pd.Series, field: Field, dtype: Any, pd: Any) -> pd.Series:
    if field.type == "date":
        if column.dtype.kind == "M":
            return column.astype(dtype)
        return pd.to_datetime(column, format="%Y-%m-%d").astype(dtype)
    if field.type == "boolean" and column.dtype.kind not in "b":
        mapping = {**dict.fromkeys(TRUE_VALUES, True), **dict.fromkeys(FALSE_VALUES, False)}
        column = column.map(mapping, na_action="ignore")
        return column.astype(dtype)
    if field.type in ("integer", "number") and column.dtype.kind in "OUT":
        column = pd.to_numeric(column)
    return column.astype(dtype)


# Patterns that a CSV string must fully match to be a value of each Frictionless type.
TYPE_PATTERNS = {
    "integer": r"[+-]?[0-9]+",
    "number": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?",
    "boolean": "|".join(TRUE_VALUES + FALSE_VALUES),
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}


def pandera_schema(schema: TableSchema) -> pandera.DataFrameSchema:
    """A pandera schema that checks a frame of CSV strings against ``schema``.

    Each check is named by the problem code it reports. Values stay strings, so a bad
    value is reported as itself instead of being coerced away.
    """
    import pandera.pandas as pandera

    columns = {field.name: pandera.Column(
        "str", nullable=not field.is_required, unique=bool(field.constraints.get("unique")),
        checks=_field_checks(field, pandera), coerce=False, required=True)
        for field in schema.fields}
    composite = list(schema.primary_key) if len(schema.primary_key) > 1 else None
    return pandera.DataFrameSchema(columns, unique=composite, strict=False, coerce=False,
                                   name=schema.name)


def _field_checks(field: Field, pandera: Any) -> list[Any]:
    from besa545.vectors import dates

    checks = []
    if field.type in TYPE_PATTERNS:
        pattern = TYPE_PATTERNS[field.type]
        checks.append(pandera.Check(lambda s, p=pattern: s.str.fullmatch(p),
                                    name=f"type-{field.type}"))
    if field.type == "date":
        checks.append(pandera.Check(  # a real date; other forms fail the pattern above
            lambda s: dates(s).notna() | ~s.str.fullmatch(TYPE_PATTERNS["date"]).fillna(False),
            name="type-date"))
    if field.enum is not None:
        checks.append(pandera.Check(partial(_is_one_of, allowed=tuple(field.enum)),
                                    name="enum"))
    if field.pattern is not None:
        checks.append(pandera.Check(lambda s, p=field.pattern: s.str.fullmatch(p),
                                    name="pattern"))
    for bound in ("minimum", "maximum"):
        if bound in field.constraints:
            checks.append(pandera.Check(
                partial(_within, bound=bound, limit=field.constraints[bound]), name=bound))
    return checks


def _is_one_of(series: pd.Series, *, allowed: tuple[str, ...]) -> pd.Series:
    import pandas as pd

    from besa545.vectors import isin

    return pd.Series(isin(series, allowed) | series.isna().to_numpy(), index=series.index)


def _within(series: pd.Series, *, bound: str, limit: float) -> pd.Series:
    """Numbers at or inside ``limit``; non-numbers pass (the type check reports them)."""
    import numpy as np
    import pandas as pd

    from besa545.vectors import numbers

    values = np.nan_to_num(numbers(series), nan=limit)
    return pd.Series(values >= limit if bound == "minimum" else values <= limit,
                     index=series.index)
