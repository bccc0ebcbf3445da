"""SQL access through DuckDB: one view per table, the same rows as pandas."""

from __future__ import annotations

import builtins

import pytest

import besa545
from besa545.use.sql import MissingExtraError


@pytest.fixture(scope="module")
def con():
    return besa545.connect()


def test_every_table_is_a_view_with_the_same_rows(con, tables):
    views = {row[0] for row in con.sql("SELECT view_name FROM duckdb_views() "
                                       "WHERE NOT internal").fetchall()}
    assert views == set(besa545.tables())
    for name, frame in tables.items():
        assert con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] == len(frame)


def test_dates_are_dates_in_sql(con):
    kind = con.execute("SELECT typeof(date_start) FROM events WHERE date_start IS NOT NULL "
                       "LIMIT 1").fetchall()[0][0]
    assert kind == "DATE"


def test_the_readme_join_gives_direct_quotations_with_speaker_and_date(con, tables):
    result = con.sql("""
        SELECT a.name AS speaker, q.medium, e.date_start, q.text
        FROM quotations q
        JOIN actors a ON a.actor_id = q.speaker_actor_id
        JOIN events e ON e.event_id = q.event_id
        WHERE q.quote_kind = 'direct'
        ORDER BY e.date_start NULLS LAST
    """).df()
    quotes = tables["quotations"]
    named = quotes[(quotes["quote_kind"] == "direct") & quotes["speaker_actor_id"].notna()]
    assert len(result) == len(named)
    first = result.iloc[0]
    assert (first["speaker"], first["medium"], str(first["date_start"])[:10]) == (
        "Rex Tillerson", "press_conference", "2017-03-01")


def test_missing_duckdb_gives_a_clear_message(monkeypatch):
    real_import = builtins.__import__

    def no_duckdb(name, *args, **kwargs):
        if name == "duckdb":
            raise ImportError("No module named 'duckdb'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_duckdb)
    with pytest.raises(MissingExtraError, match=r"pip install 'besa545\[sql\]'"):
        besa545.connect()


def test_every_view_and_column_has_its_schema_description(con):
    columns = con.sql("SELECT table_name, column_name, comment FROM duckdb_columns() "
                      "WHERE NOT internal").fetchall()
    comments = {(table, column): comment for table, column, comment in columns}
    for name in besa545.tables():
        for field in besa545.schema(name)["fields"]:
            assert comments[(name, field["name"])] == field["description"], (name, field)
    views = dict(con.sql("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal")
                 .fetchall())
    assert views["events"] == besa545.schema("events")["description"]
