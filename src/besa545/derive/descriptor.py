"""``datapackage.json`` (and ``datapackage-parquet.json``, derived from it): what the build
writes, and so what the validator expects.

The descriptor is generated, never edited: the reviewed metadata of
:mod:`besa545.model.metadata`, then one resource per Table Schema, at the canonical
paths, with its title and description from the schema and each file's size and hash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from besa545.model import metadata
from besa545.model.metadata import __version__
from besa545.model.paths import csv_file, parquet_file, schema_file
from besa545.model.schema import TableSchema

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"

# (bytes, hash) of a file, given its path relative to the package root
Sizes = Callable[[str], tuple[Any, Any]]


def package_descriptor(schemas: dict[str, TableSchema], sizes: Sizes) -> dict[str, Any]:
    """The descriptor of a package with these tables; ``sizes`` gives each file's
    ``bytes`` and ``hash``."""
    resources = []
    for name, schema in sorted(schemas.items()):
        csv, parquet = csv_file(name), parquet_file(name)
        csv_bytes, csv_hash = sizes(csv)
        parquet_bytes, parquet_hash = sizes(parquet)
        resources.append({
            "name": name,
            "title": schema.title,
            "description": schema.description,
            "path": csv,
            "schema": schema_file(name),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": csv_bytes,
            "hash": csv_hash,
            "parquet": {
                "path": parquet,
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "bytes": parquet_bytes,
                "hash": parquet_hash,
            },
        })
    return {
        "$schema": PROFILE,
        "name": metadata.NAME,
        "title": metadata.TITLE,
        "description": metadata.DESCRIPTION,
        "version": __version__,
        **({"homepage": metadata.HOMEPAGE} if metadata.HOMEPAGE else {}),
        "licenses": metadata.LICENSES,
        "sources": [metadata.SOURCE],
        "contributors": metadata.CONTRIBUTORS,
        "keywords": metadata.KEYWORDS,
        "resources": resources,
    }


def parquet_descriptor(descriptor: dict[str, Any]) -> dict[str, Any]:
    """``datapackage-parquet.json``: the package of ``descriptor`` with each table's Parquet
    copy as its resource (same name, Table Schema and metadata), so that a Frictionless
    tool reads the typed files. Derived from ``datapackage.json`` alone. Without sizes and
    hashes: frictionless does not measure a Parquet file, so it would report any recorded
    ones as wrong (``datapackage.json`` records them, and the validator checks them)."""
    resources = []
    for resource in descriptor["resources"]:
        parquet = resource["parquet"]
        resources.append({
            "name": resource["name"], "title": resource["title"],
            "description": resource["description"], "path": parquet["path"],
            "schema": resource["schema"], "format": parquet["format"],
            "mediatype": parquet["mediatype"],
        })
    return {**{key: value for key, value in descriptor.items() if key != "resources"},
            "resources": resources}
