"""``char_start``/``char_end`` of every located row: where its evidence (or the column
inside it that the table spans) is in the plain text."""

from __future__ import annotations

from itertools import repeat
from typing import TYPE_CHECKING, Any

from besa545.model.csvfile import StringTable
from besa545.model.package import Package, span_column
from besa545.model.problems import Problem
from besa545.model.sourcetext import LocateError, PassageAmbiguous, Span, locate

if TYPE_CHECKING:
    import numpy as np


def fill_offsets(package: Package) -> list[Problem]:
    """Locate ``evidence`` (and the spanned column inside it) and fill the offsets."""
    problems = []
    for name, table in package.tables.items():
        column = span_column(package.schemas[name])
        if column is None or table.lacks("document_id", "evidence", column):
            continue  # header-missing: nothing to locate
        starts, ends, found = locate_column(package, table, column)
        problems += found
        table.frame["char_start"] = pd_strings(starts)
        table.frame["char_end"] = pd_strings(ends)
    return problems


def pd_strings(values: np.ndarray) -> Any:
    """Offsets as a text column, the form every CSV cell has in memory; -1 is empty."""
    import pandas as pd
    import pyarrow as pa

    return pd.Series(pa.array(values, mask=values < 0).cast(pa.large_string()).to_pandas(),
                     dtype="str")


def locate_column(package: Package, table: StringTable, column: str,
                  chunk: int = 1 << 16) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """Start and end of ``column`` in each row's text (-1: not located), and a problem for
    each failure.

    The common case (evidence found exactly once) is decided with ``str.find`` mapped over
    a slice of rows at a time; only the other rows, and the spanned text of tables that
    locate a column inside the evidence, go through :func:`locate_row`. Slices keep the
    rows' Python strings few at a time, and let the thread that waits on the validator take
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
    document = package.documents.get(str(row.get("document_id")))
    if document is None:
        return None, None  # reported by the foreign-key check
    evidence = row.get("evidence")
    if not isinstance(evidence, str):
        return None, None  # reported by the required check
    try:
        span = locate(document.text, evidence)
    except LocateError as error:
        if isinstance(error, PassageAmbiguous):
            return None, Problem(table.file, line, "evidence", "evidence-ambiguous",
                                 f"evidence {error}",
                                 EVIDENCE_HINT.format(text_path=document.text_path))
        return None, Problem(table.file, line, "evidence", "evidence-not-found",
                             f"evidence {error}; {where_it_breaks(document.text, evidence)}",
                             EVIDENCE_HINT.format(text_path=document.text_path))
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


def where_it_breaks(text: str, passage: str) -> str:
    """Where ``passage`` stops matching ``text``, as a diff would show it: the longest
    start of it that occurs, and the first character that differs there."""
    if not passage or passage[0] not in text:
        return "no part of it occurs in the text"
    low, high = 1, len(passage)  # every start shorter than one that occurs occurs too
    while low < high:
        middle = (low + high + 1) // 2
        if passage[:middle] in text:
            low = middle
        else:
            high = middle - 1
    at = text.find(passage[:low])
    line = text.count("\n", 0, at) + 1
    if low == len(passage):
        return f"it occurs whole (line {line})"
    following = text[at + low : at + low + 1]
    found = repr(following) if following else "its end"
    tail = passage[max(0, low - 30) : low]
    characters = "character occurs" if low == 1 else "characters occur"
    return (f"its first {low} {characters} (line {line}), then after {tail!r} the text has "
            f"{found} where the evidence has {passage[low]!r}")


EVIDENCE_HINT = ("copy the passage exactly from {text_path} (no link markup, same quotation "
                 "marks and dashes); lengthen it if it occurs more than once")
