"""The files layer: the descriptor, resource paths, sizes and hashes, Parquet copies.

(The bytes, header and rows of each CSV are checked as it is read, by
:mod:`besa545.model.csvfile`.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from besa545.model.csvfile import check_bytes
from besa545.model.hashing import file_sha256
from besa545.model.package import Package
from besa545.model.paths import DESCRIPTOR, unsafe_path
from besa545.model.problems import Outcome, Problem

if TYPE_CHECKING:
    import pandas as pd


def check_descriptor(root: Path) -> Outcome[dict[str, Any]]:
    """Parse ``datapackage.json`` and check that each resource path stays in the package."""
    file = DESCRIPTOR
    path = root / file
    if not path.is_file():
        return Outcome(None, [Problem(file, None, None, "descriptor-missing",
                                      f"there is no {file} in {root}")])
    text, problems = check_bytes(path.read_bytes(), file)
    if text is None:
        return Outcome(None, problems)
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as error:
        return Outcome(None, [Problem(file, error.lineno, None, "descriptor-json",
                                      f"invalid JSON: {error.msg} (column {error.colno})")])
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        return Outcome(None, [Problem(file, None, "resources", "descriptor-resources",
                                      "the descriptor has no list of resources")])
    names: set[str] = set()
    for position, resource in enumerate(descriptor["resources"]):
        shape = _resource_shape(resource, position, names)
        if shape:
            problems.append(shape)
            continue
        for key, value in _resource_paths(resource):
            reason = unsafe_path(root, value)
            if reason:
                problems.append(Problem(file, None, f"{resource.get('name')}.{key}",
                                        "path-unsafe", f"path {value!r} {reason}"))
    return Outcome(None if problems else descriptor, problems)


def _resource_shape(resource: Any, position: int, names: set[str]) -> Problem | None:
    """A resource must be an object with a unique name, a path and a schema path."""
    where = f"resources[{position}]"
    if not isinstance(resource, dict):
        return Problem(DESCRIPTOR, None, where, "descriptor-resource",
                       "the resource is not an object", "regenerate it with `besa545 build`")
    for key in ("name", "path", "schema"):
        if not isinstance(resource.get(key), str) or not resource[key]:
            return Problem(DESCRIPTOR, None, where, "descriptor-resource",
                           f"the resource has no {key}",
                           "each resource needs a name, a path and a schema path; "
                           "regenerate it with `besa545 build`")
    if resource["name"] in names:
        return Problem(DESCRIPTOR, None, where, "descriptor-resource",
                       f"the resource name {resource['name']!r} is used twice",
                       "give each table one resource")
    names.add(resource["name"])
    return None


def _resource_paths(resource: dict[str, Any]) -> list[tuple[str, Any]]:
    paths = [("path", resource.get("path")), ("schema", resource.get("schema"))]
    parquet = resource.get("parquet")
    if isinstance(parquet, dict):
        paths.append(("parquet.path", parquet.get("path")))
    return paths


def check_hashes(root: Path, descriptor: dict[str, Any]) -> list[Problem]:
    """Every file the descriptor lists exists and has the recorded size and hash."""
    problems = []
    for resource in descriptor["resources"]:
        entries = [resource]
        if isinstance(resource.get("parquet"), dict):
            entries.append(resource["parquet"])
        for entry in entries:
            file = str(entry.get("path"))
            path = root / file
            if not path.is_file():
                if entry is not resource:  # a missing CSV is reported when it is read
                    problems.append(Problem(file, None, None, "file-missing",
                                            "the Parquet copy does not exist",
                                            "run `besa545 build`"))
                continue
            recorded = (entry.get("bytes"), entry.get("hash"))
            actual = (path.stat().st_size, file_sha256(path))
            if recorded != actual:
                problems.append(Problem(file, None, None, "file-hash",
                                        f"the file has {actual[0]} bytes and hash {actual[1]}, "
                                        f"the descriptor records {recorded[0]} and {recorded[1]}",
                                        "run `besa545 build` to record the edited file"))
    return problems


def check_parquet(root: Path, descriptor: dict[str, Any], package: Package) -> list[Problem]:
    """Each Parquet copy holds the same rows as its CSV.

    Only the copies of CSVs without a problem of their own are reported on (a CSV with a
    bad value cannot be compared with its copy); :func:`parquet_of_broken_csvs` drops the
    others once every problem is known.
    """
    return [problem for resource in descriptor["resources"]
            if isinstance(resource.get("parquet"), dict)
            for problem in _check_parquet(root, resource, package)]


def parquet_of_broken_csvs(problems: list[Problem], descriptor: dict[str, Any]) -> set[Problem]:
    """The Parquet problems to leave out: those of a CSV that has problems of its own."""
    copies = {resource["parquet"]["path"]: resource["path"]
              for resource in descriptor["resources"]
              if isinstance(resource.get("parquet"), dict)}
    files = {problem.file for problem in problems}
    return {problem for problem in problems if problem.code.startswith("parquet-")
            and copies.get(problem.file) in files}


def _check_parquet(root: Path, resource: dict[str, Any], package: Package) -> list[Problem]:
    """Compare the Parquet copy with the CSV column by column, in Arrow.

    Each Parquet column is rendered as the CSV writes it (integers and booleans as text,
    dates as ISO dates, enums as their values); numbers are compared as numbers.
    """
    import pyarrow.parquet as pq

    name = resource["name"]
    path = root / resource["parquet"]["path"]
    if name not in package.tables or not path.is_file():
        return []
    file = resource["parquet"]["path"]
    schema, frame = package.schemas[name], package.tables[name].frame
    try:
        parquet = pq.ParquetFile(path)  # read a column at a time: the copies can be large
        same = parquet.metadata.num_rows == len(frame) and all(
            _same_column(parquet.read(columns=[field.name])[field.name], frame[field.name],
                         field.type)
            for field in schema.fields)
    except Exception as error:  # any unreadable file is a problem to report
        return [Problem(file, None, None, "parquet-unreadable",
                        f"the Parquet copy cannot be compared with the CSV: {error}",
                        "fix the CSV's values, then run `besa545 build`")]
    if not same:
        return [Problem(file, None, None, "parquet-stale",
                        f"the Parquet copy does not hold the same rows as {resource['path']}",
                        "run `besa545 build`")]
    return []


def _same_column(stored: Any, text: pd.Series, kind: str) -> bool:
    """Whether a Parquet column holds, row by row, the values of a CSV text column."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from besa545.model.vectors import arrow_text, numbers

    if kind == "number":
        left = stored.to_numpy()
        right = numbers(text)
        return bool(np.array_equal(left.astype(float), right, equal_nan=True))
    if kind == "date":
        stored = pc.strftime(stored, format="%Y-%m-%d")
    stored = pc.cast(stored, pa.string())
    csv_text = arrow_text(text)
    equal = pc.fill_null(pc.equal(stored, csv_text), False)
    both_null = pc.and_(pc.is_null(stored), pc.is_null(csv_text))
    return bool(pc.all(pc.or_(equal, both_null)).as_py())
