"""The tables layer of the validator: types, constraints and keys.

Pandera schemas generated from the Table Schemas check each column (their failures become
problems located at the CSV line); foreign keys and identifiers that differ only by case
are checked with vectorised pyarrow operations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from besa545.csvfile import StringTable
from besa545.derive import Package
from besa545.problems import Problem, quote
from besa545.tableschema import (
    TableSchema,
    pandera_schema,
)
from besa545.vectors import arrow_text, isin

if TYPE_CHECKING:
    import pandas as pd


PANDERA_CODES = {"not_nullable": "required", "field_uniqueness": "unique",
                 "multiple_fields_uniqueness": "primary-key", "column_in_dataframe": None}


HINTS = {
    "required": "fill the cell; this column may not be empty",
    "unique": "each value may appear only once in this column; change or remove the duplicate",
    "primary-key": "two rows share the same primary key; merge them or change one",
    "enum": "use one of the allowed values listed in the schema (see docs/annotation-guide.md)",
    "pattern": "identifiers are lowercase slugs like `donald-trump`: a-z, 0-9 and single hyphens",
    "type-integer": "write a whole number without decimals, e.g. 3",
    "type-number": "write a number, e.g. -4 or 3.5",
    "type-boolean": "write true or false",
    "type-date": "write a real date as YYYY-MM-DD, e.g. 2017-04-30",
    "minimum": "the value is below the smallest allowed",
    "maximum": "the value is above the largest allowed",
}


def check_tables(package: Package, settled: set[str] | frozenset[str] = frozenset(),
                 checked: set[str] | frozenset[str] = frozenset()) -> list[Problem]:
    """Types, required, enum, pattern, ranges and keys (pandera), then foreign keys.

    Tables in ``settled`` (derived tables equal to what the build derives now) are
    skipped: their rows come from already checked tables. Tables in ``checked`` have had
    their columns checked already (:func:`check_columns`); their keys are checked here.
    """
    problems = check_columns({name: table for name, table in package.tables.items()
                              if name not in settled | checked}, package.schemas)
    problems += check_foreign_keys(package, settled)
    problems += check_case_duplicates(package, settled)
    return problems


def check_columns(tables: dict[str, StringTable], schemas: dict[str, TableSchema]
                  ) -> list[Problem]:
    """Each table on its own: types, required, enum, pattern, ranges and keys (pandera)."""
    problems = []
    for name, table in tables.items():
        problems += _pandera_problems(table, schemas[name])
    return problems


def _pandera_problems(table: StringTable, schema: TableSchema) -> list[Problem]:
    import pandera.errors

    try:
        pandera_schema(schema).validate(table.frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        return _failures_to_problems(errors.failure_cases, table, schema)
    return []


def _failures_to_problems(failures: pd.DataFrame, table: StringTable,
                          schema: TableSchema) -> list[Problem]:
    problems = []
    key = ", ".join(schema.primary_key)
    key_absent = bool(table.absent & set(schema.primary_key))
    for failure in failures.itertuples(index=False):
        code = PANDERA_CODES.get(failure.check, failure.check)
        if code is None or failure.index is None or failure.index != failure.index:
            continue
        if failure.column in table.absent or (code == "primary-key" and key_absent):
            continue  # the missing column is reported once, as header-missing
        line = table.line(int(failure.index))
        column = key if code == "primary-key" else failure.column
        problems.append(Problem(table.file, line, column, code,
                                _failure_message(code, failure, schema), _hint(code, failure,
                                                                               schema)))
    return problems


def _failure_message(code: str, failure: Any, schema: TableSchema) -> str:
    value = failure.failure_case
    if code == "required":
        return f"{failure.column} is empty"
    if code == "primary-key":
        return f"the primary key ({', '.join(schema.primary_key)}) is not unique"
    if code == "unique":
        return f"{value!r} appears more than once in {failure.column}"
    return f"{quote(value)} fails the {code} check of {failure.column}"


def _hint(code: str, failure: Any, schema: TableSchema) -> str:
    if code == "enum":
        allowed = schema.field(failure.column).enum or []
        return f"use one of: {', '.join(allowed)}"
    if code == "pattern" and not schema.field(failure.column).pattern.startswith("[a-z0-9]+"):
        return f"the value must match the pattern {schema.field(failure.column).pattern}"
    if code in ("minimum", "maximum"):
        limit = schema.field(failure.column).constraints[code]
        return f"the {code} allowed is {limit}"
    return HINTS.get(code, "")


def check_foreign_keys(package: Package, settled: set[str] | frozenset[str] = frozenset()
                       ) -> list[Problem]:
    """Every foreign key points at an existing row (vectorised with ``isin``)."""
    import numpy as np

    problems = []
    for name, schema in package.schemas.items():
        table = package.tables.get(name)
        if table is None or name in settled:
            continue
        for key in schema.foreign_keys:
            column = _single(key["fields"])
            target_name = key["reference"]["resource"]
            target_column = _single(key["reference"]["fields"])
            if column in table.absent:
                continue
            target = package.tables.get(target_name)
            if target is None or target_column in target.absent:
                problems.append(Problem(
                    table.file, None, column, "foreign-key-table",
                    f"{column} cannot be checked: {target_name}.{target_column} could not be read",
                    f"fix the problems reported for {target_name} first"))
                continue
            values = table.frame[column]
            missing = values.notna().to_numpy() & ~isin(values, target.frame[target_column])
            for position in np.flatnonzero(missing):
                value = values.iat[position]
                problems.append(Problem(
                    table.file, table.line(int(position)), column, "foreign-key",
                    f"{value!r} is not in {target_name}.{target_column}",
                    f"use an existing {target_column} from data/{target_name}.csv, or add a "
                    f"row there first"))
    return problems


def _all_lowercase(values: pd.Series) -> bool:
    """Whether every value is its own lowercase (one pass in Arrow, nothing kept)."""
    import pyarrow.compute as pc

    text = arrow_text(values)
    return bool(pc.all(pc.fill_null(pc.equal(pc.utf8_lower(text), text), True)).as_py())


def _single(fields: str | list[str]) -> str:
    return fields if isinstance(fields, str) else fields[0]


def check_case_duplicates(package: Package, settled: set[str] | frozenset[str] = frozenset()
                          ) -> list[Problem]:
    """No two identifiers differ only by case (`China` and `china` would collide on a
    case-insensitive file system, in a spreadsheet lookup or in a careless join)."""
    import numpy as np

    problems = []
    for name, table in package.tables.items():
        key = package.schemas[name].primary_key
        if name in settled or len(key) != 1 or key[0] in table.absent:
            continue
        values = table.frame[key[0]]
        if _all_lowercase(values):
            continue  # none can differ only by case (exact twins: the primary key check)
        folded = values.str.lower()
        clash = (folded.duplicated(keep=False) & ~values.duplicated(keep=False)).to_numpy()
        for position in np.flatnonzero(clash):
            value = values.iat[position]
            others = ", ".join(map(repr, sorted(set(values[folded == folded.iat[position]])
                                                - {value})))
            problems.append(Problem(
                table.file, table.line(int(position)), key[0], "id-case-duplicate",
                f"{value!r} differs only by case from {others}",
                "identifiers are lowercase; merge the rows or choose a distinct id"))
    return problems
