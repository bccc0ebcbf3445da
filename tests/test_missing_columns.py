"""A column missing from a table's header, or a table's file missing, is one problem,
whichever it is.

Every check reads the whole table, where a missing column holds nulls; a check that read
those nulls as values would report a cascade (every event "without a target", every
passage "without a row") that the header-missing problem already explains. The only
other problem allowed is the documented one of a foreign key whose target column is the
missing one ("cannot be checked"), and that only when the table is neither one the texts
are derived from nor a derived table: without one of those, nothing across tables is
checked. Columns the build fills are left out: their absence means "run the build",
reported row by row as not-built.
"""

from __future__ import annotations

import pytest

from besa545.check.scheduler import validate
from besa545.model.package import DERIVED_TABLES, TEXT_INPUTS
from besa545.model.schema import table_names, table_schema
from helpers import drop_column, inject

COLUMNS = [(table, field.name) for table in table_names()
           for field in table_schema(table).fields if not field.is_computed]


def _referring_keys(table: str, column: str | None) -> set[tuple[str, None, str, str]]:
    """The foreign keys that point at ``table.column`` (at any column of ``table`` when
    None): they cannot be checked."""
    if table in TEXT_INPUTS or table in DERIVED_TABLES:
        return set()
    return {(f"data/{name}.csv", None, ", ".join(key.fields), "foreign-key-table")
            for name in table_names() for key in table_schema(name).foreign_keys
            if key.resource == table and (column is None or column in key.reference_fields)}


def test_every_table_has_columns_here():
    assert {table for table, _ in COLUMNS} == set(table_names()) - set(DERIVED_TABLES)


@pytest.mark.parametrize("table, column", COLUMNS, ids=[".".join(item) for item in COLUMNS])
def test_a_missing_column_is_reported_once(table, column, tmp_path):
    root, _ = inject(tmp_path, drop_column(table, column), True, lambda root: None)
    found = {(p.file, p.line, p.column, p.code) for p in validate(root, spec=False).problems}
    assert found == {(f"data/{table}.csv", 1, column, "header-missing")} | _referring_keys(
        table, column)


@pytest.mark.parametrize("table", table_names())
def test_a_missing_file_is_reported_once(table, tmp_path):
    root, _ = inject(tmp_path, lambda root: (root / "data" / f"{table}.csv").unlink(), True,
                     lambda root: None)
    found = {(p.file, p.line, p.column, p.code) for p in validate(root, spec=False).problems}
    assert found == {(f"data/{table}.csv", None, None, "file-missing")} | _referring_keys(
        table, None)
