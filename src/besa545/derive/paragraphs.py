"""The ``paragraphs`` table: each plain text cut into paragraphs, each named by its part."""

from __future__ import annotations

import re
from typing import Any

from besa545.derive.columns import joined, string_table
from besa545.derive.documents import SUMMARY_LABEL
from besa545.model.package import Package
from besa545.model.sourcetext import Span, paragraphs

SERIES_LINE = re.compile(r"\bPaper No\. \d+")


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
    document = pa.array(columns["document_id"], type=pa.large_string())
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
