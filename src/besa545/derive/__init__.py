"""Stage 2, derive: everything the build computes from the edited rows and the raw papers.

The plain texts, the documents' counts and hashes, the paragraphs, the offsets of every
located row and the mentions. The build writes what this computes; the validator
computes it afresh and compares. Both call :func:`derive_texts` and :func:`derive_offsets`
(or their copying twins :func:`rederive_texts` and :func:`rederive_offsets`), so there is
one implementation.
"""

from __future__ import annotations

from dataclasses import replace

from besa545.derive.documents import fill_documents
from besa545.derive.mentions import fill_mentions
from besa545.derive.offsets import fill_offsets
from besa545.derive.paragraphs import fill_paragraphs
from besa545.model.csvfile import StringTable
from besa545.model.package import Package, span_column
from besa545.model.problems import Problem

# The columns of the text inputs that reading the papers and deriving the texts read: a
# table without one of them would derive wrong texts, paragraphs or mentions (a missing
# alias column: no mention at all). tests/test_missing_columns.py holds this list to
# what the derivation does.
TEXT_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("document_id", "title", "raw_path", "text_path", "raw_sha256"),
    "actors": ("actor_id", "name"),
    "authorships": ("document_id", "actor_id"),
    "aliases": ("actor_id", "alias"),
}


def derive_texts(package: Package) -> None:
    """Fill, in place, the documents' computed columns, the paragraphs and the mentions."""
    fill_documents(package)
    fill_paragraphs(package)
    fill_mentions(package)


def derive_offsets(package: Package) -> list[Problem]:
    """Fill, in place, the offsets of every located table; the problems met locating."""
    return fill_offsets(package)


def rederive_texts(package: Package) -> Package:
    """A copy of ``package`` whose documents' computed columns, paragraphs and mentions are
    what the build would write now. It needs only the tables the texts depend on."""
    rebuilt = replace(package, tables={name: _working_copy(package, name)
                                       for name in package.tables})
    derive_texts(rebuilt)
    return rebuilt


def rederive_offsets(package: Package, rebuilt: Package) -> list[Problem]:
    """Add the other tables of ``package`` to ``rebuilt``, with offsets located afresh (so
    that coverage does not trust stale offsets), and return the problems met locating."""
    for name in package.tables:
        if name not in rebuilt.tables:
            rebuilt.tables[name] = _working_copy(package, name)
    return derive_offsets(rebuilt)


def _working_copy(package: Package, name: str) -> StringTable:
    """The table itself, or a copy of it when the build fills columns of it in place."""
    table = package.tables[name]
    if name == "documents" or span_column(package.schemas[name]) is not None:
        return replace(table, frame=table.frame.copy())
    return table
