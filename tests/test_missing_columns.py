"""A column missing from a table's header, or a table's file missing, is one problem, and
the other faults of the package are still found in the same run.

Every check reads the whole table, where a missing column is left out: a check that did
not ask whether the column is there crashes (a validator-crash problem), and one that read
it as empty values would report a cascade (every event "without a target", every
passage "without a row") that the header-missing problem already explains, and a check
that skipped more than the column would hide faults a contributor wants to see at once.
So each case below also plants two faults elsewhere, which must still be reported.

Allowed besides: "cannot be checked" for a foreign key that points at the missing column
or file. A table the texts are derived from that lacks a column the derivation reads
(``TEXT_COLUMNS``, held to what the derivation does by the last test), or a text input's
missing file, stops only what needs the texts (offsets, quotations, links, mentions, the
conventions): nothing derived from it could be trusted. Every table is still checked on
its own and across tables, the derived tables as their files are (none is then known to
equal its derivation), so the two planted faults are found in every case. A column the
build fills is one problem too, whose hint is to run the build (not one not-built per
row); a table the build derives whole is then also stale.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from besa545.check.reading import read_edited_tables, read_schemas, read_text_package
from besa545.check.scheduler import validate
from besa545.derive import TEXT_COLUMNS, rederive_texts
from besa545.derive.documents import read_documents
from besa545.model.package import DERIVED_TABLES, TEXT_INPUTS
from besa545.model.schema import table_names, table_schema
from conftest import ROOT
from helpers import drop_column, inject, line_of, set_cell

COLUMNS = [(table, field.name) for table in table_names() for field in table_schema(table).fields]
Location = tuple[str, int | None, str | None, str]

# Two faults far from most columns: a label with a leading space (a cell rule) and a stance
# on a topic that does not exist (a foreign key).
LABEL = ("topics", "dialogue-with-north-korea", "label", " Dialogue with Pyongyang")
TOPIC = ("stances", "china-concerned-by-us-military-presence", "topic_id", "no-such-topic")


def _plant(edit):
    def edit_and_plant(root: Path) -> None:
        for table, key, column, value in (LABEL, TOPIC):
            set_cell(table, key, column, value)(root)
        edit(root)

    return edit_and_plant


def _planted(root: Path, missing: set[tuple[str, str | None]]) -> set[Location]:
    """The two planted faults, except where the missing part takes their cell away (a
    whole table when the column is None) or leaves a foreign key unchecked."""
    topic_table_gone = ("topics", "topic_id") in missing or ("topics", None) in missing
    found: set[Location] = set()
    if not {("topics", "label"), ("topics", None)} & missing:
        found.add(("data/topics.csv", line_of(root, "topics", LABEL[1]), "label",
                   "cell-whitespace"))
    if not {("stances", "topic_id"), ("stances", None)} & missing and not topic_table_gone:
        found.add(("data/stances.csv", line_of(root, "stances", TOPIC[1]), "topic_id",
                   "foreign-key"))
    return found


def _referring_keys(table: str, column: str | None, *, texts_derived: bool) -> set[Location]:
    """The foreign keys that point at ``table.column`` (at any column of ``table`` when
    None): they cannot be checked. Those of a derived table only when the texts could not
    be derived: equal to its derivation, as here, a derived table is valid by construction
    and its keys are not checked."""
    return {(f"data/{name}.csv", None, ", ".join(key.fields), "foreign-key-table")
            for name in table_names() if not (texts_derived and name in DERIVED_TABLES)
            and not (column is None and name == table)  # a missing file refers to nothing
            for key in table_schema(name).foreign_keys if key.resource == table
            and (column is None or column in key.reference_fields)}


def _stops_derivation(table: str, column: str | None) -> bool:
    if column is None:
        return table in TEXT_INPUTS
    return column in TEXT_COLUMNS.get(table, ())


def _report(root: Path) -> set[Location]:
    problems = validate(root, spec=False).problems
    assert len(set(problems)) == len(problems), "a problem is reported once"
    return {(p.file, p.line, p.column, p.code) for p in problems}




@pytest.mark.parametrize("table, column", COLUMNS, ids=[".".join(item) for item in COLUMNS])
def test_a_missing_column_is_reported_once(table, column, tmp_path):
    root, planted = inject(tmp_path, _plant(drop_column(table, column)), True,
                           lambda root: _planted(root, {(table, column)}))
    missing = {(f"data/{table}.csv", 1, column, "header-missing")}
    if table_schema(table).field(column).is_computed and table in ("documents",
                                                                    *DERIVED_TABLES):
        missing.add((f"data/{table}.csv", None, None, "derived-stale"))  # not as built
    referring = _referring_keys(table, column,
                                texts_derived=not _stops_derivation(table, column))
    assert _report(root) == missing | referring | planted


@pytest.mark.parametrize("table", table_names())
def test_a_missing_file_is_reported_once(table, tmp_path):
    root, planted = inject(tmp_path, _plant(lambda root: (root / "data" / f"{table}.csv")
                                            .unlink()), True,
                           lambda root: _planted(root, {(table, None)}))
    missing = {(f"data/{table}.csv", None, None, "file-missing")}
    referring = _referring_keys(table, None, texts_derived=not _stops_derivation(table, None))
    assert _report(root) == missing | referring | planted


def test_without_the_texts_the_text_inputs_are_still_checked_column_by_column(tmp_path):
    """aliases.csv without its alias column: no mention can be derived, yet a bad value in
    another text input (actors) is reported in the same run, beside the planted faults."""
    edit = _plant(drop_column("aliases", "alias"))

    def edit_and_break(root: Path) -> None:
        edit(root)
        set_cell("actors", "barack-obama", "actor_type", "president")(root)

    root, planted = inject(tmp_path, edit_and_break, True,
                           lambda root: _planted(root, {("aliases", "alias")}))
    assert _report(root) == {
        ("data/aliases.csv", 1, "alias", "header-missing"),
        ("data/actors.csv", line_of(root, "actors", "barack-obama"), "actor_type", "enum"),
        *planted}

def _derivation(package) -> list:
    """The documents as read and what deriving the texts fills, from ``package``: the
    documents' computed columns, the paragraphs and the mentions."""
    documents, _ = read_documents(package.root, package.tables["documents"])
    rebuilt = rederive_texts(replace(package, documents=documents))
    computed = [field.name for field in package.schemas["documents"].fields
                if field.is_computed]
    return [sorted(documents), rebuilt.tables["documents"].frame[computed]] + [
        rebuilt.tables[name].frame for name in DERIVED_TABLES]


def test_text_columns_are_the_columns_the_derivation_reads():
    """A column is in ``TEXT_COLUMNS`` exactly when emptying it changes what reading the
    papers and deriving the texts give (or makes them fail)."""
    schemas = read_schemas(ROOT, table_names()).value
    package = read_text_package(ROOT, schemas, read_edited_tables(ROOT, schemas).value).value
    expected = _derivation(package)
    read = set()
    for name in TEXT_INPUTS:
        table = package.tables[name]
        for field in schemas[name].fields:
            if field.is_computed:
                continue
            emptied = replace(table, frame=table.frame.assign(**{field.name: None})
                              .astype("str"))
            try:
                got = _derivation(replace(package, tables={**package.tables, name: emptied}))
            except Exception:  # failing is one way of reading the column
                read.add((name, field.name))
                continue
            pairs = zip(got[1:], expected[1:], strict=True)
            if got[0] != expected[0] or any(not left.equals(right) for left, right in pairs):
                read.add((name, field.name))
    assert read == {(name, column) for name, columns in TEXT_COLUMNS.items()
                    for column in columns}
