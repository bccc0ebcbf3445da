"""besa545: BESA Center Perspectives Paper No. 545 as typed, validated tables.

>>> import besa545
>>> events = besa545.load("events")          # a typed pandas DataFrame
>>> besa545.tables()                          # the table names

Importing this module is cheap: pandas and pyarrow load on the first call that needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from besa545.model.metadata import __version__

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from besa545.model.problems import Report

__all__ = [
    "__version__", "connect", "export", "load", "load_all", "package_path", "schema", "score",
    "tables", "text", "validate",
]

DEFAULT_DOCUMENT = "besa-pp-545"


def tables() -> list[str]:
    """Names of the dataset's tables, sorted."""
    from besa545.model.schema import table_names

    return table_names()


def load(name: str, *, format: str = "parquet") -> pd.DataFrame:
    """One table as a pandas DataFrame typed by its Table Schema.

    Enumerated columns are categoricals (categories in schema order), text columns ``str``,
    integers ``int64`` (``Int64`` where nullable), dates ``datetime64[ns]``; columns are in
    schema order with a plain RangeIndex. ``format`` is ``"parquet"`` (default, fast) or
    ``"csv"``; both give the same frame. Raises ``UnknownTableError`` (a ``KeyError``) for
    a name that is not a table, listing the valid names.
    """
    from besa545.use.load import load_table

    return load_table(name, format=format)


def load_all(*, format: str = "parquet") -> dict[str, pd.DataFrame]:
    """Every table, keyed by name, as :func:`load` returns it."""
    from besa545.use.load import load_all_tables

    return load_all_tables(format=format)


def schema(name: str) -> dict[str, Any]:
    """The Table Schema of ``name`` as a dict (fields, keys, descriptions)."""
    from besa545.model.schema import table_schema

    return table_schema(name).descriptor


def text(document_id: str = DEFAULT_DOCUMENT) -> str:
    """The plain text of a paper: the basis of every ``char_start``/``char_end``."""
    from besa545.use.load import document_text

    return document_text(document_id)


def package_path() -> Path:
    """Directory holding ``datapackage.json``, ``schemas/``, ``data/`` and ``sources/``."""
    from besa545.model.paths import package_path as locate

    return locate()


def connect() -> Any:
    """An in-memory DuckDB connection with one view per table, over the Parquet files.

    Needs the optional extra: ``pip install 'besa545[sql]'``.

    >>> con = besa545.connect()
    >>> con.sql("SELECT event_type, count(*) FROM events GROUP BY 1").df()
    """
    from besa545.use.sql import connect as open_connection

    return open_connection()


def validate(path: str | Path | None = None, *, spec: bool = True,
             time_budget: float | None = None) -> Report:
    """Check a data package; see :func:`besa545.check.scheduler.validate`."""
    from besa545.check.scheduler import validate as run

    return run(path, spec=spec, time_budget=time_budget)


def score(predictions: str | Path, gold: str | Path | None = None) -> dict[str, Any]:
    """Score a directory of prediction CSVs against the dataset (``docs/scoring.md``);
    see :func:`besa545.use.score.score`. Raises ``ScoreError`` (a ``ValueError`` naming
    the file and line) for a prediction that cannot be read."""
    from besa545.use.score import score as run

    return run(predictions, gold)


def export(format: str, out: str | Path, *, force: bool = False) -> Path:
    """Write the dataset for another tool and return ``out``: ``"webannotation"`` (W3C Web
    Annotation JSON-LD, one file), ``"brat"`` (brat standoff, a directory), ``"sqlite"``
    (a directory with ``besa545.db`` and Datasette's ``metadata.json``), ``"xlsx"`` (a
    workbook, one file), ``"stata"`` or ``"spss"`` (a directory with a file per table);
    the formats and what each writes are ``besa545.use.export.EXPORTS``. See
    :func:`besa545.use.export.export`. Raises ``OutputExistsError`` when ``out`` exists
    and ``force`` is false."""
    from besa545.use.export import export as run

    return run(format, out, force=force)
