"""The validator's steps that read the package and derive it afresh.

Each step returns an :class:`~besa545.model.problems.Outcome`: the value the later checks
need (None when it could not be produced) and the problems met producing it. Reading
uses the same functions as the build (:mod:`besa545.model.csvfile`,
:func:`~besa545.model.schema.read_schema`, :mod:`besa545.derive`), so a package the
build accepts reads the same here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from besa545.derive import TEXT_COLUMNS, rederive_offsets, rederive_texts
from besa545.derive.documents import read_documents
from besa545.model.csvfile import StringTable, read_if_holds, read_string_table
from besa545.model.package import DERIVED_TABLES, TEXT_INPUTS, Package
from besa545.model.paths import csv_file, schema_file, why_not_readable
from besa545.model.problems import Outcome, Problem
from besa545.model.schema import TableSchema, read_schema


def read_schemas(root: Path, tables: list[str]) -> Outcome[dict[str, TableSchema]]:
    """Every table's Table Schema that can be read and is well formed."""
    problems: list[Problem] = []
    schemas: dict[str, TableSchema] = {}
    for name in tables:
        schema, found = read_schema(root, schema_file(name), name)
        problems += found
        if schema is not None:
            schemas[name] = schema
    return Outcome(schemas, problems)


def _read_tables(root: Path, schemas: dict[str, TableSchema],
                 wanted: Callable[[str], bool]) -> Outcome[dict[str, StringTable]]:
    """The CSV of each wanted table whose schema could be read."""
    problems: list[Problem] = []
    tables: dict[str, StringTable] = {}
    for name in schemas:
        if wanted(name):
            table, found = _read_table(root, name, schemas[name])
            problems += found
            if table is not None:
                tables[name] = table
    return Outcome(tables, problems)


def _read_table(root: Path, name: str, schema: TableSchema) -> Outcome[StringTable]:
    """One table's CSV, if it is a regular file inside the package."""
    file = csv_file(name)
    reason = why_not_readable(root, file)
    if reason:
        return Outcome(None, [Problem(file, None, None, "path-unsafe", f"{file} {reason}")])
    path = root / file
    if path.is_file() and path.stat().st_size > MAX_TABLE_BYTES:
        return Outcome(None, [Problem(file, None, None, "file-too-large",
                                      f"the file has {path.stat().st_size:,} bytes, over the "
                                      f"{MAX_TABLE_BYTES:,} a table may have")])
    return Outcome(*read_string_table(path, file, schema))


# Reading a CSV takes about three times its size in memory; a table over this size is
# refused before it is read (the million-row benchmark's largest is about 200 MB).
MAX_TABLE_BYTES = 1_000_000_000


def read_edited_tables(root: Path, schemas: dict[str, TableSchema]
                       ) -> Outcome[dict[str, StringTable]]:
    """Every table a contributor edits (all but the derived ones), each one that can be
    read: checked on its own and across tables even when the texts cannot be derived."""
    return _read_tables(root, schemas, lambda name: name not in DERIVED_TABLES)


def read_text_package(root: Path, schemas: dict[str, TableSchema],
                      edited_tables: dict[str, StringTable]) -> Outcome[Package]:
    """The text inputs and every document's text, as the build reads them; no value when
    one of them could not be read or lacks a column that deriving the texts reads (its
    header-missing explains what a derivation without it would get wrong: every mention
    of an alias, say). Then nothing is derived, and no check that needs the texts runs."""
    inputs = {name: table for name, table in edited_tables.items() if name in TEXT_INPUTS}
    if set(TEXT_INPUTS) - set(inputs) or any(
            table.lacks(*TEXT_COLUMNS.get(name, ())) for name, table in inputs.items()):
        return Outcome(None, [])
    documents, problems = read_documents(root, inputs["documents"])
    return Outcome(Package(root, schemas, inputs, documents), problems)


def rederive_package(text_package: Package,
                     edited_tables: dict[str, StringTable]) -> Outcome[Package]:
    """The package with every computed column filled afresh: the texts, paragraphs and
    mentions derived again, and every other table's offsets located again (so that no
    check trusts stale ones)."""
    rebuilt = rederive_texts(text_package)
    tables = {**edited_tables, **rebuilt.tables}
    problems = rederive_offsets(Package(rebuilt.root, rebuilt.schemas, tables,
                                        rebuilt.documents), rebuilt)
    return Outcome(rebuilt, problems)


def read_derived_tables(root: Path, schemas: dict[str, TableSchema],
                        rebuilt: Package | None = None) -> Outcome[dict[str, StringTable]]:
    """The derived tables; each one that holds exactly what was derived afresh is not read
    again but shared with ``rebuilt`` (they are the largest tables: this halves them)."""
    tables: dict[str, StringTable] = {}
    problems: list[Problem] = []
    for name in DERIVED_TABLES:
        file = csv_file(name)
        if name not in schemas:
            continue
        table = None
        if rebuilt is not None and name in rebuilt.tables and not why_not_readable(root, file):
            table, found = read_if_holds(root / file, file, rebuilt.tables[name])
            problems += found
        if table is None:
            table, found = _read_table(root, name, schemas[name])
            problems += found
        if table is not None:
            tables[name] = table
    return Outcome(tables, problems)


def assemble_package(root: Path, schemas: dict[str, TableSchema],
                     edited_tables: dict[str, StringTable],
                     derived_tables: dict[str, StringTable],
                     text_package: Package | None = None) -> Outcome[Package]:
    """Every table as read, in one package, with the papers' texts when they could be
    derived (no documents otherwise: the checks that need texts take ``rebuilt``). A table
    that could not be read is left out (its own problem says why); a foreign key that
    points at it cannot be checked."""
    tables = {**edited_tables, **derived_tables}
    documents = text_package.documents if text_package is not None else {}
    return Outcome(Package(root, schemas, tables, documents), [])
