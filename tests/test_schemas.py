"""The Table Schemas: the registry every column is defined in."""

from __future__ import annotations

import json

import pytest

from besa545.model.schema import table_names
from helpers import ROOT

SCHEMAS = {path.stem: json.loads(path.read_text(encoding="utf-8"))
           for path in sorted((ROOT / "schemas").glob("*.json"))}
TYPES = {"string", "integer", "number", "boolean", "date"}

# The tables and columns that DATA-MODEL.md requires (the design document, not the code).
REQUIRED_COLUMNS = {
    "documents": "document_id title series series_number publisher publication_date language "
                 "executive_summary raw_path text_path raw_sha256 text_sha256 char_count "
                 "word_count url",
    "paragraphs": "paragraph_id document_id position kind char_start char_end",
    "actors": "actor_id name actor_type description country_iso3 cameo_actor_code wikidata_id",
    "aliases": "actor_id alias",
    "mentions": "mention_id document_id actor_id char_start char_end surface paragraph_id",
    "authorships": "document_id position actor_id",
    "actor_relations": "subject_actor_id relation object_actor_id role_text evidence "
                       "char_start char_end",
    "events": "event_id document_id label description event_type cameo_code status date_text "
              "date_start date_end date_precision date_basis location_text location_iso3 "
              "evidence char_start char_end",
    "event_participants": "event_id actor_id role",
    "quotations": "quote_id document_id text quote_kind speaker_actor_id speaker_text medium "
                  "event_id cue char_start char_end",
    "links": "link_id document_id anchor_text char_start char_end target_url refers_to event_id",
    "topics": "topic_id label description",
    "stances": "stance_id document_id holder_actor_id topic_id polarity attribution quote_id "
               "evidence char_start char_end",
    "cameo_codes": "code name goldstein root_code",
}
PRIMARY_KEYS = {"aliases": ["actor_id", "alias"], "authorships": ["document_id", "position"],
                "actor_relations": ["subject_actor_id", "relation", "object_actor_id"],
                "event_participants": ["event_id", "actor_id", "role"]}


def test_the_fourteen_tables_of_the_data_model_have_a_schema():
    assert sorted(SCHEMAS) == sorted(REQUIRED_COLUMNS)
    assert table_names() == sorted(REQUIRED_COLUMNS)


@pytest.mark.parametrize("name", sorted(REQUIRED_COLUMNS))
def test_schema_has_every_required_column(name):
    names = [field["name"] for field in SCHEMAS[name]["fields"]]
    assert set(REQUIRED_COLUMNS[name].split()) <= set(names)
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", sorted(REQUIRED_COLUMNS))
def test_schema_is_documented_and_well_formed(name):
    schema = SCHEMAS[name]
    assert schema["description"].strip() and schema["title"].strip()
    assert schema["missingValues"] == [""]
    assert schema["$schema"].startswith("https://datapackage.org/profiles/2.0/")
    for field in schema["fields"]:
        assert field["type"] in TYPES, field
        assert len(field["description"]) > 10, field["name"]
        constraints = field.get("constraints", {})
        if "enum" in constraints:
            assert field["type"] == "string" and len(set(constraints["enum"])) == len(
                constraints["enum"])
        if "pattern" in constraints:
            assert alternatives_are_grouped(constraints["pattern"]), field["name"]


def alternatives_are_grouped(pattern: str) -> bool:
    """frictionless anchors a pattern as ^p$ without a group, so `a|b` would accept `aX`."""
    depth = 0
    for character in pattern:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == "|" and depth == 0:
            return False
    return True


def test_ungrouped_alternatives_are_detected():
    assert not alternatives_are_grouped("a|b")
    assert alternatives_are_grouped("(a|b)")


@pytest.mark.parametrize("name", sorted(REQUIRED_COLUMNS))
def test_keys_refer_to_existing_fields(name):
    schema = SCHEMAS[name]
    names = {field["name"] for field in schema["fields"]}
    assert set(schema["primaryKey"]) <= names
    if name in PRIMARY_KEYS:
        assert schema["primaryKey"] == PRIMARY_KEYS[name]
    for key in schema.get("foreignKeys", []):
        assert key["fields"] in names
        target = SCHEMAS[key["reference"]["resource"]]
        target_field = key["reference"]["fields"]
        assert target_field in {field["name"] for field in target["fields"]}
        assert target["primaryKey"] == [target_field]


def test_every_id_column_is_a_foreign_key_or_a_primary_key():
    suffixes = ("_actor_id", "actor_id", "event_id", "quote_id", "topic_id", "paragraph_id",
                "document_id", "cameo_code")
    for name, schema in SCHEMAS.items():
        own_key = schema["primaryKey"] if len(schema["primaryKey"]) == 1 else []
        keyed = set(own_key) | {key["fields"] for key in schema.get("foreignKeys", [])}
        for field in schema["fields"]:
            if field["name"].endswith(suffixes):
                assert field["name"] in keyed, (name, field["name"])
