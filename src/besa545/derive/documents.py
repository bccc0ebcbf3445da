"""Each paper's plain text, read from its raw file, and the documents' computed columns.

The raw file's hash is checked against ``documents.raw_sha256`` before its text is
derived; the summary, text hash and counts are then filled from the plain text.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from besa545.model.csvfile import StringTable
from besa545.model.package import Document, Package
from besa545.model.paths import PathGuard, read_regular, unopenable
from besa545.model.problems import Problem
from besa545.model.sourcetext import PARAGRAPH_BREAK, derive_plain_text, word_count

SUMMARY_LABEL = "EXECUTIVE SUMMARY:"
# A paper's files sit directly in sources/, the one folder whose size the validator
# counts before reading anything (check/files.py).
SOURCE_FILE = re.compile(r"sources/[^/\\]+")


def read_documents(root: Path, table: StringTable) -> tuple[dict[str, Document], list[Problem]]:
    """Every document of ``table`` whose raw text is present and unchanged."""
    documents, problems = {}, []
    guard = PathGuard(root)
    columns = {name: values.tolist() for name, values in table.frame.items()}  # not per cell
    rows = (dict(zip(columns, values, strict=True))
            for values in zip(*columns.values(), strict=True))
    named: dict[str, int] = {}  # each source file once: no file is read twice
    for position, row in enumerate(rows):
        line = table.line(position)
        shared = [(column, named[row[column]]) for column in ("raw_path", "text_path")
                  if isinstance(row[column], str) and row[column] in named]
        if shared:
            column, first = shared[0]
            problems.append(Problem("data/documents.csv", line, column, "source-shared",
                                    f"{row[column]} is already a file of the document on "
                                    f"line {first}"))
            continue
        named.update({row[column]: line for column in ("raw_path", "text_path")
                      if isinstance(row[column], str)})
        document, found = read_document(guard, row, line)
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
        reason = guard.why_unsafe(row[column]) or (
            None if SOURCE_FILE.fullmatch(row[column]) else "is not a file directly in sources/")
        if reason:
            return None, [Problem(file, line, column, "path-unsafe",
                                  f"{column} {row[column]!r} {reason}",
                                  "give a relative path inside the package, under sources/")]
    raw_file = root / str(row["raw_path"])
    if not raw_file.is_file():
        return None, [Problem(file, line, "raw_path", "source-missing",
                              f"the raw text {row['raw_path']!r} does not exist")]
    try:
        data = read_regular(raw_file, str(row["raw_path"]))
    except OSError as error:
        return None, [unopenable(str(row["raw_path"]), error)]
    digest = hashlib.sha256(data).hexdigest()
    if digest != row["raw_sha256"]:
        return None, [Problem(file, line, "raw_sha256", "source-hash",
                              f"{row['raw_path']} has SHA-256 {digest}, not the recorded "
                              f"{row['raw_sha256']}")]
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(str(row["raw_path"]), None, None, "file-encoding",
                              f"byte {error.start:,} is not UTF-8 ({error.reason})")]
    text, anchors = derive_plain_text(raw)
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


def executive_summary(text: str) -> str | None:
    """The paragraph that starts with the summary label, without the label."""
    at = text.find(SUMMARY_LABEL)
    while at > 0 and text[at - 1] != "\n":  # the label must open a paragraph
        at = text.find(SUMMARY_LABEL, at + 1)
    if at < 0:
        return None
    end = PARAGRAPH_BREAK.search(text, at)
    return text[at + len(SUMMARY_LABEL):end.start() if end else len(text)].strip() or None
