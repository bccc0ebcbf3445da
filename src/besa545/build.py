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
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from besa545 import __version__, metadata
from besa545.csvfile import StringTable, read_string_table, write_csv
from besa545.docs import GUIDE, render_docs
from besa545.paths import DESCRIPTOR, csv_path
from besa545.problems import Problem, ProblemsError
from besa545.sourcetext import LocateError, Span, derive_plain_text, locate, paragraphs, word_count
from besa545.tableschema import TableSchema, coerce, table_names, table_schema

if TYPE_CHECKING:
    import pandas as pd

SUMMARY_LABEL = "EXECUTIVE SUMMARY:"
SERIES_LINE = re.compile(r"\bPaper No\. \d+")
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 9, "use_dictionary": True,
                   "write_statistics": True, "version": "2.6"}


@dataclass
class Document:
    """One paper: its plain text and the link anchors found while deriving it."""

    document_id: str
    raw_path: str
    text_path: str
    text: str
    anchors: list[Span]


@dataclass
class Package:
    """Everything the build computed, in memory, before anything is written."""

    root: Path
    schemas: dict[str, TableSchema]
    tables: dict[str, StringTable]
    documents: dict[str, Document]


def build(root: Path) -> dict[str, int]:
    """Rebuild every derived file of the package at ``root``; return rows per table."""
    from besa545.validator import check_content, check_offsets, check_tables

    package = compute(root)
    problems = check_tables(package) + check_offsets(package) + check_content(package)
    if problems:
        raise ProblemsError(problems)
    files = render(package)
    write_atomically(root, files)
    return {name: len(table.frame) for name, table in package.tables.items()}


def compute(root: Path) -> Package:
    """Read the CSVs and the raw paper and fill every computed column, in memory."""
    schemas = {name: table_schema(name, root) for name in table_names(root)}
    tables: dict[str, StringTable] = {}
    problems: list[Problem] = []
    for name, schema in schemas.items():
        if is_derived(schema):
            continue
        table, found = read_string_table(csv_path(name, root), f"data/{name}.csv", schema,
                                         allow_missing_computed=True)
        problems += found
        if table is not None:
            tables[name] = table
    if problems:
        raise ProblemsError(problems)
    documents = {}
    for position, row in tables["documents"].frame.iterrows():
        document, found = read_document(root, row, tables["documents"].line(position))
        problems += found
        if document:
            documents[document.document_id] = document
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


def is_derived(schema: TableSchema) -> bool:
    """A table whose every column the build computes (paragraphs, mentions): never read."""
    return all(field.is_computed for field in schema.fields)


def read_document(root: Path, row: pd.Series, line: int) -> tuple[Document | None, list[Problem]]:
    """Read a paper's raw file, check its recorded hash and derive its plain text."""
    file = "data/documents.csv"
    raw_file = root / str(row["raw_path"])
    if not raw_file.is_file():
        return None, [Problem(file, line, "raw_path", "source-missing",
                              f"the raw text {row['raw_path']!r} does not exist",
                              "copy the paper into sources/ byte for byte")]
    data = raw_file.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != row["raw_sha256"]:
        return None, [Problem(file, line, "raw_sha256", "source-hash",
                              f"{row['raw_path']} has SHA-256 {digest}, not the recorded "
                              f"{row['raw_sha256']}",
                              "restore the file as received; the source text must not change")]
    text, anchors = derive_plain_text(data.decode("utf-8"))
    return Document(str(row["document_id"]), str(row["raw_path"]), str(row["text_path"]), text,
                    anchors), []


def fill_documents(package: Package) -> None:
    frame = package.tables["documents"].frame
    for position, document_id in enumerate(frame["document_id"]):
        if document_id not in package.documents:
            continue  # its raw text is missing or changed: reported where it is read
        text = package.documents[document_id].text
        summary = next((p.text for p in paragraphs(text) if p.text.startswith(SUMMARY_LABEL)), "")
        frame.loc[position, "executive_summary"] = summary[len(SUMMARY_LABEL):].strip() or None
        frame.loc[position, "text_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        frame.loc[position, "char_count"] = str(len(text))
        frame.loc[position, "word_count"] = str(word_count(text))


def fill_paragraphs(package: Package) -> None:
    """Derive ``paragraphs`` from each plain text, with the kind of each paragraph."""
    import numpy as np
    import pandas as pd

    documents = package.tables["documents"].frame.set_index("document_id")
    authors = _author_names(package)
    rows = []
    for document_id, document in package.documents.items():
        spans = paragraphs(document.text)
        kinds = paragraph_kinds(spans, documents.loc[document_id, "title"],
                                authors.get(document_id, []))
        for position, (span, kind) in enumerate(zip(spans, kinds, strict=True), start=1):
            rows.append({"paragraph_id": f"{document_id}-p{position:02d}",
                         "document_id": document_id, "position": str(position), "kind": kind,
                         "text": span.text, "char_start": str(span.start),
                         "char_end": str(span.end)})
    schema = package.schemas["paragraphs"]
    frame = pd.DataFrame(rows, columns=schema.field_names, dtype="str")
    package.tables["paragraphs"] = StringTable("paragraphs", "data/paragraphs.csv", frame,
                                               np.zeros(len(frame), dtype=np.int64))


def paragraph_kinds(spans: list[Span], title: str, authors: list[str]) -> list[str]:
    """Name the part of the paper each paragraph is.

    Paragraphs before the title are the masthead; the byline starts with "by", the series
    line carries "Paper No. N", the summary its label; after the body comes the author's
    biography (it starts with an author's name) and whatever follows it is acknowledgement.
    """
    kinds = []
    seen_title = seen_bio = False
    for span in spans:
        text = span.text
        if not seen_title and text == title:
            kind, seen_title = "title", True
        elif not seen_title:
            kind = "masthead"
        elif seen_bio:
            kind = "acknowledgement"
        elif text.startswith("by "):
            kind = "byline"
        elif SERIES_LINE.search(text) and len(text) < 200:
            kind = "series_line"
        elif text.startswith(SUMMARY_LABEL):
            kind = "executive_summary"
        elif any(text.startswith(name) for name in authors):
            kind, seen_bio = "author_bio", True
        else:
            kind = "body"
        kinds.append(kind)
    return kinds


def _author_names(package: Package) -> dict[str, list[str]]:
    actors = package.tables["actors"].frame.set_index("actor_id")["name"]
    names: dict[str, list[str]] = {}
    for row in package.tables["authorships"].frame.itertuples():
        if row.actor_id in actors.index:
            names.setdefault(row.document_id, []).append(actors[row.actor_id])
    return names


def span_column(schema: TableSchema) -> str | None:
    """The column whose position ``char_start``/``char_end`` record, for located tables.

    A table declares it as ``x-span-of`` (quotations: ``text``; links: ``anchor_text``);
    other tables with ``evidence`` locate the evidence itself.
    """
    if "evidence" not in schema.field_names:
        return None
    return schema.descriptor.get("x-span-of", "evidence")


def fill_offsets(package: Package) -> list[Problem]:
    """Locate ``evidence`` (and the spanned column inside it) and fill the offsets."""
    problems = []
    for name, table in package.tables.items():
        column = span_column(package.schemas[name])
        if column is None:
            continue
        frame = table.frame
        starts, ends = [], []
        for position, row in enumerate(frame.itertuples(index=False)):
            span, problem = locate_row(package, table, position, row._asdict(), column)
            problems += [problem] if problem else []
            starts.append(str(span.start) if span else None)
            ends.append(str(span.end) if span else None)
        frame["char_start"] = starts
        frame["char_end"] = ends
        frame["char_start"] = frame["char_start"].astype("str")
        frame["char_end"] = frame["char_end"].astype("str")
    return problems


def locate_row(package: Package, table: StringTable, position: int, row: dict[str, Any],
               column: str) -> tuple[Span | None, Problem | None]:
    line = table.line(position)
    document = package.documents.get(row.get("document_id"))
    if document is None:
        return None, None  # reported by the foreign-key check
    evidence = row.get("evidence")
    if not isinstance(evidence, str):
        return None, None  # reported by the required check
    try:
        span = locate(document.text, evidence)
    except LocateError as error:
        return None, Problem(table.file, line, "evidence", "evidence-not-found"
                             if "does not occur" in str(error) else "evidence-ambiguous",
                             f"evidence {error}", EVIDENCE_HINT)
    if column == "evidence":
        return span, None
    inner = row.get(column)
    if not isinstance(inner, str):
        return None, None
    try:
        return locate(document.text, inner, within=span), None
    except LocateError as error:
        code = f"{column.replace('_', '-')}-not-in-evidence"
        return None, Problem(table.file, line, column, code, f"{column} {error}",
                             f"make `evidence` a passage that contains `{column}` exactly once")


EVIDENCE_HINT = ("copy the passage exactly from sources/<document_id>.txt (no link markup, same "
                 "quotation marks and dashes); lengthen it if it occurs more than once")


def fill_mentions(package: Package) -> None:
    """Derive ``mentions`` from ``aliases``: longest alias first, whole words, case-sensitive."""
    import numpy as np
    import pandas as pd

    aliases = package.tables["aliases"].frame.dropna(subset=["alias", "actor_id"])
    aliases = aliases[~aliases["alias"].duplicated(keep=False)]  # ambiguous: reported, unused
    by_alias = dict(zip(aliases["alias"], aliases["actor_id"], strict=True))
    paragraph_frame = package.tables["paragraphs"].frame
    rows = []
    if by_alias:
        pattern = alias_pattern(list(by_alias))
        for document_id, document in package.documents.items():
            in_document = paragraph_frame[paragraph_frame["document_id"] == document_id]
            starts = in_document["char_start"].astype(int).to_numpy()
            ids = in_document["paragraph_id"].to_numpy()
            for match in pattern.finditer(document.text):
                index = int(np.searchsorted(starts, match.start(), side="right")) - 1
                rows.append({"mention_id": f"{document_id}-m{match.start():05d}",
                             "document_id": document_id, "actor_id": by_alias[match.group()],
                             "paragraph_id": ids[index], "surface": match.group(),
                             "char_start": str(match.start()), "char_end": str(match.end())})
    schema = package.schemas["mentions"]
    frame = pd.DataFrame(rows, columns=schema.field_names, dtype="str")
    package.tables["mentions"] = StringTable("mentions", "data/mentions.csv", frame,
                                             np.zeros(len(frame), dtype=np.int64))


def alias_pattern(aliases: list[str]) -> re.Pattern[str]:
    """A regex matching any alias as whole words, preferring the longest at each position."""
    ordered = sorted(set(aliases), key=lambda alias: (-len(alias), alias))
    alternatives = "|".join(re.escape(alias) for alias in ordered)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


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
    files[DESCRIPTOR] = descriptor_bytes(package, files)
    if (package.root / "docs").is_dir():  # a repository checkout, not an installed package
        guide = package.root / GUIDE
        files.update(render_docs(package, guide.read_text(encoding="utf-8")
                                 if guide.is_file() else None))
    return files


def sorted_frames(frame: pd.DataFrame, schema: TableSchema) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The string and typed frames in schema column order, rows sorted by primary key."""
    strings = frame[schema.field_names]
    typed = coerce(strings, schema)
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


def descriptor_bytes(package: Package, files: dict[str, bytes]) -> bytes:
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
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


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
