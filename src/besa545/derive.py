"""What the build computes from the human-edited rows and the raw papers.

The plain texts, the paragraphs, the offsets of every located row, the mentions and the
documents' counts and hashes. The build writes these; the validator recomputes them and
compares, so both share this one implementation.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from besa545.csvfile import StringTable
from besa545.paths import unsafe_path
from besa545.problems import Problem
from besa545.sourcetext import (
    PARAGRAPH_BREAK,
    LocateError,
    Span,
    derive_plain_text,
    locate,
    paragraphs,
    word_count,
)
from besa545.tableschema import TableSchema

if TYPE_CHECKING:
    import pandas as pd


SUMMARY_LABEL = "EXECUTIVE SUMMARY:"
SERIES_LINE = re.compile(r"\bPaper No\. \d+")


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
    """A package in memory: its schemas, its tables as text and its documents' texts.

    The build fills its computed columns before writing; the validator reads one from
    disk and compares it with a copy whose computed columns were filled afresh.
    """

    root: Path
    schemas: dict[str, TableSchema]
    tables: dict[str, StringTable]
    documents: dict[str, Document]


def is_derived(schema: TableSchema) -> bool:
    """A table whose every column the build computes (paragraphs, mentions): never read."""
    return all(field.is_computed for field in schema.fields)


def read_documents(root: Path, table: StringTable) -> tuple[dict[str, Document], list[Problem]]:
    """Every document of ``table`` whose raw text is present and unchanged."""
    documents, problems = {}, []
    for position, row in enumerate(table.frame.to_dict("records")):
        document, found = read_document(root, row, table.line(position))
        problems += found
        if document is not None:
            documents[document.document_id] = document
    return documents, problems


def read_document(root: Path, row: dict[str, Any],
                  line: int) -> tuple[Document | None, list[Problem]]:
    """Read a paper's raw file, check its recorded hash and derive its plain text."""
    file = "data/documents.csv"
    for column in ("raw_path", "text_path"):
        reason = unsafe_path(root, row[column])
        if reason:
            return None, [Problem(file, line, column, "path-unsafe",
                                  f"{column} {row[column]!r} {reason}",
                                  "give a relative path inside the package, under sources/")]
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
    """Fill each document's summary, text hash and counts from its plain text."""
    frame = package.tables["documents"].frame
    columns: dict[str, list[str | None]] = {
        "executive_summary": [], "text_sha256": [], "char_count": [], "word_count": []}
    for position, document_id in enumerate(frame["document_id"]):
        document = package.documents.get(document_id)
        if document is None:  # its raw text is missing or changed: reported where it is read
            for name, values in columns.items():
                values.append(frame[name].iat[position])
            continue
        text = document.text
        columns["executive_summary"].append(executive_summary(text))
        columns["text_sha256"].append(hashlib.sha256(text.encode("utf-8")).hexdigest())
        columns["char_count"].append(str(len(text)))
        columns["word_count"].append(str(word_count(text)))
    for name, values in columns.items():
        frame[name] = values
        frame[name] = frame[name].astype("str")


def text_frame(columns: dict[str, list[str]]) -> pd.DataFrame:
    """A frame of text columns from Python lists, built by pyarrow (much faster than pandas)."""
    import pyarrow as pa

    return pa.table({name: pa.array(values, type=pa.string())
                     for name, values in columns.items()}).to_pandas()


def executive_summary(text: str) -> str | None:
    """The paragraph that starts with the summary label, without the label."""
    at = text.find(SUMMARY_LABEL)
    while at > 0 and text[at - 1] != "\n":  # the label must open a paragraph
        at = text.find(SUMMARY_LABEL, at + 1)
    if at < 0:
        return None
    end = PARAGRAPH_BREAK.search(text, at)
    return text[at + len(SUMMARY_LABEL):end.start() if end else len(text)].strip() or None


def fill_paragraphs(package: Package) -> None:
    """Derive ``paragraphs`` from each plain text, with the kind of each paragraph."""
    import numpy as np

    documents = package.tables["documents"].frame.set_index("document_id")
    authors = _author_names(package)
    titles = documents["title"].to_dict()
    schema = package.schemas["paragraphs"]
    columns: dict[str, list[str]] = {name: [] for name in schema.field_names}
    for document_id, document in package.documents.items():
        spans = paragraphs(document.text)
        kinds = paragraph_kinds(spans, titles[document_id], authors.get(document_id, []))
        for position, (span, kind) in enumerate(zip(spans, kinds, strict=True), start=1):
            columns["paragraph_id"].append(f"{document_id}-p{position:02d}")
            columns["document_id"].append(document_id)
            columns["position"].append(str(position))
            columns["kind"].append(kind)
            columns["text"].append(span.text)
            columns["char_start"].append(str(span.start))
            columns["char_end"].append(str(span.end))
    frame = text_frame(columns)
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
        elif len(text) < 200 and SERIES_LINE.search(text):
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
        starts, ends, found = locate_column(package, table, column)
        problems += found
        table.frame["char_start"] = pd_strings(starts)
        table.frame["char_end"] = pd_strings(ends)
    return problems


def pd_strings(values: list[int | None]) -> Any:
    """Integers (or None) as a text column, the form every CSV cell has in memory."""
    import pandas as pd

    return pd.Series([None if value is None else str(value) for value in values], dtype="str")


def locate_column(package: Package, table: StringTable,
                  column: str) -> tuple[list[int | None], list[int | None], list[Problem]]:
    """Start and end of ``column`` in each row's text, and a problem for each failure.

    The common case (evidence found once, the spanned text once inside it) is a tight loop
    over plain lists; anything else goes through :func:`locate_row` for its message.
    """
    frame = table.frame
    texts = {document_id: document.text for document_id, document in package.documents.items()}
    evidences = frame["evidence"].tolist()
    spans_evidence = column == "evidence"
    inner_values = evidences if spans_evidence else frame[column].tolist()
    starts: list[int | None] = []
    ends: list[int | None] = []
    problems = []
    rows = zip(frame["document_id"].tolist(), evidences, inner_values, strict=True)
    for position, (document_id, evidence, inner) in enumerate(rows):
        text = texts.get(document_id)
        if text is None or not isinstance(evidence, str) or not isinstance(inner, str):
            starts.append(None)  # an unknown document or an empty cell is reported elsewhere
            ends.append(None)
            continue
        first = text.find(evidence)
        if evidence and first >= 0 and text.find(evidence, first + 1) < 0:
            within = 0 if spans_evidence else evidence.find(inner)
            if spans_evidence or (inner and within >= 0
                                  and evidence.find(inner, within + 1) < 0):
                starts.append(first + within)
                ends.append(first + within + len(inner))
                continue
        span, problem = locate_row(package, table, position,
                                   {"document_id": document_id, "evidence": evidence,
                                    column: inner}, column)
        starts.append(span.start if span else None)
        ends.append(span.end if span else None)
        if problem:
            problems.append(problem)
    return starts, ends, problems


def locate_row(package: Package, table: StringTable, position: int, row: dict[str, Any],
               column: str) -> tuple[Span | None, Problem | None]:
    """Locate one row's span, or say precisely why it cannot be located."""
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
    starts_by_document: dict[str, list[int]] = {}
    ids_by_document: dict[str, list[str]] = {}
    paragraph_frame = package.tables["paragraphs"].frame
    for document_id, paragraph_id, start in zip(
            paragraph_frame["document_id"].tolist(), paragraph_frame["paragraph_id"].tolist(),
            paragraph_frame["char_start"].astype(int).tolist(), strict=True):
        starts_by_document.setdefault(document_id, []).append(start)
        ids_by_document.setdefault(document_id, []).append(paragraph_id)
    schema = package.schemas["mentions"]
    document_ids: list[str] = []
    starts_found: list[int] = []
    surfaces: list[str] = []
    paragraph_ids: list[str] = []
    if by_alias:
        pattern = alias_pattern(list(by_alias))
        for document_id, document in package.documents.items():
            found_here = [(match.start(), match.group())
                          for match in pattern.finditer(document.text)]
            if not found_here:
                continue
            starts_here, surfaces_here = zip(*found_here, strict=True)
            index = np.searchsorted(starts_by_document[document_id], starts_here,
                                    side="right") - 1
            ids = ids_by_document[document_id]
            paragraph_ids.extend(ids[position] for position in index.tolist())
            document_ids.extend([document_id] * len(found_here))
            starts_found.extend(starts_here)
            surfaces.extend(surfaces_here)
    found = text_frame({"document_id": document_ids, "surface": surfaces,
                        "paragraph_id": paragraph_ids})
    found["start"] = np.asarray(starts_found, dtype=np.int64)
    starts = found["start"].astype("int64").astype("str")
    frame = pd.DataFrame({
        "mention_id": found["document_id"] + "-m" + starts.str.zfill(5),
        "document_id": found["document_id"],
        "actor_id": _lookup(found["surface"], by_alias),
        "paragraph_id": found["paragraph_id"],
        "surface": found["surface"],
        "char_start": starts,
        "char_end": (found["start"].astype("int64")
                     + found["surface"].str.len().astype("int64")).astype("str"),
    }, columns=schema.field_names).astype("str")
    package.tables["mentions"] = StringTable("mentions", "data/mentions.csv", frame,
                                             np.zeros(len(frame), dtype=np.int64))


def _lookup(keys: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """``keys.map(mapping)`` for text columns, done by pyarrow."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from besa545.vectors import arrow_text

    index = pc.index_in(arrow_text(keys), value_set=pa.array(list(mapping), type=pa.string()))
    values = pa.array(list(mapping.values()), type=pa.string()).take(index.combine_chunks())
    return pd.Series(values.to_pandas(), index=keys.index)


def alias_pattern(aliases: list[str]) -> re.Pattern[str]:
    """A regex matching any alias as whole words, preferring the longest at each position."""
    ordered = sorted(set(aliases), key=lambda alias: (-len(alias), alias))
    alternatives = "|".join(re.escape(alias) for alias in ordered)
    # Looking ahead for a possible first character first lets most positions fail fast;
    # it changes no match.
    first = "".join(sorted({re.escape(alias[0]) for alias in ordered}))
    return re.compile(rf"(?=[{first}])(?<!\w)(?:{alternatives})(?!\w)")
