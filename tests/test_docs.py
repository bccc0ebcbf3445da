"""Every vocabulary value is defined, and the generated documentation says so."""

from __future__ import annotations

from besa545.assemble.docs import BEGIN, DICTIONARY, END, GUIDE, value_definition
from besa545.model.schema import table_names, table_schema
from helpers import ROOT


def test_every_enum_value_is_defined_in_its_field_description():
    undefined = [(name, field.name, value) for name in table_names()
                 for field in table_schema(name).fields for value in field.enum or []
                 if not value_definition(field.description, value)]
    assert undefined == []


def test_value_definition_reads_both_styles():
    assert value_definition("`a` (first), `b` (second).", "b") == "second"
    assert value_definition("Kinds: `a`: first one; `b`: second one.", "a") == "first one"
    assert value_definition("`a`, `b` or `c`.", "b") == ""


def test_guide_lists_every_event_type_and_every_topic(tables):
    guide = (ROOT / GUIDE).read_text(encoding="utf-8")
    block = guide[guide.index(BEGIN):guide.index(END)]
    for value in table_schema("events").field("event_type").enum:
        assert f"- `{value}`: " in block
    for topic_id in tables["topics"]["topic_id"]:
        assert f"- `{topic_id}` (" in block


def test_dictionary_documents_every_column():
    dictionary = (ROOT / DICTIONARY).read_text(encoding="utf-8")
    for name in table_names():
        assert f"\n## {name}\n" in dictionary
        for field in table_schema(name).fields:
            assert f"| `{field.name}` | {field.type} |" in dictionary


def test_the_citations_carry_the_home_page_once_the_dataset_has_one(monkeypatch):
    """No home page is invented while there is none; once metadata.HOMEPAGE is set, the
    APA citation ends with it, once."""
    from besa545.assemble import citation
    from besa545.model import metadata

    paper = citation.Paper(title="T", author="Ann B. Author", series="S", number=1,
                           publisher="P", date="2017-07-30")
    assert "http" not in citation.apa(paper).split("\n")[0]
    monkeypatch.setattr(metadata, "HOMEPAGE", "https://example.org/besa545")
    assert citation.apa(paper).split("\n")[0].endswith("[Data set]. https://example.org/besa545")
    assert citation.apa(paper).count("https://example.org/besa545") == 1
