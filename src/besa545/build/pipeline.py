"""The build: from the human-edited CSVs and the raw paper to every generated file.

It reads ``data/*.csv``, fills the computed columns (:mod:`besa545.derive`), runs every
check that a package in memory can answer (:func:`besa545.check.scheduler.check_package`)
and only then writes, atomically, what :mod:`besa545.build.render` renders. A failed
build raises :class:`~besa545.model.problems.ProblemsError` and leaves every file as it
was.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from besa545.build.render import render
from besa545.check.scheduler import check_package
from besa545.derive import derive_offsets, derive_texts
from besa545.derive.documents import read_documents
from besa545.model.csvfile import StringTable, read_string_table
from besa545.model.hashing import sha256
from besa545.model.package import DERIVED_TABLES, TEXT_INPUTS, Package
from besa545.model.paths import DESCRIPTOR, csv_path
from besa545.model.problems import Problem, ProblemsError
from besa545.model.schema import TableSchema, read_schema, table_names


def build(root: Path) -> dict[str, int]:
    """Rebuild every derived file of the package at ``root``; return rows per table."""
    package = compute(root)
    problems = check_package(package)
    if problems:
        raise ProblemsError(problems)
    write_atomically(root, render(package))
    return {name: len(table.frame) for name, table in package.tables.items()}


def compute(root: Path) -> Package:
    """Read the CSVs and the raw paper and fill every computed column, in memory."""
    schemas, problems = load_schemas(root)
    tables: dict[str, StringTable] = {}
    for name, schema in schemas.items():
        if name in DERIVED_TABLES:
            continue
        table, found = read_string_table(csv_path(name, root), f"data/{name}.csv", schema,
                                         allow_missing_computed=True)
        problems += found
        if table is not None:
            tables[name] = table
    problems += [Problem(f"schemas/{name}.json", None, None, "schema-missing",
                         f"the {name} table has no schema")
                 for name in (*TEXT_INPUTS, *DERIVED_TABLES) if name not in schemas
                 and not any(problem.file == f"schemas/{name}.json" for problem in problems)]
    if problems:
        raise ProblemsError(problems)
    documents, found = read_documents(root, tables["documents"])
    if found:
        raise ProblemsError(found)
    package = Package(root, schemas, tables, documents)
    derive_texts(package)
    problems = derive_offsets(package)
    if problems:
        raise ProblemsError(problems)
    return package


def load_schemas(root: Path) -> tuple[dict[str, TableSchema], list[Problem]]:
    """Every ``schemas/*.json`` that parses and passes the schema lint, and the problems."""
    schemas, problems = {}, []
    for name in table_names(root):
        schema, found = read_schema(root, f"schemas/{name}.json", name)
        problems += found
        if schema is not None:
            schemas[name] = schema
    return schemas, problems


def record_hashes(root: Path) -> None:
    """Record in ``datapackage.json`` the current size and hash of every file it lists.

    For tests and benchmarks that plant a fault in a file and want only the content to be
    wrong; the build itself records hashes of what it writes. A descriptor that cannot be
    read is left alone, as are entries that are not files inside the package.
    """
    path = root / DESCRIPTOR
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    for resource in resources if isinstance(resources, list) else []:
        entries = [resource, resource.get("parquet")] if isinstance(resource, dict) else []
        for entry in entries:
            file = root / str(entry.get("path")) if isinstance(entry, dict) else None
            if entry and file is not None and file.is_file() and not file.is_symlink():
                data = file.read_bytes()
                entry["bytes"], entry["hash"] = len(data), sha256(data)
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def write_atomically(root: Path, files: dict[str, bytes]) -> None:
    """Write every file through a temporary file and a rename; skip unchanged files."""
    staged = []
    try:
        for relative, data in files.items():
            target = root / relative
            if target.is_file() and target.read_bytes() == data:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            staged.append((temporary, target))
    except BaseException:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        raise
    for temporary, target in staged:
        os.replace(temporary, target)
