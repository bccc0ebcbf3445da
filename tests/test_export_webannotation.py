"""``besa545 export --format webannotation``: a W3C Web Annotation collection whose every
selector finds its span in the plain text, with one annotation per row that has a span."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

import besa545
from helpers import ROOT, key_of, loaded_rows, span_tables

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
IRI = r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$"  # an absolute IRI: a scheme, then no spaces
# The shape the Web Annotation Data Model requires (sections 3.1-3.3 and 4.2 of the W3C
# Recommendation), narrowed to what this export promises.
ANNOTATION = {
    "type": "object",
    "required": ["@context", "id", "type", "target", "body"],
    "properties": {
        "@context": {"const": CONTEXT},
        "id": {"type": "string", "pattern": IRI},
        "type": {"const": "Annotation"},
        "motivation": {"type": "string"},
        "body": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["type", "value"],
            "properties": {"type": {"const": "TextualBody"}, "value": {"type": "string"},
                           "id": {"type": "string", "pattern": IRI},
                           "purpose": {"enum": ["tagging", "describing"]},
                           "format": {"const": "application/json"}}}},
        "target": {
            "type": "object", "required": ["source", "selector"],
            "properties": {
                "source": {"type": "string", "pattern": IRI},
                "selector": {"type": "array", "minItems": 2, "maxItems": 2, "prefixItems": [
                    {"type": "object", "required": ["type", "start", "end"],
                     "additionalProperties": False,
                     "properties": {"type": {"const": "TextPositionSelector"},
                                    "start": {"type": "integer", "minimum": 0},
                                    "end": {"type": "integer", "minimum": 0}}},
                    {"type": "object", "required": ["type", "exact"],
                     "additionalProperties": False,
                     "properties": {"type": {"const": "TextQuoteSelector"},
                                    "exact": {"type": "string", "minLength": 1},
                                    "prefix": {"type": "string", "minLength": 1},
                                    "suffix": {"type": "string", "minLength": 1}}}]}}},
    },
}
COLLECTION = {
    "type": "object",
    "required": ["@context", "id", "type", "total", "first"],
    "properties": {
        "@context": {"const": CONTEXT},
        "id": {"type": "string", "pattern": IRI},
        "type": {"const": "AnnotationCollection"},
        "total": {"type": "integer"},
        "first": {"type": "object", "required": ["type", "items"],
                  "properties": {"type": {"const": "AnnotationPage"},
                                 "items": {"type": "array", "items": ANNOTATION}}},
    },
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("webannotation") / "besa545.jsonld"
    besa545.export("webannotation", out)
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def annotations(exported) -> list[dict]:
    return json.loads(exported)["first"]["items"]


def describing(annotation: dict) -> dict:
    [body] = [body for body in annotation["body"] if body.get("purpose") == "describing"]
    return json.loads(body["value"])


def test_the_collection_has_the_shape_of_the_model(exported, annotations):
    collection = json.loads(exported)
    jsonschema.Draft202012Validator.check_schema(COLLECTION)
    errors = [error.message for error in
              jsonschema.Draft202012Validator(COLLECTION).iter_errors(collection)]
    assert errors == []
    assert collection["total"] == len(annotations) > 0
    assert len({annotation["id"] for annotation in annotations}) == len(annotations)


def test_the_schema_above_rejects_what_the_model_forbids(annotations):
    """The shape check can fail: an annotation without a body or with another type does."""
    validator = jsonschema.Draft202012Validator(ANNOTATION)
    broken = dict(annotations[0])
    del broken["body"]
    assert not validator.is_valid(broken)
    assert not validator.is_valid({**annotations[0], "type": "Note"})
    assert validator.is_valid(annotations[0])


def test_one_annotation_per_row_with_a_span(annotations):
    expected = {(name, key_of(name, row)) for name in span_tables()
                for row in loaded_rows(name)}
    found = [(describing(a)["table"], describing(a)["id"]) for a in annotations]
    assert len(found) == len(set(found))
    assert set(found) == expected
    tagged = {body["value"] for a in annotations for body in a["body"]
              if body["purpose"] == "tagging"}
    assert tagged == set(span_tables())


def test_every_selector_resolves_to_the_rows_span(annotations):
    text = besa545.text()
    offsets = {(name, key_of(name, row)): (row["char_start"], row["char_end"])
               for name in span_tables() for row in loaded_rows(name)}
    for annotation in annotations:
        row = describing(annotation)
        position, quote = annotation["target"]["selector"]
        start, end = position["start"], position["end"]
        assert (start, end) == offsets[row["table"], row["id"]], annotation["id"]
        assert quote["exact"] == text[start:end]
        prefix, suffix = quote.get("prefix", ""), quote.get("suffix", "")
        assert len(prefix) == min(32, start) and len(suffix) == min(32, len(text) - end)
        # the quote with its context is found in the text at the same position
        context = prefix + quote["exact"] + suffix
        found = [match.start() for match in re.finditer(f"(?={re.escape(context)})", text)]
        assert start - len(prefix) in found, annotation["id"]


def test_the_body_carries_the_rows_fields(annotations):
    rows = {(name, key_of(name, row)): row for name in span_tables()
            for row in loaded_rows(name)}
    for annotation in annotations:
        body = describing(annotation)
        assert body["fields"] == rows[body["table"], body["id"]], annotation["id"]


def test_every_target_is_the_plain_text_of_its_document(annotations):
    sources = {describing(a)["fields"]["document_id"]: a["target"]["source"]
               for a in annotations}
    assert sources == {"besa-pp-545": "urn:besa545:text:besa-pp-545"}


def test_no_invented_url(exported):
    """Only the model's context and URLs the data itself holds may appear."""
    data = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "data").glob("*.csv"))
    urls = set(re.findall(r"https?://[^\s\"\\]+", exported))
    assert urls - {CONTEXT} <= set(re.findall(r"https?://[^\s\"\\,]+", data))
    assert "example.org" not in exported and "example.com" not in exported
