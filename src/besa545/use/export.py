"""``besa545 export``: the dataset in the formats of other tools.

- ``webannotation``: one JSON-LD file, an ``AnnotationCollection`` of the W3C Web
  Annotation Data Model with one ``Annotation`` per row that has a span; each target
  selects the span of the plain text by position and by quote, and the bodies carry the
  row's table, key and fields. Hypothesis-style annotation tools read it.
- ``brat``: a directory in brat standoff format (``<document_id>.txt`` and ``.ann`` per
  paper, ``annotation.conf``, ``visual.conf``) that brat and INCEpTION open.
- ``sqlite``: a directory holding ``besa545.db`` (every table, with the Table Schemas'
  column types, primary and foreign keys) and the Datasette ``metadata.json`` (titles,
  licence, source, table and column descriptions): ``datasette besa545.db -m
  metadata.json``.

Every export reads the canonical CSVs and the plain texts, so it is deterministic (the
same bytes each run; the database file records the SQLite library's version, so it is the
same bytes with the same SQLite), and is written as every generated file is
(:func:`besa545.model.paths.replace_file` and ``replace_directory``): beside ``OUT``, then
renamed onto it. An existing ``OUT`` is replaced only with ``force``, and then only when
its content shows an export of the same format wrote it (the file names its generator; the
directory's marker file names the command and every file in it), so a mistyped ``OUT``
never replaces someone's file or folder.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

from besa545.model import metadata
from besa545.model.fieldtypes import SQLITE_TYPES, python_value
from besa545.model.paths import (
    NotOurFile,
    csv_path,
    package_path,
    replace_directory,
    replace_file,
)
from besa545.model.schema import TableSchema, table_names, table_schema
from besa545.use.workbooks import spss_files, stata_files, workbook_bytes

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
QUOTE_CONTEXT = 32  # characters of prefix and suffix in a TextQuoteSelector
DATABASE = "besa545.db"
DATASETTE_METADATA = "metadata.json"
BRAT_CONF = ("annotation.conf", "visual.conf")

Row = dict[str, Any]


class ExportError(Exception):
    """``OUT`` cannot be written; the message says why and what to do instead."""


class OutputExistsError(ExportError, FileExistsError):
    """``OUT`` exists and ``force`` was not given."""


def export(format: str, out: str | Path, *, force: bool = False) -> Path:
    """Write the dataset as ``format`` (one of :data:`EXPORTS`, which says what each is
    and whether it is written as one file or a directory) to ``out`` and return it. Raises
    ``ValueError`` for an unknown format, :class:`OutputExistsError` when ``out`` exists
    and ``force`` is false, and :class:`ExportError` when ``out`` cannot be written.
    """
    if format not in EXPORTS:
        raise ValueError(f"unknown export format {format!r}; use one of: {', '.join(EXPORTS)}")
    out = Path(out)
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent} is not a directory; create it first")
    if (out.exists() or out.is_symlink()) and not force:
        raise OutputExistsError(f"{out} already exists")
    try:
        content = EXPORTS[format].write()
    except ImportError as error:  # a format whose library is an extra: the message says which
        raise ExportError(str(error)) from None
    try:
        if isinstance(content, bytes):
            replace_file(out, content, ours=_opening(content, generator(format)))
        else:
            replace_directory(out, content, ours=generator(format))
    except NotOurFile as error:
        raise ExportError(f"{error}; it was not replaced, choose another path") from None
    return out


def _opening(content: bytes, name: str) -> bytes:
    """The start of a one-file export through the first place it names its generator (in
    JSON quotes, or else plain): what every export of the format starts with. A format
    that names no generator is known only by all its bytes."""
    for spelled in (json.dumps(name).encode("utf-8"), name.encode("utf-8")):
        at = content.find(spelled)
        if at >= 0:
            return content[: at + len(spelled)]
    return content


def generator(format: str) -> str:
    """The name an export of ``format`` gives itself inside what it writes."""
    return f"besa545 export --format {format}"


# ---- what the exports read --------------------------------------------------------------


def _rows(schema: TableSchema) -> list[Row]:
    """The rows of a table from its canonical CSV, each cell as its Python value."""
    types = {field.name: field.type for field in schema.fields}
    with csv_path(schema.name).open(encoding="utf-8", newline="") as stream:
        return [{name: python_value(cell, types[name]) for name, cell in row.items()}
                for row in csv.DictReader(stream)]


def _texts() -> dict[str, str]:
    """Each paper's plain text (the basis of the offsets), by ``document_id``."""
    documents = _rows(table_schema("documents"))
    return {str(row["document_id"]): (package_path() / str(row["text_path"]))
            .read_text(encoding="utf-8") for row in documents}


def _span_tables() -> Iterator[tuple[TableSchema, list[Row]]]:
    """Every table whose rows have a span of a paper's text, with its rows."""
    for name in table_names():
        schema = table_schema(name)
        if {"char_start", "char_end", "document_id"} <= set(schema.field_names):
            yield schema, _rows(schema)


def row_key(schema: TableSchema, row: Row) -> str:
    """A row's primary key as text, the values of a composite key joined by ``/``."""
    return "/".join(str(row[name]) for name in schema.primary_key)


# ---- W3C Web Annotation ----------------------------------------------------------------


def _urn(*parts: str) -> str:
    """A URN naming a thing of this dataset (it has no home page to mint URLs under)."""
    return "urn:besa545:" + ":".join(quote(part, safe="/-_.") for part in parts)


def web_annotations() -> dict[str, Any]:
    """The ``AnnotationCollection`` of every row with a span (table order, then row
    order). Offsets are Unicode code points, as the model's ``TextPositionSelector``
    counts them and as ``char_start``/``char_end`` do."""
    texts = _texts()
    items = [_annotation(schema, row, texts[str(row["document_id"])])
             for schema, rows in _span_tables() for row in rows]
    return {"@context": ANNOTATION_CONTEXT,  # the opening by which --force knows its file
            "generator": {"type": "Software", "name": generator("webannotation")},
            "id": _urn("annotations"), "type": "AnnotationCollection", "label": metadata.TITLE,
            "total": len(items),
            "first": {"type": "AnnotationPage", "startIndex": 0, "items": items}}


def _annotation(schema: TableSchema, row: Row, text: str) -> dict[str, Any]:
    start, end, key = int(row["char_start"]), int(row["char_end"]), row_key(schema, row)
    quote_selector = {"type": "TextQuoteSelector", "exact": text[start:end]}
    if start > 0:
        quote_selector["prefix"] = text[max(start - QUOTE_CONTEXT, 0):start]
    if end < len(text):
        quote_selector["suffix"] = text[end:end + QUOTE_CONTEXT]
    fields = {"table": schema.name, "id": key, "fields": row}
    return {
        "@context": ANNOTATION_CONTEXT,
        "id": _urn("annotation", f"{schema.name}/{key}"),
        "type": "Annotation",
        "motivation": "describing",
        "body": [
            {"type": "TextualBody", "purpose": "tagging", "value": schema.name},
            {"id": _urn("row", f"{schema.name}/{key}"), "type": "TextualBody",
             "purpose": "describing", "format": "application/json",
             "value": json.dumps(fields, ensure_ascii=False)},
        ],
        "target": {
            "source": _urn("text", str(row["document_id"])),
            "selector": [{"type": "TextPositionSelector", "start": start, "end": end},
                         quote_selector],
        },
    }


def _web_annotation_bytes() -> bytes:
    return (json.dumps(web_annotations(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---- brat standoff -----------------------------------------------------------------------

# Each table brat shows: its entity type and, per attribute, the column giving its value.
# Paragraphs are left out (a box around every paragraph hides everything inside it).
BRAT_TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "mentions": ("Mention", {"Actor": "actor_id"}),
    "quotations": ("Quotation", {"Quote_kind": "quote_kind", "Speaker": "speaker_actor_id",
                                 "Medium": "medium"}),
    "events": ("Event", {"Event_type": "event_type", "Status": "status"}),
    "stances": ("Stance", {"Holder": "holder_actor_id", "Topic": "topic_id",
                           "Polarity": "polarity", "Attribution": "attribution"}),
    "actor_relations": ("Actor_relation", {"Subject": "subject_actor_id",
                                           "Relation": "relation",
                                           "Object": "object_actor_id"}),
    "links": ("Link", {}),
    "authorships": ("Author", {"Actor": "actor_id"}),
}
EVENT_TYPE = "Event"  # the one brat event type; the row's event_type is an attribute


def brat_files() -> dict[str, str]:
    """The files of the brat export, by name: per paper its text and annotations, and
    the configuration declaring every type, role and attribute value they use."""
    texts = _texts()
    tables = {schema.name: (schema, rows) for schema, rows in _span_tables()
              if schema.name in BRAT_TABLES}
    participants = _rows(table_schema("event_participants"))
    used = _BratTypes()
    files = {}
    for document_id, text in texts.items():
        lines = _brat_lines(document_id, text, tables, participants, used)
        files[f"{document_id}.txt"] = text
        files[f"{document_id}.ann"] = "".join(f"{line}\n" for line in lines)
    files["annotation.conf"] = used.annotation_conf()
    files["visual.conf"] = used.visual_conf()
    return files


class _BratTypes:
    """The entity types, event roles and attribute values an export uses, collected as
    the lines are written, so that ``annotation.conf`` declares exactly those."""

    def __init__(self) -> None:
        self.entities: set[str] = set()
        self.roles: set[str] = set()
        self.attributes: dict[str, tuple[set[str], set[str]]] = {}

    def attribute(self, name: str, owner: str, value: str) -> None:
        owners, values = self.attributes.setdefault(name, (set(), set()))
        owners.add(owner)
        values.add(value)

    def annotation_conf(self) -> str:
        entities = sorted(self.entities - {EVENT_TYPE})
        roles = ", ".join(f"{role}*:Mention" for role in sorted(self.roles))
        attributes = [f"{name}\tArg:{'|'.join(sorted(owners))}, Value:{'|'.join(sorted(values))}"
                      for name, (owners, values) in sorted(self.attributes.items())]
        # The paper's rows overlap and nest freely (a mention inside an event's evidence),
        # which brat allows only when told so.
        return "\n".join(["[entities]", *entities, "", "[relations]",
                          "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "",
                          "[events]", f"{EVENT_TYPE}\t{roles}" if roles else EVENT_TYPE, "",
                          "[attributes]", *attributes, ""])

    def visual_conf(self) -> str:
        labels = [f"{name} | {name.replace('_', ' ')}"
                  for name in sorted(self.entities | set(self.attributes))]
        return "\n".join(["[labels]", *labels, "", "[drawing]",
                          "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
                          "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5", ""])


class _AnnFile:
    """The lines of one ``.ann`` file, numbered as they are added: text-bound ``T``,
    events ``E``, attributes ``A`` and AnnotatorNotes ``#``, written in that order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.text_bound: list[str] = []
        self.events: list[str] = []
        self.attributes: list[str] = []
        self.notes: list[str] = []

    def add_text_bound(self, entity: str, start: int, end: int, note: str) -> str:
        identifier = f"T{len(self.text_bound) + 1}"
        # brat writes the text of a fragmented span with a space where a fragment ends
        shown = " ".join(piece for piece in self.text[start:end].split("\n") if piece)
        self.text_bound.append(f"{identifier}\t{entity} {_fragments(self.text, start, end)}"
                               f"\t{shown}")
        self.add_note(identifier, note)
        return identifier

    def add_event(self, trigger: str, arguments: list[str]) -> str:
        identifier = f"E{len(self.events) + 1}"
        self.events.append(f"{identifier}\t{EVENT_TYPE}:{trigger}{''.join(arguments)}")
        return identifier

    def add_attribute(self, name: str, target: str, value: str) -> None:
        self.attributes.append(f"A{len(self.attributes) + 1}\t{name} {target} {value}")

    def add_note(self, target: str, note: str) -> None:
        self.notes.append(f"#{len(self.notes) + 1}\tAnnotatorNotes {target}\t{note}")

    def lines(self) -> list[str]:
        return self.text_bound + self.events + self.attributes + self.notes


def _brat_lines(document_id: str, text: str,
                tables: dict[str, tuple[TableSchema, list[Row]]], participants: list[Row],
                used: _BratTypes) -> list[str]:
    """The ``.ann`` lines of one paper: a text-bound annotation per row of each table in
    :data:`BRAT_TABLES` (an event's is the trigger of its ``E`` line), its attributes,
    and a note naming the row (``table/key``)."""
    ann = _AnnFile(text)
    mentions: list[tuple[int, int, str, str]] = []  # start, end, actor_id, T id
    events: list[tuple[Row, str]] = []
    for name in sorted(tables):
        schema, rows = tables[name]
        entity, columns = BRAT_TABLES[name]
        used.entities.add(entity)
        for row in rows:
            if row["document_id"] != document_id:
                continue
            start, end = int(row["char_start"]), int(row["char_end"])
            identifier = ann.add_text_bound(entity, start, end, f"{name}/{row_key(schema, row)}")
            if name == "mentions":
                mentions.append((start, end, str(row["actor_id"]), identifier))
            if name == "events":
                events.append((row, identifier))
                continue  # its attributes go to its E line
            _add_attributes(ann, used, entity, identifier, row, columns)
    entity, columns = BRAT_TABLES["events"]
    for event, trigger in events:
        identifier = ann.add_event(trigger, _event_arguments(event, participants, mentions,
                                                             used))
        _add_attributes(ann, used, entity, identifier, event, columns)
        people = [f"{p['role']}={p['actor_id']}" for p in participants
                  if p["event_id"] == event["event_id"]]
        if people:
            ann.add_note(identifier, "participants: " + "; ".join(people))
    return ann.lines()


def _add_attributes(ann: _AnnFile, used: _BratTypes, entity: str, target: str, row: Row,
                    columns: dict[str, str]) -> None:
    for attribute, column in columns.items():
        if row[column] is not None:
            # an attribute value ends at a space; values are slugs and codes
            value = str(row[column]).replace(" ", "_")
            ann.add_attribute(attribute, target, value)
            used.attribute(attribute, entity, value)


def _fragments(text: str, start: int, end: int) -> str:
    """``start end`` of a span, split into ``;``-separated fragments at newlines, which a
    brat text-bound annotation may not contain."""
    pieces, position = [], start
    for piece in text[start:end].split("\n"):
        if piece:
            pieces.append(f"{position} {position + len(piece)}")
        position += len(piece) + 1
    return ";".join(pieces)


def _event_arguments(event: Row, participants: list[Row],
                     mentions: list[tuple[int, int, str, str]], used: _BratTypes) -> list[str]:
    """The arguments of an event's ``E`` line: each participant mentioned inside the
    event's evidence, as its first mention there (``Role:T12``, repeated roles numbered
    ``Role2``). The event's AnnotatorNotes list every participant, mentioned there or not."""
    start, end = int(event["char_start"]), int(event["char_end"])
    arguments: list[str] = []
    seen: dict[str, int] = {}
    for participant in participants:
        if participant["event_id"] != event["event_id"]:
            continue
        inside = [identifier for m_start, m_end, actor, identifier in mentions
                  if actor == participant["actor_id"] and start <= m_start and m_end <= end]
        if not inside:
            continue
        role = str(participant["role"]).capitalize()
        used.roles.add(role)
        seen[role] = seen.get(role, 0) + 1
        suffix = str(seen[role]) if seen[role] > 1 else ""
        arguments.append(f" {role}{suffix}:{inside[0]}")
    return arguments


def _brat_bytes() -> dict[str, bytes]:
    return {name: content.encode("utf-8") for name, content in brat_files().items()}


# ---- SQLite and Datasette ------------------------------------------------------------


def create_table_sql(schema: TableSchema) -> str:
    """``CREATE TABLE`` of a table: columns typed through ``SQLITE_TYPES``, ``NOT NULL``
    for required fields, the primary key and every foreign key of its Table Schema."""
    columns = [f"{sql_name(field.name)} {SQLITE_TYPES[field.type]}"
               + (" NOT NULL" if field.is_required else "") for field in schema.fields]
    keys = [f"PRIMARY KEY ({_names(schema.primary_key)})"] if schema.primary_key else []
    keys += [f"FOREIGN KEY ({_names(key.fields)}) REFERENCES {sql_name(key.resource)} "
             f"({_names(key.reference_fields)})" for key in schema.foreign_keys]
    body = ",\n  ".join(columns + keys)
    return f"CREATE TABLE {sql_name(schema.name)} (\n  {body}\n)"


def sql_name(name: str) -> str:
    """``name`` as an SQL identifier: quoted, a quote inside it doubled (so that no name,
    whatever it holds, ends the identifier early)."""
    return '"' + name.replace('"', '""') + '"'


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(map(sql_name, names))


def database_bytes() -> bytes:
    """The SQLite database file, built in memory."""
    connection = sqlite3.connect(":memory:")
    try:
        # Fixed page size and a rollback journal: the file is the same bytes each run.
        connection.execute("PRAGMA page_size = 4096")
        connection.execute("PRAGMA journal_mode = DELETE")
        with connection:
            for name in table_names():
                schema = table_schema(name)
                connection.execute(create_table_sql(schema))
                marks = ", ".join("?" for _ in schema.fields)
                connection.executemany(
                    f"INSERT INTO {sql_name(name)} VALUES ({marks})",
                    [tuple(row[field] for field in schema.field_names)
                     for row in _rows(schema)])
        return connection.serialize()
    finally:
        connection.close()


def datasette_metadata() -> dict[str, Any]:
    """Datasette's ``metadata.json``: title, description, licence and source of the
    dataset, and every table's and column's description from its Table Schema."""
    licence = metadata.LICENSES[0]  # the annotations' licence: the tables are annotations
    tables = {}
    for name in table_names():
        schema = table_schema(name)
        tables[name] = {"title": schema.title, "description": schema.description,
                        "columns": {field.name: field.description for field in schema.fields}}
    return {"title": metadata.TITLE,
            "description": f"{metadata.DESCRIPTION} {metadata.LICENSE_STATEMENT}",
            "license": f"{licence['name']}, except the paper's passages (see the description)",
            "license_url": licence["path"],
            "source": metadata.SOURCE["title"],
            "databases": {Path(DATABASE).stem: {"tables": tables}}}


def _sqlite_bytes() -> dict[str, bytes]:
    text = json.dumps(datasette_metadata(), ensure_ascii=False, indent=2) + "\n"
    return {DATABASE: database_bytes(), DATASETTE_METADATA: text.encode("utf-8")}


class ExportFormat(NamedTuple):
    """One format of ``besa545 export``: what it is (for the command's help) and what it
    writes: the bytes of one file, or a directory's files by name."""

    what: str
    write: Callable[[], bytes | dict[str, bytes]]
    is_directory: bool


# The formats, in the order the command lists them. A new format is one entry here: the
# command's choices and help, export()'s check of its argument and the tests follow.
EXPORTS: dict[str, ExportFormat] = {
    "webannotation": ExportFormat("W3C Web Annotation JSON-LD, one file",
                                  _web_annotation_bytes, False),
    "brat": ExportFormat("brat standoff: a directory of .txt/.ann pairs and the annotation "
                         "configuration, for brat and INCEpTION", _brat_bytes, True),
    "sqlite": ExportFormat(f"SQLite: a directory with {DATABASE} and Datasette's "
                           f"{DATASETTE_METADATA} (datasette {DATABASE} -m "
                           f"{DATASETTE_METADATA})", _sqlite_bytes, True),
}
EXPORTS.update({
    "xlsx": ExportFormat("a workbook for Excel and LibreOffice, one file: a sheet per table "
                         "(codes as text, dates as dates) and two sheets that describe the "
                         "tables and columns", lambda: workbook_bytes(generator("xlsx")), False),
    "stata": ExportFormat("Stata: a directory with one .dta per table (format 118), "
                          "categories as value labels, columns labelled",
                          lambda: stata_files(generator("stata")), True),
    "spss": ExportFormat("SPSS: a directory with one .sav per table, categories as value "
                         "labels, columns labelled", lambda: spss_files(generator("spss")),
                         True),
})
FORMATS = tuple(EXPORTS)  # the names, as shipped (export() checks EXPORTS itself)
