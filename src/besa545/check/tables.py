"""The tables layer: types, constraints and keys.

Pandera schemas generated from the Table Schemas check each column (their failures become
problems located at the CSV line); foreign keys and identifiers that differ only by case
are checked with vectorised pyarrow operations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from besa545.model.codes import CODES
from besa545.model.csvfile import StringTable
from besa545.model.fields import SLUG
from besa545.model.package import DERIVED_TABLES, Package
from besa545.model.problems import Problem, quote
from besa545.model.schema import ForeignKey, TableSchema, pandera_schema
from besa545.model.vectors import arrow_text, isin

if TYPE_CHECKING:
    import pandas as pd


PANDERA_CODES = {"not_nullable": "required", "field_uniqueness": "unique",
                 "multiple_fields_uniqueness": "primary-key", "column_in_dataframe": None}


def check_columns(tables: dict[str, StringTable], schemas: dict[str, TableSchema]
                  ) -> list[Problem]:
    """Each table on its own: types, required, enum, pattern, ranges and keys (pandera)."""
    problems = []
    for name, table in tables.items():
        problems += _pandera_problems(table, schemas[name])
    return problems


def check_edited_columns(edited_tables: dict[str, StringTable],
                         schemas: dict[str, TableSchema]) -> list[Problem]:
    """The columns of every table a contributor edits."""
    return check_columns(edited_tables, schemas)


def check_derived_columns(package: Package, derived_fresh: frozenset[str] = frozenset()
                          ) -> list[Problem]:
    """The columns of each derived table that is not fresh (one equal to its derivation is
    valid by construction: its rows come from checked tables)."""
    return check_columns({name: package.tables[name] for name in DERIVED_TABLES
                          if name in package.tables and name not in derived_fresh},
                         package.schemas)


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
    unbuilt: dict[int, list[str]] = {}  # row position: computed columns left empty
    computed = {field.name for field in schema.fields if field.is_computed}
    for failure in failures.itertuples(index=False):
        code = PANDERA_CODES.get(failure.check, failure.check)
        if code is None:
            continue
        if (code == "required" and failure.column in computed
                and failure.column not in table.absent and failure.index == failure.index):
            unbuilt.setdefault(int(failure.index), []).append(failure.column)
            continue
        if failure.column in table.absent or (code == "primary-key" and key_absent):
            continue  # the missing column is reported once, as header-missing
        if failure.index is None or failure.index != failure.index or code not in CODES:
            # a check that could not run (it raised) has no row: never a silent pass
            problems.append(Problem(table.file, None, failure.column, "validator-crash",
                                    f"the {failure.check} check of {failure.column} could "
                                    f"not run: {quote(failure.failure_case, 200)}"))
            continue
        line = table.line(int(failure.index))
        column = key if code == "primary-key" else failure.column
        problems.append(Problem(table.file, line, column, code,
                                _failure_message(code, failure, schema), _hint(code, failure,
                                                                               schema)))
    for position, columns in sorted(unbuilt.items()):
        ordered = [name for name in schema.field_names if name in columns]
        problems.append(Problem(table.file, table.line(position), ordered[0], "not-built",
                                f"{', '.join(ordered)} {'is' if len(ordered) == 1 else 'are'} "
                                "empty: the build computes them"))
    return problems


def _failure_message(code: str, failure: Any, schema: TableSchema) -> str:
    value, column = failure.failure_case, failure.column
    if code == "required":
        return f"{column} is empty"
    if code == "primary-key":
        return f"the primary key ({', '.join(schema.primary_key)}) is not unique"
    if code == "unique":
        return f"{quote(value)} appears more than once in {column}"
    if code == "enum":
        return f"{quote(value)} is not an allowed value of {column}"
    if code == "pattern":
        return f"{quote(value)} does not match the pattern of {column}"
    if code in ("minimum", "maximum"):
        limit = schema.field(column).constraints[code]
        side = "below the minimum" if code == "minimum" else "above the maximum"
        return f"{column} is {quote(value)}, {side} {limit}"
    return f"{quote(value)} is not a valid {schema.field(column).type} for {column}"


def _hint(code: str, failure: Any, schema: TableSchema) -> str:
    field = schema.field(failure.column) if failure.column in schema.field_names else None
    if field is None:
        return ""  # the code's registered default
    if code == "enum":
        return f"use one of: {', '.join(field.enum or [])}"
    if code == "pattern" and field.pattern != SLUG:
        return f"the value must match the pattern {field.pattern}"
    if code == "minimum":
        return f"use a number of at least {field.constraints[code]}"
    if code == "maximum":
        return f"use a number of at most {field.constraints[code]}"
    return ""  # the code's registered default


def check_foreign_keys(package: Package, derived_fresh: frozenset[str] = frozenset()
                       ) -> list[Problem]:
    """Every foreign key points at an existing row (vectorised with ``isin``); a key of
    several fields is checked on all of them together. Fresh derived tables are skipped."""
    problems = []
    for name, schema in package.schemas.items():
        table = package.tables.get(name)
        if table is None or name in derived_fresh:
            continue
        for key in schema.foreign_keys:
            problems += _foreign_key_problems(package, table, key)
    return problems


def _foreign_key_problems(package: Package, table: StringTable,
                          key: ForeignKey) -> list[Problem]:
    import numpy as np

    column = ", ".join(key.fields)
    target_column = ", ".join(key.reference_fields)
    if set(key.fields) & table.absent:
        return []  # the missing column is reported once, as header-missing
    target = package.tables.get(key.resource)
    undeclared = [field for field in key.reference_fields if target is not None
                  and field not in target.frame.columns and field not in target.absent]
    if undeclared:  # a schema edit can name any column: said, never a crash
        return [Problem(
            table.file, None, column, "foreign-key-table",
            f"{column} cannot be checked: {key.resource} has no column "
            f"{', '.join(undeclared)}",
            f"name a column of {key.resource} in the foreign key of "
            f"schemas/{table.name}.json")]
    if target is None or set(key.reference_fields) & target.absent:
        return [Problem(
            table.file, None, column, "foreign-key-table",
            f"{column} cannot be checked: {key.resource}.{target_column} could not be read",
            f"fix the problems reported for {key.resource} first")]
    values = _key_values(table.frame, key.fields)
    present = table.frame[list(key.fields)].notna().all(axis=1).to_numpy()
    missing = present & ~isin(values, _key_values(target.frame, key.reference_fields))
    if missing.any() and target.lost_rows:  # the value may be in a row that was lost
        return [Problem(
            table.file, None, column, "foreign-key-table",
            f"{column} cannot be checked: {target.file} has rows that could not be read",
            f"fix the problems reported for {key.resource} first")]
    positions = np.flatnonzero(missing).tolist()
    hint = (f"use an existing {target_column} from data/{key.resource}.csv, or add a row "
            "there first")
    extra = ""
    if table.name in DERIVED_TABLES and positions:
        # a file the build writes: one problem, as it has one fix (stale, or derived from
        # tables that are themselves wrong; those are reported on their own)
        more, positions = len(positions) - 1, positions[:1]
        extra = f" (and {more} more row{'s' if more > 1 else ''} of this file)" if more else ""
        hint = (f"{table.file} is written by the build, not by hand: run `besa545 build` "
                "once the tables it comes from are right")
    guess = _guesses(table, target, key, positions)
    return [Problem(table.file, table.line(position), column, "foreign-key",
                    ", ".join(repr(table.frame[field].iat[position]) for field in key.fields)
                    + f" is not in {key.resource}.{target_column}{extra}"
                    + guess.get(position, ""), hint)
            for position in positions]


# A "did you mean" is looked for in the first rows only, for values no longer than an id,
# with the characters of an id: each guess is then a few thousand short lookups at most.
GUESSED = 100
GUESSED_LENGTH = 100
ID_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789-_"


def _guesses(table: StringTable, target: StringTable, key: ForeignKey,
             positions: list[int]) -> dict[int, str]:
    """For a one-field key, "; did you mean ...?" for each missing value that is one edit
    away from exactly one existing value."""
    if len(key.fields) != 1 or not positions:
        return {}
    known = set(target.frame[key.reference_fields[0]].dropna().tolist())
    guesses = {}
    for position in positions[:GUESSED]:
        value = table.frame[key.fields[0]].iat[position]
        if len(value) > GUESSED_LENGTH:
            continue
        found = one_edit_away(value, known, ID_CHARACTERS)
        if found is not None:
            guesses[position] = f"; did you mean {found!r}?"
    return guesses


def one_edit_away(value: str, known: set[str], alphabet: str) -> str | None:
    """The one value of ``known`` that a single edit turns ``value`` into (a character of
    ``alphabet`` added or put in place of another, a character removed, two neighbours
    swapped), or None when there is none or more than one."""
    splits = [(value[:cut], value[cut:]) for cut in range(len(value) + 1)]
    edits = {left + right[1:] for left, right in splits if right}
    edits |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    edits |= {left + letter + right[1:] for left, right in splits if right for letter in alphabet}
    edits |= {left + letter + right for left, right in splits for letter in alphabet}
    found = (edits - {value}) & known
    return found.pop() if len(found) == 1 else None


KEY_SEPARATOR = "\x1f"  # the ASCII unit separator: cannot occur in a valid identifier


def _key_values(frame: pd.DataFrame, fields: tuple[str, ...]) -> pd.Series:
    """One text value per row for the key ``fields`` (the field itself when single)."""
    if len(fields) == 1:
        return frame[fields[0]]
    joined = frame[fields[0]].astype("str")
    for field in fields[1:]:
        joined = joined + KEY_SEPARATOR + frame[field].astype("str")
    return joined


def _all_lowercase(values: pd.Series) -> bool:
    """Whether every value is its own lowercase (one pass in Arrow, nothing kept)."""
    import pyarrow.compute as pc

    text = arrow_text(values)
    return bool(pc.all(pc.fill_null(pc.equal(pc.utf8_lower(text), text), True)).as_py())


def check_case_duplicates(package: Package, derived_fresh: frozenset[str] = frozenset()
                          ) -> list[Problem]:
    """No two identifiers differ only by case (`China` and `china` would collide on a
    case-insensitive file system, in a spreadsheet lookup or in a careless join)."""
    import numpy as np

    problems = []
    for name, table in package.tables.items():
        key = package.schemas[name].primary_key
        if name in derived_fresh or len(key) != 1 or key[0] in table.absent:
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
                f"{value!r} differs only by case from {others}"))
    return problems
