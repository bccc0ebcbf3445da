"""The content layer: rules that tie rows to the text and to each other.

Evidence at its offsets, every quoted passage and link covered, dates that agree with
their precision, aliases that name one actor, every actor mentioned, clean cells, and
derived tables equal to what the build would derive now.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from besa545.model.csvfile import StringTable
from besa545.model.fields import FORMULA_START, cell_faults, is_invisible
from besa545.model.package import DERIVED_TABLES, Package, span_column
from besa545.model.paths import read_regular, unopenable
from besa545.model.problems import NOT_PLAIN_ASCII, Outcome, Problem, quote
from besa545.model.sourcetext import (
    LocateError,
    locate,
    quoted_passages,
    strip_closing_punctuation,
)
from besa545.model.vectors import dates, isin

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd




def check_offsets(package: Package, rebuilt: Package) -> list[Problem]:
    """The recorded offsets are where the build locates each row's span (vectorised)."""
    import numpy as np

    problems = []
    for name, table in package.tables.items():
        column = span_column(package.schemas[name])
        if column is None:
            continue
        recorded, located = table.frame, rebuilt.tables[name].frame
        if table.lacks("char_start", "char_end") or "char_start" not in located:
            continue  # header-missing; or the span could not be located (a column missing)
        built = recorded["char_start"].notna() & recorded["char_end"].notna()  # else not-built
        differs = located["char_start"].notna() & built & (
            (recorded["char_start"] != located["char_start"]).fillna(True)
            | (recorded["char_end"] != located["char_end"]).fillna(True))
        for position in np.flatnonzero(differs.to_numpy(dtype=bool)):
            problems.append(Problem(
                table.file, table.line(int(position)), "char_start", "offset-mismatch",
                f"char_start/char_end are {recorded['char_start'].iat[position]}/"
                f"{recorded['char_end'].iat[position]} but {column} is at "
                f"{located['char_start'].iat[position]}/{located['char_end'].iat[position]}"))
    return problems


def check_sources(rebuilt: Package) -> list[Problem]:
    """A paper's text is data too: none of the characters validate escapes (a line break
    excepted), and no paragraph (a cell of data/paragraphs.csv) that a spreadsheet runs."""
    import numpy as np
    import pyarrow.compute as pc

    from besa545.model.vectors import arrow_text

    problems = []
    for document in rebuilt.documents.values():
        for found in NOT_PLAIN_ASCII.finditer(document.text):
            if found.group() == "\n" or not is_invisible(found.group()):
                continue
            problems.append(Problem(
                document.text_path, _text_line(document.text, found.start()), None,
                "source-character",
                f"U+{ord(found.group()):04X} at character {found.start()} of the plain text"))
    paragraphs = rebuilt.tables.get("paragraphs")
    if paragraphs is None:
        return problems
    frame = paragraphs.frame
    formulas = pc.match_substring_regex(arrow_text(frame["text"]), r"^[=+\-@]")
    for position in np.flatnonzero(pc.fill_null(formulas, False).to_numpy(
            zero_copy_only=False)):
        paper = rebuilt.documents.get(frame["document_id"].iat[position])
        if paper is not None:
            start = int(frame["char_start"].iat[position])
            problems.append(Problem(
                paper.text_path, _text_line(paper.text, start), None, "source-formula",
                f"paragraph {frame['paragraph_id'].iat[position]} starts with "
                f"{quote(frame['text'].iat[position], 20)}, which a spreadsheet runs as a "
                "formula in data/paragraphs.csv"))
    return problems


def check_subject_evidence(package: Package) -> list[Problem]:
    """Every ``subject_evidence`` occurs exactly once in its paper's plain text."""
    problems = []
    texts = {document_id: document.text for document_id, document in package.documents.items()}
    for table in package.tables.values():
        frame = table.frame
        if not {"subject_evidence", "document_id"} <= set(frame.columns):
            continue
        for position, (document_id, passage) in enumerate(
                zip(frame["document_id"].tolist(), frame["subject_evidence"].tolist(),
                    strict=True)):
            text = texts.get(document_id)
            if not isinstance(passage, str) or text is None:
                continue  # empty is allowed; an unknown paper is a foreign-key problem
            try:
                locate(text, passage)
            except LocateError as error:
                problems.append(Problem(table.file, table.line(position), "subject_evidence",
                                        "subject-evidence-not-found",
                                        f"subject_evidence {error}"))
    return problems


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _spans_by_document(table: StringTable) -> dict[str, dict[tuple[int | None, int | None],
                                                                int]]:
    """For each document, the located span of each row and the row's position."""
    spans: dict[str, dict[tuple[int | None, int | None], int]] = {}
    columns = zip(table.frame["document_id"].tolist(), table.frame["char_start"].tolist(),
                  table.frame["char_end"].tolist(), strict=True)
    for position, (document_id, start, end) in enumerate(columns):
        spans.setdefault(document_id, {})[(_int(start), _int(end))] = position
    return spans


@dataclass(frozen=True)
class Coverage:
    """A kind of marked passage in the text that must be, one to one, a row of a table."""

    table: str
    column: str
    missing_code: str
    missing: str  # "{text}" and "{span}" are filled in
    missing_hint: str
    extra_code: str
    extra: str
    extra_hint: str


QUOTATIONS = Coverage(
    "quotations", "text", "quotation-missing", "the quoted passage {text} at {span}",
    "add a row to data/quotations.csv with this text (without the closing punctuation) and "
    "an evidence passage around it",
    "quotation-not-quoted", "{text} is not a whole passage between quotation marks",
    "give the exact words between the marks, without the closing punctuation")


LINKS = Coverage(
    "links", "anchor_text", "link-missing", "the link {text} at {span}",
    "add a row to data/links.csv with this anchor_text",
    "link-not-a-link", "{text} is not the anchor of a link in the raw text",
    "give the exact anchor text of a [anchor](#) link")


def check_quotations(rebuilt: Package) -> list[Problem]:
    """Every quoted passage has a row, and every row is a quoted passage."""
    return _check_coverage(rebuilt, QUOTATIONS, lambda document: [
        strip_closing_punctuation(passage) for passage in quoted_passages(document.text)])


def check_links(rebuilt: Package) -> list[Problem]:
    """Every ``[x](#)`` link has a row, and every row is a link."""
    return _check_coverage(rebuilt, LINKS, lambda document: document.anchors)


def _check_coverage(package: Package, coverage: Coverage, marked: Any) -> list[Problem]:
    table = package.tables.get(coverage.table)
    if table is None or table.lacks("document_id"):
        return []
    problems = []
    spans = _spans_by_document(table)
    for document_id, document in package.documents.items():
        rows = spans.get(document_id, {})
        passages = {(span.start, span.end): span for span in marked(document)}
        unlocated = any(None in span for span in rows)  # reported by check_offsets
        for span, passage in passages.items():
            if span not in rows and not unlocated:
                problems.append(Problem(
                    document.text_path, _text_line(document.text, span[0]), None,
                    coverage.missing_code,
                    coverage.missing.format(text=quote(passage.text),
                                            span=f"{span[0]}-{span[1]}")
                    + f" has no row in {table.file}", coverage.missing_hint))
        for span, position in rows.items():
            if span not in passages and None not in span:
                value = quote(table.frame[coverage.column].iat[position])
                problems.append(Problem(table.file, table.line(position), coverage.column,
                                        coverage.extra_code, coverage.extra.format(text=value),
                                        coverage.extra_hint))
    return problems


def _text_line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def check_dates(package: Package) -> list[Problem]:
    """Date intervals are ordered and agree with their precision (vectorised). A rule
    whose column is missing from the header is skipped; the others still run."""
    import numpy as np
    import pandas as pd

    problems = []
    for name, table in package.tables.items():
        frame = table.frame
        if (not {"date_start", "date_end", "date_precision"} <= set(
                package.schemas[name].field_names) or table.lacks("date_start", "date_end")):
            continue
        start, end = dates(frame["date_start"]), dates(frame["date_end"])
        readable = ~((frame["date_start"].notna() & start.isna())
                     | (frame["date_end"].notna() & end.isna()))  # bad dates: type-date
        both = start.notna() & end.notna()
        rules = {"date-order": (both & (start > end), "date_start is after date_end",
                                "swap them, or correct the one that is wrong")}
        with_precision = not table.lacks("date_precision")
        if with_precision:
            precision = frame["date_precision"]
            rules["date-precision"] = (
                (precision.isin(["day", "month", "year"]) & ~both)
                | ((precision == "day") & both & (start != end))
                | ((precision == "month") & both & ((start.dt.day != 1)
                   | (end != start + pd.offsets.MonthEnd(0))))
                | ((precision == "year") & both & ((start.dt.month != 1) | (start.dt.day != 1)
                   | (end.dt.month != 12) | (end.dt.day != 31) | (start.dt.year != end.dt.year))),
                "the interval does not agree with date_precision",
                "day: start equals end; month: first to last day of one month; year: 1 January "
                "to 31 December; otherwise use unknown")
        if not table.lacks("date_basis"):
            rules["date-basis"] = ((start.notna() | end.notna()) != frame["date_basis"].notna(),
                                   "date_basis must be filled exactly when there is a date",
                                   "stated when the text gives the date, inferred when deduced")
        for code, (mask, message, hint) in rules.items():
            for position in np.flatnonzero((mask & readable).to_numpy(dtype=bool)):
                values = f"{frame['date_start'].iat[position]}..{frame['date_end'].iat[position]}"
                if with_precision:
                    values += f", {frame['date_precision'].iat[position]}"
                problems.append(Problem(table.file, table.line(int(position)), "date_start", code,
                                        f"{message} ({values})", hint))
    return problems


def check_aliases(rebuilt: Package) -> list[Problem]:
    """A surface form names one actor only, or mentions could not be derived."""
    import numpy as np

    aliases = rebuilt.tables.get("aliases")
    if aliases is None:
        return []
    frame = aliases.frame
    shared = frame["alias"].notna() & frame["alias"].duplicated(keep=False)
    problems = []
    for position in np.flatnonzero(shared.to_numpy()):
        alias = frame["alias"].iat[position]
        owners = sorted(frame.loc[frame["alias"] == alias, "actor_id"].dropna())
        problems.append(Problem(aliases.file, aliases.line(int(position)), "alias",
                                "alias-ambiguous",
                                f"the alias {alias!r} is given to {', '.join(owners)}"))
    return problems


def check_actors_mentioned(rebuilt: Package) -> list[Problem]:
    """Every actor is mentioned at least once in the text."""
    import numpy as np

    actors, mentions = rebuilt.tables.get("actors"), rebuilt.tables.get("mentions")
    if actors is None or mentions is None or _unread_documents(rebuilt):
        return []
    unmentioned = ~isin(actors.frame["actor_id"], mentions.frame["actor_id"].drop_duplicates())
    return [Problem(actors.file, actors.line(int(position)), "actor_id", "actor-unmentioned",
                    f"actor {actors.frame['actor_id'].iat[position]!r} is never mentioned")
            for position in np.flatnonzero(unmentioned)]


def check_cells(package: Package, rebuilt: Package | None = None) -> list[Problem]:
    """No stray whitespace, no spreadsheet formulas, Unicode NFC (vectorised per column).

    The cells are those the build would write (``rebuilt``), so that a paper's executive
    summary is checked too, as derived from a paper a contributor may add; when the texts
    cannot be derived, those of the files (``package``).
    """
    cells = rebuilt if rebuilt is not None else package
    problems = []
    for name, table in cells.tables.items():
        if name in DERIVED_TABLES:
            continue  # copied from the paper by the build: nothing a contributor can edit
        for field in cells.schemas[name].fields:
            if field.type != "string" or table.lacks(field.name):
                continue  # whatever its pattern or enum: the schema is edited too
            values = table.frame[field.name]
            for position in _suspect_cells(values):
                value = values.iat[position]
                for code, message, hint in cell_faults(value):
                    problems.append(Problem(table.file, table.line(int(position)), field.name,
                                            code, f"{quote(value)} {message}", hint))
    return problems


def _suspect_cells(values: pd.Series) -> np.ndarray:
    """The positions of the few cells worth a closer look, in a few passes per column: any
    character that is not printable ASCII (every control, newline and non-ASCII character),
    a space at either end, or a formula's first character. The rules run on those cells."""
    import numpy as np
    import pyarrow.compute as pc

    from besa545.model.vectors import arrow_text

    text = arrow_text(values)
    suspect = pc.or_(pc.invert(pc.ascii_is_printable(text)), pc.ends_with(text, " "))
    for start in (" ", *FORMULA_START):  # one fixed prefix at a time: a regex is slower
        suspect = pc.or_(suspect, pc.starts_with(text, start))
    return np.flatnonzero(pc.fill_null(suspect, False).to_numpy(zero_copy_only=False))


def check_derived(package: Package, rebuilt: Package) -> Outcome[frozenset[str]]:
    """The plain texts and the derived tables on disk equal what the build would write.

    The value is the set of derived tables found equal to their fresh derivation
    (``derived_fresh``): their rows come from tables that are checked, so they are valid by
    construction and the checks of their columns and keys can skip them.
    """
    problems = []
    for document in package.documents.values():
        stored = _stored_text(package.root, document.text_path)
        if isinstance(stored, Problem):
            problems.append(stored)
        elif stored != document.text:
            problems.append(Problem(document.text_path, None, None, "text-stale",
                                    "the plain text differs from the one derived from "
                                    f"{document.raw_path}"))
    if _unread_documents(package):
        return Outcome(frozenset(), problems)  # a raw text could not be read: no comparison
    fresh = set()
    for name in ("documents", *DERIVED_TABLES):
        if name not in package.tables:
            continue  # its file could not be read: reported where it was read
        expected = rebuilt.tables[name].frame.reset_index(drop=True)
        actual = package.tables[name].frame.reset_index(drop=True)
        if _same_rows(expected, actual):
            fresh.add(name)
        else:
            problems.append(Problem(f"data/{name}.csv", None, None, "derived-stale",
                                    f"data/{name}.csv is not what the build derives from the "
                                    "current data"))
    return Outcome(frozenset(fresh & set(DERIVED_TABLES)), problems)


def _unread_documents(package: Package) -> bool:
    """Whether some document's raw text could not be read (reported where it was read)."""
    return len(package.documents) < len(package.tables["documents"].frame)


def _same_rows(expected: pd.DataFrame, actual: pd.DataFrame) -> bool:
    columns = list(expected.columns)
    if list(actual.columns) != columns or len(actual) != len(expected):
        return False
    if expected is actual or expected.equals(actual):  # the build writes rows in this order
        return True
    left = expected.fillna("").astype(str).sort_values(columns).reset_index(drop=True)
    right = actual.fillna("").astype(str).sort_values(columns).reset_index(drop=True)
    return bool(left.equals(right))


def _stored_text(root: Path, file: str) -> str | Problem | None:
    """The plain text stored at ``file``; None when there is none or it is not UTF-8 (as
    stale as a different one); the problem when it cannot be opened or is not safe to."""
    path = root / file
    if not path.is_file():
        return None
    try:
        return read_regular(path, file).decode("utf-8")
    except UnicodeDecodeError:
        return None
    except OSError as error:
        return unopenable(file, error)
