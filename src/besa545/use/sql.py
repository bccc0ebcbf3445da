"""SQL access: an in-memory DuckDB database with one view per table over the Parquet files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from besa545.model.paths import parquet_path
from besa545.model.schema import table_names, table_schema

if TYPE_CHECKING:
    import duckdb


class MissingExtraError(ImportError):
    """An optional dependency is not installed; the message says how to install it."""


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per table (``SELECT * FROM events``),
    each view and column carrying its schema's description as its comment."""
    try:
        import duckdb
    except ImportError as error:
        raise MissingExtraError(
            "besa545.connect() needs DuckDB, an optional extra: pip install 'besa545[sql]'"
        ) from error
    connection = duckdb.connect(":memory:")
    for name in table_names():
        path = _literal(str(parquet_path(name)))
        connection.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet({path})')
        schema = table_schema(name)  # the descriptions DuckDB shows in duckdb_columns()
        connection.execute(f'COMMENT ON VIEW "{name}" IS {_literal(schema.description)}')
        for field in schema.fields:
            connection.execute(f'COMMENT ON COLUMN "{name}"."{field.name}" IS '
                               f"{_literal(field.description)}")
    return connection


def _literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
