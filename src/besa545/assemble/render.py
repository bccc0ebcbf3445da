"""The bytes of every file the build writes, rendered from a package in memory.

The canonical CSVs, the typed Parquet copies, the plain texts, ``datapackage.json`` with
each file's size and hash and, in a repository checkout, the generated documentation
and citation files. Nothing here writes to disk.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from besa545.assemble.docs import GUIDE, README, refresh_block, render_docs
from besa545.derive.descriptor import package_descriptor, parquet_descriptor
from besa545.model import metadata
from besa545.model.csvfile import write_csv
from besa545.model.hashing import sha256
from besa545.model.package import Package
from besa545.model.paths import DESCRIPTOR, PARQUET_DESCRIPTOR, PARQUET_GUIDE, PARQUET_GUIDE_TEXT
from besa545.model.schema import TableSchema, coerce

if TYPE_CHECKING:
    import pandas as pd


# Snappy: the codec every Parquet reader decodes without extras (hyparquet in JavaScript
# included). Only the enum columns are dictionary-encoded: the validator reads a column
# with a dictionary page as a dictionary (to know its decoded size before decoding it),
# which is cheap when every page uses the dictionary and costly when the writer fell back
# to plain pages for a column of mostly distinct values.
PARQUET_OPTIONS = {"compression": "snappy", "write_statistics": True, "version": "2.6"}


def render(package: Package) -> dict[str, bytes]:
    """The bytes of every file the build writes, keyed by path relative to the root."""
    files: dict[str, bytes] = {}
    for document in package.documents.values():
        files[document.text_path] = document.text.encode("utf-8")
    for name, table in package.tables.items():
        schema = package.schemas[name]
        strings, typed = sorted_frames(table.frame, schema)
        files[f"data/{name}.csv"] = write_csv(strings)
        files[f"data/parquet/{name}.parquet"] = parquet_bytes(typed, schema)
    files[PARQUET_GUIDE] = PARQUET_GUIDE_TEXT.encode("utf-8")
    descriptor = package_descriptor(package.schemas, lambda path: (len(files[path]),
                                                                   sha256(files[path])))
    files[DESCRIPTOR] = descriptor_bytes(descriptor)
    files[PARQUET_DESCRIPTOR] = descriptor_bytes(parquet_descriptor(descriptor))
    if (package.root / "pyproject.toml").is_file():  # a repository, not an installed package
        files.update(render_repository_files(package, descriptor))
    return files


def descriptor_bytes(descriptor: dict[str, Any]) -> bytes:
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode()


def render_repository_files(package: Package, descriptor: dict[str, Any]) -> dict[str, bytes]:
    """Documentation and citation metadata, generated from the schemas and the metadata."""
    from besa545.assemble import citation

    texts = [package.root / GUIDE, package.root / README]
    files = render_docs(package, *(path.read_text(encoding="utf-8") if path.is_file() else None
                                   for path in texts))
    paper = encoded_paper(package)
    if README in files:
        quoted = "\n".join(f"> {line}" if line else "" for line in
                           citation.apa(paper).rstrip().split("\n"))
        readme = refresh_block(files[README].decode(), "citation", quoted)
        readme = refresh_block(readme, "licences", metadata.LICENSE_STATEMENT)
        files[README] = (citation.dataset_card(descriptor) + without_front_matter(readme)
                         ).encode()
    files["CITATION.cff"] = citation.cff(paper).encode("utf-8")
    files[".zenodo.json"] = citation.zenodo(paper).encode("utf-8")
    files["croissant.json"] = citation.croissant(descriptor, package.schemas, paper).encode()
    return files


def without_front_matter(text: str) -> str:
    """``text`` without a leading YAML block (``---`` to ``---``), if it has one."""
    if text.startswith("---\n") and (end := text.find("\n---\n", 3)) >= 0:
        return text[end + len("\n---\n"):]
    return text


def encoded_paper(package: Package) -> Any:
    """The first document's bibliographic facts, with its first author's name."""
    from besa545.assemble.citation import paper_from_rows

    document = package.tables["documents"].frame.iloc[0].to_dict()
    authorships = package.tables["authorships"].frame
    first = authorships[authorships["document_id"] == document["document_id"]].sort_values(
        "position", key=lambda column: column.astype(int))["actor_id"].iat[0]
    actors = package.tables["actors"].frame.set_index("actor_id")
    return paper_from_rows(document, actors.loc[first, "name"])


def sorted_frames(frame: pd.DataFrame, schema: TableSchema) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The string and typed frames in schema column order, rows sorted by primary key."""
    strings = frame[schema.field_names]
    typed = coerce(strings, schema)
    integers = {field.name: typed[field.name].astype("Int64").astype("str").where(
        typed[field.name].notna()) for field in schema.fields if field.type == "integer"}
    strings = strings.assign(**integers)  # canonical: "07" and "7.0" are written "7"
    order = typed.sort_values(list(schema.primary_key), kind="stable").index
    return strings.iloc[order].reset_index(drop=True), typed.iloc[order].reset_index(drop=True)


def parquet_bytes(typed: pd.DataFrame, schema: TableSchema) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow_schema = schema.arrow_schema()
    table = pa.Table.from_pandas(typed, schema=arrow_schema, preserve_index=False)
    table = table.replace_schema_metadata(arrow_schema.metadata)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **PARQUET_OPTIONS,
                   use_dictionary=[field.name for field in schema.fields if field.enum is not None])
    data: bytes = sink.getvalue().to_pybytes()
    return data
