"""What a contributor reads: each check of the files, tables and content layers reports
its fault word for word, with the exact file, line, column, code, message and hint.

(``test_validate_faults.py`` pins where each fault is reported; ``test_cli.py`` pins the
wording of the column checks. A hint given by the check itself is written out here; a
code's registered default hint is looked up, as the check leaves it to the registry.)
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from besa545.check.scheduler import validate
from besa545.model.codes import lookup
from besa545.model.hashing import file_sha256
from besa545.model.metadata import __version__
from besa545.model.paths import JOURNAL, STAGED
from besa545.model.schema import table_schema
from helpers import (
    add_case_twin,
    drop_column,
    drop_row,
    edit_descriptor,
    inject,
    line_of,
    line_with,
    link_to_copy,
    new_evidence,
    read_rows,
    replace_bytes,
    replace_text,
    resource,
    set_cell,
    write_rows,
)

Full = tuple[str, int | None, str | None, str, str, str]  # file, line, column, code, message, hint
CASES: dict[str, tuple[Callable[[Path], None], bool, Callable[[Path], set[Full]]]] = {}


def case(name: str, edit: Callable[[Path], None], expected: Callable[[Path], set[Full]],
         *, reseal_after: bool = True) -> None:
    CASES[name] = (edit, reseal_after, expected)


def default(code: str) -> str:
    """The registered default hint of ``code`` (used when a check gives none)."""
    return lookup(code).hint


D, E, Q, L = "datapackage.json", "data/events.csv", "data/quotations.csv", "data/links.csv"
TEXT = "sources/besa-pp-545.txt"
DATES = ("day: start equals end; month: first to last day of one month; year: 1 January "
         "to 31 December; otherwise use unknown")


# --- the CSV layer: bytes, header and rows of one file ----------------------------------

T = "data/topics.csv"
CANNOT_CHECK_TOPICS = ("data/stances.csv", None, "topic_id", "foreign-key-table",
                       "topic_id cannot be checked: topics.topic_id could not be read",
                       "fix the problems reported for topics first")
MISSING_LABEL = (T, 1, "label", "header-missing", "column 'label' is missing from the header",
                 "add it; the columns are: topic_id, label, description")


def _six_party(root: Path) -> int:
    return line_of(root, "topics", "six-party-talks")


case("csv-bom", replace_bytes(T, b"topic_id", b"\xef\xbb\xbftopic_id"),
     lambda r: {(T, 1, None, "file-bom", "the file starts with a UTF-8 byte order mark",
                 default("file-bom"))})
case("csv-crlf", replace_bytes(T, b"\n", b"\r\n"),
     lambda r: {(T, 1, None, "file-line-ending",
                 "the file has CR (Windows or old Mac) line endings",
                 default("file-line-ending"))})
case("csv-nul-byte", replace_bytes(T, b"Six Party", b"Six\x00Party"),
     lambda r: {(T, _six_party(r), None, "file-nul-byte", "the file contains a NUL byte",
                 "remove the NUL byte; the file is probably not a text file")})
case("csv-not-utf8", replace_bytes(T, b"Six Party", b"Six \x81 Party"),
     lambda r: {(T, _six_party(r), None, "file-encoding",
                 "invalid UTF-8 byte sequence b'\\x81 Pa' at byte "
                 f"{(r / T).read_bytes().index(b'Six Party') + 4}", "save the file as UTF-8"),
                CANNOT_CHECK_TOPICS})
# a curly quote as Excel's plain "CSV" writes it (Windows-1252): the spreadsheet is named
case("csv-saved-as-windows-1252", replace_bytes(T, b"Six Party", b"\x93Six\x94 Party"),
     lambda r: {(T, _six_party(r), None, "file-encoding",
                 "invalid UTF-8 byte sequence b'\\x93Six' at byte "
                 f"{(r / T).read_bytes().index(b'Six Party')}, which Windows-1252 reads as "
                 "'\u201c': the file was probably saved by a spreadsheet in its own encoding",
                 "save it again as UTF-8 (Excel: CSV UTF-8; LibreOffice: Character set Unicode "
                 "(UTF-8)), or edit the CSV in a text editor"),
                CANNOT_CHECK_TOPICS})
case("csv-empty", lambda r: (r / T).write_text(""),
     lambda r: {(T, 1, None, "file-empty", "the file is empty", default("file-empty")),
                CANNOT_CHECK_TOPICS})
case("csv-header-blank", replace_text(T, "topic_id,label", "topic_id,"),
     lambda r: {(T, 1, None, "header-blank", "the header has a blank column name",
                 "use the names of schemas/topics.json"), MISSING_LABEL, CANNOT_CHECK_TOPICS})
case("csv-header-unknown", replace_text(T, "topic_id,label", "topic_id,labels"),
     lambda r: {(T, 1, "labels", "header-unknown", "column 'labels' is not in the table schema",
                 "remove it, or add the column to schemas/topics.json first"), MISSING_LABEL})
case("csv-header-miscased", replace_text(T, "topic_id,label", "topic_id,Label"),
     lambda r: {(T, 1, "Label", "header-unknown", "column 'Label' is not in the table schema",
                 "did you mean 'label'?"), MISSING_LABEL})
case("csv-header-duplicate", replace_text(T, "topic_id,label", "topic_id,topic_id"),
     lambda r: {(T, 1, "topic_id", "header-duplicate",
                 "column 'topic_id' appears twice in the header", "remove the second one"),
                MISSING_LABEL, CANNOT_CHECK_TOPICS})
case("csv-header-order", replace_text(T, "topic_id,label,description",
                                      "topic_id,description,label"),
     lambda r: {(T, 1, None, "header-order",
                 "the columns are out of order: topic_id, description, label",
                 "use the schema's order: topic_id, label, description")})
case("csv-row-blank", replace_text(T, "\nsix-party-talks,", "\n\nsix-party-talks,"),
     lambda r: {(T, _six_party(r), None, "row-blank", "the row is blank",
                 "delete the empty line")})
case("csv-row-short", replace_text("data/event_participants.csv",
                                   "warmbier-death,otto-warmbier,subject,stated",
                                   "warmbier-death,otto-warmbier,subject"),
     lambda r: {("data/event_participants.csv", line_with(
         r, "event_participants", "warmbier-death,otto-warmbier,subject,stated"), None,
                 "row-field-count",
                 "the row has 3 values, the header 4: 'warmbier-death,otto-warmbier,subject'",
                 "add or remove commas so that the row has one value per column")})
# a row that cannot be read is not in the table: a key pointing at it cannot be checked
case("csv-row-long", replace_text(T, "six-party-talks,", "six-party-talks," + "x," * 40),
     lambda r: {(T, _six_party(r), None, "row-field-count",
                 f"the row has 43 values, the header 3: {_quoted_start(r)!r}",
                 "add or remove commas so that the row has one value per column"),
                # the stance's topic is in the row that was lost: not "not in topics"
                ("data/stances.csv", None, "topic_id", "foreign-key-table",
                 "topic_id cannot be checked: data/topics.csv has rows that could not be read",
                 "fix the problems reported for topics first")})
case("csv-cell-too-long", set_cell("topics", "six-party-talks", "description", "x" * 1_000_001),
     lambda r: {(T, _six_party(r), "description", "cell-too-long",
                 "the value is over 1,000,000 bytes",
                 "cells hold short passages; check for a missing quote")})


def _quoted_start(root: Path) -> str:
    """The six-party-talks row after the edit, as a message quotes a long row: its first
    79 characters and an ellipsis."""
    return ("six-party-talks," + "x," * 40)[:79] + "\u2026"


# --- files: the descriptor, the set of tables, sizes and hashes, Parquet copies ---------

def _descriptor_of(size: int) -> Callable[[Path], None]:
    """An edit: the descriptor padded with trailing whitespace (the same JSON) to ``size``
    bytes."""
    def edit(root: Path) -> None:
        with (root / D).open("ab") as stream:
            stream.write(b" " * (size - (root / D).stat().st_size))
    return edit


case("descriptor-over-ten-megabytes", _descriptor_of(10_000_001),
     lambda r: {(D, None, None, "descriptor-json", "datapackage.json is over 10,000,000 bytes",
                 default("descriptor-json"))}, reseal_after=False)
# the limit is a size a descriptor may have: one of exactly 10,000,000 bytes is read, and
# trailing whitespace leaves the same JSON, so nothing is wrong
case("descriptor-of-exactly-ten-megabytes", _descriptor_of(10_000_000),
     lambda r: set(), reseal_after=False)
case("parquet-descriptor-missing", lambda r: (r / "datapackage-parquet.json").unlink(),
     lambda r: {("datapackage-parquet.json", None, None, "descriptor-stale",
                 "datapackage-parquet.json does not exist", default("descriptor-stale"))},
     reseal_after=False)
case("descriptor-nested-too-deeply",
     lambda r: (r / D).write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8"),
     lambda r: {(D, None, None, "descriptor-json", "the JSON is nested too deeply to read",
                 default("descriptor-json"))}, reseal_after=False)
case("build-journal-left-behind", lambda r: (r / JOURNAL).write_text("{}", encoding="utf-8"),
     lambda r: {(JOURNAL, None, None, "build-interrupted",
                 "a build stopped before it replaced every file",
                 default("build-interrupted"))}, reseal_after=False)


def _journal_and_staged_file(root: Path) -> None:
    (root / JOURNAL).write_text("{}", encoding="utf-8")
    (root / "data" / f".topics.csv{STAGED}").write_text("half", encoding="utf-8")


# one interrupted build is one problem, at its journal, however many files it left
case("build-journal-and-staged-file", _journal_and_staged_file,
     lambda r: {(JOURNAL, None, None, "build-interrupted",
                 "a build stopped before it replaced every file",
                 default("build-interrupted"))}, reseal_after=False)
case("schema-file-not-a-table-name", lambda r: shutil.copy(r / "schemas" / "topics.json",
                                                          r / "schemas" / "Bad-Name.json"),
     lambda r: {("schemas/Bad-Name.json", None, None, "schema-invalid",
                 "'Bad-Name' is not a table name",
                 "name the file with lowercase letters, digits and underscores")},
     reseal_after=False)


def _nothing_at_all(root: Path) -> None:
    shutil.rmtree(root / "schemas")
    (root / "schemas").mkdir()
    (root / D).unlink()


case("no-schemas-and-no-descriptor", _nothing_at_all,
     lambda r: {(D, None, None, "descriptor-missing",
                 f"there is no datapackage.json in {str(r)!r}", default("descriptor-missing")),
                ("schemas", None, None, "schema-missing",
                 "the package has no Table Schemas in schemas/",
                 "pass the directory of a besa545 package")}, reseal_after=False)
case("descriptor-metadata-edited", edit_descriptor(lambda d: d.update(version="9.9.9")),
     lambda r: {(D, None, "version", "descriptor-stale",
                 f"version is '9.9.9', the build writes '{__version__}'",
                 default("descriptor-stale"))},
     reseal_after=False)
case("descriptor-key-added", edit_descriptor(lambda d: d.update(extra="x")),
     lambda r: {(D, None, "extra", "descriptor-stale", "'extra' is not written by the build",
                 default("descriptor-stale"))}, reseal_after=False)
case("descriptor-resource-removed", edit_descriptor(lambda d: d["resources"].pop(13)),
     lambda r: {(D, None, "resources", "descriptor-stale", "table topics has no resource",
                 default("descriptor-stale"))}, reseal_after=False)
case("descriptor-resource-path-edited",
     edit_descriptor(lambda d: resource(d, "topics").update(path="x.csv")),
     lambda r: {(D, None, "resources[13].path", "descriptor-stale",
                 "resources[13].path of topics is 'x.csv', the build writes 'data/topics.csv'",
                 default("descriptor-stale"))}, reseal_after=False)
# a resource whose name could not be a table is no table to check: only the descriptor is
# stale (no schema is looked for under that name)
case("descriptor-resource-not-a-table-name",
     edit_descriptor(lambda d: d["resources"].append({"name": "Bad Name"})),
     lambda r: {(D, None, "resources[14]", "descriptor-stale",
                 "resources[14] ('Bad Name') is not a table of the package",
                 default("descriptor-stale"))}, reseal_after=False)
case("descriptor-records-another-hash",
     edit_descriptor(lambda d: resource(d, "topics").update(bytes=1, hash="sha256:0")),
     lambda r: {("data/topics.csv", None, None, "file-hash",
                 f"the file has {(r / 'data' / 'topics.csv').stat().st_size} bytes and hash "
                 f"{file_sha256(r / 'data' / 'topics.csv', 'data/topics.csv')}, the "
                 "descriptor records '1' and "
                 "'sha256:0'", default("file-hash"))}, reseal_after=False)


def _parquet_with_an_extra_column(root: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = root / "data" / "parquet" / "topics.parquet"
    table = pq.read_table(path)
    pq.write_table(table.append_column("extra", pa.array(["x"] * table.num_rows)), path)


case("parquet-extra-column", _parquet_with_an_extra_column,
     lambda r: {("data/parquet/topics.parquet", None, None, "parquet-stale",
                 "the Parquet copy's columns are 'topic_id: string, label: string, "
                 "description: string, extra: string', the table's are 'topic_id: string, "
                 "label: string, description: string'", default("parquet-stale"))})

case("descriptor-is-a-symlink", link_to_copy(D),
     lambda r: {(D, None, None, "path-unsafe",
                 "datapackage.json is a symbolic link; the validator reads only regular files",
                 "replace it with the file: run `besa545 build`")}, reseal_after=False)
case("csv-is-a-symlink", link_to_copy("data/topics.csv"),
     lambda r: {("data/topics.csv", None, None, "path-unsafe",
                 "data/topics.csv is a symbolic link; only regular files inside the package "
                 "are read", default("path-unsafe")),
                CANNOT_CHECK_TOPICS}, reseal_after=False)
case("schema-is-a-symlink", link_to_copy("schemas/topics.json"),
     lambda r: {("schemas/topics.json", None, None, "path-unsafe",
                 "schemas/topics.json is a symbolic link; only regular files inside the "
                 "package are read", default("path-unsafe")), CANNOT_CHECK_TOPICS},
     reseal_after=False)
def _schema_is_a_folder(root: Path) -> None:
    (root / "schemas" / "topics.json").unlink()
    (root / "schemas" / "topics.json").mkdir()


# a folder where a schema should be is unsafe to read, not a missing schema
case("schema-is-a-folder", _schema_is_a_folder,
     lambda r: {("schemas/topics.json", None, None, "path-unsafe",
                 "schemas/topics.json is not a regular file (a directory, FIFO or device)",
                 default("path-unsafe")), CANNOT_CHECK_TOPICS},
     reseal_after=False)
case("parquet-is-a-symlink", link_to_copy("data/parquet/topics.parquet"),
     lambda r: {("data/parquet/topics.parquet", None, None, "path-unsafe",
                 "data/parquet/topics.parquet is a symbolic link; only regular files inside "
                 "the package are read", default("path-unsafe"))}, reseal_after=False)
case("parquet-descriptor-is-a-symlink", link_to_copy("datapackage-parquet.json"),
     lambda r: {("datapackage-parquet.json", None, None, "path-unsafe",
                 "datapackage-parquet.json is a symbolic link; only regular files inside the "
                 "package are read", default("path-unsafe"))}, reseal_after=False)
case("parquet-descriptor-edited",
     replace_text("datapackage-parquet.json", '"name": "besa-perspectives-545"',
                  '"name": "besa-perspectives-546"'),
     lambda r: {("datapackage-parquet.json", None, None, "descriptor-stale",
                 "datapackage-parquet.json is not what the build writes",
                 default("descriptor-stale"))}, reseal_after=False)
case("descriptor-not-json", replace_text(D, '"name"', "'name'"),
     lambda r: {(D, 3, None, "descriptor-json",
                 "invalid JSON: Expecting property name enclosed in double quotes (column 3)",
                 default("descriptor-json"))}, reseal_after=False)
case("csv-header-with-a-quoted-line-break",
     replace_text(T, "topic_id,label,", 'topic_id,"la\nbel",'),
     lambda r: {(T, 1, None, "file-unparsable", "the header cannot be parsed: a quoted column "
                 "name continues on the next line", "the header is one line of column names "
                 "separated by commas, with LF endings"), CANNOT_CHECK_TOPICS})
case("parquet-missing", lambda r: (r / "data" / "parquet" / "topics.parquet").unlink(),
     lambda r: {("data/parquet/topics.parquet", None, None, "file-missing",
                 "the Parquet copy does not exist", default("file-missing"))},
     reseal_after=False)
case("descriptor-without-resources", edit_descriptor(lambda d: d.pop("resources")),
     lambda r: {(D, None, "resources", "descriptor-resources",
                 "the descriptor has no list of resources", default("descriptor-resources"))},
     reseal_after=False)
case("source-missing", lambda r: (r / "sources" / "besa-pp-545.md").unlink(),
     lambda r: {("data/documents.csv", 2, "raw_path", "source-missing",
                 "the raw text 'sources/besa-pp-545.md' does not exist",
                 default("source-missing"))})


# --- tables: keys --------------------------------------------------------------------

case("foreign-key-target-unreadable", lambda r: (r / "data" / "topics.csv").unlink(),
     lambda r: {("data/topics.csv", None, None, "file-missing", "the file does not exist",
                 "create it with the header row of schemas/topics.json"),
                CANNOT_CHECK_TOPICS})


def _duplicate_authorship(root: Path) -> None:
    rows = read_rows(root, "authorships")
    write_rows(root, "authorships", [*rows, dict(rows[0])])


# a key of two fields is checked as one (a key of three is, in test_validate_faults.py)
case("primary-key-of-two-fields-duplicated", _duplicate_authorship,
     lambda r: {("data/authorships.csv", line, "document_id, position", "primary-key",
                 "the primary key (document_id, position) is not unique",
                 default("primary-key"))
                for line in (2, len(read_rows(r, "authorships")) + 2)})

case("unique-value-repeated", set_cell("topics", "six-party-talks", "topic_id",
                                       "thaad-deployment"),
     lambda r: {("data/topics.csv", line, "topic_id", "unique",
                 "'thaad-deployment' appears more than once in topic_id", default("unique"))
                for line in (line_of(r, "topics", "six-party-talks"),
                             line_of(r, "topics", "thaad-deployment"))}
     | {("data/stances.csv", line_of(r, "stances", "china-supports-six-party-talks"),
         "topic_id", "foreign-key", "'six-party-talks' is not in topics.topic_id",
         "use an existing topic_id from data/topics.csv, or add a row there first")})


case("id-differs-only-by-case", add_case_twin("topics", "six-party-talks", "Six-Party-Talks"),
     lambda r: {("data/topics.csv", line_of(r, "topics", "six-party-talks"), "topic_id",
                 "id-case-duplicate", "'six-party-talks' differs only by case from "
                 "'Six-Party-Talks'", "identifiers are lowercase; merge the rows or choose a "
                 "distinct id"),
                ("data/topics.csv", len(read_rows(r, "topics")) + 2, "topic_id",
                 "id-case-duplicate", "'Six-Party-Talks' differs only by case from "
                 "'six-party-talks'", "identifiers are lowercase; merge the rows or choose a "
                 "distinct id"),
                ("data/topics.csv", len(read_rows(r, "topics")) + 2, "topic_id", "pattern",
                 "'Six-Party-Talks' does not match the pattern of topic_id",
                 default("pattern"))})
case("offsets-not-built", lambda r: [set_cell("stances", "moon-opposes-thaad", column, "")(r)
                                     for column in ("char_start", "char_end")],
     lambda r: {("data/stances.csv", line_of(r, "stances", "moon-opposes-thaad"),
                 "char_start", "not-built",
                 "char_start, char_end are empty: the build computes them",
                 default("not-built"))},
     reseal_after=False)

# --- content: offsets, dates, cells, coverage, aliases, derived files ----------------------


def _offset_case(name: str, table: str, key: str, column: str) -> None:
    def edit(root: Path) -> None:
        start = next(row for row in read_rows(root, table) if row[next(iter(row))] == key)
        set_cell(table, key, "char_start", str(int(start["char_start"]) - 1))(root)

    def expected(root: Path) -> set[Full]:
        row = next(row for row in read_rows(root, table) if row[next(iter(row))] == key)
        start, end = int(row["char_start"]), row["char_end"]
        return {(f"data/{table}.csv", line_of(root, table, key), "char_start",
                 "offset-mismatch", f"char_start/char_end are {start - 1}/{end} but {column} "
                 f"is at {start}/{end}",
                 "run `besa545 build`, which fills the offsets from the evidence")}

    case(name, edit, expected)


_offset_case("offset-of-evidence-shifted", "events", "mar-a-lago-agreement", "evidence")
_offset_case("offset-of-quotation-shifted", "quotations", "sports-diplomacy", "text")

MAR_A_LAGO = ("events", "mar-a-lago-agreement")


def _event(root: Path) -> int:
    return line_of(root, *MAR_A_LAGO)


case("date-order", set_cell(*MAR_A_LAGO, "date_start", "2017-05-01"),
     lambda r: {(E, _event(r), "date_start", "date-order",
                 "date_start is after date_end (2017-05-01..2017-04-30, month)",
                 "swap them, or correct the one that is wrong"),
                (E, _event(r), "date_start", "date-precision",
                 "the interval does not agree with date_precision (2017-05-01..2017-04-30, "
                 "month)", DATES)})


def _reverse_dates_without_precision(root: Path) -> None:
    set_cell(*MAR_A_LAGO, "date_start", "2017-05-01")(root)
    drop_column("events", "date_precision")(root)


# a column the build fills: the build is the fix, and its empty cells are not listed row
# by row
case("computed-column-missing", drop_column("events", "char_start"),
     lambda r: {(E, 1, "char_start", "header-missing",
                 "column 'char_start' is missing from the header",
                 "run `besa545 build`, which fills it")})
case("date-order-without-date-precision", _reverse_dates_without_precision,
     lambda r: {(E, 1, "date_precision", "header-missing",
                 "column 'date_precision' is missing from the header",
                 "add it; the columns are: " + ", ".join(table_schema("events").field_names)),
                (E, _event(r), "date_start", "date-order",
                 "date_start is after date_end (2017-05-01..2017-04-30)",
                 "swap them, or correct the one that is wrong")})
case("date-precision-day", set_cell(*MAR_A_LAGO, "date_precision", "day"),
     lambda r: {(E, _event(r), "date_start", "date-precision",
                 "the interval does not agree with date_precision (2017-04-01..2017-04-30, "
                 "day)", DATES)})
case("date-basis-missing", set_cell(*MAR_A_LAGO, "date_basis", ""),
     lambda r: {(E, _event(r), "date_start", "date-basis",
                 "date_basis must be filled exactly when there is a date "
                 "(2017-04-01..2017-04-30, month)",
                 "stated when the text gives the date, inferred when deduced")})


def _cell_case(name: str, value: str, code: str, message: str, hint: str) -> None:
    """The label of one topic set to ``value``: one problem at that cell."""
    key = "six-party-talks"
    case(name, set_cell("topics", key, "label", value),
         lambda r: {("data/topics.csv", line_of(r, "topics", key), "label", code, message,
                     hint)})


_cell_case("cell-whitespace", "Six Party Talks ", "cell-whitespace",
           "'Six Party Talks ' has leading or trailing whitespace",
           "remove the spaces or newlines at either end")
_cell_case("cell-formula", "=HYPERLINK(1)", "cell-formula",
           "'=HYPERLINK(1)' starts with =, +, - or @, which spreadsheets run as a formula",
           "reword the value so that it starts with another character")
_cell_case("cell-formula-at-sign", "@SUM(1)", "cell-formula",
           "'@SUM(1)' starts with =, +, - or @, which spreadsheets run as a formula",
           "reword the value so that it starts with another character")
# each of the four characters a spreadsheet starts a formula with
for start, value in (("plus", "+1 Talks"), ("minus", "-SUM(1)")):
    _cell_case(f"cell-formula-{start}", value, "cell-formula",
               f"{value!r} starts with =, +, - or @, which spreadsheets run as a formula",
               "reword the value so that it starts with another character")
_cell_case("cell-unicode", "Cafe\u0301 talks", "cell-unicode",
           "'Cafe\u0301 talks' is not in Unicode NFC form",
           "normalise the text to NFC (compose accents)")
_cell_case("cell-invisible", "Six\u200bParty\u200e Talks", "cell-invisible",
           "'Six\\u200bParty\\u200e Talks' contains an invisible or control character "
           "(U+200B, U+200E)", "delete it: copy the text again from the plain text in sources/")
# a line or paragraph separator (Unicode's, not a line break) is invisible too; a
# surrogate (category Cs) cannot occur, as the file is strict UTF-8
for name, character in (("line", "\u2028"), ("paragraph", "\u2029")):
    _cell_case(f"cell-{name}-separator", f"Six{character}Party", "cell-invisible",
               f"'Six\\u{ord(character):04x}Party' contains an invisible or control character "
               f"(U+{ord(character):04X})",
               "delete it: copy the text again from the plain text in sources/")
_cell_case("cell-control-character", "Six\x07Party", "cell-invisible",
           "'Six\\x07Party' contains an invisible or control character (U+0007)",
           "delete it: copy the text again from the plain text in sources/")

case("quotation-not-a-whole-passage", set_cell("quotations", "sports-diplomacy", "text", "sports"),
     lambda r: {(Q, line_of(r, "quotations", "sports-diplomacy"), "char_start",
                 "offset-mismatch", "char_start/char_end are 2616/2632 but text is at 2616/2622",
                 "run `besa545 build`, which fills the offsets from the evidence"),
                (Q, line_of(r, "quotations", "sports-diplomacy"), "text",
                 "quotation-not-quoted", "'sports' is not a whole passage between quotation "
                 "marks", "give the exact words between the marks, without the closing "
                 "punctuation"),
                (TEXT, 23, None, "quotation-missing", "the quoted passage 'sports diplomacy' at "
                 "2616-2632 has no row in data/quotations.csv", "add a row to "
                 "data/quotations.csv with this text (without the closing punctuation) and an "
                 "evidence passage around it")})
case("link-not-a-link", set_cell("links", "link-global-times-editorial", "anchor_text", "recent"),
     lambda r: {(L, line_of(r, "links", "link-global-times-editorial"), "anchor_text",
                 "link-not-a-link", "'recent' is not the anchor of a link in the raw text",
                 "give the exact anchor text of a [anchor](#) link"),
                (L, line_of(r, "links", "link-global-times-editorial"), "char_start",
                 "offset-mismatch", "char_start/char_end are 4551/4573 but anchor_text is at "
                 "4544/4550", "run `besa545 build`, which fills the offsets from the evidence"),
                (TEXT, 31, None, "link-missing", "the link 'Global Times editorial' at "
                 "4551-4573 has no row in data/links.csv",
                 "add a row to data/links.csv with this anchor_text")})


def _alias_for_two_actors(root: Path) -> None:
    rows = read_rows(root, "aliases")
    write_rows(root, "aliases", [*rows, {"actor_id": "cbs", "alias": "NBA"}])


case("alias-for-two-actors", _alias_for_two_actors,
     lambda r: {("data/aliases.csv", line, "alias", "alias-ambiguous",
                 "the alias 'NBA' is given to cbs, nba",
                 "keep the alias for the one actor it always denotes")
                for line in (line_of(r, "aliases", "nba"), len(read_rows(r, "aliases")) + 2)} | {
         ("data/actors.csv", line_of(r, "actors", "nba"), "actor_id", "actor-unmentioned",
          "actor 'nba' is never mentioned",
          "add to data/aliases.csv a surface form that occurs in the text"),
         ("data/mentions.csv", None, None, "derived-stale",
          "data/mentions.csv is not what the build derives from the current data",
          default("derived-stale"))})
case("plain-text-edited", replace_text(TEXT, "PERSPECTIVES", "Perspectives"),
     lambda r: {(TEXT, None, None, "text-stale", "the plain text differs from the one derived "
                 "from sources/besa-pp-545.md", default("text-stale"))})
case("aliases-edited", drop_row("aliases", "nba", "actor_id"),
     lambda r: {("data/actors.csv", line_of(r, "actors", "nba"), "actor_id", "actor-unmentioned",
                 "actor 'nba' is never mentioned",
                 "add to data/aliases.csv a surface form that occurs in the text"),
                ("data/mentions.csv", None, None, "derived-stale",
                 "data/mentions.csv is not what the build derives from the current data",
                 default("derived-stale")),
                ("data/parquet/aliases.parquet", None, None, "parquet-stale",
                 "the Parquet copy does not hold the same rows as data/aliases.csv",
                 default("parquet-stale"))})

# without the quotations table nothing is compared with the quoted passages: only the
# missing file is reported, and the foreign key that needs it
case("quotations-csv-missing", lambda r: (r / Q).unlink(),
     lambda r: {(Q, None, None, "file-missing", "the file does not exist",
                 "create it with the header row of schemas/quotations.json"),
                ("data/stances.csv", None, "quote_id", "foreign-key-table",
                 "quote_id cannot be checked: quotations.quote_id could not be read",
                 "fix the problems reported for quotations first")})


def _paragraphs_reversed(root: Path) -> None:
    rows = read_rows(root, "paragraphs")
    write_rows(root, "paragraphs", rows[::-1])


# a derived table is compared with its derivation as a set of rows: another order is not
# stale (its Parquet copy, compared row by row, is)
case("derived-table-in-another-order", _paragraphs_reversed,
     lambda r: {("data/parquet/paragraphs.parquet", None, None, "parquet-stale",
                 "the Parquet copy does not hold the same rows as data/paragraphs.csv",
                 default("parquet-stale"))})



def _mentions_of_nobody(*mentions: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        for mention in mentions:
            set_cell("mentions", mention, "actor_id", "nobody")(root)

    return edit


def _keys_of_a_derived_table(more: str) -> Callable[[Path], set[Full]]:
    return lambda r: {
        ("data/mentions.csv", None, None, "derived-stale",
         "data/mentions.csv is not what the build derives from the current data",
         default("derived-stale")),
        ("data/mentions.csv", 2, "actor_id", "foreign-key",
         f"'nobody' is not in actors.actor_id{more}",
         "data/mentions.csv is written by the build, not by hand: run `besa545 build` once "
         "the tables it comes from are right")}


# a file the build writes has one fix, rebuilding it: its broken keys are one problem
case("derived-table-key-points-at-no-row", _mentions_of_nobody("besa-pp-545-m00014"),
     _keys_of_a_derived_table(""))
case("derived-table-keys-point-at-no-row-twice",
     _mentions_of_nobody("besa-pp-545-m00014", "besa-pp-545-m00091"),
     _keys_of_a_derived_table(" (and 1 more row of this file)"))
case("derived-table-keys-point-at-no-row",
     _mentions_of_nobody("besa-pp-545-m00014", "besa-pp-545-m00091", "besa-pp-545-m00107"),
     _keys_of_a_derived_table(" (and 2 more rows of this file)"))


# the coding conventions (check/conventions.py)
UNNAMED = ("copy into subject_evidence the nearest passage that names it (a name or alias of "
           "the actor in data/aliases.csv); see docs/annotation-guide.md, 'The row's subject'")
# Moon's THAAD stance given evidence without his name
_stance_holder_unnamed = new_evidence("stances", "moon-opposes-thaad",
                                      "did not look favorably on the deployment of THAAD")


case("stance-holder-not-in-evidence", _stance_holder_unnamed,
     lambda r: {("data/stances.csv", line_of(r, "stances", "moon-opposes-thaad"), "evidence",
                 "subject-not-in-evidence",
                 "the evidence does not name the holder 'moon-jae-in'",
                 UNNAMED)})


# the quotation's evidence cut to the words around the quote, without "Moon" (its offsets
# span the quoted text, which has not moved)
case("quotation-speaker-not-in-evidence",
     set_cell("quotations", "moon-dialogue-necessary", "evidence",
              'but said "dialogue is necessary" because the problem'),
     lambda r: {(Q, line_of(r, "quotations", "moon-dialogue-necessary"), "evidence",
                 "subject-not-in-evidence",
                 "the evidence does not name the speaker 'moon-jae-in'",
                 UNNAMED)})
case("relation-subject-not-in-evidence",
     new_evidence("actor_relations", "american-diplomats",
                  "diplomats are holding secret talks"),
     lambda r: {("data/actor_relations.csv", line_of(r, "actor_relations",
                                                     "american-diplomats"), "evidence",
                 "subject-not-in-evidence",
                 "the evidence does not name the subject 'american-diplomats'",
                 UNNAMED)})

def _nba_a_source_of_the_criticism(root: Path) -> None:
    rows = read_rows(root, "event_participants")
    for row in rows:
        if (row["event_id"], row["role"]) == ("chinese-media-criticism-of-kim", "source"):
            row["actor_id"] = "nba"
    write_rows(root, "event_participants", rows)


case("event-source-not-in-evidence", _nba_a_source_of_the_criticism,
     lambda r: {("data/event_participants.csv", line_with(
                     r, "event_participants",
                     "chinese-media-criticism-of-kim,chinese-media,source,stated"),
                 "actor_id", "subject-not-in-evidence",
                 "the evidence of event 'chinese-media-criticism-of-kim' does not name the "
                 "source 'nba'",
                 UNNAMED)})  # a CSV with a problem of its own: its Parquet copy is not compared


def _trump_a_source_of_the_urging(root: Path) -> None:
    rows = read_rows(root, "event_participants")
    write_rows(root, "event_participants", [*rows, {
        "event_id": "trump-administration-urges-china", "actor_id": "donald-trump",
        "role": "source", "basis": "stated"}])


# "Trump" is written inside the mention of "the Trump administration": named, no problem
# (only the Parquet copy, not rebuilt, differs)
case("source-named-inside-a-longer-alias", _trump_a_source_of_the_urging,
     lambda r: {("data/parquet/event_participants.parquet", None, None, "parquet-stale",
                 "the Parquet copy does not hold the same rows as data/event_participants.csv",
                 default("parquet-stale"))})


def _urging_without_target(root: Path) -> None:
    rows = read_rows(root, "event_participants")
    write_rows(root, "event_participants", [
        row for row in rows
        if (row["event_id"], row["role"]) != ("trump-administration-urges-china", "target")])


PARTICIPANTS_STALE = ("data/parquet/event_participants.parquet", None, None, "parquet-stale",
                      "the Parquet copy does not hold the same rows as "
                      "data/event_participants.csv", default("parquet-stale"))
case("directed-event-without-target", _urging_without_target,
     lambda r: {(E, line_of(r, "events", "trump-administration-urges-china"), "cameo_code",
                 "target-missing",
                 "event 'trump-administration-urges-china' is coded 0242, an action done to "
                 "someone, and says nothing of its target",
                 "add to data/event_participants.csv the party the action is directed at, "
                 "with role target (an audience is not a target); if the paper does not say, "
                 "set target_unstated to true"),
                PARTICIPANTS_STALE})
case("target-unstated-beside-a-target",
     set_cell("events", "trump-administration-urges-china", "target_unstated", "true"),
     lambda r: {(E, line_of(r, "events", "trump-administration-urges-china"), "target_unstated",
                 "target-unstated-misused",
                 "event 'trump-administration-urges-china' has target_unstated true and a "
                 "target row",
                 "set target_unstated to true only for a directed coded action without a "
                 "target row; otherwise leave it empty")})
case("subject-evidence-not-once",
     set_cell("stances", "trump-considers-severe-things", "subject_evidence", "Trump"),
     lambda r: {("data/stances.csv", line_of(r, "stances", "trump-considers-severe-things"),
                 "subject_evidence", "subject-evidence-not-found",
                 "subject_evidence 'Trump' occurs 7 times in the text; lengthen it until it "
                 "is unique",
                 "copy the passage exactly from the plain text; lengthen it if it occurs "
                 "twice")})
case("subject-evidence-unneeded",
     set_cell("stances", "china-opposes-war", "subject_evidence", "meeting Xi on the sidelines"),
     lambda r: {("data/stances.csv", line_of(r, "stances", "china-opposes-war"),
                 "subject_evidence", "subject-evidence-unneeded",
                 "the evidence already names the row's subject",
                 "leave subject_evidence empty")})
case("same-position-unrelated-holder",
     set_cell("stances", "moon-calls-north-korea-irrational", "same_position_stance_id",
              "chinese-media-criticize-kim"),
     lambda r: {("data/stances.csv", line_of(r, "stances", "moon-calls-north-korea-irrational"),
                 "same_position_stance_id", "same-position-mismatch",
                 "stance 'moon-calls-north-korea-irrational' points at "
                 "'chinese-media-criticize-kim', whose holder 'chinese-media' has no relation "
                 "to 'moon-jae-in'",
                 "point at the one stance that counts this position (same topic and "
                 "polarity, its own same_position_stance_id empty, its holder related to "
                 "this one)")})
case("basis-without-value", set_cell("actors", "nba", "country_basis", "stated"),
     lambda r: {("data/actors.csv", line_of(r, "actors", "nba"), "country_basis", "basis-mismatch",
                 "country_basis must be filled exactly when country_iso3 is (country_iso3 "
                 "empty, country_basis 'stated')",
                 "stated when the paper's words give country_iso3, inferred when the "
                 "annotators read it from context; empty when it is empty")})
case("hypothetical-event-coded", set_cell("events", "korean-peninsula-war", "cameo_code",
                                          "0242"),
     lambda r: {(E, line_of(r, "events", "korean-peninsula-war"), "cameo_code",
                 "cameo-undone", "event 'korean-peninsula-war' is hypothetical but coded 0242",
                 "leave cameo_code empty; code the act of proposing or urging it instead")})
case("stance-duplicate", set_cell("stances", "china-supports-six-party-talks", "topic_id",
                                  "dialogue-with-north-korea"),
     lambda r: {("data/stances.csv", max(line_of(r, "stances", "china-supports-six-party-talks"),
                                         line_of(r, "stances",
                                                 "china-supports-engaging-pyongyang")),
                 "stance_id", "stance-duplicate",
                 "'china-supports-six-party-talks' repeats the holder, topic and polarity of "
                 "'china-supports-engaging-pyongyang'",
                 "keep one row for the position (the one with the holder's own words, if any) "
                 "and delete the other")})
case("role-text-says-new", set_cell("actor_relations", "moon-jae-in", "role_text",
                                    "new president"),
     lambda r: {("data/actor_relations.csv", line_of(r, "actor_relations", "moon-jae-in"),
                 "role_text", "role-text-qualifier",
                 "'new president' qualifies the office with 'new'",
                 "write the office alone, in the singular (is_former records 'former')")})
case("date-text-outside-evidence", set_cell("events", "trump-april-tweet", "date_text",
                                            "in April"),
     lambda r: {(E, line_of(r, "events", "trump-april-tweet"), "date_text",
                 "date-text-outside-evidence", "'in April' is not in the row's evidence",
                 "lengthen the evidence to include the phrase that dates the row, or leave "
                 "date_text empty when the date comes from elsewhere")})


# a spreadsheet's marks: said once per column, the per-cell problems they explain left out
def _codes_read_as_numbers(root: Path) -> None:
    for event, code in (("g20-summit-hamburg", "44"), ("mar-a-lago-agreement", "57"),
                        ("moon-trump-white-house-meeting", "42")):
        set_cell("events", event, "cameo_code", code)(root)


case("spreadsheet-dropped-the-zeros-of-codes", _codes_read_as_numbers,
     lambda r: {(E, min(line_of(r, "events", event) for event in (
         "g20-summit-hamburg", "mar-a-lago-agreement", "moon-trump-white-house-meeting")),
                 "cameo_code", "spreadsheet-zeros",
                 "3 cells look like codes a spreadsheet read as numbers, dropping the leading "
                 "zero: " + ", ".join(
                     f"'{code}' for '0{code}'" for _, code in sorted(
                         (line_of(r, "events", event), code) for event, code in (
                             ("g20-summit-hamburg", "44"), ("mar-a-lago-agreement", "57"),
                             ("moon-trump-white-house-meeting", "42")))),
                 default("spreadsheet-zeros"))})
# no foreign key says it: the pattern does (a root code is two digits)
case("spreadsheet-dropped-the-zero-of-a-root-code",
     set_cell("cameo_codes", "057", "root_code", "5"),
     lambda r: {("data/cameo_codes.csv", line_of(r, "cameo_codes", "057"), "root_code",
                 "spreadsheet-zeros", "1 cell looks like codes a spreadsheet read as numbers, "
                 "dropping the leading zero: '5' for '05'", default("spreadsheet-zeros"))})
case("spreadsheet-rewrote-a-date", set_cell("events", "g20-summit-hamburg", "date_start",
                                            "7/1/2017"),
     lambda r: {(E, line_of(r, "events", "g20-summit-hamburg"), "date_start",
                 "spreadsheet-dates", "1 cell looks like dates a spreadsheet rewrote in its own "
                 "format: '7/1/2017'", default("spreadsheet-dates"))})
case("foreign-key-one-edit-away", set_cell("stances", "china-supports-six-party-talks",
                                           "topic_id", "six-party-talk"),
     lambda r: {("data/stances.csv", line_of(r, "stances", "china-supports-six-party-talks"),
                 "topic_id", "foreign-key",
                 "'six-party-talk' is not in topics.topic_id; did you mean 'six-party-talks'?",
                 "use an existing topic_id from data/topics.csv, or add a row there first")})


@pytest.mark.parametrize("name", sorted(CASES))
def test_problem_is_reported_word_for_word(name, tmp_path):
    edit, reseal_after, expected = CASES[name]
    root, wanted = inject(tmp_path, edit, reseal_after, expected)
    report = validate(root, spec=False)
    found = {(p.file, p.line, p.column, p.code, p.message, p.hint) for p in report.problems}
    assert found == wanted, report.to_text()


def test_a_parquet_copy_that_cannot_be_read_names_arrows_reason(tmp_path):
    """The reason is Arrow's own words, quoted (they change with pyarrow; the rest is ours)."""
    root, _ = inject(tmp_path, lambda r: (r / "data" / "parquet" / "topics.parquet")
                     .write_bytes(b"PAR1 not really parquet PAR1"), True, lambda r: set())
    [problem] = validate(root, spec=False).problems
    assert (problem.file, problem.line, problem.column, problem.code, problem.hint) == (
        "data/parquet/topics.parquet", None, None, "parquet-unreadable",
        "regenerate it: run `besa545 build`")  # the check's own hint
    assert problem.message.startswith('the Parquet copy cannot be read: "Parquet file size')


def test_a_missing_link_across_lines_is_located_where_it_starts(tmp_path):
    """A passage without its row is reported at the line of the text where it starts, also
    when it runs on to the next line (no line break falls inside one in this paper)."""
    import numpy as np
    import pandas as pd

    from besa545.check.content import check_links
    from besa545.model.csvfile import StringTable
    from besa545.model.package import Document, Package
    from besa545.model.sourcetext import Span

    text = "Title\n\nSee [the first\nreport](#) here."
    start = text.index("the first")
    anchor = Span(start, start + len("the first\nreport"), "the first\nreport")
    links = StringTable("links", "data/links.csv", pd.DataFrame(
        {"document_id": [], "char_start": [], "char_end": [], "anchor_text": []}, dtype="str"),
        np.array([], dtype=np.int64))
    package = Package(tmp_path, {}, {"links": links},
                      {"d": Document("d", "sources/d.md", "sources/d.txt", text, [anchor])})
    assert [(p.file, p.line, p.code) for p in check_links(package)] == [
        ("sources/d.txt", 3, "link-missing")]

