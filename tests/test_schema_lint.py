"""Schemas as data to lint: a schema that cannot be read, or that is read but unusable, is
reported with a message that names the fault and the field it is in.

Each case is one small Table Schema written to a scratch package and read with
:func:`~besa545.model.schema.read_schema`, the one way the build and the validator read
schemas; the exact problems are compared.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from besa545.model.codes import lookup
from besa545.model.schema import (
    UnknownTableError,
    pattern_fault,
    read_schema,
    table_schema,
)

FILE = "schemas/t.json"
UNREADABLE = "restore it from the repository, or fix the JSON"
SCHEMA_INVALID_HINT = lookup("schema-invalid").hint  # the code's registered default
TYPES = "string, integer, number, boolean, date"
OUTSIDE = "is a URL; a schema may not refer to anything outside the package (frictionless " \
          "would fetch it)"


def field(name: str = "a", **constraints: Any) -> dict[str, Any]:
    return {"name": name, "type": "string", "constraints": constraints}


def problems_of(tmp_path: Path, descriptor: Any) -> list[tuple[str | None, str, str]]:
    """(column, message, hint) of each problem of the schema ``descriptor``."""
    (tmp_path / "schemas").mkdir(exist_ok=True)
    (tmp_path / FILE).write_text(json.dumps(descriptor), encoding="utf-8")
    schema, problems = read_schema(tmp_path, FILE, "t")
    assert (schema is None) == bool(problems)
    assert {(problem.file, problem.line, problem.code) for problem in problems} <= {
        (FILE, None, "schema-invalid")}
    return [(problem.column, problem.message, problem.hint) for problem in problems]


# --- a schema that cannot be read --------------------------------------------------------

@pytest.mark.parametrize("descriptor, reason", [
    ([], "a Table Schema is an object with a list of fields"),
    ({"fields": {}}, "a Table Schema is an object with a list of fields"),
    ({"fields": [{"type": "string"}]}, "each field is an object with a name"),
    ({"fields": ["a"]}, "each field is an object with a name"),
    ({"fields": [{"name": "a", "constraints": ["required"]}]},
     "the constraints of field 'a' are not an object"),
    ({"fields": [field()], "primaryKey": [1]},
     "primaryKey is not a field name or a list of field names"),
    ({"fields": [field()], "primaryKey": {"a": 1}},
     "primaryKey is not a field name or a list of field names"),
    ({"fields": [field()], "foreignKeys": {}}, "foreignKeys is not a list"),
    ({"fields": [field()], "foreignKeys": ["a"]},
     "each foreign key is an object with fields and a reference"),
    ({"fields": [field()], "foreignKeys": [{"fields": "a", "reference": "u.id"}]},
     "each foreign key is an object with fields and a reference"),
    ({"fields": [field()], "foreignKeys": [{"fields": "a", "reference": {"fields": "id"}}]},
     "a foreign key's reference names no resource"),
    ({"fields": [field()], "foreignKeys": [{"fields": 1, "reference": {
        "resource": "u", "fields": "id"}}]},
     "foreignKeys.fields is not a field name or a list of field names"),
    ({"fields": [field()], "foreignKeys": [{"fields": "a", "reference": {
        "resource": "u", "fields": None}}]},
     "foreignKeys.reference.fields is not a field name or a list of field names"),
])
def test_a_schema_of_the_wrong_shape_cannot_be_read(tmp_path, descriptor, reason):
    assert problems_of(tmp_path, descriptor) == [
        (None, f"the schema cannot be read: {reason}", UNREADABLE)]


def test_a_missing_schema_is_named_by_its_table(tmp_path):
    schema, problems = read_schema(tmp_path, FILE, "t")
    assert schema is None
    assert [(p.file, p.line, p.column, p.code, p.message) for p in problems] == [
        (FILE, None, None, "schema-missing", "the t table has no schema file")]


def test_a_schema_outside_the_package_is_not_read(tmp_path):
    (tmp_path / "elsewhere.json").write_text(json.dumps({"fields": [field()]}))
    (tmp_path / "schemas").mkdir()
    (tmp_path / FILE).symlink_to(tmp_path / "elsewhere.json")
    schema, problems = read_schema(tmp_path, FILE, "t")
    assert schema is None
    assert [(p.file, p.column, p.code) for p in problems] == [(FILE, None, "path-unsafe")]
    assert problems[0].message.startswith(f"{FILE} ")


# --- a schema that is read but unusable ----------------------------------------------------

@pytest.mark.parametrize("fields, faults", [
    ([field(), field()], [(None, "a field name is used twice")]),
    ([{"name": "a", "type": "geopoint"}],
     [("a", f"unknown type 'geopoint'; use one of {TYPES}")]),
    ([field(enum="x")], [("a", "enum must be a list of strings")]),
    ([field(enum=["x", 1])], [("a", "enum must be a list of strings")]),
    ([field(minimum=True)], [("a", "minimum must be a number, not True")]),
    ([field(maximum="10")], [("a", "maximum must be a number, not '10'")]),
    ([field(minimum=None, maximum=[1])],
     [("a", "minimum must be a number, not None"), ("a", "maximum must be a number, not [1]")]),
    ([field(pattern=5)], [("a", "pattern 5 is not a string")]),
    ([{"name": "a", "type": "integer", "example": 8}],
     [("a", 'example 8 must be a string (Data Package 2.0): "8"')]),
    ([field(pattern="(")], [("a", "pattern '(' is not a regular expression: missing ), "
                                  "unterminated subpattern at position 0")]),
    ([field(pattern="(?=a)a")], [("a", "pattern '(?=a)a' uses a construct (such as a lookahead "
                                       "or a backreference) that a linear-time regular "
                                       "expression engine cannot run")]),
])
def test_a_field_fault_is_named_with_its_field(tmp_path, fields, faults):
    assert problems_of(tmp_path, {"fields": fields}) == [
        (column, message, SCHEMA_INVALID_HINT) for column, message in faults]


def test_good_constraints_are_no_fault(tmp_path):
    constraints = {"enum": ["x", "y"], "minimum": 0, "maximum": 1.5, "pattern": "[a-z]+",
                   "required": True, "unique": True}
    assert problems_of(tmp_path, {"fields": [field(**constraints)]}) == []


def test_keys_must_name_fields(tmp_path):
    descriptor = {"fields": [field("a"), field("b")], "primaryKey": ["a", "c"],
                  "foreignKeys": [
                      {"fields": ["b", "d"], "reference": {"resource": "u", "fields": ["id"]}},
                      {"fields": [], "reference": {"resource": "u", "fields": []}},
                      {"fields": "a", "reference": {"resource": "u", "fields": "id"}}]}
    must = "a foreign key must list as many fields as the fields it references"
    assert problems_of(tmp_path, descriptor) == [
        ("c", "primary key field 'c' is not a field", SCHEMA_INVALID_HINT),
        ("d", "foreign key field 'd' is not a field", SCHEMA_INVALID_HINT),
        ("b, d", must, SCHEMA_INVALID_HINT),
        ("", must, SCHEMA_INVALID_HINT)]


def test_urls_are_refused_outside_prose_and_the_profile(tmp_path):
    descriptor = {
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "description": "see https://example.org", "title": "http://example.org",
        "fields": [{"name": "a", "type": "string", "example": "https://example.org/a",
                    "description": "https://example.org",
                    "constraints": {"enum": ["x", "HTTPS://example.org/b"]}},
                   {"name": "b", "type": "string", "rdfType": "//example.org/b"}],
        "profile": "mailto:someone", "x-note": "not a url: http", "x-count": 3}
    assert problems_of(tmp_path, descriptor) == [
        (None, f"{where} {OUTSIDE}", SCHEMA_INVALID_HINT)
        for where in ("fields[0].constraints.enum[1]", "fields[1].rdfType", "profile")]


def test_another_profile_is_a_url_to_refuse(tmp_path):
    descriptor = {"$schema": "https://example.org/tableschema.json", "fields": [field()]}
    assert problems_of(tmp_path, descriptor) == [
        (None, f"$schema {OUTSIDE}", SCHEMA_INVALID_HINT)]


def test_the_profile_under_another_key_is_a_url_to_refuse(tmp_path):
    descriptor = {"profile": "https://datapackage.org/profiles/2.0/tableschema.json",
                  "fields": [field()]}
    assert problems_of(tmp_path, descriptor) == [
        (None, f"profile {OUTSIDE}", SCHEMA_INVALID_HINT)]


@pytest.mark.parametrize("pattern, reason", [
    ("[a-z]+", None),
    ("", None),
    (None, "is not a string"),
    ("a{2", None),
    ("(a", "is not a regular expression: missing ), unterminated subpattern at position 0"),
    ("(a)\\1", "uses a construct (such as a lookahead or a backreference) that a linear-time "
               "regular expression engine cannot run"),
])
def test_pattern_fault(pattern, reason):
    assert pattern_fault(pattern) == reason


def test_an_unknown_table_is_a_key_error_naming_the_valid_tables():
    with pytest.raises(UnknownTableError) as raised:
        table_schema("nope")
    error = raised.value
    assert isinstance(error, KeyError)
    assert error.args == ("nope",)
    assert (error.name, error.valid[:2]) == ("nope", ["actor_relations", "actors"])
    assert str(error) == f"unknown table 'nope'; valid tables: {', '.join(error.valid)}"


# --- the official Table Schema 2.0 profile -----------------------------------------------

@pytest.mark.parametrize("change, column, message", [
    (lambda d: d.update(missingValues="x"), None,
     "breaks the Table Schema 2.0 profile at missingValues: \"'x' is not of type 'array'\""),
    (lambda d: d["fields"][0].update(title=5), "a",
     "breaks the Table Schema 2.0 profile at fields/0/title: \"5 is not of type 'string'\""),
    (lambda d: d["fields"][0].update(format=123), "a",
     "breaks the Table Schema 2.0 profile at fields/0/format: \"123 is not one of "
     "['default', 'email', 'uri', 'binary', 'uuid']\""),
    # no fields at all: the fault is at the list, not at a field
    (lambda d: (d.update(fields=[]), d.pop("primaryKey")), None,
     "breaks the Table Schema 2.0 profile at fields: '[] should be non-empty'"),
    # the profile's own message is cut at 200 characters (the quote and 198 of the value,
    # then an ellipsis)
    (lambda d: d["fields"][0].update(format="x" * 300), "a",
     "breaks the Table Schema 2.0 profile at fields/0/format: \"'" + "x" * 198 + "\u2026\""),
])
def test_a_schema_that_breaks_the_official_profile_is_refused(tmp_path, change, column,
                                                              message):
    """What the lint does not look at, the profile does: the validator and the build refuse
    a schema the official JSON Schema refuses, at the field where it breaks."""
    descriptor = {"fields": [field()], "primaryKey": ["a"]}
    assert problems_of(tmp_path, descriptor) == []
    change(descriptor)
    assert problems_of(tmp_path, descriptor) == [(column, message, SCHEMA_INVALID_HINT)]



def test_a_pattern_holding_an_invisible_character_is_refused(tmp_path):
    """A pattern is printed in the data dictionary: a bidirectional override in it would
    reorder what a reader sees there (and no cell may hold one anyway)."""
    descriptor = {"fields": [field(pattern="[a-z]+|\u202e=cmd")]}
    assert problems_of(tmp_path, descriptor) == [
        ("a", "pattern '[a-z]+|\\u202e=cmd' holds an invisible or control character, which "
              "no cell may hold", SCHEMA_INVALID_HINT)]


@pytest.mark.parametrize("key", ["title", "description"])
def test_a_title_or_description_that_is_not_a_string_is_refused(tmp_path, key):
    descriptor = {key: ["\u202eevil"], "fields": [field()]}
    assert problems_of(tmp_path, descriptor) == [
        (None, f"the table's {key} must be a string", SCHEMA_INVALID_HINT)]
