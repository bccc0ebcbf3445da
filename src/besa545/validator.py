"""The validator: every check on a package, each problem located and explained.

Layers, in order: *files* (descriptor, paths, encodings, sizes and hashes, Parquet
copies), *tables* (types, required, enum, pattern, ranges, keys, with pandera schemas
generated from the Table Schemas, and foreign keys), *content* (evidence at its offsets,
quotations and links complete, dates, text hygiene, derived tables fresh) and *spec*
(``frictionless validate``). Validation only reads.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from besa545.csvfile import StringTable, check_bytes, read_string_table
from besa545.paths import DESCRIPTOR, package_path, unsafe_path
from besa545.problems import Problem, Report
from besa545.sourcetext import quoted_passages, strip_closing_punctuation
from besa545.tableschema import (
    TableSchema,
    UnknownTableError,
    lint_schema,
    pandera_schema,
    parse_schema,
)
from besa545.vectors import isin

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from besa545.build import Package

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
FORMULA_START = ("=", "+", "-", "@")
DERIVED = ("paragraphs", "mentions")  # tables the build derives whole


def validate(path: str | Path | None = None, *, spec: bool = True) -> Report:
    """Check the package at ``path`` (a directory or its ``datapackage.json``).

    With no path, the installed or checked-out package is checked. ``spec=False`` skips
    the ``frictionless validate`` layer, the slowest, for very large packages. Never
    raises for bad input and never writes: every finding is a problem in the report.
    """
    root = _root(path)
    report = Report()
    descriptor = _guarded(report, DESCRIPTOR, check_descriptor, root)
    if descriptor is None:
        return report
    package = _guarded(report, DESCRIPTOR, read_package, root, descriptor)
    report.problems += _guarded(report, DESCRIPTOR, check_hashes, root, descriptor) or []
    if package is not None:
        rebuilt = _guarded(report, DESCRIPTOR, rederive, package)
        settled: set[str] = set()
        if rebuilt is not None:
            stale = _guarded(report, DESCRIPTOR, check_derived, package, rebuilt) or []
            report.problems += stale
            # a derived table equal to its fresh derivation is valid by construction
            settled = {name for name in DERIVED if f"data/{name}.csv" not in
                       {problem.file for problem in stale}}
        report.problems += _guarded(report, DESCRIPTOR, check_tables, package, settled) or []
        if rebuilt is not None:
            report.problems += _guarded(report, DESCRIPTOR, check_offsets, package,
                                        rebuilt) or []
            report.problems += _guarded(report, DESCRIPTOR, check_content, rebuilt) or []
            del rebuilt  # the recomputed tables are large; free them before reading Parquet
        with_problems = {problem.file for problem in report.problems}
        report.problems += _guarded(report, DESCRIPTOR, check_parquet, root, descriptor,
                                    package, with_problems) or []
    if spec and not report.problems:
        report.problems += _guarded(report, DESCRIPTOR, check_spec, root) or []
    return report


def _guarded(report: Report, file: str, layer: Any, *arguments: Any) -> Any:
    """Run one layer; a layer that returns ``(value, problems)`` has its problems recorded.

    A crash inside a layer is a bug, reported as a problem rather than a traceback.
    """
    try:
        result = layer(*arguments)
    except Exception as error:  # the validator must never crash on input
        report.problems.append(Problem(
            file, None, None, "validator-crash",
            f"{layer.__name__} failed on this input: {type(error).__name__}: {error}",
            "this is a bug in besa545; please report it with the files that trigger it"))
        return None
    if isinstance(result, tuple):
        value, problems = result
        report.problems += problems
        return value
    return result


def _root(path: str | Path | None) -> Path:
    if path is None:
        return package_path()
    path = Path(path)
    return path.parent if path.name == DESCRIPTOR or path.is_file() else path


# --- files -----------------------------------------------------------------------------


def check_descriptor(root: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse ``datapackage.json`` and check that each resource path stays in the package."""
    file = DESCRIPTOR
    path = root / file
    if not path.is_file():
        return None, [Problem(file, None, None, "descriptor-missing",
                              f"there is no {file} in {root}",
                              "pass the package directory, or run `besa545 build`")]
    text, problems = check_bytes(path.read_bytes(), file)
    if text is None:
        return None, problems
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as error:
        return None, [Problem(file, error.lineno, None, "descriptor-json",
                              f"invalid JSON: {error.msg} (column {error.colno})",
                              "fix the JSON syntax, or regenerate it with `besa545 build`")]
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return None, [Problem(file, None, "resources", "descriptor-resources",
                              "the descriptor has no list of resources",
                              "regenerate it with `besa545 build`")]
    names: set[str] = set()
    for position, resource in enumerate(descriptor["resources"]):
        problem = _resource_shape(resource, position, names)
        if problem:
            problems.append(problem)
            continue
        for key, value in _resource_paths(resource):
            problem = unsafe_path(root, value)
            if problem:
                problems.append(Problem(file, None, f"{resource.get('name')}.{key}",
                                        "path-unsafe", f"path {value!r} {problem}",
                                        "use a relative path inside the package, "
                                        "e.g. data/events.csv"))
    return (None if problems else descriptor), problems


def _resource_shape(resource: Any, position: int, names: set[str]) -> Problem | None:
    """A resource must be an object with a unique name, a path and a schema path."""
    where = f"resources[{position}]"
    if not isinstance(resource, dict):
        return Problem(DESCRIPTOR, None, where, "descriptor-resource",
                       "the resource is not an object", "regenerate it with `besa545 build`")
    for key in ("name", "path", "schema"):
        if not isinstance(resource.get(key), str) or not resource[key]:
            return Problem(DESCRIPTOR, None, where, "descriptor-resource",
                           f"the resource has no {key}",
                           "each resource needs a name, a path and a schema path; "
                           "regenerate it with `besa545 build`")
    if resource["name"] in names:
        return Problem(DESCRIPTOR, None, where, "descriptor-resource",
                       f"the resource name {resource['name']!r} is used twice",
                       "give each table one resource")
    names.add(resource["name"])
    return None


def _resource_paths(resource: dict[str, Any]) -> list[tuple[str, Any]]:
    paths = [("path", resource.get("path")), ("schema", resource.get("schema"))]
    parquet = resource.get("parquet")
    if isinstance(parquet, dict):
        paths.append(("parquet.path", parquet.get("path")))
    return paths


def read_package(root: Path, descriptor: dict[str, Any]) -> tuple[Package | None, list[Problem]]:
    """Read every resource's schema and CSV, and every document's text, as the build would."""
    from besa545.build import Package, read_documents

    problems: list[Problem] = []
    schemas: dict[str, TableSchema] = {}
    tables: dict[str, StringTable] = {}
    for resource in descriptor["resources"]:
        name = resource.get("name")
        schema, found = _read_schema(root, resource)
        problems += found
        if schema is None:
            continue
        schemas[name] = schema
        table, found = read_string_table(root / resource["path"], resource["path"], schema)
        problems += found
        if table is not None:
            tables[name] = table
    missing = {"documents", "actors", "aliases", "authorships", "paragraphs", "mentions"} - set(
        tables)
    if missing:
        return None, problems
    documents, found = read_documents(root, tables["documents"])
    problems += found
    return Package(root, schemas, tables, documents), problems


def _read_schema(root: Path, resource: dict[str, Any]) -> tuple[TableSchema | None,
                                                                list[Problem]]:
    file = str(resource.get("schema"))
    path = root / file
    if not path.is_file():
        return None, [Problem(file, None, None, "schema-missing", "the schema file does not "
                              "exist", "restore it from the repository")]
    try:
        schema = parse_schema(str(resource.get("name")), json.loads(path.read_text("utf-8")))
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as error:
        return None, [Problem(file, None, None, "schema-invalid",
                              f"the schema cannot be read: {error}",
                              "restore it from the repository, or fix the JSON")]
    problems = [Problem(file, None, field, "schema-invalid", message,
                        "restore the schema from the repository")
                for field, message in lint_schema(schema)]
    return (None if problems else schema), problems


def check_hashes(root: Path, descriptor: dict[str, Any]) -> list[Problem]:
    """Every file the descriptor lists exists and has the recorded size and hash."""
    from besa545.build import sha256

    problems = []
    for resource in descriptor["resources"]:
        entries = [resource]
        if isinstance(resource.get("parquet"), dict):
            entries.append(resource["parquet"])
        for entry in entries:
            file = str(entry.get("path"))
            path = root / file
            if not path.is_file():
                if entry is not resource:  # a missing CSV is reported when it is read
                    problems.append(Problem(file, None, None, "file-missing",
                                            "the Parquet copy does not exist",
                                            "run `besa545 build`"))
                continue
            data = path.read_bytes()
            recorded = (entry.get("bytes"), entry.get("hash"))
            actual = (len(data), sha256(data))
            if recorded != actual:
                problems.append(Problem(file, None, None, "file-hash",
                                        f"the file has {actual[0]} bytes and hash {actual[1]}, "
                                        f"the descriptor records {recorded[0]} and {recorded[1]}",
                                        "run `besa545 build` to record the edited file"))
    return problems


def check_parquet(root: Path, descriptor: dict[str, Any], package: Package,
                  files_with_problems: set[str]) -> list[Problem]:
    """Each Parquet copy holds the rows of its CSV (skipped for CSVs with problems)."""
    problems = []
    for resource in descriptor["resources"]:
        if isinstance(resource.get("parquet"), dict) and (
                resource["path"] not in files_with_problems):
            problems += _check_parquet(root, resource, package)
    return problems


def _check_parquet(root: Path, resource: dict[str, Any], package: Package) -> list[Problem]:
    """Compare the Parquet copy with the CSV column by column, in Arrow.

    Each Parquet column is rendered as the CSV writes it (integers and booleans as text,
    dates as ISO dates, enums as their values); numbers are compared as numbers.
    """
    import pyarrow.parquet as pq

    name = resource["name"]
    path = root / resource["parquet"]["path"]
    if name not in package.tables or not path.is_file():
        return []
    file = resource["parquet"]["path"]
    schema, frame = package.schemas[name], package.tables[name].frame
    try:
        parquet = pq.read_table(path)
        same = parquet.num_rows == len(frame) and all(
            _same_column(parquet[field.name], frame[field.name], field.type)
            for field in schema.fields)
    except Exception as error:  # any unreadable file is a problem to report
        return [Problem(file, None, None, "parquet-unreadable",
                        f"the Parquet copy cannot be compared with the CSV: {error}",
                        "fix the CSV's values, then run `besa545 build`")]
    if not same:
        return [Problem(file, None, None, "parquet-stale",
                        f"the Parquet copy does not hold the same rows as {resource['path']}",
                        "run `besa545 build`")]
    return []


def _same_column(stored: Any, text: pd.Series, kind: str) -> bool:
    """Whether a Parquet column holds, row by row, the values of a CSV text column."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from besa545.vectors import arrow_text, numbers

    if kind == "number":
        left = stored.to_numpy()
        right = numbers(text)
        return bool(np.array_equal(left.astype(float), right, equal_nan=True))
    if kind == "date":
        stored = pc.strftime(stored, format="%Y-%m-%d")
    stored = pc.cast(stored, pa.string())
    csv_text = arrow_text(text)
    equal = pc.fill_null(pc.equal(stored, csv_text), False)
    both_null = pc.and_(pc.is_null(stored), pc.is_null(csv_text))
    return bool(pc.all(pc.or_(equal, both_null)).as_py())


# --- tables ----------------------------------------------------------------------------


def check_tables(package: Package, settled: set[str] | frozenset[str] = frozenset()
                 ) -> list[Problem]:
    """Types, required, enum, pattern, ranges and keys (pandera), then foreign keys.

    Tables in ``settled`` (derived tables equal to what the build derives now) are
    skipped: their rows come from already checked tables.
    """
    problems = []
    for name, table in package.tables.items():
        if name not in settled:
            problems += _pandera_problems(table, package.schemas[name])
    problems += check_foreign_keys(package, settled)
    problems += check_case_duplicates(package, settled)
    return problems


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
    return f"{_quote(value)} fails the {code} check of {failure.column}"


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


def _single(fields: str | list[str]) -> str:
    return fields if isinstance(fields, str) else fields[0]


# --- content ---------------------------------------------------------------------------


def check_content(package: Package) -> list[Problem]:
    """Rules that tie the rows to the text and to each other."""
    return [
        *check_aliases(package),
        *check_quotations(package),
        *check_links(package),
        *check_dates(package),
        *check_actors_mentioned(package),
        *check_cells(package),
    ]


def check_offsets(package: Package, rebuilt: Package) -> list[Problem]:
    """The recorded offsets are where the build locates each row's span (vectorised)."""
    import numpy as np

    from besa545.build import span_column

    problems = []
    for name, table in package.tables.items():
        column = span_column(package.schemas[name])
        if column is None:
            continue
        recorded, located = table.frame, rebuilt.tables[name].frame
        differs = located["char_start"].notna() & (
            (recorded["char_start"] != located["char_start"]).fillna(True)
            | (recorded["char_end"] != located["char_end"]).fillna(True))
        for position in np.flatnonzero(differs.to_numpy(dtype=bool)):
            problems.append(Problem(
                table.file, table.line(int(position)), "char_start", "offset-mismatch",
                f"char_start/char_end are {recorded['char_start'].iat[position]}/"
                f"{recorded['char_end'].iat[position]} but {column} is at "
                f"{located['char_start'].iat[position]}/{located['char_end'].iat[position]}",
                "run `besa545 build`, which fills the offsets from the evidence"))
    return problems


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _spans_by_document(table: StringTable) -> dict[str, dict[tuple[int | None, int | None],
                                                                int]]:
    """For each document, the located span of each row and the row's position."""
    spans: dict[str, dict[tuple[int | None, int | None], int]] = {}
    columns = zip(table.frame["document_id"].tolist(), table.frame["char_start"].tolist(),
                  table.frame["char_end"].tolist(), strict=True)
    for position, (document_id, start, end) in enumerate(columns):
        spans.setdefault(document_id, {})[(_int(start), _int(end))] = position
    return spans


@dataclass(frozen=True)
class Coverage:
    """A kind of marked passage in the text that must be, one to one, a row of a table."""

    table: str
    column: str
    missing_code: str
    missing: str  # "{text}" and "{span}" are filled in
    missing_hint: str
    extra_code: str
    extra: str
    extra_hint: str


QUOTATIONS = Coverage(
    "quotations", "text", "quotation-missing", "the quoted passage {text} at {span}",
    "add a row to data/quotations.csv with this text (without the closing punctuation) and "
    "an evidence passage around it",
    "quotation-not-quoted", "{text} is not a whole passage between quotation marks",
    "give the exact words between the marks, without the closing punctuation")
LINKS = Coverage(
    "links", "anchor_text", "link-missing", "the link {text} at {span}",
    "add a row to data/links.csv with this anchor_text",
    "link-not-a-link", "{text} is not the anchor of a link in the raw text",
    "give the exact anchor text of a [anchor](#) link")


def check_quotations(package: Package) -> list[Problem]:
    """Every quoted passage has a row, and every row is a quoted passage."""
    return _check_coverage(package, QUOTATIONS, lambda document: [
        strip_closing_punctuation(passage) for passage in quoted_passages(document.text)])


def check_links(package: Package) -> list[Problem]:
    """Every ``[x](#)`` link has a row, and every row is a link."""
    return _check_coverage(package, LINKS, lambda document: document.anchors)


def _check_coverage(package: Package, coverage: Coverage, marked: Any) -> list[Problem]:
    table = package.tables.get(coverage.table)
    if table is None:
        return []
    problems = []
    spans = _spans_by_document(table)
    for document_id, document in package.documents.items():
        rows = spans.get(document_id, {})
        passages = {(span.start, span.end): span for span in marked(document)}
        unlocated = any(None in span for span in rows)  # reported by check_offsets
        for span, passage in passages.items():
            if span not in rows and not unlocated:
                problems.append(Problem(
                    document.text_path, _text_line(document.text, span[0]), None,
                    coverage.missing_code,
                    coverage.missing.format(text=_quote(passage.text),
                                            span=f"{span[0]}-{span[1]}")
                    + f" has no row in {table.file}", coverage.missing_hint))
        for span, position in rows.items():
            if span not in passages and None not in span:
                value = _quote(table.frame[coverage.column].iat[position])
                problems.append(Problem(table.file, table.line(position), coverage.column,
                                        coverage.extra_code, coverage.extra.format(text=value),
                                        coverage.extra_hint))
    return problems


def _text_line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def check_dates(package: Package) -> list[Problem]:
    """Date intervals are ordered and agree with their precision (vectorised)."""
    import numpy as np
    import pandas as pd

    problems = []
    for table in package.tables.values():
        frame = table.frame
        if not {"date_start", "date_end", "date_precision"} <= set(frame.columns):
            continue
        start = pd.to_datetime(frame["date_start"], format="%Y-%m-%d", errors="coerce")
        end = pd.to_datetime(frame["date_end"], format="%Y-%m-%d", errors="coerce")
        precision = frame["date_precision"]
        readable = ~((frame["date_start"].notna() & start.isna())
                     | (frame["date_end"].notna() & end.isna()))  # bad dates: type-date
        both = start.notna() & end.notna()
        dated = start.notna() | end.notna()
        rules = {
            "date-order": (both & (start > end), "date_start is after date_end",
                           "swap them, or correct the one that is wrong"),
            "date-precision": (
                (precision.isin(["day", "month", "year"]) & ~both)
                | ((precision == "day") & both & (start != end))
                | ((precision == "month") & both & ((start.dt.day != 1)
                   | (end != start + pd.offsets.MonthEnd(0))))
                | ((precision == "year") & both & ((start.dt.month != 1) | (start.dt.day != 1)
                   | (end.dt.month != 12) | (end.dt.day != 31) | (start.dt.year != end.dt.year))),
                "the interval does not agree with date_precision",
                "day: start equals end; month: first to last day of one month; year: 1 January "
                "to 31 December; otherwise use unknown"),
            "date-basis": (dated != frame["date_basis"].notna(),
                           "date_basis must be filled exactly when there is a date",
                           "stated when the text gives the date, inferred when deduced"),
        }
        for code, (mask, message, hint) in rules.items():
            for position in np.flatnonzero((mask & readable).to_numpy(dtype=bool)):
                values = f"{frame['date_start'].iat[position]}..{frame['date_end'].iat[position]}"
                problems.append(Problem(table.file, table.line(int(position)), "date_start", code,
                                        f"{message} ({values}, {precision.iat[position]})",
                                        hint))
    return problems


def check_aliases(package: Package) -> list[Problem]:
    """A surface form names one actor only, or mentions could not be derived."""
    import numpy as np

    aliases = package.tables.get("aliases")
    if aliases is None:
        return []
    frame = aliases.frame
    shared = frame["alias"].notna() & frame["alias"].duplicated(keep=False)
    problems = []
    for position in np.flatnonzero(shared.to_numpy()):
        alias = frame["alias"].iat[position]
        owners = sorted(frame.loc[frame["alias"] == alias, "actor_id"].dropna())
        problems.append(Problem(aliases.file, aliases.line(int(position)), "alias",
                                "alias-ambiguous",
                                f"the alias {alias!r} is given to {', '.join(owners)}",
                                "keep the alias for the one actor it always denotes"))
    return problems


def check_actors_mentioned(package: Package) -> list[Problem]:
    """Every actor is mentioned at least once in the text."""
    import numpy as np

    actors, mentions = package.tables.get("actors"), package.tables.get("mentions")
    if actors is None or mentions is None or _unread_documents(package):
        return []
    unmentioned = ~isin(actors.frame["actor_id"], mentions.frame["actor_id"].drop_duplicates())
    return [Problem(actors.file, actors.line(int(position)), "actor_id", "actor-unmentioned",
                    f"actor {actors.frame['actor_id'].iat[position]!r} is never mentioned",
                    "add to data/aliases.csv a surface form that occurs in the text")
            for position in np.flatnonzero(unmentioned)]


def check_cells(package: Package) -> list[Problem]:
    """No stray whitespace, no spreadsheet formulas, Unicode NFC (vectorised per column)."""

    problems = []
    for name, table in package.tables.items():
        for field in package.schemas[name].fields:
            if field.type != "string" or field.enum or field.pattern:
                continue  # a pattern or enum already rules out stray characters
            values = table.frame[field.name]
            for position in _suspect_cells(values):
                value = values.iat[position]
                for code, message, hint in _cell_problems(value):
                    problems.append(Problem(table.file, table.line(int(position)), field.name,
                                            code, f"{_quote(value)} {message}", hint))
    return problems


# One pass per column finds the few cells worth a closer look: leading or trailing
# whitespace, a formula's first character, or any non-ASCII character (NFC is checked
# only for those, in Python).
SUSPECT = r"^[\s=+\-@]|\s$|[^\x00-\x7f]"


def _suspect_cells(values: pd.Series) -> np.ndarray:
    import numpy as np
    import pyarrow.compute as pc

    from besa545.vectors import arrow_text

    matches = pc.match_substring_regex(arrow_text(values), SUSPECT)
    return np.flatnonzero(pc.fill_null(matches, False).to_numpy(zero_copy_only=False))


def _cell_problems(value: str) -> list[tuple[str, str, str]]:
    found = []
    if value != value.strip():
        found.append(("cell-whitespace", "has leading or trailing whitespace",
                      "remove the spaces or newlines at either end"))
    if value.startswith(FORMULA_START):
        found.append(("cell-formula",
                      "starts with =, +, - or @, which spreadsheets run as a formula",
                      "reword the value so that it starts with another character"))
    if not unicodedata.is_normalized("NFC", value):
        found.append(("cell-unicode", "is not in Unicode NFC form",
                      "normalise the text to NFC (compose accents)"))
    return found


def rederive(package: Package) -> tuple[Package, list[Problem]]:
    """A copy of ``package`` whose computed columns and derived tables are what the build
    would write now, and the problems met locating each row's evidence."""
    from besa545.build import (
        fill_documents,
        fill_mentions,
        fill_offsets,
        fill_paragraphs,
        span_column,
    )

    tables = dict(package.tables)
    for name, table in package.tables.items():
        if name == "documents" or span_column(package.schemas[name]):
            tables[name] = replace(table, frame=table.frame.copy())
    rebuilt = replace(package, tables=tables)
    fill_documents(rebuilt)
    fill_paragraphs(rebuilt)
    problems = fill_offsets(rebuilt)  # located afresh, so coverage does not trust stale offsets
    fill_mentions(rebuilt)
    return rebuilt, problems


def check_derived(package: Package, rebuilt: Package) -> list[Problem]:
    """The plain text and the derived tables on disk equal what the build would write."""
    problems = []
    for document in package.documents.values():
        path = package.root / document.text_path
        if not path.is_file() or path.read_text(encoding="utf-8") != document.text:
            problems.append(Problem(document.text_path, None, None, "text-stale",
                                    "the plain text differs from the one derived from "
                                    f"{document.raw_path}", "run `besa545 build`"))
    if _unread_documents(package):
        return problems  # a raw text could not be read: nothing to compare against
    for name in ("documents", "paragraphs", "mentions"):
        expected = rebuilt.tables[name].frame.reset_index(drop=True)
        actual = package.tables[name].frame.reset_index(drop=True)
        if not _same_rows(expected, actual):
            problems.append(Problem(f"data/{name}.csv", None, None, "derived-stale",
                                    f"data/{name}.csv is not what the build derives from the "
                                    "current data", "run `besa545 build`"))
    return problems


def _unread_documents(package: Package) -> bool:
    """Whether some document's raw text could not be read (reported where it was read)."""
    return len(package.documents) < len(package.tables["documents"].frame)


def _same_rows(expected: pd.DataFrame, actual: pd.DataFrame) -> bool:
    columns = list(expected.columns)
    if list(actual.columns) != columns or len(actual) != len(expected):
        return False
    if expected.equals(actual):  # the build writes rows in this order: the usual case
        return True
    left = expected.fillna("").astype(str).sort_values(columns).reset_index(drop=True)
    right = actual.fillna("").astype(str).sort_values(columns).reset_index(drop=True)
    return left.equals(right)


# --- spec ------------------------------------------------------------------------------


def check_spec(root: Path) -> list[Problem]:
    """``frictionless validate`` of the descriptor and its CSVs."""
    import frictionless

    report = frictionless.validate(str(root / DESCRIPTOR))
    problems = []
    for task in report.tasks:
        for error in task.errors:
            problems.append(Problem(
                task.place or DESCRIPTOR, getattr(error, "row_number", None),
                getattr(error, "field_name", None), f"spec-{error.type}", error.message,
                "frictionless rejects the package; fix the value it names"))
    for error in report.errors:
        problems.append(Problem(DESCRIPTOR, None, None, f"spec-{error.type}", error.message,
                                "frictionless rejects the descriptor"))
    return problems


def _quote(value: Any, limit: int = 70) -> str:
    text = str(value).replace("\n", "\\n")
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


__all__ = ["Problem", "Report", "UnknownTableError", "validate"]
