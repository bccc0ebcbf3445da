"""``besa545 export --format brat``: standoff files that an independent brat reader
(pybrat) parses back into the dataset's spans, with every type declared in
``annotation.conf``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pybrat.parser import BratParser

import besa545
from helpers import key_of, loaded_rows, span_tables

DOCUMENT = "besa-pp-545"
# Paragraphs are left out on purpose (a box around each paragraph would hide the rest).
SHOWN = sorted(set(span_tables()) - {"paragraphs"})


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return besa545.export("brat", tmp_path_factory.mktemp("brat") / "brat")


@pytest.fixture(scope="module")
def lines(out) -> list[str]:
    return (out / f"{DOCUMENT}.ann").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def parsed(out):
    # pybrat refuses two annotations on one span (brat allows it: an event and a stance
    # often share their evidence), so it is told to skip what it refuses; the tests below
    # then count every line it returns against the lines of the file.
    [example] = BratParser(error="ignore").parse(out)
    return example


@pytest.fixture(scope="module")
def notes(lines) -> dict[str, str]:
    """AnnotatorNotes by the annotation they belong to."""
    found = {}
    for line in lines:
        if line.startswith("#"):
            _, target_and_kind, note = line.split("\t")
            kind, target = target_and_kind.split(" ")
            assert kind == "AnnotatorNotes"
            assert target not in found
            found[target] = note
    return found


@pytest.fixture(scope="module")
def attributes(lines) -> dict[tuple[str, str], str]:
    """Attribute values by (attribute, annotation)."""
    found = {}
    for line in lines:
        if line.startswith("A"):
            _, body = line.split("\t")
            name, target, value = body.split(" ")
            assert (name, target) not in found
            found[name, target] = value
    return found


def test_the_files_are_there_and_the_text_is_the_plain_text(out):
    assert sorted(path.name for path in out.iterdir()) == [
        ".besa545-written", "annotation.conf", f"{DOCUMENT}.ann", f"{DOCUMENT}.txt",
        "visual.conf"]
    assert (out / ".besa545-written").read_text(encoding="utf-8").splitlines() == [
        "besa545 export --format brat", "annotation.conf", f"{DOCUMENT}.ann",
        f"{DOCUMENT}.txt", "visual.conf"]
    assert (out / f"{DOCUMENT}.txt").read_text(encoding="utf-8") == besa545.text()


def test_pybrat_reads_every_line(parsed, lines):
    assert parsed.id == DOCUMENT
    assert parsed.text == besa545.text()
    count = {kind: sum(1 for line in lines if line.startswith(kind)) for kind in "TREA#"}
    assert len(parsed.entities) == count["T"] == sum(len(loaded_rows(n)) for n in SHOWN)
    assert len(parsed.events) == count["E"] == len(loaded_rows("events"))
    assert len(parsed.relations) == count["R"]
    assert count["A"] > 0 and count["#"] == count["T"] + count["E"] - sum(
        1 for event in parsed.events if not _participants(event.id, lines))


def _participants(event: str, lines: list[str]) -> str | None:
    return next((line for line in lines if line.startswith("#")
                 and f" {event}\t" in line), None)


def test_every_span_is_the_rows_span_without_newlines(parsed, notes):
    text = besa545.text()
    rows = {f"{name}/{key_of(name, row)}": row for name in SHOWN for row in loaded_rows(name)}
    seen = set()
    for entity in parsed.entities:
        row = rows[notes[entity.id]]
        seen.add(notes[entity.id])
        pieces = [text[span.start:span.end] for span in entity.spans]
        assert all(piece and "\n" not in piece for piece in pieces), entity.id
        assert " ".join(pieces) == entity.mention
        assert (entity.spans[0].start, entity.spans[-1].end) == (row["char_start"],
                                                                row["char_end"])
        for before, after in zip(entity.spans, entity.spans[1:], strict=False):
            assert set(text[before.end:after.start]) == {"\n"}, entity.id
    assert seen == set(rows)


def test_a_span_across_a_line_break_is_split_into_fragments(parsed):
    text = besa545.text()
    crossing = [row for name in SHOWN for row in loaded_rows(name)
                if "\n" in text[row["char_start"]:row["char_end"]]]
    assert crossing  # the paper has a blank line inside one sentence
    fragmented = {(e.spans[0].start, e.spans[-1].end) for e in parsed.entities
                  if len(e.spans) > 1}
    assert fragmented == {(row["char_start"], row["char_end"]) for row in crossing}


def test_attributes_carry_the_rows_values(parsed, notes, attributes):
    rows = {f"{name}/{key_of(name, row)}": row for name in SHOWN for row in loaded_rows(name)}
    columns = {"Mention": {"Actor": "actor_id"},
               "Quotation": {"Speaker": "speaker_actor_id", "Quote_kind": "quote_kind"},
               "Stance": {"Holder": "holder_actor_id", "Topic": "topic_id",
                          "Polarity": "polarity"}}
    checked = 0
    for entity in parsed.entities:
        row = rows[notes[entity.id]]
        for attribute, column in columns.get(entity.type, {}).items():
            assert attributes.get((attribute, entity.id)) == row[column], entity.id
            checked += 1
    assert checked == sum(len(names) * len(loaded_rows(table)) for table, names in
                          (("mentions", "A"), ("quotations", "SQ"), ("stances", "HTP")))
    for event in parsed.events:
        row = rows[notes[event.trigger.id]]
        assert attributes["Event_type", event.id] == row["event_type"]
        assert attributes["Status", event.id] == row["status"]


def test_event_arguments_are_participants_mentioned_in_the_evidence(parsed, lines, notes,
                                                                    attributes):
    participants = {(row["event_id"], row["actor_id"], row["role"])
                    for row in loaded_rows("event_participants")}
    arguments = 0
    for event in parsed.events:
        event_id = notes[event.trigger.id].removeprefix("events/")
        line = next(line for line in lines if line.startswith(f"{event.id}\t"))
        roles = re.findall(r" ([A-Za-z]+?)\d*:T\d+", line)
        assert len(roles) == len(event.arguments)
        for role, argument in zip(roles, event.arguments, strict=True):
            assert argument.type == "Mention"
            assert event.trigger.spans[0].start <= argument.spans[0].start
            assert argument.spans[-1].end <= event.trigger.spans[-1].end
            actor = attributes["Actor", argument.id]
            assert (event_id, actor, role.lower()) in participants
            arguments += 1
        listed = {tuple(entry.split("=")) for entry in
                  notes.get(event.id, "participants: ").removeprefix("participants: ")
                  .split("; ") if entry}
        assert listed == {(role, actor) for event, actor, role in participants
                          if event == event_id}
    assert arguments > 50


def read_conf(path: Path) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.fullmatch(r"\[[a-z]+\]", line):
            current = line[1:-1]
            sections[current] = []
        elif line.strip() and not line.startswith("#"):
            sections[current].append(line)
    return sections


def test_every_type_used_is_declared_in_annotation_conf(out, parsed, attributes):
    conf = read_conf(out / "annotation.conf")
    assert set(conf) == {"entities", "relations", "events", "attributes"}
    # spans nest and cross (mentions inside evidence), which brat accepts only if declared
    assert conf["relations"] == ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"]
    entities = {line.split("\t")[0] for line in conf["entities"]}
    events = {line.split("\t")[0]: line.split("\t")[1:] for line in conf["events"]}
    assert {entity.type for entity in parsed.entities} - {"Event"} <= entities
    assert {event.type for event in parsed.events} <= set(events)
    assert all(" " not in name for name in entities | set(events))
    declared_roles = {argument.split("*:")[0]
                      for argument in events["Event"][0].split(", ")}
    used_roles = {role for line in (out / f"{DOCUMENT}.ann").read_text().splitlines()
                  if line.startswith("E") for role in re.findall(r" ([A-Za-z]+?)\d*:T", line)}
    assert used_roles and used_roles <= declared_roles
    declared = {}
    for line in conf["attributes"]:
        name, arguments = line.split("\t")
        match = re.fullmatch(r"Arg:([^,]+), Value:(.+)", arguments)
        assert match, line
        declared[name] = (set(match[1].split("|")), set(match[2].split("|")))
    kinds = {entity.id: entity.type for entity in parsed.entities}
    kinds |= {event.id: event.type for event in parsed.events}
    for (name, target), value in attributes.items():
        owners, values = declared[name]
        assert kinds[target] in owners, (name, target)
        assert value in values, (name, value)
