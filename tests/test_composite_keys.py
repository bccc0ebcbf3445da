"""Keys of several fields: a foreign key of two fields is checked on both together, and a
primary key of two fields on the pair (the real package has only single-field foreign
keys, so these run on a small package built in memory); and an identifier spelt in three
cases, which the real package does not have either."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from besa545.check.tables import check_case_duplicates, check_columns, check_foreign_keys
from besa545.model.csvfile import StringTable
from besa545.model.package import Package
from besa545.model.schema import TableSchema, parse_schema


def _field(name: str) -> dict[str, str]:
    return {"name": name, "type": "string"}


SCHEMAS = {
    "places": parse_schema("places", {
        "fields": [_field("country"), _field("city")], "primaryKey": ["country", "city"]}),
    "visits": parse_schema("visits", {
        "fields": [_field("visit_id"), _field("country"), _field("city")],
        "primaryKey": "visit_id",
        "foreignKeys": [{"fields": ["country", "city"],
                         "reference": {"resource": "places", "fields": ["country", "city"]}}]}),
}


def _table(name: str, rows: list[tuple[str | None, ...]],
           absent: frozenset[str] = frozenset()) -> StringTable:
    columns = SCHEMAS[name].field_names
    frame = pd.DataFrame(rows, columns=columns).astype("str")
    return StringTable(name, f"data/{name}.csv", frame,
                       lines=np.arange(2, len(rows) + 2, dtype=np.int64), absent=absent)


PLACES = [("fr", "paris"), ("us", "paris"), ("us", "austin")]


def _package(visits: list[tuple[str | None, ...]], places=PLACES,
             absent: frozenset[str] = frozenset()) -> Package:
    tables = {"places": _table("places", places, absent), "visits": _table("visits", visits)}
    return Package(Path("."), SCHEMAS, tables, {})


def _found(problems) -> list[tuple]:
    return [(p.file, p.line, p.column, p.code, p.message, p.hint) for p in problems]


def test_a_two_field_foreign_key_is_checked_on_the_pair():
    visits = [("v1", "fr", "paris"), ("v2", "fr", "austin"), ("v3", "us", "paris"),
              ("v4", None, "nowhere"), ("v5", "de", None), ("v6", "us", "austin")]
    assert _found(check_foreign_keys(_package(visits))) == [(
        "data/visits.csv", 3, "country, city", "foreign-key",
        "'fr', 'austin' is not in places.country, city",
        "use an existing country, city from data/places.csv, or add a row there first")]


def test_a_pair_is_not_matched_across_the_separator():
    places = [("a\x1fb", "c"), ("a", "b\x1fc")]
    visits = [("v1", "a", "b\x1fc"), ("v2", "a\x1fb", "c"), ("v3", "a", "b")]
    assert [p.line for p in check_foreign_keys(_package(visits, places))] == [4]


def test_a_fresh_derived_table_is_not_checked_again():
    visits = [("v1", "fr", "austin")]
    assert check_foreign_keys(_package(visits), derived_fresh=frozenset({"visits"})) == []


def test_a_target_missing_a_referenced_column_is_reported_once():
    visits = [("v1", "fr", "austin")]
    package = _package(visits, [(country, None) for country, _ in PLACES],
                       absent=frozenset({"city"}))
    assert _found(check_foreign_keys(package)) == [(
        "data/visits.csv", None, "country, city", "foreign-key-table",
        "country, city cannot be checked: places.country, city could not be read",
        "fix the problems reported for places first")]


@pytest.mark.parametrize("places, lines", [
    ([("fr", "paris"), ("us", "paris"), ("fr", "lyon")], []),
    ([("fr", "paris"), ("us", "paris"), ("fr", "paris")], [2, 4]),
])
def test_a_two_field_primary_key_is_unique_as_a_pair(places, lines):
    table = _table("places", places)
    problems = check_columns({"places": table}, {"places": SCHEMAS["places"]})
    # pandera fails each field of the key: one problem per row, once the report sorts them
    assert sorted(set(_found(problems))) == [
        ("data/places.csv", line, "country, city", "primary-key",
         "the primary key (country, city) is not unique",
         "two rows share the same primary key; merge them or change one") for line in lines]


def test_schemas_are_table_schemas():
    assert all(isinstance(schema, TableSchema) for schema in SCHEMAS.values())


def test_each_of_three_spellings_that_differ_only_by_case_names_the_two_others():
    """One message is enough to find every row to fix: it lists the other spellings."""
    visits = [("Talks", "fr", "paris"), ("talks", "fr", "paris"), ("TALKS", "us", "paris"),
              ("v4", "us", "austin")]
    assert [(p.line, p.column, p.code, p.message)
            for p in check_case_duplicates(_package(visits))] == [
        (2, "visit_id", "id-case-duplicate", "'Talks' differs only by case from 'TALKS', 'talks'"),
        (3, "visit_id", "id-case-duplicate", "'talks' differs only by case from 'TALKS', 'Talks'"),
        (4, "visit_id", "id-case-duplicate", "'TALKS' differs only by case from 'Talks', 'talks'"),
    ]
