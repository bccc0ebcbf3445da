"""Fault injection: each kind of corruption, applied to a copy of the real package, is
reported with its exact check code and location, and nothing else is reported."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from besa545.check.scheduler import validate
from helpers import (
    copy_package,
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
    reseal,
    resource,
    set_cell,
    snapshot,
    write_rows,
)

Location = tuple[str, int | None, str | None, str]  # file, line, column, code


# --- the faults ------------------------------------------------------------------------
# Each case: an edit, whether to re-record hashes afterwards, and the exact problems
# expected, given as a function of the pristine copy (so that lines are read, not typed).

CASES: dict[str, tuple[Callable[[Path], None], bool, Callable[[Path], set[Location]]]] = {}


def case(name: str, edit: Callable[[Path], None], expected: Callable[[Path], set[Location]],
         *, reseal_after: bool = True) -> None:
    CASES[name] = (edit, reseal_after, expected)


def cell_case(name: str, table: str, key: str, column: str, value: str, code: str) -> None:
    """One cell set to ``value``, reported as ``code`` at that cell and nowhere else."""
    case(name, set_cell(table, key, column, value),
         lambda r: {(f"data/{table}.csv", line_of(r, table, key), column, code)})


E, A, Q = "data/events.csv", "data/actors.csv", "data/quotations.csv"
P = "data/event_participants.csv"

# files
case("descriptor-missing", lambda r: (r / "datapackage.json").unlink(),
     lambda r: {("datapackage.json", None, None, "descriptor-missing")}, reseal_after=False)
# The descriptor is generated: any edit to it is stale, and no path in it is ever followed
# (each table's files are at their canonical paths).
case("descriptor-resource-without-path",
     edit_descriptor(lambda d: resource(d, "topics").pop("path")),
     lambda r: {("datapackage.json", None, "resources[13].path", "descriptor-stale")},
     reseal_after=False)
case("path-absolute", edit_descriptor(lambda d: resource(d, "topics").update(path="/etc/passwd")),
     lambda r: {("datapackage.json", None, "resources[13].path", "descriptor-stale")},
     reseal_after=False)
case("path-parent", edit_descriptor(
    lambda d: resource(d, "topics").update(path="../outside/topics.csv")),
     lambda r: {("datapackage.json", None, "resources[13].path", "descriptor-stale")},
     reseal_after=False)
# a table left out of the descriptor is still checked, and the omission reported


def _empty_resources_and_broken_csv(root: Path) -> None:
    edit_descriptor(lambda d: d.update(resources=[]))(root)
    set_cell("topics", "six-party-talks", "label", "")(root)


case("descriptor-without-resources-and-a-broken-table", _empty_resources_and_broken_csv,
     lambda r: {("datapackage.json", None, "resources", "descriptor-stale")} | {
         ("data/topics.csv", line_of(r, "topics", "six-party-talks"), "label", "required")},
     reseal_after=False)
case("descriptor-remote-profile", edit_descriptor(
    lambda d: resource(d, "topics").update(profile="http://203.0.113.1/profile.json")),
     lambda r: {("datapackage.json", None, "resources[13].profile", "descriptor-stale")},
     reseal_after=False)
case("descriptor-not-utf8", lambda r: (r / "datapackage.json").write_bytes(
    (r / "datapackage.json").read_bytes().replace(b'"title": "BESA', b'"title": "\xffBESA', 1)),
     lambda r: {("datapackage.json", 4, None, "file-encoding")}, reseal_after=False)




def _parquet_descriptor_is_a_directory(root: Path) -> None:
    (root / "datapackage-parquet.json").unlink()
    (root / "datapackage-parquet.json").mkdir()


# unsafe, not "does not exist": it is there, and the validator will not read it
case("parquet-descriptor-is-a-directory", _parquet_descriptor_is_a_directory,
     lambda r: {("datapackage-parquet.json", None, None, "path-unsafe")}, reseal_after=False)


def _symlink_out(root: Path) -> None:
    outside = root.parent / "elsewhere.csv"
    outside.write_text((root / "data" / "topics.csv").read_text(encoding="utf-8"))
    (root / "data" / "topics.csv").unlink()
    os.symlink(outside, root / "data" / "topics.csv")


case("path-symlink-outside", _symlink_out,
     lambda r: {("data/topics.csv", None, None, "path-unsafe"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")},
     reseal_after=False)


case("parquet-symlink-inside", link_to_copy("data/parquet/topics.parquet"),
     lambda r: {("data/parquet/topics.parquet", None, None, "path-unsafe")},
     reseal_after=False)


def _csv_is_a_directory(root: Path) -> None:
    (root / "data" / "topics.csv").unlink()
    (root / "data" / "topics.csv").mkdir()


case("csv-is-a-directory", _csv_is_a_directory,
     lambda r: {("data/topics.csv", None, None, "path-unsafe"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")},
     reseal_after=False)
# a blank first line (end at 0): one problem at line 1, not one per row or a crash
case("csv-starts-with-a-blank-line", replace_bytes("data/topics.csv", b"topic_id,",
                                                   b"\ntopic_id,"),
     lambda r: {("data/topics.csv", 1, None, "header-blank"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})
case("csv-missing", lambda r: (r / "data" / "topics.csv").unlink(),
     lambda r: {("data/topics.csv", None, None, "file-missing"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})
# A table that the conventions join is missing: its file-missing says so, and the checks
# that need it are skipped, not crashed.
case("events-csv-missing", lambda r: (r / "data" / "events.csv").unlink(),
     lambda r: {("data/events.csv", None, None, "file-missing")}
     | {(f"data/{table}.csv", None, "event_id", "foreign-key-table")
        for table in ("event_participants", "links", "quotations")})
case("participants-csv-missing", lambda r: (r / "data" / "event_participants.csv").unlink(),
     lambda r: {("data/event_participants.csv", None, None, "file-missing")})
case("stances-csv-missing", lambda r: (r / "data" / "stances.csv").unlink(),
     lambda r: {("data/stances.csv", None, None, "file-missing")})


def _drop_topic_column_and_topics(root: Path) -> None:
    drop_column("stances", "topic_id")(root)
    (root / "data" / "topics.csv").unlink()


# A foreign key whose own column is missing is not checked, whatever its target's state:
# the header-missing says it (no "cannot be checked" besides, no duplicate stances from a
# column of nulls).
case("key-column-and-its-target-missing", _drop_topic_column_and_topics,
     lambda r: {("data/stances.csv", 1, "topic_id", "header-missing"),
                ("data/topics.csv", None, None, "file-missing")})
def _md5_recorded(root: Path) -> None:
    edit_descriptor(lambda d: resource(d, "topics").update(
        hash="md5:" + hashlib.md5((root / "data" / "topics.csv").read_bytes()).hexdigest()))(root)


case("hash-not-sha256", _md5_recorded,
     lambda r: {("data/topics.csv", None, None, "file-hash")}, reseal_after=False)
case("csv-edited-without-build", replace_text("data/topics.csv", "Six Party", "Six-Party"),
     lambda r: {("data/topics.csv", None, None, "file-hash")},
     reseal_after=False)


def _swap_parquet(root: Path) -> None:
    folder = root / "data" / "parquet"
    (folder / "topics.parquet").write_bytes((folder / "cameo_codes.parquet").read_bytes())
    path = root / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    resource(descriptor, "topics")["parquet"].update(
        {key: resource(descriptor, "cameo_codes")["parquet"][key] for key in ("bytes", "hash")})
    path.write_text(json.dumps(descriptor), encoding="utf-8")


case("parquet-of-another-table", _swap_parquet,
     lambda r: {("data/parquet/topics.parquet", None, None, "parquet-stale")})


case("parquet-guide-missing", lambda r: (r / "data" / "parquet" / "README.md").unlink(),
     lambda r: {("data/parquet/README.md", None, None, "parquet-guide")})
case("parquet-guide-emptied", lambda r: (r / "data" / "parquet" / "README.md").write_bytes(b""),
     lambda r: {("data/parquet/README.md", None, None, "parquet-guide")})
case("parquet-guide-a-link", link_to_copy("data/parquet/README.md"),
     lambda r: {("data/parquet/README.md", None, None, "path-unsafe")})
case("parquet-corrupt", lambda r: (r / "data" / "parquet" / "topics.parquet").write_bytes(
    b"PAR1 not really parquet PAR1"),
     lambda r: {("data/parquet/topics.parquet", None, None, "parquet-unreadable")})


def _parquet_retyped(root: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = root / "data" / "parquet" / "cameo_codes.parquet"
    table = pq.read_table(path)
    column = table.schema.get_field_index("goldstein")
    pq.write_table(table.set_column(column, "goldstein",
                                    table["goldstein"].cast(pa.string())), path)


case("parquet-retyped-column", _parquet_retyped,
     lambda r: {("data/parquet/cameo_codes.parquet", None, None, "parquet-stale")})
case("bom", replace_bytes("data/topics.csv", b"topic_id", b"\xef\xbb\xbftopic_id"),
     lambda r: {("data/topics.csv", 1, None, "file-bom")})
case("crlf", replace_bytes("data/topics.csv", b"\n", b"\r\n"),
     lambda r: {("data/topics.csv", 1, None, "file-line-ending")})
case("cr-only-line-endings", replace_bytes("data/topics.csv", b"\n", b"\r"),
     lambda r: {("data/topics.csv", 1, None, "file-line-ending"),
                ("data/topics.csv", 1, None, "file-unparsable"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})
case("header-with-a-quoted-line-break",
     replace_text("data/topics.csv", "topic_id,label,", 'topic_id,"la\nbel",'),
     lambda r: {("data/topics.csv", 1, None, "file-unparsable"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})
case("nul-byte", replace_bytes("data/topics.csv", b"Six Party", b"Six\x00Party"),
     lambda r: {("data/topics.csv", line_of(r, "topics", "six-party-talks"), None,
                 "file-nul-byte")})
case("invalid-utf8", replace_bytes("data/topics.csv", b"Six Party", b"Six \xff Party"),
     lambda r: {("data/topics.csv", line_of(r, "topics", "six-party-talks"), None,
                 "file-encoding"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})
# Arrow checks the UTF-8 of values but not of column names: the header is checked here.
case("invalid-utf8-in-header", replace_bytes("data/topics.csv", b"topic_id,", b"topic_\xffid,"),
     lambda r: {("data/topics.csv", 1, None, "file-encoding"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})


def _duplicate_header_and_bad_byte(root: Path) -> None:
    replace_bytes("data/topics.csv", b"topic_id,label", b"topic_id,topic_id")(root)
    replace_bytes("data/topics.csv", b"Six Party", b"Six \xff Party")(root)


# a file that is not UTF-8 is reported as that alone: its header cannot be trusted
case("invalid-utf8-and-header-duplicate", _duplicate_header_and_bad_byte,
     lambda r: {("data/topics.csv", line_of(r, "topics", "six-party-talks"), None,
                 "file-encoding"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})
case("source-text-changed", replace_bytes("sources/besa-pp-545.md", b"July 30", b"July 31"),
     lambda r: {("data/documents.csv", 2, "raw_sha256", "source-hash")})
def _paper_rewritten(old: bytes, new: bytes) -> Callable[[Path], None]:
    """The paper's raw text edited, its hash recorded and every derived file written from
    it, as a contributor's own tools could (the build itself refuses such a paper)."""
    def edit(root: Path) -> None:
        import hashlib

        from besa545.assemble.pipeline import compute, write_atomically
        from besa545.assemble.render import render

        replace_bytes("sources/besa-pp-545.md", old, new)(root)
        digest = hashlib.sha256((root / "sources" / "besa-pp-545.md").read_bytes()).hexdigest()
        set_cell("documents", "besa-pp-545", "raw_sha256", digest)(root)
        write_atomically(root, render(compute(root)))

    return edit


def _text_line(root: Path, words: str) -> int:
    text = (root / "sources" / "besa-pp-545.txt").read_text(encoding="utf-8")
    return text[: text.index(words)].count("\n") + 1


# The paper's text is data too: what a terminal or a spreadsheet would run is refused
case("source-with-a-bidi-override",
     _paper_rewritten(b"through the generosity", "through\u202e the generosity".encode()),
     lambda r: {("sources/besa-pp-545.txt", _text_line(r, "through the generosity"), None,
                 "source-character")}, reseal_after=False)
case("source-with-tag-characters",  # invisible ASCII "smuggled" as Unicode tags
     _paper_rewritten(b"through the generosity",
                      "through\U000e0069\U000e0067 the generosity".encode()),
     lambda r: {("sources/besa-pp-545.txt", _text_line(r, "through the generosity"), None,
                 "source-character")}, reseal_after=False)
case("source-paragraph-like-a-formula", _paper_rewritten(b"PERSPECTIVES\n", b"=PERSPECTIVES\n"),
     lambda r: {("sources/besa-pp-545.txt", 1, None, "source-formula")}, reseal_after=False)


def _summary_padded_and_paper_changed(root: Path) -> None:
    set_cell("documents", "besa-pp-545", "executive_summary", " Padded summary ")(root)
    replace_bytes("sources/besa-pp-545.md", b"July 30", b"July 31")(root)


# the paper cannot be read, so nothing is compared with its derivation: the summary as
# written is still checked cell by cell, in the same run
case("summary-padded-while-the-paper-cannot-be-read", _summary_padded_and_paper_changed,
     lambda r: {("data/documents.csv", 2, "raw_sha256", "source-hash"),
                ("data/documents.csv", 2, "executive_summary", "cell-whitespace")})
case("plain-text-changed", replace_text("sources/besa-pp-545.txt", "PERSPECTIVES", "Perspectives"),
     lambda r: {("sources/besa-pp-545.txt", None, None, "text-stale")})
case("schema-missing", lambda r: (r / "schemas" / "topics.json").unlink(),
     lambda r: {("schemas/topics.json", None, None, "schema-missing"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})
case("schema-not-json", lambda r: (r / "schemas" / "topics.json").write_text("{"),
     lambda r: {("schemas/topics.json", None, None, "schema-invalid"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})

case("schema-unknown-type", replace_text("schemas/topics.json", '"type": "string"',
                                          '"type": "geopoint"'),
     lambda r: {("schemas/topics.json", None, "topic_id", "schema-invalid"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})
case("descriptor-resources-not-a-list", edit_descriptor(lambda d: d.update(resources={})),
     lambda r: {("datapackage.json", None, "resources", "descriptor-resources")},
     reseal_after=False)
case("schema-pattern-not-a-regex",
     replace_text("schemas/topics.json", '"pattern": "[a-z0-9]+(-[a-z0-9]+)*"', '"pattern": "("'),
     lambda r: {("schemas/topics.json", None, "topic_id", "schema-invalid"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})
case("schema-pattern-with-lookahead",
     replace_text("schemas/topics.json", '"pattern": "[a-z0-9]+(-[a-z0-9]+)*"',
                  '"pattern": "(?=a)(a+)+"'),
     lambda r: {("schemas/topics.json", None, "topic_id", "schema-invalid"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})
case("schema-example-not-a-string",
     replace_text("schemas/cameo_codes.json", '"example": "8.0"', '"example": 8.0'),
     lambda r: {("schemas/cameo_codes.json", None, "goldstein", "schema-invalid"),
                ("data/events.csv", None, "cameo_code", "foreign-key-table")})
case("schema-maximum-not-a-number",
     replace_text("schemas/cameo_codes.json", '"maximum": 10', '"maximum": "10"'),
     lambda r: {("schemas/cameo_codes.json", None, "goldstein", "schema-invalid"),
                ("data/events.csv", None, "cameo_code", "foreign-key-table")})



def _spreadsheet_and_real_faults(root: Path) -> None:
    set_cell("events", "g20-summit-hamburg", "cameo_code", "44")(root)  # lost its zero
    set_cell("events", "mar-a-lago-agreement", "cameo_code", "999")(root)  # no such code
    set_cell("events", "g20-summit-hamburg", "date_start", "7/1/2017")(root)  # reformatted
    set_cell("events", "mar-a-lago-agreement", "date_start", "2017-02-30")(root)  # no such day


# a spreadsheet's mark leaves out only the problems of the cells it changed: a wrong code
# and an impossible date in the same columns are still reported, each at its cell
case("spreadsheet-marks-beside-real-faults", _spreadsheet_and_real_faults,
     lambda r: {(E, line_of(r, "events", "g20-summit-hamburg"), "cameo_code",
                 "spreadsheet-zeros"),
                (E, line_of(r, "events", "g20-summit-hamburg"), "date_start",
                 "spreadsheet-dates"),
                (E, line_of(r, "events", "mar-a-lago-agreement"), "cameo_code", "foreign-key"),
                (E, line_of(r, "events", "mar-a-lago-agreement"), "date_start", "type-date")})


def _reference_to_no_column(root: Path) -> None:
    """events' foreign key into documents names a column documents does not have."""
    path = root / "schemas" / "events.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["foreignKeys"][0]["reference"]["fields"] = "no_such_col"
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


# a schema edit may name any column: a located problem, never a crash (of the foreign key
# check or of the spreadsheet check, which reads the referenced values too)
case("foreign-key-to-a-column-that-does-not-exist", _reference_to_no_column,
     lambda r: {("data/events.csv", None, "document_id", "foreign-key-table")})


def _schema_pattern(table: str, field: str, pattern: str) -> Callable[[Path], None]:
    """The field given ``pattern`` in its Table Schema, as a pull request can."""
    def edit(root: Path) -> None:
        path = root / "schemas" / f"{table}.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        (column,) = [item for item in schema["fields"] if item["name"] == field]
        column.setdefault("constraints", {})["pattern"] = pattern
        path.write_text(json.dumps(schema, indent=2), encoding="utf-8")

    return edit


# A schema cannot switch the cell rules off: a pattern that admits anything, then a name
# that a terminal or a spreadsheet would run.
case("cell-rules-whatever-the-pattern", lambda r: (
    _schema_pattern("actors", "name", "(?s).+")(r),
    set_cell("actors", "nba", "name", "=HYPERLINK(\"x\")\u202e")(r)),
     lambda r: {(A, line_of(r, "actors", "nba"), "name", code)
                for code in ("cell-formula", "cell-invisible")})
case("schema-enum-value-with-control-characters",
     replace_text("schemas/stances.json", '"oppose",', '"oppose\\n\\tT1 x",'),
     lambda r: {("schemas/stances.json", None, None, "schema-invalid")})
case("schema-field-name-not-an-identifier",
     replace_text("schemas/topics.json", '"name": "label"', '"name": "label\\" TEXT, x"'),
     lambda r: {("schemas/topics.json", None, 'label" TEXT, x', "schema-invalid"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})


# data/ and sources/ hold the package's files only: the wheel carries them whole
case("stray-files", lambda r: (
    (r / "data" / "helper.py").write_text("import os\n"),
    (r / "data" / "parquet" / "x").mkdir(),
    (r / "sources" / "notes.html").write_text("<script></script>\n")),
     lambda r: {(f, None, None, "file-unexpected")
                for f in ("data/helper.py", "data/parquet/x", "sources/notes.html")})


# A link target is a web address: never a script a page would run when clicked.
case("link-target-javascript", lambda r: _set_link_target(r, "javascript:alert(1)"),
     lambda r: {("data/links.csv", 2, "target_url", "link-target-scheme")})
case("document-url-javascript",
     set_cell("documents", "besa-pp-545", "url", "javascript:alert(document.cookie)"),
     lambda r: {("data/documents.csv", 2, "url", "link-target-scheme")})
case("link-target-web-address", lambda r: _set_link_target(r, "HTTPS://example.org/a?b#c"),
     lambda r: {("data/parquet/links.parquet", None, None, "parquet-stale")})  # not built


def _set_link_target(root: Path, value: str) -> None:
    rows = read_rows(root, "links")
    rows[0]["target_url"] = value
    write_rows(root, "links", rows)


def _foreign_key_as_lists(root: Path) -> None:
    path = root / "schemas" / "stances.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    for key in schema["foreignKeys"]:
        key["fields"] = [key["fields"]]
        key["reference"]["fields"] = [key["reference"]["fields"]]
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


# a one-element list is the same foreign key as the field name alone
case("foreign-key-as-a-list", _foreign_key_as_lists, lambda r: set())
case("foreign-key-as-a-list-broken", lambda r: (
    _foreign_key_as_lists(r),
    set_cell("stances", "china-opposes-war", "holder_actor_id", "chinaa")(r)),
     lambda r: {("data/stances.csv", line_of(r, "stances", "china-opposes-war"),
                 "holder_actor_id", "foreign-key")})
case("raw-path-outside", set_cell("documents", "besa-pp-545", "raw_path", "/etc/passwd"),
     lambda r: {("data/documents.csv", 2, "raw_path", "path-unsafe"),
                ("data/documents.csv", 2, "raw_path", "pattern")})
# a file inside the package but outside sources/ escapes the size counted before reading
case("raw-path-elsewhere-in-the-package",
     set_cell("documents", "besa-pp-545", "raw_path", "data/actors.csv"),
     lambda r: {("data/documents.csv", 2, "raw_path", "path-unsafe"),
                ("data/documents.csv", 2, "raw_path", "pattern")})
case("text-path-in-a-subfolder-of-sources",
     set_cell("documents", "besa-pp-545", "text_path", "sources/sub/besa-pp-545.txt"),
     lambda r: {("data/documents.csv", 2, "text_path", "path-unsafe"),
                ("data/documents.csv", 2, "text_path", "pattern")})


def _raw_text_not_utf8(root: Path) -> None:
    """A raw text with a byte that is not UTF-8, its recorded hash updated to match."""
    replace_bytes("sources/besa-pp-545.md", b"July 30", b"July \xff30")(root)
    digest = hashlib.sha256((root / "sources" / "besa-pp-545.md").read_bytes()).hexdigest()
    set_cell("documents", "besa-pp-545", "raw_sha256", digest)(root)


# the hash matches, so the text is decoded: a bad byte is located, not a crash
case("raw-text-not-utf8", _raw_text_not_utf8,
     lambda r: {("sources/besa-pp-545.md", None, None, "file-encoding"),
                ("data/parquet/documents.parquet", None, None, "parquet-stale")})


# the coding conventions (check/conventions.py)
def _without_target(event: str, *, unstated: bool = False) -> Callable[[Path], None]:
    """The event's one target row taken away (and, if ``unstated``, the paper said not to
    name one)."""
    def edit(root: Path) -> None:
        rows = read_rows(root, "event_participants")
        kept = [row for row in rows if (row["event_id"], row["role"]) != (event, "target")]
        assert len(kept) == len(rows) - 1
        write_rows(root, "event_participants", kept)
        if unstated:
            set_cell("events", event, "target_unstated", "true")(root)
    return edit


def _chain(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        for one in edits:
            one(root)
    return edit


S = "data/stances.csv"
# evidence at the text's first character (offset 0 is located, not "not found"): an
# event's source and a stance's holder are asked for like any other
case("event-source-not-in-evidence-at-offset-0",
     new_evidence("events", "chinese-media-criticism-of-kim", "PERSPECTIVES"),
     lambda r: {("data/event_participants.csv",
                 line_with(r, "event_participants",
                           "chinese-media-criticism-of-kim,chinese-media,source,stated"),
                 "actor_id", "subject-not-in-evidence"),
                # the problem is in another file: events.csv is compared with its copy
                ("data/parquet/events.parquet", None, None, "parquet-stale")})
case("stance-holder-not-in-evidence-at-offset-0",
     new_evidence("stances", "moon-opposes-thaad", "PERSPECTIVES"),
     lambda r: {(S, line_of(r, "stances", "moon-opposes-thaad"), "evidence",
                 "subject-not-in-evidence")})
case("demand-without-target",  # 1042, insist: a demand (10) is directed too
     _without_target("us-insists-china-implement-resolution-2321"),
     lambda r: {(E, line_of(r, "events", "us-insists-china-implement-resolution-2321"),
                 "cameo_code", "target-missing"),
                ("data/parquet/event_participants.parquet", None, None, "parquet-stale")})
# the paper not saying whom the act is directed at is a decision, not a missing target;
# saying so beside a target row is a contradiction
case("directed-event-target-unstated", _without_target("trump-administration-urges-china",
                                                       unstated=True),
     lambda r: {("data/parquet/event_participants.parquet", None, None, "parquet-stale"),
                ("data/parquet/events.parquet", None, None, "parquet-stale")})
cell_case("target-unstated-on-an-undirected-action", "events",
          "kim-missile-tests-threaten-china", "target_unstated", "true", "target-unstated-misused")
cell_case("target-unstated-false", "events", "trump-administration-urges-china",
          "target_unstated", "false", "target-unstated-misused")
# a bad value is a type problem, and not also a missing target
cell_case("target-unstated-not-a-boolean", "events", "china-proposes-six-party-talks",
          "target_unstated", "True", "type-boolean")
# subject_evidence: where the evidence names no one, it names the subject; it must be in the
# text once ("Trump" is there many times); an inferred source is not asked for
case("holder-named-by-subject-evidence",
     _chain(new_evidence("stances", "moon-opposes-thaad",
                         "did not look favorably on the deployment of THAAD"),
            set_cell("stances", "moon-opposes-thaad", "subject_evidence",
                     "The new president, Moon Jae-in")),
     lambda r: {("data/parquet/stances.parquet", None, None, "parquet-stale")})
# a subject evidence names the subject by a mention of it (not by a longer name that holds
# its name), in the evidence's own paragraph, nearest to it
case("holder-named-in-another-paragraph", _chain(
        set_cell("stances", "china-opposes-war", "holder_actor_id", "xi-jinping"),
        set_cell("stances", "china-opposes-war", "subject_evidence",
                 "meeting Xi on the sidelines")),
     lambda r: {(S, line_of(r, "stances", "china-opposes-war"), "evidence",
                 "subject-not-in-evidence")})
case("holder-named-only-inside-another-actors-name", _chain(
        set_cell("stances", "moon-opposes-thaad", "holder_actor_id", "united-states"),
        set_cell("stances", "moon-opposes-thaad", "subject_evidence", "the new US administration")),
     lambda r: {(S, line_of(r, "stances", "moon-opposes-thaad"), "evidence",
                 "subject-not-in-evidence")})
case("source-named-farther-than-the-nearest-mention",
     set_cell("events", "trump-remarks-to-reporters", "subject_evidence", "Trump himself"),
     lambda r: {(P, line_with(r, "event_participants",
                              "trump-remarks-to-reporters,donald-trump,source,stated"),
                 "actor_id", "subject-not-in-evidence"),
                ("data/parquet/events.parquet", None, None, "parquet-stale")})
case("inferred-source-not-asked-for", new_evidence("events", "warmbier-arrest",
                                                   "had been summarily arrested"),
     lambda r: {("data/parquet/events.parquet", None, None, "parquet-stale")})
case("stated-source-asked-for", _chain(
        new_evidence("events", "warmbier-arrest", "had been summarily arrested"),
        replace_text(P, "warmbier-arrest,north-korea,source,inferred",
                     "warmbier-arrest,north-korea,source,stated")),
     lambda r: {(P, line_with(r, "event_participants",  # the line before the edit
                              "warmbier-arrest,north-korea,source,inferred"),
                 "actor_id", "subject-not-in-evidence"),
                ("data/parquet/events.parquet", None, None, "parquet-stale")})
# a position counted under another: same topic and polarity, one level deep
cell_case("same-position-other-topic", "stances", "trump-supports-military-build-up",
          "same_position_stance_id", "china-opposes-war", "same-position-mismatch")
cell_case("same-position-chained", "stances", "trump-opposes-strategic-patience",
          "same_position_stance_id", "tillerson-opposes-strategic-patience",
          "same-position-mismatch")
# a stance that does not exist: the foreign key says so, the position rule does not guess
cell_case("same-position-of-no-stance", "stances", "trump-supports-military-build-up",
          "same_position_stance_id", "no-such-stance", "foreign-key")
# the stance that counts a position points at itself: its two rows are not told again
cell_case("same-position-root-points-at-itself", "stances", "us-opposes-strategic-patience",
          "same_position_stance_id", "us-opposes-strategic-patience", "same-position-mismatch")
case("schema-basis-of-no-field",
     replace_text("schemas/events.json", '"x-basis-of": "location_iso3"',
                  '"x-basis-of": "no_such_column"'),
     lambda r: {("schemas/events.json", None, "location_basis", "schema-invalid"),
                ("data/event_participants.csv", None, "event_id", "foreign-key-table"),
                ("data/quotations.csv", None, "event_id", "foreign-key-table"),
                ("data/links.csv", None, "event_id", "foreign-key-table")})
# a basis goes with its value
cell_case("value-without-basis", "events", "warmbier-death", "location_basis", "",
          "basis-mismatch")

# headers and rows
case("header-unknown", replace_text("data/topics.csv", "topic_id,label", "topic_id,labels"),
     lambda r: {("data/topics.csv", 1, "labels", "header-unknown"),
                ("data/topics.csv", 1, "label", "header-missing")})
case("header-blank", replace_text("data/topics.csv", "topic_id,label", "topic_id,"),
     lambda r: {("data/topics.csv", 1, None, "header-blank"),
                ("data/topics.csv", 1, "label", "header-missing"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})


def _drop_label_and_empty_a_description(root: Path) -> None:
    rows = read_rows(root, "topics")
    for row in rows:
        del row["label"]
    next(row for row in rows if row["topic_id"] == "thaad-deployment")["description"] = ""
    write_rows(root, "topics", rows)


# the missing column is reported once, and a fault in a later column is still found
case("header-missing-and-a-later-fault", _drop_label_and_empty_a_description,
     lambda r: {("data/topics.csv", 1, "label", "header-missing"),
                ("data/topics.csv", line_of(r, "topics", "thaad-deployment"), "description",
                 "required")})


def _swap_columns(root: Path) -> None:
    rows = read_rows(root, "cameo_codes")
    write_rows(root, "cameo_codes", [{"name": row["name"], "code": row["code"],
                                      "goldstein": row["goldstein"],
                                      "root_code": row["root_code"]} for row in rows])


case("header-order", _swap_columns,
     lambda r: {("data/cameo_codes.csv", 1, None, "header-order")})
case("header-duplicate", replace_text("data/topics.csv", "topic_id,label", "topic_id,topic_id"),
     lambda r: {("data/topics.csv", 1, "topic_id", "header-duplicate"),
                ("data/topics.csv", 1, "label", "header-missing"),
                ("data/stances.csv", None, "topic_id", "foreign-key-table")})
case("row-extra-field", replace_text(P, "warmbier-death,otto-warmbier,subject",
                                     "warmbier-death,otto-warmbier,subject,x"),
     lambda r: {(P, line_of(r, "event_participants", "warmbier-death"), None,
                 "row-field-count")})
# (on the last row: an unclosed quote swallows every row after it, which other checks
# would then miss)
case("row-unterminated-quote", replace_text(P, "warmbier-sentence,otto-warmbier,target",
                                            '"warmbier-sentence,otto-warmbier,target'),
     lambda r: {(P, read_rows(r, "event_participants").index(
         {"event_id": "warmbier-sentence", "actor_id": "otto-warmbier", "role": "target",
          "basis": "stated"}) + 2,
                 None, "row-field-count")})
case("row-blank", replace_text("data/topics.csv", "\nsix-party-talks,", "\n\nsix-party-talks,"),
     lambda r: {("data/topics.csv", line_of(r, "topics", "six-party-talks"), None, "row-blank")})
cell_case("cell-10-megabytes", "topics", "six-party-talks", "description", "x" * 10_000_000,
          "cell-too-long")

# types, constraints and keys, one table each
cell_case("required-empty", "topics", "six-party-talks", "label", "", "required")
cell_case("enum-actor-type", "actors", "nba", "actor_type", "league", "enum")
cell_case("pattern-iso3", "actors", "china", "country_iso3", "chn", "pattern")
case("integer-with-decimals", set_cell("authorships", "besa-pp-545", "position", "1.0"),
     lambda r: {("data/authorships.csv", 2, "position", "type-integer")})
cell_case("date-impossible", "events", "mar-a-lago-agreement", "date_end", "2017-04-31",
          "type-date")
cell_case("date-written-null", "events", "mar-a-lago-agreement", "date_end", "null", "type-date")
cell_case("date-year-one", "events", "mar-a-lago-agreement", "date_end", "0001-04-30",
          "type-date")  # a real date, but not one a loaded table (datetime64[ns]) can hold
cell_case("number-not-a-number", "cameo_codes", "042", "goldstein", "high", "type-number")
cell_case("number-above-maximum", "cameo_codes", "042", "goldstein", "11", "maximum")
case("integer-beyond-int64", set_cell("authorships", "besa-pp-545", "position",
                                      "9223372036854775808"),
     lambda r: {("data/authorships.csv", 2, "position", "type-integer")})
case("integer-below-minimum", set_cell("authorships", "besa-pp-545", "position", "0"),
     lambda r: {("data/authorships.csv", 2, "position", "minimum")})
cell_case("number-signed-above-maximum", "cameo_codes", "042", "goldstein", "+11", "maximum")
cell_case("boolean-invalid", "actor_relations", "dennis-rodman", "is_former", "yes", "type-boolean")
case("unique-id-duplicated", set_cell("topics", "six-party-talks", "topic_id", "thaad-deployment"),
     lambda r: {("data/topics.csv", line_of(r, "topics", "six-party-talks"), "topic_id",
                 "unique"),
                ("data/topics.csv", line_of(r, "topics", "thaad-deployment"), "topic_id",
                 "unique"),
                ("data/stances.csv", line_of(r, "stances", "china-supports-six-party-talks"),
                 "topic_id", "foreign-key")})


def _duplicate_participant(root: Path) -> None:
    rows = read_rows(root, "event_participants")
    rows.append(dict(rows[0]))
    write_rows(root, "event_participants", rows)


case("composite-key-duplicated", _duplicate_participant,
     lambda r: {("data/event_participants.csv", 2, "event_id, actor_id, role", "primary-key"),
                ("data/event_participants.csv",
                 len(read_rows(r, "event_participants")) + 2, "event_id, actor_id, role",
                 "primary-key")})
cell_case("foreign-key-broken", "stances", "china-opposes-war", "holder_actor_id", "chinaa",
          "foreign-key")
case("enum-participant-role", set_cell("event_participants", "warmbier-death", "role", "victim"),
     lambda r: {("data/event_participants.csv", line_of(r, "event_participants",
                                                        "warmbier-death"), "role", "enum")})

# content
# (an event with no source and no date_text: only the evidence rules can fire)
R = "refugee-flow-north-korea-to-china"
case("evidence-not-in-text", set_cell("events", R, "evidence", "a huge flow of refugees to China"),
     lambda r: {(E, line_of(r, "events", R), "evidence", "evidence-not-found")})
case("evidence-shortened", set_cell("events", R, "evidence", "a huge flow of refugees"),
     lambda r: {(E, line_of(r, "events", R), "char_start", "offset-mismatch")})
cell_case("evidence-occurs-twice", "events", R, "evidence", "Beijing", "evidence-ambiguous")
cell_case("offsets-shifted", "events", "mar-a-lago-agreement", "char_start", "1487",
          "offset-mismatch")
case("quotation-not-whole-passage",
     set_cell("quotations", "sports-diplomacy", "text", "sports"),
     lambda r: {(Q, line_of(r, "quotations", "sports-diplomacy"), "char_start",
                 "offset-mismatch"),
                (Q, line_of(r, "quotations", "sports-diplomacy"), "text",
                 "quotation-not-quoted"),
                ("sources/besa-pp-545.txt", 23, None, "quotation-missing")})


def _quotation_without_text(root: Path) -> None:
    set_cell("quotations", "sports-diplomacy", "text", "")(root)
    set_cell("quotations", "sports-diplomacy", "evidence", "not in the paper")(root)


# an empty spanned column is reported as required, and its row is not located at all
case("quotation-text-empty", _quotation_without_text,
     lambda r: {(Q, line_of(r, "quotations", "sports-diplomacy"), "text", "required")})
case("quotation-row-missing", drop_row("quotations", "sports-diplomacy"),
     lambda r: {("sources/besa-pp-545.txt", 23, None, "quotation-missing"),
                ("data/parquet/quotations.parquet", None, None, "parquet-stale")})
case("link-row-missing", drop_row("links", "link-global-times-editorial"),
     lambda r: {("sources/besa-pp-545.txt", 31, None, "link-missing"),
                ("data/parquet/links.parquet", None, None, "parquet-stale")})
cell_case("quotation-text-outside-evidence", "quotations", "moon-dialogue-necessary", "text",
          "dialogue is needed", "text-not-in-evidence")
cell_case("link-anchor-outside-evidence", "links", "link-global-times-editorial", "anchor_text",
          "Global Times column", "anchor-text-not-in-evidence")


def _speaker_named_only_in_the_quote(root: Path) -> None:
    for column, value in (("speaker_actor_id", "china"),
                          ("evidence", "Trump's comments remain ambiguous.")):
        set_cell("quotations", "global-times-strategic-interests", column, value)(root)


# the speaker is looked for in the evidence, not in the quoted words (which name China
# here): evidence that names neither the speaker nor holds the quote is both problems
case("speaker-named-only-in-the-quote", _speaker_named_only_in_the_quote,
     lambda r: {(Q, line_of(r, "quotations", "global-times-strategic-interests"), column,
                 code) for column, code in (("text", "text-not-in-evidence"),
                                            ("evidence", "subject-not-in-evidence"))})
case("link-row-not-a-link",
     set_cell("links", "link-global-times-editorial", "anchor_text", "recent"),
     lambda r: {("data/links.csv", line_of(r, "links", "link-global-times-editorial"),
                 "anchor_text", "link-not-a-link"),
                ("data/links.csv", line_of(r, "links", "link-global-times-editorial"),
                 "char_start", "offset-mismatch"),
                ("sources/besa-pp-545.txt", 31, None, "link-missing")})
def _new_stance_before_build(root: Path) -> None:
    rows = read_rows(root, "stances")
    new = dict(rows[0], stance_id="new-stance", char_start="", char_end="",
               holder_actor_id="optimistic-scholars", topic_id="peaceful-us-china-settlement",
               polarity="mixed", attribution="author_assessment", quote_id="",
               evidence="Optimistic scholars believe their differences will be solved")
    write_rows(root, "stances", [*rows, new])


# a correct new row validated before the build: said once, plainly (no hash, no offsets)
case("new-row-validated-before-build", _new_stance_before_build,
     lambda r: {("data/stances.csv",  # the line after the file's last (cells span lines)
                 (r / "data" / "stances.csv").read_text(encoding="utf-8").count("\n") + 1,
                 "char_start", "not-built")}, reseal_after=False)


def _reverse_dates_without_basis(root: Path) -> None:
    set_cell("events", "mar-a-lago-agreement", "date_start", "2017-05-01")(root)
    drop_column("events", "date_basis")(root)


# without date_basis, only the rule that reads it is skipped: the order and precision of
# the interval are still checked
case("date-order-without-date-basis", _reverse_dates_without_basis,
     lambda r: {(E, 1, "date_basis", "header-missing")}
     | {(E, line_of(r, "events", "mar-a-lago-agreement"), "date_start", code)
        for code in ("date-order", "date-precision")})


def _interval(start: str, end: str, precision: str) -> Callable[[Path], None]:
    """An edit: the Mar-a-Lago event's interval and precision set to these."""
    def edit(root: Path) -> None:
        for column, value in (("date_start", start), ("date_end", end),
                              ("date_precision", precision)):
            set_cell("events", "mar-a-lago-agreement", column, value)(root)
    return edit


_one_day = _interval("2017-04-06", "2017-04-06", "day")
_whole_year = _interval("2017-01-01", "2017-12-31", "year")
# an interval of one day starts on the day it ends: in order, and right for day precision
# (only the Parquet copy, not rebuilt after the edit, differs)
case("date-of-one-day", _one_day,
     lambda r: {("data/parquet/events.parquet", None, None, "parquet-stale")})
case("date-precision-month", set_cell("events", "mar-a-lago-agreement", "date_end",
                                      "2017-04-29"),
     lambda r: {(E, line_of(r, "events", "mar-a-lago-agreement"), "date_start",
                 "date-precision")})
case("date-precision-year", set_cell("events", "mar-a-lago-agreement", "date_precision",
                                     "year"),
     lambda r: {(E, line_of(r, "events", "mar-a-lago-agreement"), "date_start",
                 "date-precision")})

# a whole year agrees with `year`: only the (now stale) Parquet copy is reported
case("date-precision-year-agrees", _whole_year,
     lambda r: {("data/parquet/events.parquet", None, None, "parquet-stale")})


def _year_ends_in_another_year(root: Path) -> None:
    _whole_year(root)
    set_cell("events", "mar-a-lago-agreement", "date_end", "2018-12-31")(root)


case("date-precision-year-spans-two", _year_ends_in_another_year,
     lambda r: {(E, line_of(r, "events", "mar-a-lago-agreement"), "date_start",
                 "date-precision")})
cell_case("formula-injection", "topics", "six-party-talks", "label", "=HYPERLINK(1)",
          "cell-formula")
cell_case("whitespace", "topics", "six-party-talks", "label", "Six Party Talks ", "cell-whitespace")
cell_case("leading-space", "topics", "six-party-talks", "label", " Six Party Talks",
          "cell-whitespace")
cell_case("tab-inside", "topics", "six-party-talks", "label", "Six\tParty Talks", "cell-invisible")
cell_case("delete-character", "topics", "six-party-talks", "label", "Six\x7fParty Talks",
          "cell-invisible")
cell_case("zero-width-space", "topics", "six-party-talks", "label", "Six\u200bParty Talks",
          "cell-invisible")
cell_case("bidi-override", "actors", "nba", "description", "National \u202eBasketball",
          "cell-invisible")
cell_case("escape-sequence", "topics", "six-party-talks", "label", "Six \x1b[2J Party",
          "cell-invisible")
cell_case("not-nfc", "topics", "six-party-talks", "label", "Cafe\u0301 talks", "cell-unicode")
case("actor-never-mentioned", drop_row("aliases", "nba", "actor_id"),
     lambda r: {(A, line_of(r, "actors", "nba"), "actor_id", "actor-unmentioned"),
                ("data/mentions.csv", None, None, "derived-stale"),
                ("data/parquet/aliases.parquet", None, None, "parquet-stale")})


# Only a key of one field is an identifier: the first field of a key of several (an
# event_id in event_participants) may repeat, and differing by case there is the foreign
# key's and the pattern's to report.
case("case-twin-in-a-key-of-several-fields",
     replace_text(P, "china-implements-coal-ban,china,source,stated",
                  "China-Economic-Pressure-On-North-Korea,china,source,stated"),
     lambda r: {(P, line_with(r, "event_participants",
                              "china-implements-coal-ban,china,source,stated"),
                 "event_id", code) for code in ("foreign-key", "pattern")})
cell_case("id-not-a-slug", "links", "link-global-times-editorial", "link_id", "Link GT", "pattern")
case("mentions-edited", drop_row("mentions", "besa-pp-545-m00107"),
     lambda r: {("data/mentions.csv", None, None, "derived-stale")})
case("derived-table-edited", set_cell("paragraphs", "besa-pp-545-p03", "kind", "body"),
     lambda r: {("data/paragraphs.csv", None, None, "derived-stale")})
# A derived table whose values are as derived is compared without being read into memory;
# what only the bytes show must still be reported, and a file that cannot be parsed is
# then read in full so that its rows are located.
case("derived-table-crlf", replace_bytes("data/mentions.csv", b"\n", b"\r\n"),
     lambda r: {("data/mentions.csv", 1, None, "file-line-ending")})
case("derived-table-missing", lambda r: (r / "data" / "mentions.csv").unlink(),
     lambda r: {("data/mentions.csv", None, None, "file-missing")})
case("derived-table-bom", replace_bytes("data/paragraphs.csv", b"paragraph_id",
                                        b"\xef\xbb\xbfparagraph_id"),
     lambda r: {("data/paragraphs.csv", 1, None, "file-bom")})
case("derived-table-ragged-row", replace_bytes("data/mentions.csv", b"\nbesa-pp-545-m00130,",
                                               b"\nx,y\nbesa-pp-545-m00130,"),
     lambda r: {("data/mentions.csv", line_of(r, "mentions", "besa-pp-545-m00130"), None,
                 "row-field-count")})


@pytest.mark.parametrize("name", sorted(CASES))
def test_fault_is_reported_exactly(name, tmp_path):
    edit, reseal_after, expected = CASES[name]
    root, wanted = inject(tmp_path, edit, reseal_after, expected)
    before = snapshot(root)
    report = validate(root, spec=False)
    found = {(p.file, p.line, p.column, p.code) for p in report.problems}
    assert found == wanted, report.to_text()
    assert len(report.problems) == len(set(report.problems)), "a problem is reported once"
    assert all(problem.message and problem.hint for problem in report.problems)
    assert snapshot(root) == before, "validation must not change the package"


def every_case_location(root: Path) -> dict[str, set[Location]]:
    """Where each fault case of the package is reported: those of this table, and those
    tests/test_check_messages.py pins word for word (not repeated here), by location."""
    from test_check_messages import CASES as WORDED

    return {**{name: wanted(root) for name, (_, _, wanted) in CASES.items()},
            **{name: {full[:4] for full in wanted(root)}
               for name, (_, _, wanted) in WORDED.items()}}


def test_faults_cover_thirty_checks_and_every_table():
    from conftest import ROOT

    cases = every_case_location(ROOT)
    expected = set().union(*cases.values())
    assert len(cases) >= 30
    assert len({code for _, _, _, code in expected}) >= 30
    files = {file for file, _, _, _ in expected}
    tables = {path.stem for path in (ROOT / "schemas").glob("*.json")}
    assert {f"data/{table}.csv" for table in tables} <= files | {
        "data/documents.csv"}, sorted({f"data/{t}.csv" for t in tables} - files)


def test_no_case_is_in_both_tables():
    """A fault pinned word for word in tests/test_check_messages.py is not located again
    here: one case, one place."""
    from test_check_messages import CASES as WORDED

    assert set(CASES) & set(WORDED) == set()


def test_clean_package_reports_nothing(tmp_path):
    root = copy_package(tmp_path / "package")
    report = validate(root)
    assert report.problems == []
    assert report.to_text() == "ok: no problems found"


def test_encoding_error_counts_bytes_from_the_start_of_the_file(tmp_path):
    """With a BOM, the byte offset of an invalid sequence still counts the BOM's 3 bytes."""
    root = copy_package(tmp_path / "package")
    replace_bytes("data/topics.csv", b"topic_id", b"\xef\xbb\xbftopic_id")(root)
    replace_bytes("data/topics.csv", b"Six Party", b"Six \x81 Party")(root)
    reseal(root)
    offset = (root / "data" / "topics.csv").read_bytes().index(b"\x81")
    (problem,) = [p for p in validate(root, spec=False).problems if p.code == "file-encoding"]
    assert problem.message.endswith(f"at byte {offset}")


def test_csv_that_arrow_cannot_parse_is_file_unparsable(tmp_path, monkeypatch):
    """Arrow's parser accepts every malformed row this suite could write (it reports them
    as rows of the wrong width); should it ever refuse a file, that is a located problem."""
    import pyarrow as pa

    from besa545.model import csvfile
    from besa545.model.schema import parse_schema

    def refuse(*_: object, **__: object) -> None:
        raise pa.ArrowInvalid("CSV parse error: unexpected end of data")

    monkeypatch.setattr(csvfile, "_read_arrow", refuse)
    (tmp_path / "data").mkdir()
    path = tmp_path / "data" / "t.csv"
    path.write_text("name,note\na,b\n", encoding="utf-8")
    schema = parse_schema("t", {"fields": [{"name": "name"}, {"name": "note"}]})
    table, problems = csvfile.read_string_table(path, "data/t.csv", schema)
    assert table is None
    assert [(p.file, p.line, p.code, p.message, p.hint) for p in problems] == [(
        "data/t.csv", None, "file-unparsable",
        "the CSV cannot be parsed: CSV parse error: unexpected end of data",
        "check quoting: every opening quote needs a closing one")]


def test_words_that_look_like_nulls_are_text(tmp_path):
    """Only an empty cell is null: "NA", "null" or "NaN" in a CSV are values, kept as written."""
    from besa545.model.csvfile import read_string_table
    from besa545.model.schema import parse_schema

    path = tmp_path / "t.csv"
    path.write_text('name,note\nNA,null\nNaN,""\n,x\n', encoding="utf-8")
    schema = parse_schema("t", {"fields": [{"name": "name"}, {"name": "note"}]})
    table, problems = read_string_table(path, "t.csv", schema)
    assert problems == []
    assert table.frame["name"].tolist()[:2] == ["NA", "NaN"]
    assert table.frame["note"].tolist()[0] == "null"
    assert table.frame.isna().sum().to_dict() == {"name": 1, "note": 1}


@pytest.mark.parametrize("change, holds", [
    (lambda text: text, True),
    (lambda text: text.replace("b1", "b9"), False),  # one value
    (lambda text: text + "a3,b3\n", False),  # a row more
    (lambda text: text.replace("a2,\n", ""), False),  # a row less
    (lambda text: text.replace("name,note", "note,name"), False),  # columns swapped
    (lambda text: text.replace("a2,\n", 'a2,""\n'), True),  # a quoted empty cell is empty too
    (lambda text: "", False),
])
def test_derived_file_is_compared_batch_by_batch(tmp_path, change, holds):
    """``read_if_holds`` accepts a file only when it parses to exactly the expected rows."""
    from besa545.model.csvfile import read_if_holds, read_string_table
    from besa545.model.schema import parse_schema

    text = "name,note\na1,b1\na2,\n"
    schema = parse_schema("t", {"fields": [{"name": "name"}, {"name": "note"}]})
    (tmp_path / "data").mkdir()
    (tmp_path / "expected.csv").write_text(text, encoding="utf-8")
    expected, _ = read_string_table(tmp_path / "expected.csv", "expected.csv", schema)
    (tmp_path / "data" / "t.csv").write_text(change(text), encoding="utf-8")
    table, problems = read_if_holds(tmp_path / "data" / "t.csv", "data/t.csv", expected)
    assert problems == []
    if holds:
        assert table.frame is expected.frame and table.file == "data/t.csv"
    else:
        assert table is None


def test_derived_file_with_a_nul_byte_is_left_to_the_full_read(tmp_path):
    """A NUL byte is reported by the full read at its line, even in a file that holds
    exactly the rows derived."""
    import pandas as pd

    from besa545.model.csvfile import StringTable, read_if_holds, write_csv

    frame = pd.DataFrame({"name": ["a1", "a\x002"], "note": ["b1", "b2"]}, dtype="str")
    path = tmp_path / "t.csv"
    path.write_bytes(write_csv(frame))
    expected = StringTable("t", "t.csv", frame, lines=np.zeros(2, dtype=np.int64))
    assert read_if_holds(path, "t.csv", expected) == (None, [])
    path.write_bytes(write_csv(frame.replace("a\x002", "a2")))
    expected.frame = frame.replace("a\x002", "a2")
    table, problems = read_if_holds(path, "t.csv", expected)
    assert problems == [] and table.lines.tolist() == [2, 3]


def test_derived_file_with_quoted_values_is_compared_by_value(tmp_path):
    """A value with a comma or a line break needs quotes; such a file is still accepted."""
    from besa545.model.csvfile import read_if_holds, read_string_table, write_csv
    from besa545.model.schema import parse_schema

    schema = parse_schema("t", {"fields": [{"name": "name"}, {"name": "note"}]})
    path = tmp_path / "t.csv"
    path.write_text('name,note\na1,"b, and\nc"\na2,x\n', encoding="utf-8")
    expected, _ = read_string_table(path, "t.csv", schema)
    assert path.read_bytes() == write_csv(expected.frame)
    table, _ = read_if_holds(path, "t.csv", expected)
    assert table.lines.tolist() == [2, 4]  # the lines an editor shows
    path.write_text('name,note\na1,"b, and\nd"\na2,x\n', encoding="utf-8")
    assert read_if_holds(path, "t.csv", expected)[0] is None


def test_a_hash_of_another_algorithm_says_which_are_accepted(tmp_path):
    root = copy_package(tmp_path / "package")
    _md5_recorded(root)
    (problem,) = validate(root, spec=False).problems
    assert problem.message.endswith("; only sha256: hashes are accepted")


def test_a_utf8_character_cut_short_is_not_blamed_on_a_spreadsheet():
    """A lead byte and a continuation byte with the rest missing (a file cut off) is
    UTF-8 gone wrong, not a spreadsheet's Windows-1252: the message says only where."""
    from besa545.model.csvfile import decode

    _, problem = decode(b"topic_id\nsix \xe2\x80", "data/topics.csv")
    assert problem is not None
    assert problem.message == "invalid UTF-8 byte sequence b'\\xe2\\x80' at byte 13"
    assert problem.hint == "save the file as UTF-8"
