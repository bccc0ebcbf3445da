"""One definition per recurring field: every occurrence in schemas/ equals the registry in
besa545.model.fields, identifiers are slugs, and a foreign key has its target's type."""

from __future__ import annotations

import json

import pytest

from besa545.model.fields import FOREIGN_IDENTIFIERS, ID_SUFFIX, SHARED, SLUG
from helpers import ROOT

SCHEMAS = {path.stem: json.loads(path.read_text(encoding="utf-8"))
           for path in sorted((ROOT / "schemas").glob("*.json"))}
FIELDS = [(table, field) for table, schema in SCHEMAS.items() for field in schema["fields"]]


def _holds(field: dict, reference: dict) -> bool:
    """Whether ``field`` has every key of ``reference`` (constraints key by key)."""
    for key, value in reference.items():
        if key == "constraints":
            constraints = field.get("constraints", {})
            if any(constraints.get(name) != wanted for name, wanted in value.items()):
                return False
        elif field.get(key) != value:
            return False
    return True


@pytest.mark.parametrize("name", sorted(SHARED))
def test_every_occurrence_of_a_shared_field_equals_the_registry(name):
    occurrences = [(table, field) for table, field in FIELDS if field["name"] == name]
    assert len(occurrences) >= 2, "a shared field occurs in several tables"
    assert [table for table, field in occurrences if not _holds(field, SHARED[name])] == []


def test_every_identifier_is_a_slug_and_every_slug_an_identifier():
    for table, field in FIELDS:
        pattern = field.get("constraints", {}).get("pattern")
        is_identifier = (field["name"].endswith(ID_SUFFIX)
                         and field["name"] not in FOREIGN_IDENTIFIERS)
        assert (pattern == SLUG) == is_identifier, (table, field["name"], pattern)


def test_the_slug_is_written_nowhere_else_in_the_code():
    sources = [path for path in (ROOT / "src").rglob("*.py") if path.name != "fields.py"]
    assert [str(path) for path in sources if SLUG in path.read_text(encoding="utf-8")] == []


def test_a_foreign_key_has_the_type_and_pattern_of_the_field_it_references():
    for table, schema in SCHEMAS.items():
        fields = {field["name"]: field for field in schema["fields"]}
        for key in schema.get("foreignKeys", []):
            names = [key["fields"]] if isinstance(key["fields"], str) else key["fields"]
            target = key["reference"]
            targets = ([target["fields"]] if isinstance(target["fields"], str)
                       else target["fields"])
            referenced = {field["name"]: field for field in
                          SCHEMAS[target["resource"]]["fields"]}
            for name, target_name in zip(names, targets, strict=True):
                mine, theirs = fields[name], referenced[target_name]
                assert mine.get("type", "string") == theirs.get("type", "string"), (table, name)
                assert (mine.get("constraints", {}).get("pattern")
                        == theirs.get("constraints", {}).get("pattern")), (table, name)


def test_the_registry_check_can_fail():
    """The comparison is not vacuous: a changed pattern or a missing constraint is caught."""
    reference = SHARED["document_id"]
    good = {"name": "document_id", "type": "string",
            "constraints": {"required": True, "pattern": SLUG, "unique": True}}
    assert _holds(good, reference)
    assert not _holds({**good, "constraints": {"required": True, "pattern": "[a-z]+"}},
                      reference)
    assert not _holds({**good, "type": "integer"}, reference)
