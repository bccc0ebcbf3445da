"""Loading tables into pandas, typed by their Table Schemas."""

from __future__ import annotations

from typing import TYPE_CHECKING

from besa545.model.paths import csv_path, package_path, parquet_path
from besa545.model.schema import coerce, table_names, table_schema

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("parquet", "csv")


def load_table(name: str, *, format: str = "parquet") -> pd.DataFrame:
    """Read table ``name`` from Parquet or CSV and give it the schema's dtypes."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; use one of: {', '.join(FORMATS)}")
    schema = table_schema(name)
    if format == "parquet":
        import pyarrow.parquet as pq

        frame = pq.read_table(parquet_path(name)).to_pandas(date_as_object=False)
    else:
        import pandas as pd

        frame = pd.read_csv(csv_path(name), dtype="str", keep_default_na=False,
                            na_values=[""])
    return coerce(frame, schema)


def load_all_tables(*, format: str = "parquet") -> dict[str, pd.DataFrame]:
    """Every table, keyed by name, as :func:`load_table` returns it."""
    return {name: load_table(name, format=format) for name in table_names()}


def document_text(document_id: str) -> str:
    """The plain text of ``document_id``, as listed in ``documents``."""
    import csv

    with csv_path("documents").open(encoding="utf-8", newline="") as stream:
        paths = {row["document_id"]: row["text_path"] for row in csv.DictReader(stream)}
    if document_id not in paths:
        raise KeyError(f"unknown document {document_id!r}; documents: {', '.join(sorted(paths))}")
    return (package_path() / paths[document_id]).read_text(encoding="utf-8")
