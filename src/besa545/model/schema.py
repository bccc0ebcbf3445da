"""Table Schemas as the single definition of every column.

Everything that needs to know a column's type asks this module: the pandas dtypes of the
loader, the Arrow schema of the Parquet files, the pandera schema of the validator and
the conversion of CSV strings into typed values. Nothing here names a column: it reads
``schemas/<table>.json`` and maps Frictionless types through the small tables below.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from besa545.model.fields import cell_faults, is_invisible
from besa545.model.fieldtypes import (
    FALSE_VALUES,
    PANDAS_DTYPES,
    TRUE_VALUES,
    TYPE_PATTERNS,
    arrow_type,
    text_dtype,
)
from besa545.model.paths import read_regular, schema_dir, unopenable, why_not_readable
from besa545.model.problems import Outcome, Problem, quote

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pandera
    import pyarrow as pa

class UnknownTableError(KeyError):
    """The table name is not one of the package's tables."""

    def __init__(self, name: object, valid: list[str]) -> None:
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
        dtype = required if self.is_required else nullable
        return text_dtype() if dtype == "str" else dtype


class ForeignKey(NamedTuple):
    """``fields`` of this table refer to ``reference_fields`` of table ``resource``."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    """A table's Table Schema, read from ``schemas/<name>.json``."""

    name: str
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
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

        fields = []
        for field in self.fields:
            column_type = (pa.dictionary(pa.int32(), pa.string()) if field.enum is not None
                           else arrow_type(field.type))
            fields.append(pa.field(field.name, column_type, nullable=not field.is_required,
                                   metadata={"description": field.description}))
        return pa.schema(fields, metadata={"table": self.name, "description": self.description})


def table_names(root: Path | None = None) -> list[str]:
    """Names of the tables of the package at ``root`` (default: this package), sorted."""
    return sorted(path.stem for path in schema_dir(root).glob("*.json"))


def table_schema(name: str, root: Path | None = None) -> TableSchema:
    """The Table Schema of ``name``; raises :class:`UnknownTableError` (a ``KeyError``)
    for anything that is not one of the package's table names."""
    names = table_names(root)
    if not isinstance(name, str) or name not in names:
        raise UnknownTableError(name, names)
    return _table_schema(name, root)


@cache
def _table_schema(name: str, root: Path | None) -> TableSchema:
    path = schema_dir(root) / f"{name}.json"
    return parse_schema(name, json.loads(path.read_text(encoding="utf-8")))


def read_schema(root: Path, file: str, name: str) -> Outcome[TableSchema]:
    """The Table Schema at ``root / file`` for table ``name``, parsed and linted.

    The one way schemas are read from a package, by the build and the validator alike:
    a schema that is missing, is not JSON or fails :func:`lint_schema` gives no value and
    a problem for each fault.
    """
    path = root / file
    reason = why_not_readable(root, file)
    if reason:
        return Outcome(None, [Problem(file, None, None, "path-unsafe", f"{file} {reason}")])
    if not path.is_file():
        return Outcome(None, [Problem(file, None, None, "schema-missing",
                                      f"the {name} table has no schema file")])
    try:
        schema = parse_schema(name, json.loads(read_regular(path, file).decode("utf-8")))
    except OSError as error:
        return Outcome(None, [unopenable(file, error)])
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        return Outcome(None, [Problem(file, None, None, "schema-invalid",
                                      f"the schema cannot be read: {error}",
                                      "restore it from the repository, or fix the JSON")])
    faults = lint_schema(schema) or profile_faults(schema.descriptor)
    problems = [Problem(file, None, field, "schema-invalid", message)
                for field, message in faults]
    return Outcome(None if problems else schema, problems)


PROFILE_FILE = Path(__file__).resolve().parent / "profiles" / "tableschema.json"


@cache
def _profile_validator() -> Any:
    """The official Table Schema 2.0 JSON Schema (draft-07), shipped with the package, the
    project's one copy of it (``tests/test_reference.py`` holds it equal to the shared
    original). It has no remote references, so checking against it reads nothing else."""
    import jsonschema

    return jsonschema.Draft7Validator(json.loads(PROFILE_FILE.read_text(encoding="utf-8")))


def profile_faults(descriptor: dict[str, Any]) -> list[tuple[str | None, str]]:
    """Where ``descriptor`` breaks the official Table Schema 2.0 profile: (field name or
    None, message) for each fault. Run once :func:`lint_schema` finds nothing, so that a
    fault it words better (a non-string example) is not reported twice."""
    from jsonschema.exceptions import best_match

    faults: list[tuple[str | None, str]] = []
    for error in _profile_validator().iter_errors(descriptor):
        detail = best_match(_branch_of_its_type(error.context)) if error.context else error
        where = "/".join(map(str, detail.absolute_path)) or "the schema"
        path = list(detail.absolute_path)
        field = None
        if len(path) > 1 and path[0] == "fields" and isinstance(path[1], int):
            named = descriptor["fields"][path[1]]
            field = named.get("name") if isinstance(named, dict) else None
        faults.append((field if isinstance(field, str) else None,
                       f"breaks the Table Schema 2.0 profile at {where}: "
                       f"{quote(detail.message, 200)}"))
    return sorted(faults, key=lambda fault: fault[1])


def _branch_of_its_type(errors: list[Any]) -> list[Any]:
    """Of the errors of a field against each branch of the profile's one-branch-per-type
    choice, those of the branch for the field's own type (its ``type`` matched there);
    all of them when no branch matched the type."""
    branches: dict[Any, list[Any]] = {}
    for error in errors:
        branches.setdefault(error.schema_path[0] if error.schema_path else None,
                            []).append(error)
    typed = [found for found in branches.values()
             if not any(list(error.relative_path) == ["type"] for error in found)]
    return typed[0] if len(typed) == 1 else errors


def parse_schema(name: str, descriptor: dict[str, Any]) -> TableSchema:
    """Turn a Table Schema descriptor into a :class:`TableSchema`.

    Raises ``KeyError``, ``TypeError`` or ``ValueError`` when the descriptor does not
    have the shape of a Table Schema; :func:`lint_schema` then says what else is wrong.
    """
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("fields"), list):
        raise TypeError("a Table Schema is an object with a list of fields")
    fields = tuple(_parse_field(field) for field in descriptor["fields"])
    return TableSchema(
        name=name,
        title=str(descriptor.get("title", name)),
        description=str(descriptor.get("description", "")),
        fields=fields,
        primary_key=_names(descriptor.get("primaryKey", []), "primaryKey"),
        foreign_keys=tuple(_parse_foreign_key(key) for key in
                           _list(descriptor.get("foreignKeys", []), "foreignKeys")),
        descriptor=descriptor,
    )


def _parse_field(field: Any) -> Field:
    if not isinstance(field, dict) or not isinstance(field.get("name"), str):
        raise TypeError("each field is an object with a name")
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        raise TypeError(f"the constraints of field {field['name']!r} are not an object")
    return Field(name=field["name"], type=str(field.get("type", "string")),
                 description=str(field.get("description", "")), constraints=constraints,
                 is_computed=bool(field.get("x-computed")), example=field.get("example"))


def _parse_foreign_key(key: Any) -> ForeignKey:
    if not isinstance(key, dict) or not isinstance(key.get("reference"), dict):
        raise TypeError("each foreign key is an object with fields and a reference")
    reference = key["reference"]
    if not isinstance(reference.get("resource"), str):
        raise TypeError("a foreign key's reference names no resource")
    return ForeignKey(_names(key.get("fields"), "foreignKeys.fields"), reference["resource"],
                      _names(reference.get("fields"), "foreignKeys.reference.fields"))


def _names(value: Any, where: str) -> tuple[str, ...]:
    """A field name or a list of them (both forms are valid Table Schema) as a tuple."""
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise TypeError(f"{where} is not a field name or a list of field names")
    return tuple(names)


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"{where} is not a list")
    return value


def lint_schema(schema: TableSchema) -> list[tuple[str | None, str]]:
    """What makes a Table Schema unusable: (field name, message) for each fault."""
    faults: list[tuple[str | None, str]] = []
    names = [field.name for field in schema.fields]
    if len(set(names)) != len(names):
        faults.append((None, "a field name is used twice"))
    for field in schema.fields:
        faults += [(field.name, message) for message in _field_faults(field)]
    for where, text in _texts_shown(schema):
        if not isinstance(text, str):
            faults.append((None, f"{where} must be a string"))
            continue
        broken = [message for _, message, _ in cell_faults(text)]
        if "\n" in text and "description" not in where:
            broken.append("holds a line break")
        faults += [(None, f"{where} {quote(text)} {message}") for message in broken]
    faults += [(key, f"primary key field {key!r} is not a field")
               for key in schema.primary_key if key not in names]
    faults += [(None, f"{where} is a URL; a schema may not refer to anything outside the "
                      "package (frictionless would fetch it)")
               for where in _urls(schema.descriptor)]
    for key in schema.foreign_keys:
        faults += [(name, f"foreign key field {name!r} is not a field")
                   for name in key.fields if name not in names]
        if len(key.fields) != len(key.reference_fields) or not key.fields:
            faults.append((", ".join(key.fields), "a foreign key must list as many fields "
                                                  "as the fields it references"))
    for field in schema.descriptor.get("fields", []):  # a basis and the value it qualifies
        if isinstance(field, dict) and "x-basis-of" in field:
            of = field["x-basis-of"]
            if not isinstance(of, str) or of not in names or of == field.get("name"):
                faults.append((str(field.get("name")), "x-basis-of must name another field "
                                                       "of the table: the value this basis "
                                                       "qualifies"))
    return faults


IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")  # a field name: safe as a column everywhere
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
URL = re.compile(r"^\s*([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
PROSE = frozenset({"title", "description", "example"})


def _urls(value: Any, where: str = "") -> list[str]:
    """Where ``value`` (a schema's JSON) holds a URL, other than the Table Schema profile
    as ``$schema`` and URLs inside prose (titles, descriptions, examples)."""
    if isinstance(value, dict):
        return [found for key, item in value.items() if key not in PROSE
                and not (key == "$schema" and item == TABLE_SCHEMA_PROFILE)
                for found in _urls(item, f"{where}.{key}" if where else str(key))]
    if isinstance(value, list):
        return [found for position, item in enumerate(value)
                for found in _urls(item, f"{where}[{position}]")]
    return [where] if isinstance(value, str) and URL.match(value) else []


def _texts_shown(schema: TableSchema) -> list[tuple[str, str]]:
    """The schema's texts that reach a cell, a page or a terminal: its title and
    description, and each field's title, description, example and enum values."""
    texts = [(f"the table's {key}", schema.descriptor.get(key))
             for key in ("title", "description")]
    for field in schema.fields:
        raw = next(item for item in schema.descriptor["fields"] if item.get("name") == field.name)
        texts += [(f"the {key} of field {quote(field.name)}", raw[key])
                  for key in ("title", "description", "example")
                  if isinstance(raw.get(key), str)]  # other types: the profile's faults
        enum = field.enum if isinstance(field.enum, list) else []  # else: a fault of its own
        texts += [(f"an enum value of field {quote(field.name)}", value) for value in enum
                  if isinstance(value, str)]
    return [(where, text) for where, text in texts if text is not None]


def _field_faults(field: Field) -> list[str]:
    faults = []
    if not IDENTIFIER.fullmatch(field.name):
        faults.append(f"the field name {quote(field.name)} is not a plain identifier "
                      "(lowercase letters, digits and underscores, starting with a letter)")
    if field.example is not None and not isinstance(field.example, str):
        written = json.dumps(field.example)  # as JSON writes it: false, 8.0, 1234
        faults.append(f"example {written} must be a string (Data Package 2.0): "
                      f"{json.dumps(written)}")
    if field.type not in PANDAS_DTYPES:
        faults.append(f"unknown type {field.type!r}; use one of {', '.join(PANDAS_DTYPES)}")
    enum = field.constraints.get("enum")
    if enum is not None and (not isinstance(enum, list) or not all(
            isinstance(value, str) for value in enum)):
        faults.append("enum must be a list of strings")
    for bound in ("minimum", "maximum"):
        limit = field.constraints.get(bound)
        if bound in field.constraints and (isinstance(limit, bool) or not isinstance(
                limit, int | float)):
            faults.append(f"{bound} must be a number, not {limit!r}")
    pattern = field.constraints.get("pattern")
    if pattern is not None:
        reason = pattern_fault(pattern)
        if reason:
            faults.append(f"pattern {pattern!r} {reason}")
        elif any(map(is_invisible, pattern)):  # printed in the data dictionary
            faults.append(f"pattern {quote(pattern)} holds an invisible or control "
                          "character, which no cell may hold")
    return faults


def pattern_fault(pattern: Any) -> str | None:
    """Why ``pattern`` cannot be a column's pattern, or None when it can.

    Patterns are run by pyarrow's RE2 engine (linear time), so a pattern must compile
    there; Python's ``re`` must accept it too, as other tools read the schemas with it.
    """
    if not isinstance(pattern, str):
        return "is not a string"
    try:
        re.compile(pattern)
    except re.error as error:
        return f"is not a regular expression: {error}"
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""], pa.string()), f"^(?:{pattern})$")
    except pa.ArrowInvalid:
        return ("uses a construct (such as a lookahead or a backreference) that a "
                "linear-time regular expression engine cannot run")
    return None


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
        # text from a CSV, or Python booleans beside nulls from a Parquet column with nulls
        mapping: dict[object, bool] = {**dict.fromkeys(TRUE_VALUES, True),
                                       **dict.fromkeys(FALSE_VALUES, False),
                                       True: True, False: False}
        column = column.map(mapping, na_action="ignore")
        return column.astype(dtype)
    if field.type in ("integer", "number") and column.dtype.kind in "OUT":
        column = pd.to_numeric(column)
    return column.astype(dtype)


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
    from besa545.model.vectors import dates, fits_int64

    checks = []
    if field.type in TYPE_PATTERNS:
        pattern = TYPE_PATTERNS[field.type]
        checks.append(pandera.Check(lambda s, p=pattern: s.str.fullmatch(p),
                                    name=f"type-{field.type}"))
    if field.type == "date":
        checks.append(pandera.Check(  # a real date; other forms fail the pattern above
            lambda s: dates(s).notna() | ~s.str.fullmatch(TYPE_PATTERNS["date"]).fillna(False),
            name="type-date"))
    if field.type == "integer":
        checks.append(pandera.Check(  # one that int64 holds; other forms fail the pattern
            lambda s: fits_int64(s) | ~s.str.fullmatch(TYPE_PATTERNS["integer"]).fillna(False),
            name="type-integer"))
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

    from besa545.model.vectors import isin

    return pd.Series(isin(series, allowed) | series.isna().to_numpy(), index=series.index)


def _within(series: pd.Series, *, bound: str, limit: float) -> pd.Series:
    """Numbers at or inside ``limit``; non-numbers pass (the type check reports them)."""
    import numpy as np
    import pandas as pd

    from besa545.model.vectors import numbers

    values = np.nan_to_num(numbers(series), nan=limit)
    return pd.Series(values >= limit if bound == "minimum" else values <= limit,
                     index=series.index)
