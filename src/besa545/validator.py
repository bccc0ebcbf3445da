"""The validator: every check on a package, each problem located and explained.

Layers, in order: *files* (descriptor, paths, encodings, sizes and hashes, Parquet
copies), *tables* (types, required, enum, pattern, ranges, keys, with pandera schemas
generated from the Table Schemas, and foreign keys), *content* (evidence at its offsets,
quotations and links complete, dates, text hygiene, derived tables fresh) and *spec*
(``frictionless validate``). Validation only reads.

This module runs the layers and holds the files and spec layers; the tables layer is in
:mod:`besa545.tablechecks`, the content layer in :mod:`besa545.contentchecks`.

Work is shared between two threads. The main one does what is Python: reading the papers,
deriving paragraphs and mentions, locating evidence, the checks across tables. A
background thread does what runs mostly in C without the GIL: hashing, parsing the large
CSVs and checking their columns, comparing the Parquet copies. Problems are
sorted when reported, so the order in which the threads find them does not show.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from besa545.contentchecks import (
    check_content,
    check_derived,
    check_offsets,
    rederive_offsets,
    rederive_texts,
)
from besa545.csvfile import StringTable, check_bytes, read_if_holds, read_string_table
from besa545.derive import Package
from besa545.paths import DESCRIPTOR, package_path, unsafe_path
from besa545.problems import Problem, Report
from besa545.tablechecks import check_columns, check_tables
from besa545.tableschema import (
    TableSchema,
    UnknownTableError,
    lint_schema,
    parse_schema,
)

if TYPE_CHECKING:
    import pandas as pd


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
    # Arrow parses CSV and Parquet and hashlib hashes without holding the GIL: on this
    # second thread they overlap with the Python-level work done on the main one.
    background = ThreadPoolExecutor(max_workers=1)
    try:
        package, rebuilt, checked = _read_and_rederive(report, root, descriptor, background)
        if package is None:
            checked()  # the column problems of the tables that could be read
        else:
            parquet = _in_background(background, check_parquet, root, descriptor, package)
            _check_read_package(report, package, rebuilt, checked)
            del rebuilt  # the recomputed tables are large
            # a Parquet copy is compared only with a CSV that has no problem of its own
            with_problems = {problem.file for problem in report.problems}
            report.problems += [problem for csv_file, problems in
                                (_result(report, parquet) or {}).items()
                                if csv_file not in with_problems for problem in problems]
    finally:  # when interrupted, do not wait for work that was queued but not started
        background.shutdown(cancel_futures=True)
    if spec and not report.problems:
        report.problems += _guarded(report, DESCRIPTOR, check_spec, root) or []
    return report


def _check_read_package(report: Report, package: Package, rebuilt: Package | None,
                        checked: Callable[[], frozenset[str]]) -> None:
    """The derived tables, the tables layer (but the columns that ``checked()`` says the
    background thread checked) and the content layer."""
    settled: set[str] = set()
    if rebuilt is not None:
        stale = _guarded(report, DESCRIPTOR, check_derived, package, rebuilt) or []
        report.problems += stale
        # a derived table equal to its fresh derivation is valid by construction
        settled = {name for name in DERIVED if f"data/{name}.csv" not in
                   {problem.file for problem in stale}}
    report.problems += _guarded(report, DESCRIPTOR, check_tables, package, settled,
                                checked()) or []
    if rebuilt is not None:
        report.problems += _guarded(report, DESCRIPTOR, check_offsets, package, rebuilt) or []
        report.problems += _guarded(report, DESCRIPTOR, check_content, rebuilt) or []


def _read_and_rederive(report: Report, root: Path, descriptor: dict[str, Any],
                       background: ThreadPoolExecutor
                       ) -> tuple[Package | None, Package | None,
                                  Callable[[], frozenset[str]]]:
    """Read the package and derive afresh what the build computes, overlapping the two.

    The ``background`` thread hashes the files and parses the CSVs while this one reads
    the papers, derives paragraphs and mentions and locates every evidence. Returns the
    package as read (None when a table the content checks need could not be read), its
    copy with everything derived afresh (None if deriving failed) and a function that
    waits for the column checks still running in the background, adds their problems to
    the report and returns the tables they covered.
    """
    schemas = _guarded(report, DESCRIPTOR, read_schemas, root, descriptor)
    if schemas is None:
        return None, None, frozenset
    hashes = _in_background(background, check_hashes, root, descriptor)
    others = _in_background(background, read_tables, root, descriptor, schemas,
                            lambda name: name not in TEXT_TABLES and name not in DERIVED)
    # their columns are checked there too, while this thread is still deriving the texts
    others_checked = _in_background(background, check_columns_read, others, schemas)
    package = _guarded(report, DESCRIPTOR, read_text_tables, root, descriptor, schemas)
    rebuilt = None if package is None else _guarded(report, DESCRIPTOR, rederive_texts, package)
    report.problems += _result(report, hashes) or []
    tables = _result(report, others)
    if package is not None and tables is not None:
        package.tables.update(tables)
        if rebuilt is not None:
            located = _guarded(report, DESCRIPTOR, rederive_offsets, package, rebuilt)
            if located is None:  # a crash: what was derived is incomplete, do not check it
                rebuilt = None
            report.problems += located or []
    # here rather than in the background, where it would wait for the column checks
    derived_tables = _guarded(report, DESCRIPTOR, read_derived_tables, root, descriptor,
                              schemas, rebuilt)

    @cache
    def checked() -> frozenset[str]:
        columns = _result(report, others_checked)
        report.problems += columns or []
        return frozenset(tables or ()) if columns is not None else frozenset()

    if package is None or tables is None or derived_tables is None or not set(DERIVED) <= set(
            derived_tables):
        return None, None, checked
    package.tables.update(derived_tables)
    return package, rebuilt, checked


def check_columns_read(read: Future, schemas: dict[str, TableSchema]) -> list[Problem]:
    """:func:`check_columns` of the tables that an earlier background task read."""
    tables, _ = read.result()
    return check_columns(tables or {}, schemas)


def read_derived_tables(root: Path, descriptor: dict[str, Any], schemas: dict[str, TableSchema],
                        rebuilt: Package | None) -> tuple[dict[str, StringTable], list[Problem]]:
    """The derived tables; each one that holds exactly what was derived afresh is not read
    again but shared with ``rebuilt`` (they are the largest tables: this halves them)."""
    tables: dict[str, StringTable] = {}
    problems: list[Problem] = []
    for resource in descriptor["resources"]:
        name, file = resource["name"], resource["path"]
        if name not in DERIVED or name not in schemas:
            continue
        table = None
        if rebuilt is not None and name in rebuilt.tables:
            table, problems_here = read_if_holds(root / file, file, rebuilt.tables[name])
            problems += problems_here
        if table is None:
            table, problems_here = read_string_table(root / file, file, schemas[name])
            problems += problems_here
        if table is not None:
            tables[name] = table
    return tables, problems


def _in_background(pool: ThreadPoolExecutor, layer: Any, *arguments: Any) -> Future:
    """Run a layer on the pool; :func:`_result` collects its value and problems."""
    def run() -> tuple[Any, list[Problem]]:
        own = Report()
        return _guarded(own, DESCRIPTOR, layer, *arguments), own.problems

    return pool.submit(run)


def _result(report: Report, future: Future) -> Any:
    value, problems = future.result()
    report.problems += problems
    return value


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


TEXT_TABLES = frozenset({"documents", "actors", "authorships", "aliases"})  # texts need these


def read_schemas(root: Path, descriptor: dict[str, Any]) -> tuple[dict[str, TableSchema],
                                                                  list[Problem]]:
    """Every resource's Table Schema that can be read and is well formed."""
    problems: list[Problem] = []
    schemas: dict[str, TableSchema] = {}
    for resource in descriptor["resources"]:
        schema, found = _read_schema(root, resource)
        problems += found
        if schema is not None:
            schemas[resource["name"]] = schema
    return schemas, problems


def read_tables(root: Path, descriptor: dict[str, Any], schemas: dict[str, TableSchema],
                wanted: Callable[[str], bool]) -> tuple[dict[str, StringTable], list[Problem]]:
    """Read the CSV of each wanted resource whose schema could be read."""
    problems: list[Problem] = []
    tables: dict[str, StringTable] = {}
    for resource in descriptor["resources"]:
        name = resource["name"]
        if name in schemas and wanted(name):
            table, found = read_string_table(root / resource["path"], resource["path"],
                                             schemas[name])
            problems += found
            if table is not None:
                tables[name] = table
    return tables, problems


def read_text_tables(root: Path, descriptor: dict[str, Any], schemas: dict[str, TableSchema]
                     ) -> tuple[Package | None, list[Problem]]:
    """The tables that deriving the texts needs, and every document's text, as the build
    reads them; None when one of those tables cannot be read."""
    from besa545.derive import Package, read_documents

    tables, problems = read_tables(root, descriptor, schemas, TEXT_TABLES.__contains__)
    if set(TEXT_TABLES) - set(tables):
        return None, problems
    documents, found = read_documents(root, tables["documents"])
    return Package(root, schemas, tables, documents), problems + found


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
    from besa545.build import file_sha256

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
            recorded = (entry.get("bytes"), entry.get("hash"))
            actual = (path.stat().st_size, file_sha256(path))
            if recorded != actual:
                problems.append(Problem(file, None, None, "file-hash",
                                        f"the file has {actual[0]} bytes and hash {actual[1]}, "
                                        f"the descriptor records {recorded[0]} and {recorded[1]}",
                                        "run `besa545 build` to record the edited file"))
    return problems


def check_parquet(root: Path, descriptor: dict[str, Any],
                  package: Package) -> dict[str, list[Problem]]:
    """For each CSV, whether its Parquet copy holds the same rows (problems by CSV file)."""
    return {resource["path"]: _check_parquet(root, resource, package)
            for resource in descriptor["resources"] if isinstance(resource.get("parquet"), dict)}


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
        parquet = pq.ParquetFile(path)  # read a column at a time: the copies can be large
        same = parquet.metadata.num_rows == len(frame) and all(
            _same_column(parquet.read(columns=[field.name])[field.name], frame[field.name],
                         field.type)
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

__all__ = ["Problem", "Report", "UnknownTableError", "validate"]
