"""The build: from the human-edited CSVs and the raw paper to every derived file.

It reads ``data/*.csv``, fills the computed columns (offsets from ``evidence``, the
paragraphs, the mentions, the document's hashes and counts), checks the result with the
validator's table and content checks, and only then writes, atomically, the canonical
CSVs, the Parquet copies, the plain text and ``datapackage.json``. A failed build raises
:class:`~besa545.problems.ProblemsError` and leaves every file as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from besa545 import __version__, metadata
from besa545.csvfile import StringTable, read_string_table, write_csv
from besa545.derive import (
    Package,
    fill_documents,
    fill_mentions,
    fill_offsets,
    fill_paragraphs,
    is_derived,
    read_documents,
)
from besa545.docs import GUIDE, README, refresh_block, render_docs
from besa545.paths import DESCRIPTOR, csv_path
from besa545.problems import Problem, ProblemsError
from besa545.tableschema import (
    TableSchema,
    coerce,
    lint_schema,
    parse_schema,
    table_names,
)

if TYPE_CHECKING:
    import pandas as pd


PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 9, "use_dictionary": True,
                   "write_statistics": True, "version": "2.6"}


def build(root: Path) -> dict[str, int]:
    """Rebuild every derived file of the package at ``root``; return rows per table."""
    from besa545.contentchecks import check_content
    from besa545.tablechecks import check_tables

    package = compute(root)
    problems = check_tables(package) + check_content(package)
    if problems:
        raise ProblemsError(problems)
    files = render(package)
    write_atomically(root, files)
    return {name: len(table.frame) for name, table in package.tables.items()}


def compute(root: Path) -> Package:
    """Read the CSVs and the raw paper and fill every computed column, in memory."""
    schemas, problems = load_schemas(root)
    tables: dict[str, StringTable] = {}
    for name, schema in schemas.items():
        if is_derived(schema):
            continue
        table, found = read_string_table(csv_path(name, root), f"data/{name}.csv", schema,
                                         allow_missing_computed=True)
        problems += found
        if table is not None:
            tables[name] = table
    required = {"documents", "actors", "aliases", "authorships", "paragraphs", "mentions"}
    problems += [Problem(f"schemas/{name}.json", None, None, "schema-missing",
                         f"the {name} table has no schema", "restore it from the repository")
                 for name in sorted(required - set(schemas))]
    if problems:
        raise ProblemsError(problems)
    documents, found = read_documents(root, tables["documents"])
    problems += found
    if problems:
        raise ProblemsError(problems)
    package = Package(root, schemas, tables, documents)
    fill_documents(package)
    fill_paragraphs(package)
    problems += fill_offsets(package)
    fill_mentions(package)
    if problems:
        raise ProblemsError(problems)
    return package


def load_schemas(root: Path) -> tuple[dict[str, TableSchema], list[Problem]]:
    """Every ``schemas/*.json`` that parses and passes the schema lint, and the problems."""
    schemas, problems = {}, []
    for name in table_names(root):
        file = f"schemas/{name}.json"
        try:
            schema = parse_schema(name, json.loads((root / file).read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as error:
            problems.append(Problem(file, None, None, "schema-invalid",
                                    f"the schema cannot be read: {error}",
                                    "restore it from the repository, or fix the JSON"))
            continue
        faults = lint_schema(schema)
        problems += [Problem(file, None, field, "schema-invalid", message,
                             "restore the schema from the repository")
                     for field, message in faults]
        if not faults:
            schemas[name] = schema
    return schemas, problems


def render(package: Package) -> dict[str, bytes]:
    """The bytes of every file the build writes, keyed by path relative to the root."""
    files: dict[str, bytes] = {}
    for document in package.documents.values():
        files[document.text_path] = document.text.encode("utf-8")
    for name, table in package.tables.items():
        schema = package.schemas[name]
        strings, typed = sorted_frames(table.frame, schema)
        files[f"data/{name}.csv"] = write_csv(strings)
        files[f"data/parquet/{name}.parquet"] = parquet_bytes(typed, schema)
    descriptor = package_descriptor(package, files)
    files[DESCRIPTOR] = (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode()
    if (package.root / "pyproject.toml").is_file():  # a repository, not an installed package
        files.update(render_repository_files(package, descriptor))
    return files


def render_repository_files(package: Package, descriptor: dict[str, Any]) -> dict[str, bytes]:
    """Documentation and citation metadata, generated from the schemas and the metadata."""
    from besa545 import citation

    texts = [package.root / GUIDE, package.root / README]
    files = render_docs(package, *(path.read_text(encoding="utf-8") if path.is_file() else None
                                   for path in texts))
    paper = encoded_paper(package)
    if README in files:
        quoted = "\n".join(f"> {line}" if line else "" for line in
                           citation.apa(paper).rstrip().split("\n"))
        files[README] = refresh_block(files[README].decode(), "citation", quoted).encode()
    files["CITATION.cff"] = citation.cff(paper).encode("utf-8")
    files[".zenodo.json"] = citation.zenodo(paper).encode("utf-8")
    files["croissant.json"] = citation.croissant(descriptor, package.schemas, paper).encode()
    return files


def encoded_paper(package: Package) -> Any:
    """The first document's bibliographic facts, with its first author's name."""
    from besa545.citation import paper_from_rows

    document = package.tables["documents"].frame.iloc[0].to_dict()
    authorships = package.tables["authorships"].frame
    first = authorships[authorships["document_id"] == document["document_id"]].sort_values(
        "position", key=lambda column: column.astype(int))["actor_id"].iat[0]
    actors = package.tables["actors"].frame.set_index("actor_id")
    return paper_from_rows(document, actors.loc[first, "name"])


def sorted_frames(frame: pd.DataFrame, schema: TableSchema) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The string and typed frames in schema column order, rows sorted by primary key."""
    strings = frame[schema.field_names]
    typed = coerce(strings, schema)
    integers = {field.name: typed[field.name].astype("Int64").astype("str").where(
        typed[field.name].notna()) for field in schema.fields if field.type == "integer"}
    strings = strings.assign(**integers)  # canonical: "07" and "7.0" are written "7"
    order = typed.sort_values(list(schema.primary_key), kind="stable").index
    return strings.iloc[order].reset_index(drop=True), typed.iloc[order].reset_index(drop=True)


def parquet_bytes(typed: pd.DataFrame, schema: TableSchema) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow_schema = schema.arrow_schema()
    table = pa.Table.from_pandas(typed, schema=arrow_schema, preserve_index=False)
    table = table.replace_schema_metadata(arrow_schema.metadata)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **PARQUET_OPTIONS)
    return sink.getvalue().to_pybytes()


def package_descriptor(package: Package, files: dict[str, bytes]) -> dict[str, Any]:
    """``datapackage.json``: the reviewed metadata plus each resource's size and hash."""
    resources = []
    for name, schema in package.schemas.items():
        csv_file, parquet_file = f"data/{name}.csv", f"data/parquet/{name}.parquet"
        resources.append({
            "name": name,
            "title": schema.title,
            "description": schema.description,
            "path": csv_file,
            "schema": f"schemas/{name}.json",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": len(files[csv_file]),
            "hash": sha256(files[csv_file]),
            "parquet": {
                "path": parquet_file,
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "bytes": len(files[parquet_file]),
                "hash": sha256(files[parquet_file]),
            },
        })
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": metadata.NAME,
        "title": metadata.TITLE,
        "description": metadata.DESCRIPTION,
        "version": __version__,
        "homepage": metadata.HOMEPAGE,
        "licenses": metadata.LICENSES,
        "sources": [metadata.SOURCE],
        "contributors": metadata.CONTRIBUTORS,
        "keywords": metadata.KEYWORDS,
        "resources": resources,
    }
    return descriptor


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """:func:`sha256` of a file, read in pieces: the files can be large."""
    with path.open("rb") as handle:
        return "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()


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
