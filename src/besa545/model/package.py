"""What a package is in memory: its schemas, its tables as text and its papers' texts.

Also the one list of which tables play which part in deriving the texts: the build and
the validator both read these names from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from besa545.model.csvfile import StringTable
from besa545.model.schema import TableSchema
from besa545.model.sourcetext import Span

# Tables the build derives whole from the texts (every column computed, never edited).
DERIVED_TABLES = ("paragraphs", "mentions")
# Tables that deriving the texts, paragraphs and mentions reads.
TEXT_INPUTS = ("documents", "actors", "authorships", "aliases")


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


def span_column(schema: TableSchema) -> str | None:
    """The column whose position ``char_start``/``char_end`` record, for located tables.

    A table declares it as ``x-span-of`` (quotations: ``text``; links: ``anchor_text``);
    other tables with ``evidence`` locate the evidence itself.
    """
    if "evidence" not in schema.field_names:
        return None
    return str(schema.descriptor.get("x-span-of", "evidence"))
