"""What the build computes from the human-edited rows and the raw papers.

The plain texts, the paragraphs, the offsets of every located row, the mentions and the
documents' counts and hashes. The build writes these; the validator recomputes them and
compares, so both share this one implementation.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from besa545.csvfile import StringTable
from besa545.paths import PathGuard
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
    import numpy as np
    import pyarrow as pa


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
    guard = PathGuard(root)
    columns = {name: values.tolist() for name, values in table.frame.items()}  # not per cell
    rows = (dict(zip(columns, values, strict=True))
            for values in zip(*columns.values(), strict=True))
    for position, row in enumerate(rows):
        document, found = read_document(guard, row, table.line(position))
        problems += found
        if document is not None:
            documents[document.document_id] = document
    return documents, problems


def read_document(guard: PathGuard, row: dict[str, Any],
                  line: int) -> tuple[Document | None, list[Problem]]:
    """Read a paper's raw file, check its recorded hash and derive its plain text."""
    file = "data/documents.csv"
    root = Path(guard.base)
    for column in ("raw_path", "text_path"):
        reason = guard.why_unsafe(row[column])
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


def string_table(name: str, schema: TableSchema, columns: dict[str, Any]) -> StringTable:
    """A derived table from Arrow or Python columns, in the form a CSV file is read into."""
    import numpy as np
    import pyarrow as pa

    arrow = pa.table({field: pa.array(columns[field], type=pa.string()) if isinstance(
        columns[field], list) else columns[field].cast(pa.string())
        for field in schema.field_names})
    frame = _in_key_order(arrow, schema.primary_key).to_pandas().astype("str")
    return StringTable(name, f"data/{name}.csv", frame, np.zeros(len(frame), dtype=np.int64))


def _in_key_order(arrow: pa.Table, key: list[str]) -> pa.Table:
    """The rows in the order the build writes them, sorted by primary key (the order they
    are derived in already, unless an ID's number outgrows its zero padding)."""
    import pyarrow.compute as pc

    if len(key) == 1 and arrow.num_rows > 1:
        column = arrow[key[0]]
        if pc.all(pc.less(column[:-1], column[1:])).as_py():
            return arrow
    return arrow.take(pc.sort_indices(arrow, sort_keys=[(name, "ascending") for name in key]))


def joined(first: pa.Array, infix: str, number: Any, width: int) -> pa.Array:
    """``first + infix + number``, the number zero-padded to ``width`` digits (IDs)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = pc.utf8_lpad(pa.array(number, type=pa.int64()).cast(pa.string()), width, "0")
    return pc.binary_join_element_wise(first, digits, infix)


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
    import pyarrow as pa

    documents = package.tables["documents"].frame.set_index("document_id")
    authors = _author_names(package)
    titles = documents["title"].to_dict()
    columns: dict[str, list[Any]] = {
        "document_id": [], "position": [], "kind": [], "text": [], "char_start": [],
        "char_end": []}
    for document_id, document in package.documents.items():
        spans = paragraphs(document.text)
        columns["kind"] += paragraph_kinds(spans, titles[document_id],
                                           authors.get(document_id, []))
        columns["document_id"] += [document_id] * len(spans)
        columns["position"] += range(1, len(spans) + 1)
        columns["text"] += [span.text for span in spans]
        columns["char_start"] += [span.start for span in spans]
        columns["char_end"] += [span.end for span in spans]
    document = pa.array(columns["document_id"], type=pa.string())
    columns["paragraph_id"] = joined(document, "-p", columns["position"], 2)
    for name in ("position", "char_start", "char_end"):
        columns[name] = pa.array(columns[name], type=pa.int64())
    package.tables["paragraphs"] = string_table("paragraphs", package.schemas["paragraphs"],
                                                columns)


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
    authorships = package.tables["authorships"].frame
    by_id = actors.to_dict()
    for document_id, actor_id in zip(authorships["document_id"].tolist(),
                                     authorships["actor_id"].tolist(), strict=True):
        if actor_id in by_id:
            names.setdefault(document_id, []).append(by_id[actor_id])
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


def pd_strings(values: np.ndarray) -> Any:
    """Offsets as a text column, the form every CSV cell has in memory; -1 is empty."""
    import pandas as pd
    import pyarrow as pa

    return pd.Series(pa.array(values, mask=values < 0).cast(pa.string()).to_pandas(),
                     dtype="str")


def locate_column(package: Package, table: StringTable, column: str,
                  chunk: int = 1 << 16) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """Start and end of ``column`` in each row's text (-1: not located), and a problem for
    each failure.

    The common case (evidence found exactly once) is decided with ``str.find`` mapped over
    a slice of rows at a time; only the other rows, and the spanned text of tables that
    locate a column inside the evidence, go through :func:`locate_row`. Slices keep the
    rows' Python strings few at a time, and let the validator's background thread take
    the GIL between them (one long C loop would hold it throughout).
    """
    import numpy as np

    frame = table.frame
    texts = {document_id: document.text for document_id, document in package.documents.items()}
    starts = np.full(len(frame), -1, np.int64)
    ends = np.full(len(frame), -1, np.int64)
    problems = []
    for offset in range(0, len(frame), chunk):
        rows = frame.iloc[offset : offset + chunk]
        document_ids = rows["document_id"].tolist()
        cells = rows["evidence"].tolist()
        evidences = [cell if isinstance(cell, str) else "" for cell in cells]  # empty: reported
        found, once = _find_once(list(map(texts.get, document_ids, repeat(""))), evidences)
        lengths = np.fromiter(map(len, evidences), np.int64, len(evidences))
        once &= lengths > 0
        inner = cells if column == "evidence" else rows[column].tolist()
        if column == "evidence":
            starts[offset : offset + len(rows)] = np.where(once, found, -1)
            ends[offset : offset + len(rows)] = np.where(once, found + lengths, -1)
        for position in np.flatnonzero(~once) if column == "evidence" else range(len(rows)):
            row = {"document_id": document_ids[position], "evidence": cells[position],
                   column: inner[position]}
            if texts.get(row["document_id"]) is None or not all(
                    isinstance(row[name], str) for name in ("evidence", column)):
                continue  # reported by the foreign key or required checks
            span, problem = locate_row(package, table, offset + int(position), row, column)
            if span:
                starts[offset + position], ends[offset + position] = span.start, span.end
            if problem:
                problems.append(problem)
    return starts, ends, problems


def _find_once(texts: list[str], passages: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Where each passage first occurs in its text (-1: nowhere), and whether only once."""
    import numpy as np

    firsts = np.fromiter(map(str.find, texts, passages), np.int64, len(passages))
    seconds = np.fromiter(map(str.find, texts, passages, (firsts + 1).tolist()), np.int64,
                          len(passages))
    return firsts, (firsts >= 0) & (seconds < 0)


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
    """Derive ``mentions`` from ``aliases``: longest alias first, whole words, case-sensitive.

    Only the matching is a loop, one regular-expression scan per text; the columns are
    assembled in Arrow from the match positions and the index of each matched alias.
    """
    import numpy as np
    import pyarrow as pa

    aliases = package.tables["aliases"].frame.dropna(subset=["alias", "actor_id"])
    aliases = aliases[~aliases["alias"].duplicated(keep=False)]  # ambiguous: reported, unused
    alias_index = {alias: position for position, alias in enumerate(aliases["alias"])}
    starts: list[int] = []
    surfaces: list[str] = []
    counts = []
    pattern = alias_pattern(list(alias_index)) if alias_index else None
    for document in package.documents.values():
        matches = list(pattern.finditer(document.text)) if pattern else []
        starts += map(re.Match.start, matches)
        surfaces += map(re.Match.group, matches)
        counts.append(len(matches))
    which_alias = np.fromiter(map(alias_index.__getitem__, surfaces), np.int64, len(surfaces))
    which_document = np.repeat(np.arange(len(counts)), counts)
    start = np.asarray(starts, dtype=np.int64)
    document = pa.array(list(package.documents), type=pa.string()).take(which_document)
    surface = pa.array(list(alias_index), type=pa.string()).take(which_alias)
    lengths = np.fromiter(map(len, alias_index), np.int64, len(alias_index))
    package.tables["mentions"] = string_table("mentions", package.schemas["mentions"], {
        "mention_id": joined(document, "-m", start, 5),
        "document_id": document,
        "actor_id": pa.array(aliases["actor_id"].tolist(), type=pa.string()).take(which_alias),
        "paragraph_id": _paragraph_of(package, which_document, start),
        "surface": surface,
        "char_start": pa.array(start),
        "char_end": pa.array(start + lengths[which_alias]),
    })


def _paragraph_of(package: Package, which_document: np.ndarray, start: np.ndarray) -> pa.Array:
    """The ID of the paragraph holding each position, found by one sorted search.

    Positions of all documents are placed on one axis (each document after the previous
    one's text) so that a single ``searchsorted`` finds every paragraph.
    """
    import numpy as np
    import pyarrow as pa

    lengths = [len(document.text) + 1 for document in package.documents.values()]
    base = np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)])
    paragraphs_frame = package.tables["paragraphs"].frame
    order = {document_id: position for position, document_id in enumerate(package.documents)}
    paragraph_document = np.fromiter(map(order.__getitem__,
                                         paragraphs_frame["document_id"].tolist()),
                                     np.int64, len(paragraphs_frame))
    keys = base[paragraph_document] + paragraphs_frame["char_start"].astype("int64").to_numpy()
    sorted_order = np.argsort(keys, kind="stable")
    found = np.searchsorted(keys[sorted_order], base[which_document] + start, side="right") - 1
    ids = pa.array(paragraphs_frame["paragraph_id"].tolist(), type=pa.string())
    return ids.take(sorted_order[np.maximum(found, 0)])


def alias_pattern(aliases: list[str]) -> re.Pattern[str]:
    """A regex matching any alias as whole words, preferring the longest at each position.

    Each alternative is the alias followed by a look-behind saying that no word character
    precedes it. Starting with the literals (rather than with the look-behind) lets the
    regex engine skip ahead to positions where some alias could start, which makes the
    scan about twice as fast; the matches are the same.
    """
    ordered = sorted(set(aliases), key=lambda alias: (-len(alias), alias))
    alternatives = "|".join(rf"{re.escape(alias)}(?<!\w{re.escape(alias)})" for alias in ordered)
    return re.compile(rf"(?:{alternatives})(?!\w)")
